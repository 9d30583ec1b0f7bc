// Component alone: the driver plays the XMPP server on the XEP-0114 side. It listens on
// loopback, starts muc-component pointed at itself, accepts the handshake, then runs one
// scenario and prints one JSON object with the figures on stdout.
//
//   one-room    N occupants join one room (pipelined), then saturation and paced latency
//   many-rooms  N users each create a room of their own
//   persist     (needs --db) owner form with persistence and logging, sequential
//               affiliation changes timed to their iq result, then archive throughput
//   storm       N joins to one room at once against a slow reader (storm_component.cpp)
#include <cmath>
#include <cstdio>
#include <cstring>
#include <pqxx/pqxx>

#include <fmt/format.h>

#include "component_session.hpp"
#include "phase.hpp"
#include "storm.hpp"
#include "tracker.hpp"
#include "util.hpp"

namespace bench {
namespace {

// Joins users [first, first+count) into `room_of(i)`; a join is complete when its subject
// message (the last of XEP-0045 7.2's join sequence) arrives. At most `window` pending.
void join_pipelined(Session& s, std::size_t first, std::size_t count,
                    const std::function<std::string(std::size_t)>& room_of, std::size_t window) {
  std::uint64_t base = s.other_messages;
  std::size_t next = 0;
  wait_for(
      s.loop(),
      [&] {
        std::uint64_t done = s.other_messages - base;
        while (next < count && next - done < window) {
          s.send(presence_join(first + next, room_of(first + next), s.domain()));
          ++next;
        }
        return done >= count;
      },
      600, "joins");
}

std::vector<Watch> component_watch(Session& s) {
  return {{"component", s.pid()}};
}

int one_room(const Args& a, Json& j) {
  const auto n = static_cast<std::size_t>(a.num("n", 100));
  Session s(a);
  const std::string room = "r1";
  long rss0 = rss_kib(s.pid());
  double cpu0 = proc_cpu_seconds(s.pid());
  std::int64_t t0 = now_ns();
  // The owner creates the room (locked), accepts the default configuration, then the rest
  // come in.
  s.send(presence_join(0, room, s.domain()));
  wait_for(
      s.loop(), [&] { return s.other_messages >= 1; }, 30, "the owner's join");
  auto [cfg_ms, ok] = iq_roundtrip(s, owner_submit(0, room, s.domain(), "cfg", ""), "cfg");
  if (!ok) die("the owner's configuration submit was refused");
  join_pipelined(
      s, 1, n - 1, [&](std::size_t) { return room; },
      static_cast<std::size_t>(a.num("join-window", 64)));
  double join_s = static_cast<double>(s.loop().last_read_ns() - t0) / 1e9;
  double join_cpu = proc_cpu_seconds(s.pid()) - cpu0;
  long rss1 = rss_kib(s.pid());
  j.integer("n", static_cast<long long>(n));
  j.num("join_s", join_s);
  j.num("join_component_cpu_s", join_cpu);
  j.integer("join_presences", static_cast<long long>(s.presences));
  j.num("join_us_per_occupant", join_s * 1e6 / n);
  j.integer("rss0_kib", rss0);
  j.integer("rss_joined_kib", rss1);
  j.num("rss_per_occupant_bytes", 1024.0 * (rss1 - rss0) / n);
  note(fmt::format("N={} joined in {:.3f} s ({} presences out), RSS {} -> {} KiB", n, join_s,
                   s.presences, rss0, rss1));

  if (a.real("duration", 2) <= 0) return 0;
  Tracker tracker(static_cast<std::uint32_t>(n));
  s.tracker = &tracker;
  const auto body_bytes = static_cast<std::size_t>(a.num("body", 150));
  std::string buf;
  auto send = [&](std::uint64_t seq) {
    buf.clear();
    fmt::format_to(std::back_inserter(buf),
                   "<message type='groupchat' from='{}' to='{}@{}' id='m{}'><body>{}</body>"
                   "</message>",
                   user_jid(seq % n), room, s.domain(), seq, make_body(seq, body_bytes));
    s.send(buf);
  };
  auto bytes = [&] { return s.conn().scan.bytes; };
  auto watches = component_watch(s);

  PhaseOptions sat;
  sat.measure_s = a.real("duration", 2);
  sat.warmup_s = a.real("warmup", 0.5);
  // The window (messages in flight) is tuned unless given: short trials keeping about
  // 2000, 10000, 40000 copies in flight, the best is kept. Too small a window measures round
  // trips; too large, the component's per-turn batches grow to tens of MB.
  if (a.flag("window")) {
    sat.window = static_cast<std::uint64_t>(a.num("window", 16));
  } else {
    double best = -1;
    for (std::size_t copies : {2000u, 10000u, 40000u}) {
      PhaseOptions trial = sat;
      trial.warmup_s = 0.1;
      trial.measure_s = a.real("trial", 0.4);
      trial.window = std::max<std::uint64_t>(1, copies / n);
      if (trial.window == sat.window && best >= 0) continue;
      PhaseResult t = run_phase(s.loop(), tracker, send, bytes, trial, watches);
      note(fmt::format("window {}: {:.0f} stanzas out/s", trial.window, t.copies_per_s()));
      if (t.copies_per_s() > best) {
        best = t.copies_per_s();
        sat.window = trial.window;
      }
    }
  }
  PhaseResult rs = run_phase(s.loop(), tracker, send, bytes, sat, watches);
  describe(j, "sat_", rs, watches);
  j.integer("window", static_cast<long long>(sat.window));
  note(
      fmt::format("saturation: {:.0f} msgs in/s, {:.0f} stanzas out/s, component {:.0f}% CPU, "
                  "driver {:.0f}% CPU",
                  rs.sent / rs.seconds, rs.copies_per_s(), 100 * rs.watch_cpu_s[0] / rs.seconds,
                  100 * rs.driver_cpu_s / rs.seconds));
  long rss2 = rss_kib(s.pid());
  j.integer("rss_after_sat_kib", rss2);

  PhaseOptions lat = sat;
  lat.rate = a.real("rate-frac", 0.5) * rs.completed_per_s();
  if (a.flag("rate")) lat.rate = a.real("rate", 100);
  lat.window = Tracker::kRing / 2;
  j.num("lat_offered_msgs_per_s", lat.rate);
  PhaseResult rl = run_phase(s.loop(), tracker, send, bytes, lat, watches);
  describe(j, "lat_", rl, watches);
  std::vector<double> l = rl.latencies_ms;
  note(fmt::format("paced at {:.0f} msgs/s: p50 {:.3f} ms, p99 {:.3f} ms, component {:.0f}% CPU",
                   lat.rate, percentile(l, 50), percentile(l, 99),
                   100 * rl.watch_cpu_s[0] / rl.seconds));
  j.integer("unknown_ids", static_cast<long long>(tracker.unknown));
  j.integer("extra_copies", static_cast<long long>(tracker.extra));
  j.integer("stanzas_total", static_cast<long long>(s.stanzas()));
  j.integer("bytes_total", static_cast<long long>(s.conn().scan.bytes));
  (void)cfg_ms;
  return tracker.extra == 0 && tracker.unknown == 0 ? 0 : 3;
}

int many_rooms(const Args& a, Json& j) {
  const auto n = static_cast<std::size_t>(a.num("n", 100));
  Session s(a);
  long rss0 = rss_kib(s.pid());
  std::int64_t t0 = now_ns();
  join_pipelined(
      s, 0, n, [](std::size_t i) { return fmt::format("solo{}", i); },
      static_cast<std::size_t>(a.num("join-window", 256)));
  double join_s = static_cast<double>(s.loop().last_read_ns() - t0) / 1e9;
  long rss1 = rss_kib(s.pid());
  j.integer("n", static_cast<long long>(n));
  j.num("rooms_join_s", join_s);
  j.num("rooms_join_us_per_room", join_s * 1e6 / n);
  j.integer("rooms_rss0_kib", rss0);
  j.integer("rooms_rss_kib", rss1);
  j.num("rss_per_room_bytes", 1024.0 * (rss1 - rss0) / n);
  note(fmt::format("{} rooms of one created in {:.3f} s, RSS {} -> {} KiB", n, join_s, rss0, rss1));
  return 0;
}

int persist(const Args& a, Json& j) {
  if (!a.flag("db")) die("persist needs --db URI");
  const auto changes = static_cast<std::size_t>(a.num("changes", 200));
  const auto archive = static_cast<std::size_t>(a.num("archive", 5000));
  Session s(a);
  const std::string room = fmt::format("p{}", now_ns() % 1000000007);
  const std::string room_jid = room + "@" + s.domain();
  s.send(presence_join(0, room, s.domain()));
  wait_for(
      s.loop(), [&] { return s.other_messages >= 1; }, 30, "the owner's join");
  const std::string fields =
      "<field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig"
      "</value></field><field var='muc#roomconfig_persistentroom'><value>1</value></field>"
      "<field var='muc#roomconfig_enablelogging'><value>1</value></field>";
  auto [cfg_ms, ok] = iq_roundtrip(s, owner_submit(0, room, s.domain(), "pcfg", fields), "pcfg");
  if (!ok) die("the persistent room configuration was refused");
  j.num("config_ack_ms", cfg_ms);

  std::vector<double> lat;
  std::size_t refused = 0;
  for (std::size_t k = 1; k <= changes; ++k) {
    std::string id = fmt::format("aff{}", k);
    auto [ms, good] = iq_roundtrip(
        s,
        fmt::format("<iq type='set' id='{}' from='{}' to='{}'><query "
                    "xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='member' "
                    "jid='user{}@localhost'/></query></iq>",
                    id, user_jid(0), room_jid, k),
        id);
    if (!good) ++refused;
    lat.push_back(ms);
  }
  j.integer("aff_changes", static_cast<long long>(changes));
  j.integer("aff_refused", static_cast<long long>(refused));
  j.num("aff_ack_p50_ms", percentile(lat, 50));
  j.num("aff_ack_p99_ms", percentile(lat, 99));
  j.num("aff_ack_max_ms", lat.back());

  // Did it reach PostgreSQL? (A component that accepts --db but keeps state in memory
  // answers just as fast; its figures would not be persistence.)
  pqxx::connection db{a.get("db", "")};
  auto count = [&](const std::string& sql) {
    pqxx::work w{db};
    long v = w.exec_params1(sql, room_jid)[0].as<long>();
    w.commit();
    return v;
  };
  long members =
      count("SELECT count(*) FROM muc_members WHERE room = $1 AND affiliation = 'member'");
  j.integer("aff_rows_in_db", members);

  // Archive: the owner alone in the room sends `archive` messages, window-limited by their
  // reflection, then we poll the archive until every one is there.
  Tracker tracker(1);
  s.tracker = &tracker;
  long before = count("SELECT count(*) FROM muc_messages WHERE room = $1");
  std::string buf;
  const auto body_bytes = static_cast<std::size_t>(a.num("body", 150));
  std::int64_t t0 = now_ns();
  std::size_t sent = 0;
  wait_for(
      s.loop(),
      [&] {
        while (sent < archive && tracker.in_flight() < 512) {
          std::uint64_t seq = tracker.sent(now_ns());
          buf = fmt::format(
              "<message type='groupchat' from='{}' to='{}' id='m{}'><body>{}"
              "</body></message>",
              user_jid(0), room_jid, seq, make_body(seq, body_bytes));
          s.send(buf);
          ++sent;
        }
        return tracker.completed >= archive;
      },
      120, "archive messages reflected");
  double reflect_s = static_cast<double>(now_ns() - t0) / 1e9;
  long archived = 0;
  std::int64_t deadline = now_ns() + 60'000'000'000LL;
  std::int64_t t_last = now_ns();
  long last = -1;
  while (now_ns() < deadline) {
    archived = count("SELECT count(*) FROM muc_messages WHERE room = $1") - before;
    if (archived != last) t_last = now_ns();
    if (archived >= static_cast<long>(archive)) break;
    if (now_ns() - t_last > 5'000'000'000LL) break;  // no progress for 5 s
    last = archived;
    s.loop().poll(20);
  }
  double archive_s = static_cast<double>(t_last - t0) / 1e9;
  j.integer("archive_sent", static_cast<long long>(archive));
  j.integer("archive_rows", archived);
  j.num("archive_reflect_msgs_per_s", archive / reflect_s);
  j.num("archive_msgs_per_s", archived / archive_s);
  note(fmt::format(
      "config ack {:.2f} ms; affiliation ack p50 {:.2f} p99 {:.2f} ms ({} rows); "
      "archive {} of {} in {:.2f} s",
      cfg_ms, percentile(lat, 50), percentile(lat, 99), members, archived, archive, archive_s));
  return 0;
}

}  // namespace

int run_component_mode(const Args& a) {
  Json j;
  j.str("mode", "component");
  std::string scenario = a.get("scenario", "one-room");
  j.str("scenario", scenario);
  int rc = 0;
  if (a.num("driver-cpu", -1) >= 0) pin_to_cpu(0, static_cast<int>(a.num("driver-cpu", -1)));
  if (scenario == "one-room") {
    rc = one_room(a, j);
  } else if (scenario == "many-rooms") {
    rc = many_rooms(a, j);
  } else if (scenario == "storm") {
    rc = run_component_storm(a, j);
  } else if (scenario == "persist") {
    try {
      rc = persist(a, j);
    } catch (const std::exception& e) {
      die(std::string("persist: ") + e.what());
    }
  } else {
    die("unknown scenario " + scenario);
  }
  std::printf("%s\n", j.dump().c_str());
  return rc;
}

}  // namespace bench
