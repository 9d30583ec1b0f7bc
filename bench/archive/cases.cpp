#include "bench/archive/cases.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <utility>

#include "db/pg_archive.hpp"
#include "db/pg_sql.hpp"

namespace bench_archive {
namespace {

using Clock = std::chrono::steady_clock;
using ReadTransaction = pqxx::transaction<pqxx::repeatable_read, pqxx::read_only>;

// The room's middle message (by archive order): its stanza-id and time in microseconds.
std::pair<std::string, std::int64_t> middle(pqxx::connection& c, const Sizes& s) {
  pqxx::work t(c);
  auto r = t.exec_params1(
      "SELECT m.stanza_id, (extract(epoch FROM m.sent_at) * 1000000)::bigint FROM messages m "
      "JOIN rooms r ON r.id = m.room_id AND r.jid = $1 AND r.destroyed_at IS NULL "
      "WHERE m.room_id >= r.id AND m.room_id <= r.id AND m.stanza_id IS NOT NULL "
      "ORDER BY m.room_id, m.id OFFSET $2 LIMIT 1",
      room_jid(0), s.room_rows / 2);
  return {r[0].as<std::string>(), r[1].as<std::int64_t>()};
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\')
      out += {'\\', ch};
    else if (static_cast<unsigned char>(ch) < 0x20)
      out += fmt::format("\\u{:04x}", static_cast<int>(ch));
    else
      out += ch;
  }
  return out + "\"";
}

std::string json_strings(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + json_string(item);
  return "[" + out + "]";
}

// Milliseconds of each run, sorted.
std::vector<double> time_runs(pqxx::connection& c, const Case& k, int repeat) {
  std::vector<double> ms;
  for (int i = 0; i < repeat; ++i) {
    const auto t0 = Clock::now();
    ReadTransaction t(c);
    const std::size_t got = db::sql::read_archive_page(t, k.query).messages.size();
    t.commit();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    if (got != k.query.max)
      throw std::runtime_error(
          fmt::format("{}: a page of {} messages, not {}", k.name, got, k.query.max));
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

// The page SQL exactly as read_archive_page builds it, and its plan.
std::pair<db::sql::ArchiveSql, std::vector<std::string>> explain(pqxx::connection& c,
                                                                 const Case& k) {
  ReadTransaction t(c);
  bool unknown = false;
  const auto bounds = db::sql::resolve_archive_bounds(t, k.query, unknown);
  if (!bounds || unknown || bounds->empty)
    throw std::runtime_error(k.name + ": the room or a stanza-id is not in the archive");
  db::sql::ArchiveSql s = db::sql::archive_page_sql(k.query, *bounds);
  db::sql::ArchiveSql e = s;
  e.text = "EXPLAIN (ANALYZE, BUFFERS) " + s.text;
  std::vector<std::string> plan;
  for (const auto& row : db::sql::run(t, e)) plan.push_back(row[0].as<std::string>());
  return {s, plan};
}

}  // namespace

std::vector<Case> cases(pqxx::connection& c, const Sizes& s) {
  const auto [sid, at] = middle(c, s);
  muc::ArchiveQuery last;
  last.room = room_jid(0);
  last.from_end = true;  // a client's first <before/>: the newest page
  muc::ArchiveQuery before = last;
  before.before = {sid};
  muc::ArchiveQuery after;
  after.room = room_jid(0);
  after.after = {sid};
  muc::ArchiveQuery hour = after;
  hour.after.clear();
  hour.start = db::sql::from_micros(at);
  hour.end = *hour.start + std::chrono::hours(1);
  return {{"last page", last},
          {"page before a mid stanza-id", before},
          {"page after a mid stanza-id", after},
          {"first page of an hour (start..end)", hour}};
}

std::string measure(pqxx::connection& c, const Case& k, int repeat) {
  const std::vector<double> ms = time_runs(c, k, repeat);
  const auto [sql, plan] = explain(c, k);
  return fmt::format(
      R"({{"case": {}, "messages": {}, "repeat": {}, "median_ms": {:.3f}, "min_ms": {:.3f}, )"
      R"("max_ms": {:.3f}, "sql": {}, "params": {}, "plan": {}}})",
      json_string(k.name), k.query.max, repeat, ms[ms.size() / 2], ms.front(), ms.back(),
      json_string(sql.text), json_strings(sql.params), json_strings(plan));
}

}  // namespace bench_archive
