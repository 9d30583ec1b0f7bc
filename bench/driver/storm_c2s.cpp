// End to end, join storm: N c2s clients log in through a real server (Prosody), client 0
// creates the room and submits the instant-room form, then clients 1..N-1 write their join
// presences back to back, and the driver waits until every client has its self-presence
// (status 110) and N presences from the room, or --timeout passes (then it reports how far
// it got). With --component BIN it first starts muc-component attached to the server's
// component port as --muc, and after the storm stops it with SIGTERM and reads its log
// (peak output queue, link drops) before the clients leave. A storm whose component lost
// its link ends --after-drop seconds (default 10) after the drop: what it had queued is lost.
//
//   muc-bench-driver c2s --scenario storm --port P --domain anon.localhost --muc MUC --n N
//        [--timeout S] [--login-timeout S] [--settle S] [--watch prosody=PID]...
//        [--component BIN --component-server HOST:PORT --secret S [--component-log FILE]
//        [--after-drop S]]
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "c2s_login.hpp"
#include "component_log.hpp"
#include "component_session.hpp"
#include "phase.hpp"
#include "storm.hpp"

namespace bench {
namespace {

struct StormClient {
  Conn conn;
  Login login = Login::header_sent;
  bool cfg_done = false, cfg_ok = false;
  bool gone = false;  // disconnected, or the server closed its stream
};

// Waits until the component's log says it is attached to the server; dies if it exits or
// takes longer than timeout_s.
void wait_attached(ComponentProcess& comp, const std::string& log, double timeout_s) {
  const auto deadline = Clock::now() + std::chrono::duration<double>(timeout_s);
  while (Clock::now() < deadline) {
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    const std::string s = text.str();
    if (s.find("attached to the XMPP server") != std::string::npos ||
        s.find("link: up") != std::string::npos) {
      return;
    }
    int st = 0;
    if (comp.exited(&st)) die(fmt::format("the component exited (status {}): {}", st, s));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  die(fmt::format("the component did not attach within {} s (log {})", timeout_s, log));
}

// Waits (at most max_s) until `pid` uses less than 10 % of a core over half a second: the
// server is done with what the storm left behind (e.g. N occupants leaving). Returns the
// seconds waited.
double settle(pid_t pid, double max_s) {
  const auto t0 = Clock::now();
  double prev = proc_cpu_seconds(pid);
  while (seconds_since(t0) < max_s) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const double cur = proc_cpu_seconds(pid);
    if (!(cur - prev >= 0.05)) break;  // NaN (gone) ends it too
    prev = cur;
  }
  return seconds_since(t0);
}

}  // namespace

int run_c2s_storm(const Args& a) {
  const auto n = static_cast<std::size_t>(a.num("n", 100));
  if (n < 2) die("--n must be at least 2");
  const int port = static_cast<int>(a.num("port", 5222));
  const std::string muc = a.get("muc", "muc.localhost");
  const std::string room = a.get("room", fmt::format("storm{}", now_ns() % 1000000007)) + "@" + muc;
  const double timeout_s = a.real("timeout", 300);
  const std::string history = "<history maxstanzas='0'/>";
  if (a.num("driver-cpu", -1) >= 0) pin_to_cpu(0, static_cast<int>(a.num("driver-cpu", -1)));
  std::vector<Watch> watches = watches_from_args(a);

  Json j;
  j.str("mode", "c2s");
  j.str("scenario", "storm");
  j.str("muc", muc);
  j.integer("n", static_cast<long long>(n));
  j.num("storm_timeout_s", timeout_s);

  // This component, attached to the server as `muc`, when asked to start it.
  ComponentProcess comp;
  ComponentOptions o;
  const bool spawn = a.flag("component");
  const bool own_log = !a.flag("component-log");
  if (spawn) {
    o.binary = a.get("component", "");
    o.domain = muc;
    const char* env_secret = std::getenv("MUC_SECRET");
    o.secret = a.get("secret", env_secret != nullptr ? env_secret : "");
    o.log_level = "info";  // the statistics line is logged at info
    o.log_file = component_log_path(own_log ? "" : a.get("component-log", ""));
    o.cpu = static_cast<int>(a.num("component-cpu", -1));
    comp.start(o, a.get("component-server", "127.0.0.1:5347"));
    wait_attached(comp, o.log_file, 15);
    watches.push_back({"component", comp.pid()});
  }

  Loop loop;
  std::vector<StormClient> clients(n);
  C2sLogin login(a.get("domain", "localhost"), a.get("sasl", "anonymous"),
                 a.get("user-prefix", "bench"));
  StormCounter counter(n, room);
  std::size_t gone = 0;
  auto lost = [&](StormClient& cl) {
    if (!cl.gone) {
      cl.gone = true;
      ++gone;
    }
  };
  loop.on_close = [&](Conn& c) { lost(clients[static_cast<std::size_t>(c.index)]); };
  loop.on_event = [&](Conn& c, const Event& e) {
    StormClient& cl = clients[static_cast<std::size_t>(c.index)];
    if (e.kind != Event::stanza) {
      if (e.kind == Event::footer) lost(cl);
      return;
    }
    if (cl.login != Login::ready && login.step(loop, c, cl.login, e)) return;
    if (e.name == "presence") {
      counter.presence(static_cast<std::size_t>(c.index), e, loop.last_read_ns());
    } else if (e.name == "iq" && e.id == "cfg") {
      cl.cfg_done = true;
      cl.cfg_ok = attribute(e.head, "type") == "result";
    }
  };
  for (auto& cl : clients) cl.conn.scan.keep_whole = true;

  const double login_s = login.open_all(
      loop, n, [&](std::size_t i) -> Conn& { return clients[i].conn; }, port,
      a.real("login-timeout", 120));
  j.num("login_s", login_s);

  // The owner creates the room; it is locked until the instant-room form is accepted.
  loop.queue(clients[0].conn, c2s_join(room, 0, history));
  wait_for(
      loop, [&] { return counter.is_in(0); }, 30, "the owner's join");
  loop.queue(clients[0].conn, c2s_instant_room(room, "cfg"));
  wait_for(
      loop, [&] { return clients[0].cfg_done; }, 30, "the owner's configuration");
  if (!clients[0].cfg_ok) die("the owner's configuration was refused");

  // The storm: every other client's join, back to back.
  std::vector<double> wcpu0;
  wcpu0.reserve(watches.size());
  for (const Watch& w : watches) wcpu0.push_back(proc_cpu_seconds(w.pid));
  const double dcpu0 = self_cpu_seconds();
  const std::int64_t t0 = now_ns();
  counter.start(t0);
  for (std::size_t i = 1; i < n; ++i) loop.queue(clients[i].conn, c2s_join(room, i, history));
  loop.flush();
  const double send_s = static_cast<double>(now_ns() - t0) / 1e9;
  const std::int64_t deadline = t0 + static_cast<std::int64_t>(timeout_s * 1e9);
  // A component that lost its link has lost what it had queued: the storm cannot complete,
  // so it ends --after-drop seconds after the drop shows in the component's log.
  const auto after_drop = static_cast<std::int64_t>(a.real("after-drop", 10) * 1e9);
  std::int64_t next_note = t0 + 10'000'000'000LL, next_log = t0 + 1'000'000'000LL, drop_ns = 0;
  while (!counter.all_delivered() && gone < n) {
    loop.poll(5);
    const std::int64_t now = now_ns();
    if (now >= deadline || (drop_ns > 0 && now - drop_ns >= after_drop)) break;
    if (spawn && drop_ns == 0 && now >= next_log) {
      next_log += 1'000'000'000LL;
      if (read_component_log(o.log_file).link_drops > 0) {
        drop_ns = now;
        note(fmt::format("{} storm N={}: the component lost its link after {:.1f} s", muc, n,
                         static_cast<double>(now - t0) / 1e9));
      }
    }
    if (now >= next_note) {
      note(fmt::format("{} storm N={}: {} after {:.0f} s", muc, n, counter.progress(),
                       static_cast<double>(now - t0) / 1e9));
      next_note += 10'000'000'000LL;
    }
  }
  const double elapsed = static_cast<double>(now_ns() - t0) / 1e9;
  const double dcpu = self_cpu_seconds() - dcpu0;

  j.num("storm_send_s", send_s);
  counter.describe(j);
  j.num("storm_elapsed_s", elapsed);
  j.integer("storm_timed_out", counter.all_delivered() || gone == n || drop_ns > 0 ? 0 : 1);
  j.integer("storm_stopped_after_drop", drop_ns > 0 && !counter.all_delivered() ? 1 : 0);
  j.num("storm_link_drop_seen_s", drop_ns > 0 ? static_cast<double>(drop_ns - t0) / 1e9 : NAN);
  j.integer("storm_clients_disconnected", static_cast<long long>(gone));
  j.num("storm_driver_cpu_pct", 100 * dcpu / elapsed);
  for (std::size_t i = 0; i < watches.size(); ++i) {
    const double cpu = proc_cpu_seconds(watches[i].pid) - wcpu0[i];
    j.num("storm_" + watches[i].name + "_cpu_s", cpu);
    j.num("storm_" + watches[i].name + "_cpu_pct", 100 * cpu / elapsed);
    if (watches[i].name == "component") {
      j.integer("component_peak_rss_kib", hwm_kib(watches[i].pid));
    }
  }
  if (spawn) {
    // Stopped before the clients leave, so that its figures are the join storm's alone.
    j.integer("component_clean_exit", comp.stop(10) ? 1 : 0);
    describe(j, read_component_log(o.log_file));
    if (own_log) std::remove(o.log_file.c_str());
  }
  note(fmt::format("{} storm N={}: {} in {:.2f} s", muc, n, counter.progress(), elapsed));

  for (auto& cl : clients) {
    if (!cl.gone) loop.queue(cl.conn, "</stream:stream>");
  }
  loop.flush();
  for (auto& cl : clients) ::close(cl.conn.fd);
  for (const Watch& w : watches) {
    if (w.name == "prosody") j.num("storm_settle_s", settle(w.pid, a.real("settle", 120)));
  }
  std::printf("%s\n", j.dump().c_str());
  return 0;
}

}  // namespace bench
