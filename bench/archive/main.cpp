// The archive-read benchmark (issue 11; scripts/bench section 5): one XEP-0313 page of 50
// from a room of --room-rows archived messages among --rows in the table, timed through the
// store's own read (db::sql::read_archive_page) and shown with the plan of its SQL.
//
//   muc-bench-archive --db URI [--rows N] [--room-rows N] [--repeat N]
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <vector>

#include "db/migrator.hpp"
#include "db/pg_archive.hpp"
#include "db/pg_sql.hpp"

namespace {

struct Options {
  std::string db;
  long rows = 10'000'000;
  long room_rows = 1'000'000;
  int repeat = 20;
};

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

std::string room_jid(long n) {
  return fmt::format("bench{}@conference.localhost", n);
}

// The rooms, then messages in chunks: message g is room g % rooms', so that the measured
// room's messages are spread over the whole table as a live service writes them.
void seed(pqxx::connection& c, const Options& o) {
  const long rooms = std::max(1L, o.rows / o.room_rows);
  {
    pqxx::work t(c);
    if (t.exec1("SELECT count(*) FROM messages")[0].as<long>() >= o.rows) return;
    // Rooms are saved as the store saves them (every column from its option's descriptor).
    for (long n = 0; n < rooms; ++n) {
      muc::RoomConfig config;
      config.persistent = true;
      db::sql::apply(t, muc::SaveRoom{room_jid(n), "owner@localhost", config,
                                      std::chrono::system_clock::now()});
    }
    t.commit();
  }
  const long chunk = 1'000'000;
  for (long from = 0; from < o.rows; from += chunk) {
    const auto t0 = Clock::now();
    pqxx::work t(c);
    t.exec_params(R"(
      INSERT INTO messages (room_id, sender_nick, sender_jid, body, stanza_xml, sent_at, stanza_id)
      SELECT r0.id + g % $3::bigint, 'nick' || (g % 97), 'user' || (g % 97) || '@localhost', b.body,
             '<message type=''groupchat''><body>' || b.body || '</body></message>',
             timestamptz '2026-01-01' + g * interval '1 second', md5(g::text)
      FROM generate_series($1::bigint, $2::bigint - 1) AS g
      CROSS JOIN (SELECT min(id) AS id FROM rooms) AS r0
      CROSS JOIN LATERAL (SELECT 'message ' || g || ' of a benchmark, about as long as a '
                                 'chat line usually is' AS body) AS b)",
                  from, std::min(from + chunk, o.rows), rooms);
    t.commit();
    std::fprintf(stderr, "seeded %ld rows (%.1f s)\n", std::min(from + chunk, o.rows),
                 ms_since(t0) / 1000);
  }
  pqxx::nontransaction(c).exec("VACUUM ANALYZE messages");
}

struct Case {
  std::string name;
  muc::ArchiveQuery query;
};

std::vector<Case> cases(pqxx::connection& c, const Options& o) {
  muc::ArchiveQuery last;
  last.room = room_jid(0);
  last.from_end = true;  // what a client's first <before/> asks for
  muc::ArchiveQuery before = last;
  pqxx::work t(c);
  // The room's middle message: the room's (room_rows / 2)-th.
  before.before = {t.exec_params1("SELECT md5(($1::bigint * $2::bigint)::text)", o.room_rows / 2,
                                  std::max(1L, o.rows / o.room_rows))[0]
                       .as<std::string>()};
  muc::ArchiveQuery after = last;
  after.from_end = false;
  after.after = before.before;
  return {{"last page", last},
          {"page before a mid stanza-id", before},
          {"page after a mid stanza-id", after}};
}

// The case's figures as a JSON object; its plan goes to stderr (explain).
std::string measure(pqxx::connection& c, const Case& k, const Options& o) {
  std::vector<double> ms;
  std::size_t got = 0;
  for (int i = 0; i < o.repeat; ++i) {
    const auto t0 = Clock::now();
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(c);
    got = db::sql::read_archive_page(t, k.query).messages.size();
    t.commit();
    ms.push_back(ms_since(t0));
  }
  std::sort(ms.begin(), ms.end());
  if (got != k.query.max) throw std::runtime_error(fmt::format("{}: {} messages", k.name, got));
  return fmt::format(R"({{"case": "{}", "messages": {}, "median_ms": {:.3f}, "min_ms": {:.3f}, )"
                     R"("max_ms": {:.3f}}})",
                     k.name, got, ms[ms.size() / 2], ms.front(), ms.back());
}

void explain(pqxx::connection& c, const Case& k) {
  pqxx::read_transaction t(c);
  bool unknown = false;
  auto bounds = db::sql::resolve_archive_bounds(t, k.query, unknown);
  if (!bounds || unknown) return;
  db::sql::ArchiveSql s = db::sql::archive_page_sql(k.query, *bounds);
  s.text = "EXPLAIN (ANALYZE, BUFFERS) " + s.text;
  std::fprintf(stderr, "plan of the %s:\n", k.name.c_str());
  for (const auto& row : db::sql::run(t, s))
    std::fprintf(stderr, "  %s\n", row[0].as<std::string>().c_str());
}

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i];
    const std::string value = argv[i + 1];
    if (arg == "--db")
      o.db = value;
    else if (arg == "--rows")
      o.rows = std::stol(value);
    else if (arg == "--room-rows")
      o.room_rows = std::stol(value);
    else if (arg == "--repeat")
      o.repeat = std::stoi(value);
    else
      return false;
  }
  return !o.db.empty() && o.rows > 0 && o.room_rows > 0 && o.room_rows <= o.rows && o.repeat > 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fputs("usage: muc-bench-archive --db URI [--rows N] [--room-rows N] [--repeat N]\n",
               stderr);
    return 64;
  }
  try {
    pqxx::connection c(o.db);
    db::migrate(c, MUC_MIGRATIONS_DIR);
    db::sql::prepare(c);
    const auto t0 = Clock::now();
    seed(c, o);
    std::fprintf(stderr, "seeding: %.1f s\n", ms_since(t0) / 1000);
    std::string results;
    for (const Case& k : cases(c, o)) {
      results += (results.empty() ? "" : ", ") + measure(c, k, o);
      explain(c, k);
    }
    // One JSON object on stdout, as scripts/bench records each scenario's result.
    std::printf("{\"rows\": %ld, \"room_rows\": %ld, \"repeat\": %d, \"cases\": [%s]}\n", o.rows,
                o.room_rows, o.repeat, results.c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "muc-bench-archive: %s\n", e.what());
    return 1;
  }
  return 0;
}
