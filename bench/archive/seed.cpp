#include "bench/archive/seed.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "db/pg_sql.hpp"

namespace bench_archive {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Rows $1 <= g < $2. Row g is room 0's when g * room_rows mod rows < room_rows (exactly
// room_rows of them, evenly spread), else room 1 + g mod (rooms - 1). One message a second;
// the stanza-id is a UUIDv7 of its time (as muc::uuid_v7_source gives), the stanza what the
// room broadcast, as the store archives it.
constexpr const char* kInsert = R"(
INSERT INTO messages (room_id, sender_nick, sender_jid, message_id, body, stanza_xml, sent_at,
                      stanza_id)
SELECT ($6::bigint[])[k.n + 1], u.nick, u.nick || '@localhost', 'm' || g, b.body,
       format('<message from=''%1$s/%2$s'' type=''groupchat'' id=''m%3$s''><body>%4$s</body>'
              '<stanza-id xmlns=''urn:xmpp:sid:0'' id=''%5$s'' by=''%1$s''/>'
              '<occupant-id xmlns=''urn:xmpp:occupant-id:0'' id=''%6$s''/></message>',
              ($7::text[])[k.n + 1], u.nick, g, b.body, s.sid, left(md5(u.nick), 22)),
       t.at, s.sid
FROM generate_series($1::bigint, $2::bigint - 1) AS g
CROSS JOIN LATERAL (SELECT CASE WHEN g * $4::bigint % $3::bigint < $4::bigint THEN 0
                           ELSE 1 + g % greatest($5::bigint - 1, 1) END AS n) AS k
CROSS JOIN LATERAL (SELECT 'user' || (g * 7919 % 1000) AS nick,
                           timestamptz '2025-01-01 00:00:00+00' + g * interval '1 second' AS at,
                           md5(g::text) AS h) AS u
CROSS JOIN LATERAL (SELECT u.at AS at,
                           lpad(to_hex((extract(epoch FROM u.at) * 1000)::bigint), 12, '0') AS ms)
               AS t
CROSS JOIN LATERAL (SELECT substr(t.ms, 1, 8) || '-' || substr(t.ms, 9, 4) || '-7'
                           || substr(u.h, 1, 3) || '-' || substr('89ab', 1 + (g % 4)::int, 1)
                           || substr(u.h, 4, 3) || '-' || substr(u.h, 7, 12) AS sid) AS s
CROSS JOIN LATERAL (SELECT left('message ' || g || ': the quick brown fox jumps over the lazy '
                                'dog while the archive grows by one more line',
                                60 + (g % 41)::int) AS body) AS b)";

std::string array_of(const std::vector<std::string>& items) {
  std::string a = "{";
  for (const auto& item : items) a += (a.size() > 1 ? "," : "") + item;
  return a + "}";
}

struct Rooms {
  std::string ids;   // '{1,2,...}', room n's id at n + 1
  std::string jids;  // likewise
};

// The rooms, saved as the store saves them; an existing live room is kept.
Rooms ensure_rooms(pqxx::work& t, long rooms) {
  std::vector<std::string> ids, jids;
  for (long n = 0; n < rooms; ++n) {
    muc::RoomConfig config;
    config.persistent = true;
    db::sql::apply(
        t, muc::SaveRoom{room_jid(n), "owner@localhost", config, std::chrono::system_clock::now()});
    ids.push_back(t.exec_params1("SELECT id FROM rooms WHERE jid = $1 AND destroyed_at IS NULL",
                                 room_jid(n))[0]
                      .as<std::string>());
    jids.push_back(room_jid(n));
  }
  return {array_of(ids), array_of(jids)};
}

bool seeded_already(pqxx::work& t, const Sizes& s) {
  auto r = t.exec_params1(
      "SELECT count(*), count(*) FILTER (WHERE room_id = (SELECT id FROM rooms WHERE jid = $1 "
      "AND destroyed_at IS NULL)) FROM messages",
      room_jid(0));
  return r[0].as<long>() == s.rows && r[1].as<long>() == s.room_rows;
}

// The secondary indexes' definitions (the migrations', as PostgreSQL holds them), dropped.
std::vector<std::string> drop_indexes(pqxx::work& t) {
  std::vector<std::string> defs;
  for (const auto& row : t.exec("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                                "current_schema() AND tablename = 'messages' AND indexname <> "
                                "'messages_pkey' ORDER BY indexname")) {
    t.exec("DROP INDEX " + t.quote_name(row[0].as<std::string>()));
    defs.push_back(row[1].as<std::string>());
  }
  return defs;
}

void insert_rows(pqxx::work& t, const Sizes& s, const Rooms& rooms) {
  const long chunk = 1'000'000;
  for (long from = 0; from < s.rows; from += chunk) {
    const auto t0 = Clock::now();
    const long to = std::min(from + chunk, s.rows);
    t.exec_params(kInsert, from, to, s.rows, s.room_rows, s.rooms, rooms.ids, rooms.jids);
    std::fprintf(stderr, "  inserted %ld of %ld rows (%.1f s)\n", to, s.rows, seconds_since(t0));
  }
}

void create_indexes(pqxx::work& t, const std::vector<std::string>& defs) {
  for (const auto& def : defs) {
    const auto t0 = Clock::now();
    t.exec(def);
    std::fprintf(stderr, "  %s (%.1f s)\n", def.c_str(), seconds_since(t0));
  }
}

}  // namespace

std::string room_jid(long n) {
  return fmt::format("bench{}@conference.localhost", n);
}

bool seed(pqxx::connection& c, const Sizes& s) {
  const auto t0 = Clock::now();
  pqxx::work t(c);
  if (seeded_already(t, s)) return false;
  // One transaction: a seeding cut short leaves the table (and its indexes) as they were.
  t.exec("SET LOCAL maintenance_work_mem = '1GB'");
  t.exec("TRUNCATE messages RESTART IDENTITY");
  const Rooms rooms = ensure_rooms(t, s.rooms);
  // Building an index once is far quicker than growing it row by row.
  const std::vector<std::string> defs = drop_indexes(t);
  insert_rows(t, s, rooms);
  create_indexes(t, defs);
  t.commit();
  const auto t1 = Clock::now();
  pqxx::nontransaction(c).exec("VACUUM ANALYZE messages");
  std::fprintf(stderr, "  VACUUM ANALYZE messages (%.1f s)\n", seconds_since(t1));
  std::fprintf(stderr, "seeded in %.1f s\n", seconds_since(t0));
  return true;
}

}  // namespace bench_archive
