// End to end: N real c2s clients on one epoll loop (no TLS; SASL ANONYMOUS or PLAIN on
// loopback), against any XMPP server. They join one room of `--muc`, then the same
// saturation and paced-latency phases as the component-alone mode; CPU of the server and
// the component is read from /proc for the PIDs given with --watch name=PID.
#include <unistd.h>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "phase.hpp"
#include "tracker.hpp"
#include "util.hpp"

namespace bench {
namespace {

enum class St { header_sent, auth_sent, restarted, bind_sent, ready, joining, joined };

struct Client {
  Conn conn;
  St st = St::header_sent;
  bool cfg_done = false, cfg_ok = false;
};

}  // namespace

int run_c2s_mode(const Args& a) {
  const auto n = static_cast<std::size_t>(a.num("n", 50));
  const int port = static_cast<int>(a.num("port", 5222));
  const std::string host = a.get("domain", "localhost");
  const std::string muc = a.get("muc", "muc.localhost");
  const std::string room = a.get("room", fmt::format("bench{}", now_ns() % 1000000007)) + "@" + muc;
  const std::string sasl = a.get("sasl", "anonymous");
  const std::string prefix = a.get("user-prefix", "bench");
  if (a.num("driver-cpu", -1) >= 0) pin_to_cpu(0, static_cast<int>(a.num("driver-cpu", -1)));
  std::vector<Watch> watches;
  for (const std::string& w : a.all("watch")) {
    auto eq = w.find('=');
    if (eq == std::string::npos) die("--watch wants name=PID");
    watches.push_back({w.substr(0, eq), static_cast<pid_t>(std::stol(w.substr(eq + 1)))});
  }

  Loop loop;
  std::vector<Client> clients(n);
  Tracker tracker(static_cast<std::uint32_t>(n));
  bool traffic = false;
  std::uint64_t joined = 0, ready = 0, presences = 0, other_stanzas = 0;
  const std::string header = fmt::format(
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams' to='{}' version='1.0'>",
      host);

  loop.on_close = [](Conn& c) { die(fmt::format("client {} was disconnected", c.index)); };
  loop.on_event = [&](Conn& c, const Event& e) {
    Client& cl = clients[static_cast<std::size_t>(c.index)];
    if (e.kind != Event::stanza) {
      if (e.kind == Event::footer) die(fmt::format("server closed client {}'s stream", c.index));
      return;
    }
    if (e.name == "message") {
      if (traffic && tracker.copy(e.id, loop.last_read_ns())) return;
      if (cl.st == St::joining) {
        cl.st = St::joined;  // the subject closes the join sequence
        ++joined;
      }
      ++other_stanzas;
    } else if (e.name == "presence") {
      ++presences;
      if (e.head.find("type='error'") != std::string_view::npos ||
          e.head.find("type=\"error\"") != std::string_view::npos) {
        die(fmt::format("client {}: presence error joining {}", c.index, room));
      }
    } else if (e.name == "stream:features") {
      if (cl.st == St::header_sent) {
        std::string mech = sasl == "plain" ? "PLAIN" : "ANONYMOUS";
        std::string resp = "=";  // ANONYMOUS: an empty initial response
        if (sasl == "plain") {
          std::string user = prefix + std::to_string(c.index);
          resp = base64(std::string(1, '\0') + user + std::string(1, '\0') + user + "pw");
        }
        loop.queue(c, fmt::format("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                                  "mechanism='{}'>{}</auth>",
                                  mech, resp));
        cl.st = St::auth_sent;
      } else if (cl.st == St::restarted) {
        loop.queue(c,
                   "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                   "</iq>");
        cl.st = St::bind_sent;
      }
    } else if (e.name == "success") {
      loop.queue(c, header);
      cl.st = St::restarted;
    } else if (e.name == "failure") {
      die(fmt::format("client {}: SASL {} failed", c.index, sasl));
    } else if (e.name == "iq") {
      if (e.id == "bind") {
        cl.st = St::ready;
        ++ready;
      } else if (e.id == "cfg") {
        cl.cfg_done = true;
        cl.cfg_ok = e.head.find("result") != std::string_view::npos;
      } else {
        ++other_stanzas;
      }
    } else {
      ++other_stanzas;
    }
  };

  // Connect and log in, all at once.
  std::int64_t t0 = now_ns();
  for (std::size_t i = 0; i < n; ++i) {
    Client& cl = clients[i];
    cl.conn.fd = tcp_connect_loopback(port);
    if (cl.conn.fd < 0) die(fmt::format("client {}: connect to port {} failed", i, port));
    cl.conn.index = static_cast<int>(i);
    loop.add(cl.conn);
    loop.queue(cl.conn, header);
    if (i % 64 == 63) loop.poll(0);
  }
  wait_for(
      loop, [&] { return ready == n; }, 60, "all clients logged in");
  double login_s = static_cast<double>(now_ns() - t0) / 1e9;

  auto join = [&](std::size_t i) {
    clients[i].st = St::joining;
    loop.queue(clients[i].conn,
               fmt::format("<presence to='{}/n{}'><x xmlns='http://jabber.org/protocol/muc'/>"
                           "</presence>",
                           room, i));
  };
  t0 = now_ns();
  join(0);
  wait_for(
      loop, [&] { return joined == 1; }, 30, "the owner's join");
  loop.queue(clients[0].conn,
             fmt::format("<iq type='set' id='cfg' to='{}'><query "
                         "xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
                         "type='submit'/></query></iq>",
                         room));
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
