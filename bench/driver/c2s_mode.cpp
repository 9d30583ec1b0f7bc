// End to end: N real c2s clients on one epoll loop (no TLS; SASL ANONYMOUS or PLAIN on
// loopback), against any XMPP server. They join one room of `--muc`, then the same
// saturation and paced-latency phases as the component-alone mode; CPU of the server and
// the component is read from /proc for the PIDs given with --watch name=PID.
#include <unistd.h>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "c2s_login.hpp"
#include "phase.hpp"
#include "tracker.hpp"
#include "util.hpp"

namespace bench {
namespace {

struct Client {
  Conn conn;
  Login login = Login::header_sent;
  bool joining = false;  // join presence sent, subject not yet back
  bool cfg_done = false, cfg_ok = false;
};

}  // namespace

int run_c2s_storm(const Args& a);

int run_c2s_mode(const Args& a) {
  if (a.get("scenario", "traffic") == "storm") return run_c2s_storm(a);
  const auto n = static_cast<std::size_t>(a.num("n", 50));
  const int port = static_cast<int>(a.num("port", 5222));
  const std::string muc = a.get("muc", "muc.localhost");
  const std::string room = a.get("room", fmt::format("bench{}", now_ns() % 1000000007)) + "@" + muc;
  if (a.num("driver-cpu", -1) >= 0) pin_to_cpu(0, static_cast<int>(a.num("driver-cpu", -1)));
  std::vector<Watch> watches = watches_from_args(a);

  Loop loop;
  std::vector<Client> clients(n);
  Tracker tracker(static_cast<std::uint32_t>(n));
  C2sLogin login(a.get("domain", "localhost"), a.get("sasl", "anonymous"),
                 a.get("user-prefix", "bench"));
  bool traffic = false;
  std::uint64_t joined = 0;

  loop.on_close = [](Conn& c) { die(fmt::format("client {} was disconnected", c.index)); };
  loop.on_event = [&](Conn& c, const Event& e) {
    Client& cl = clients[static_cast<std::size_t>(c.index)];
    if (e.kind != Event::stanza) {
      if (e.kind == Event::footer) die(fmt::format("server closed client {}'s stream", c.index));
      return;
    }
    if (cl.login != Login::ready && login.step(loop, c, cl.login, e)) return;
    if (e.name == "message") {
      if (traffic && tracker.copy(e.id, loop.last_read_ns())) return;
      if (cl.joining) {
        cl.joining = false;  // the subject closes the join sequence
        ++joined;
      }
    } else if (e.name == "presence") {
      if (e.head.find("type='error'") != std::string_view::npos ||
          e.head.find("type=\"error\"") != std::string_view::npos) {
        die(fmt::format("client {}: presence error joining {}", c.index, room));
      }
    } else if (e.name == "iq" && e.id == "cfg") {
      cl.cfg_done = true;
      cl.cfg_ok = e.head.find("result") != std::string_view::npos;
    }
  };

  // Connect and log in, all at once.
  double login_s = login.open_all(
      loop, n, [&](std::size_t i) -> Conn& { return clients[i].conn; }, port, 60);

  auto join = [&](std::size_t i) {
    clients[i].joining = true;
    loop.queue(clients[i].conn, c2s_join(room, i));
  };
  std::int64_t t0 = now_ns();
  join(0);
  wait_for(
      loop, [&] { return joined == 1; }, 30, "the owner's join");
  loop.queue(clients[0].conn, c2s_instant_room(room, "cfg"));
  wait_for(
      loop, [&] { return clients[0].cfg_done; }, 30, "the owner's configuration");
  if (!clients[0].cfg_ok) die("the owner's configuration was refused");
  std::size_t next = 1;
  const auto jw = static_cast<std::size_t>(a.num("join-window", 32));
  wait_for(
      loop,
      [&] {
        while (next < n && next - joined < jw) join(next++);
        return joined == n;
      },
      120, "all joins");
  double join_s = static_cast<double>(now_ns() - t0) / 1e9;
  note(fmt::format("{} clients: login {:.2f} s, join {:.2f} s", n, login_s, join_s));

  traffic = true;
  const auto body_bytes = static_cast<std::size_t>(a.num("body", 150));
  std::string buf;
  auto send = [&](std::uint64_t seq) {
    buf.clear();
    fmt::format_to(std::back_inserter(buf),
                   "<message type='groupchat' to='{}' id='m{}'><body>{}</body></message>", room,
                   seq, make_body(seq, body_bytes));
    loop.queue(clients[seq % n].conn, buf);
  };
  auto bytes = [&] {
    std::uint64_t b = 0;
    for (auto& c : clients) b += c.conn.scan.bytes;
    return b;
  };

  Json j;
  j.str("mode", "c2s");
  j.str("muc", muc);
  j.integer("n", static_cast<long long>(n));
  j.num("login_s", login_s);
  j.num("join_s", join_s);
  PhaseOptions sat;
  sat.measure_s = a.real("duration", 3);
  sat.warmup_s = a.real("warmup", 0.5);
  sat.window = static_cast<std::uint64_t>(a.num("window", 16));
  if (!a.flag("no-sat")) {
    PhaseResult rs = run_phase(loop, tracker, send, bytes, sat, watches);
    describe(j, "sat_", rs, watches);
    j.integer("window", static_cast<long long>(sat.window));
    note(fmt::format("{} saturation: {:.0f} msgs/s in, {:.0f} stanzas/s delivered", muc,
                     rs.sent / rs.seconds, rs.copies_per_s()));
    if (!a.flag("rate")) sat.rate = a.real("rate-frac", 0.5) * rs.completed_per_s();
  }
  if (a.flag("rate")) sat.rate = a.real("rate", 100);
  if (sat.rate > 0) {
    PhaseOptions lat = sat;
    lat.window = Tracker::kRing / 2;
    j.num("lat_offered_msgs_per_s", lat.rate);
    PhaseResult rl = run_phase(loop, tracker, send, bytes, lat, watches);
    describe(j, "lat_", rl, watches);
    std::vector<double> l = rl.latencies_ms;
    note(fmt::format("{} paced {:.0f} msgs/s: p50 {:.2f} ms p99 {:.2f} ms", muc, lat.rate,
                     percentile(l, 50), percentile(l, 99)));
  }
  j.integer("unknown_ids", static_cast<long long>(tracker.unknown));
  j.integer("extra_copies", static_cast<long long>(tracker.extra));
  for (auto& c : clients) loop.queue(c.conn, "</stream:stream>");
  loop.flush();
  std::printf("%s\n", j.dump().c_str());
  return 0;
}

}  // namespace bench
