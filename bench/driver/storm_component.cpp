// Component alone, join storm against a slow reader: after the owner has created and
// configured the room, N-1 users send their join presences all at once while the driver
// (the XMPP server side) reads the component's output at a fixed rate (--read-rate MB/s;
// 0 = as fast as it can), until all N*N presences have arrived, the link is lost, or
// --timeout passes. Then the component is stopped with SIGTERM and its log read for its
// peak output queue and the times it lost the link.
//
//   muc-bench-driver component --scenario storm --component BIN --n N [--read-rate MBPS]
//                    [--timeout S] [--component-log FILE] [--driver-cpu C --component-cpu C]
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "component_log.hpp"
#include "component_session.hpp"
#include "phase.hpp"
#include "storm.hpp"

namespace bench {
namespace {

constexpr const char* kHistoryNone = "<history maxstanzas='0'/>";

// The bench user a stanza is addressed to (to='u<i>@...'), or SIZE_MAX.
std::size_t recipient(const Event& e) {
  std::string_view to = attribute(e.head, "to");
  std::size_t i = 0;
  if (to.size() < 2 || to[0] != 'u') return SIZE_MAX;
  auto [p, ec] = std::from_chars(to.data() + 1, to.data() + to.size(), i);
  return ec == std::errc() && p < to.data() + to.size() && *p == '@' ? i : SIZE_MAX;
}

// What happened to the link while the storm ran.
struct LinkWatch {
  bool closed = false;       // EOF, reset or </stream:stream> from the component
  bool reconnected = false;  // the component connected to us again
  std::int64_t closed_ns = 0, reconnected_ns = 0;
  std::string how;
};

using OnPresence = std::function<void(const Event&, std::int64_t t_ns)>;

// Reads at `rate` bytes/s (0: unlimited) from the component, writing `out` as the socket
// takes it, feeding every byte to the Session's scanner (presences to on_presence, with the
// time of the read), until done() or the link closes or the deadline passes. Returns the
// bytes read.
std::uint64_t slow_read(Session& s, std::string_view out, double rate, std::int64_t deadline,
                        const std::function<bool()>& done, const OnPresence& on_presence,
                        LinkWatch& link) {
  const int fd = s.conn().fd;
  Scanner& scan = s.conn().scan;
  std::vector<char> buf(std::size_t{256} * 1024);
  const double cap = rate > 0 ? std::max(64.0 * 1024, rate / 100) : 0;  // 10 ms of burst
  double budget = rate > 0 ? 16 * 1024 : 0;
  std::int64_t last = now_ns();
  std::size_t off = 0;
  std::uint64_t got = 0;
  std::int64_t read_ns = 0;
  auto on_event = [&](const Event& e) {
    if (e.kind == Event::footer && !link.closed) {
      link.closed = true;
      link.closed_ns = now_ns();
      link.how = "the component closed its stream";
    }
    if (e.kind == Event::stanza && e.name == "presence") on_presence(e, read_ns);
  };
  while (!done() && !link.closed) {
    const std::int64_t now = now_ns();
    if (now > deadline) break;
    if (rate > 0 && !link.reconnected) {
      budget = std::min(cap, budget + rate * static_cast<double>(now - last) / 1e9);
    }
    last = now;
    while (off < out.size()) {
      ssize_t w = ::send(fd, out.data() + off, out.size() - off, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w <= 0) break;
      off += static_cast<std::size_t>(w);
    }
    // After a reconnection the old connection only drains: read it at full speed.
    const bool unlimited = rate <= 0 || link.reconnected;
    std::size_t want =
        unlimited
            ? buf.size()
            : static_cast<std::size_t>(std::min<double>(budget, static_cast<double>(buf.size())));
    int wait_ms = 5;
    if (want >= 1024 || (unlimited && want > 0)) {
      ssize_t r = ::recv(fd, buf.data(), want, MSG_DONTWAIT);
      if (r > 0) {
        read_ns = now_ns();
        got += static_cast<std::uint64_t>(r);
        if (!unlimited) budget -= static_cast<double>(r);
        scan.feed(buf.data(), static_cast<std::size_t>(r), on_event);
        continue;
      }
      if (r == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
        link.closed = true;
        link.closed_ns = now_ns();
        link.how = r == 0 ? "the component closed the connection"
                          : fmt::format("read failed: {}", std::strerror(errno));
        break;
      }
    } else {
      // Sleep until the budget allows 4 KiB more.
      wait_ms = std::max(1, static_cast<int>(std::ceil((4096 - budget) / rate * 1e3)));
      want = 0;
    }
    pollfd p[2] = {
        {fd, static_cast<short>((want > 0 ? POLLIN : 0) | (off < out.size() ? POLLOUT : 0)), 0},
        {s.listen_fd(), static_cast<short>(link.reconnected ? 0 : POLLIN), 0}};
    ::poll(p, 2, wait_ms);
    if ((p[1].revents & POLLIN) != 0 && !link.reconnected) {
      link.reconnected = true;  // left in the backlog: we only note that it came back
      link.reconnected_ns = now_ns();
      if (link.how.empty()) link.how = "the component connected again";
    }
  }
  return got;
}

}  // namespace

int run_component_storm(const Args& a, Json& j) {
  const auto n = static_cast<std::size_t>(a.num("n", 1000));
  if (n < 2) die("--n must be at least 2");
  const double rate_mb = a.real("read-rate", 4);
  const double timeout_s = a.real("timeout", 300);
  ComponentOptions o = ComponentOptions::from_args(a);
  o.log_level = a.get("log-level", "info");  // the statistics line is logged at info
  const bool own_log = !a.flag("component-log");
  o.log_file = component_log_path(own_log ? "" : o.log_file);

  Session s(o);
  const std::string room = "storm";
  StormCounter counter(n, room + "@" + s.domain());
  s.conn().scan.keep_whole = true;
  s.on_presence = [&](const Event& e) {
    counter.presence(recipient(e), e, s.loop().last_read_ns());
  };
  // The owner creates the room (locked) and submits the instant-room form.
  s.send(presence_join(0, room, s.domain(), kHistoryNone));
  wait_for(
      s.loop(), [&] { return counter.is_in(0); }, 30, "the owner's join");
  auto [cfg_ms, ok] = iq_roundtrip(s, owner_submit(0, room, s.domain(), "cfg", ""), "cfg");
  if (!ok) die("the owner's configuration submit was refused");
  s.loop().flush();

  std::string joins;
  for (std::size_t i = 1; i < n; ++i) joins += presence_join(i, room, s.domain(), kHistoryNone);
  note(fmt::format("storm: {} joins ({} bytes) at once, reading at {}", n - 1, joins.size(),
                   rate_mb > 0 ? fmt::format("{:g} MB/s", rate_mb) : std::string("full speed")));
  const double cpu0 = proc_cpu_seconds(s.pid()), dcpu0 = self_cpu_seconds();
  const std::int64_t t0 = now_ns();
  counter.start(t0);
  LinkWatch link;
  const std::uint64_t bytes = slow_read(
      s, joins, rate_mb * 1e6, t0 + static_cast<std::int64_t>(timeout_s * 1e9),
      [&] { return counter.all_delivered(); },
      [&](const Event& e, std::int64_t t) { counter.presence(recipient(e), e, t); }, link);
  const double elapsed = static_cast<double>(now_ns() - t0) / 1e9;
  const double cpu = proc_cpu_seconds(s.pid()) - cpu0, dcpu = self_cpu_seconds() - dcpu0;
  const long hwm = hwm_kib(s.pid()), rss = rss_kib(s.pid());
  const bool clean_exit = s.process().stop(10);
  ComponentLogStats log = read_component_log(o.log_file);
  if (own_log) std::remove(o.log_file.c_str());

  j.integer("n", static_cast<long long>(n));
  j.num("storm_read_rate_mb_s", rate_mb);
  j.num("storm_timeout_s", timeout_s);
  counter.describe(j);
  j.num("storm_elapsed_s", elapsed);
  j.integer("storm_timed_out", !counter.all_delivered() && !link.closed ? 1 : 0);
  j.num("storm_mbytes_read", static_cast<double>(bytes) / 1e6);
  j.integer("storm_join_bytes", static_cast<long long>(joins.size()));
  j.integer("storm_link_closed", link.closed ? 1 : 0);
  j.num("storm_link_closed_s", link.closed ? static_cast<double>(link.closed_ns - t0) / 1e9 : NAN);
  j.str("storm_link_closed_how", link.how);
  j.integer("storm_reconnected", link.reconnected ? 1 : 0);
  j.num("storm_reconnected_s",
        link.reconnected ? static_cast<double>(link.reconnected_ns - t0) / 1e9 : NAN);
  j.num("storm_component_cpu_s", cpu);
  j.num("storm_component_cpu_pct", 100 * cpu / elapsed);
  j.num("storm_driver_cpu_pct", 100 * dcpu / elapsed);
  j.integer("component_peak_rss_kib", hwm);
  j.integer("component_rss_end_kib", rss);
  j.integer("component_clean_exit", clean_exit ? 1 : 0);
  describe(j, log);
  note(fmt::format(
      "storm N={}: {} in {:.2f} s; link {}; peak RSS {} KiB, peak queue {}, reconnecting lines {}",
      n, counter.progress(), elapsed,
      link.closed || link.reconnected ? "DROPPED (" + link.how + ")" : std::string("kept"), hwm,
      log.peak_queue_bytes >= 0 ? std::to_string(log.peak_queue_bytes) : std::string("n/a"),
      log.link_drops));
  (void)cfg_ms;
  return 0;
}

}  // namespace bench
