#include "db/pg_archive.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "db/pg_sql.hpp"

namespace db::sql {
namespace {

std::string param(int n) {
  return fmt::format("${}", n);
}

// Appends " AND <condition on $n>" where $n is the parameter `value` becomes.
template <typename Condition>
void where(ArchiveSql& s, Condition condition, std::string value) {
  s.params.push_back(std::move(value));
  s.text += " AND " + condition(static_cast<int>(s.params.size()));
}

// The room as a range of one value, never `room_id = $1`. Against an equality PostgreSQL
// drops room_id from the ORDER BY and may walk the primary key backwards filtering rooms,
// which for a quiet room in a busy table reads every newer row (99 ms against 0.06 ms for
// a room of 20,000 behind 1,000,000 others); as a range, only the archive index gives the
// order, and the page is one range scan of it.
constexpr std::string_view kThisRoom = "room_id >= $1 AND room_id <= $1 AND stanza_id IS NOT NULL";

// The conditions every read of the query shares; `bounded` adds its after/before bounds.
ArchiveSql filtered(std::string_view columns, const muc::ArchiveQuery& q, const ArchiveBounds& b,
                    bool bounded) {
  ArchiveSql s;
  s.params.push_back(std::to_string(b.room_id));
  s.text = fmt::format("SELECT {} FROM messages WHERE {}", columns, kThisRoom);
  // Bounds on the row number as bounds on the archive index's key, so that neither the
  // primary key nor a time index can serve them.
  const auto id_above = [](int n) { return "(room_id, id) > ($1, " + param(n) + "::bigint)"; };
  const auto id_below = [](int n) { return "(room_id, id) < ($1, " + param(n) + "::bigint)"; };
  if (bounded && b.after) where(s, id_above, std::to_string(*b.after));
  if (bounded && b.before) where(s, id_below, std::to_string(*b.before));
  // The time range as the rows it spans (resolve_archive_bounds), then exactly.
  if (b.first) where(s, id_above, std::to_string(*b.first - 1));
  if (b.last) where(s, id_below, std::to_string(*b.last + 1));
  if (q.start) {
    where(
        s, [](int n) { return "sent_at >= " + timestamp_param(n); },
        std::to_string(to_micros(*q.start)));
  }
  if (q.end) {
    where(
        s, [](int n) { return "sent_at <= " + timestamp_param(n); },
        std::to_string(to_micros(*q.end)));
  }
  if (q.with_nick)
    where(
        s, [](int n) { return "sender_nick = " + param(n); }, *q.with_nick);
  if (q.with_jid)
    where(
        s, [](int n) { return "sender_jid = " + param(n); }, *q.with_jid);
  if (!q.ids.empty()) {
    // Row numbers found by resolve_archive_bounds: inlined, they are integers.
    std::string list;
    for (std::int64_t id : b.only) list += (list.empty() ? "" : ", ") + std::to_string(id);
    s.text += " AND id IN (" + list + ")";
  }
  return s;
}

// The row of each stanza-id of `ids` in the room's archive; nullopt if one is missing.
std::optional<std::vector<std::int64_t>> rows_of(pqxx::transaction_base& t, std::int64_t room_id,
                                                 const std::vector<std::string>& ids) {
  std::vector<std::int64_t> rows;
  for (const std::string& sid : ids) {
    auto r = t.exec_prepared("archive_row", room_id, sid);
    if (r.empty()) return std::nullopt;
    rows.push_back(r[0][0].as<std::int64_t>());
  }
  return rows;
}

// ArchiveBounds::first and last for the query's start and end.
void span_time_range(pqxx::transaction_base& t, const muc::ArchiveQuery& q, ArchiveBounds& b) {
  const auto row = [&](const char* statement, muc::StoreTime at) -> std::optional<std::int64_t> {
    auto r = t.exec_prepared(statement, b.room_id, to_micros(at));
    if (r.empty()) return std::nullopt;
    return r[0][0].as<std::int64_t>();
  };
  if (q.start) {
    b.first = row("archive_from_time", *q.start);
    if (!b.first) b.empty = true;
  }
  if (q.end) {
    b.last = row("archive_to_time", *q.end);
    if (!b.last) b.empty = true;
  }
  if (b.first && b.last && *b.first > *b.last) b.empty = true;
}

muc::ArchivedMessage message_of(const pqxx::row& row) {
  muc::ArchivedMessage m;
  m.stanza_id = row[0].as<std::string>();
  m.nick = row[1].as<std::string>();
  m.sender_jid = row[2].as<std::string>();
  m.stanza_xml = row[3].as<std::string>();
  m.at = from_micros(row[4].as<std::int64_t>());
  return m;
}

constexpr std::string_view kColumns =
    "stanza_id, sender_nick, sender_jid, stanza_xml, "
    "(extract(epoch FROM sent_at) * 1000000)::bigint";

}  // namespace

void prepare_archive(pqxx::connection_base& c) {
  c.prepare("archive_room", "SELECT id FROM rooms WHERE jid = $1 AND destroyed_at IS NULL");
  // By the unique index messages_by_stanza_id (room_id, stanza_id).
  c.prepare("archive_row", "SELECT id FROM messages WHERE room_id = $1 AND stanza_id = $2");
  c.prepare("archive_first", fmt::format("SELECT {} FROM messages WHERE {} "
                                         "ORDER BY room_id, id LIMIT 1",
                                         kColumns, kThisRoom));
  c.prepare("archive_last", fmt::format("SELECT {} FROM messages WHERE {} "
                                        "ORDER BY room_id DESC, id DESC LIMIT 1",
                                        kColumns, kThisRoom));
  // The first and last row of a time range, by messages_by_room_time (room_id, sent_at, id).
  c.prepare("archive_from_time", fmt::format("SELECT id FROM messages WHERE {} AND sent_at >= {} "
                                             "ORDER BY room_id, sent_at, id LIMIT 1",
                                             kThisRoom, timestamp_param(2)));
  c.prepare("archive_to_time", fmt::format("SELECT id FROM messages WHERE {} AND sent_at <= {} "
                                           "ORDER BY room_id DESC, sent_at DESC, id DESC LIMIT 1",
                                           kThisRoom, timestamp_param(2)));
}

std::optional<ArchiveBounds> resolve_archive_bounds(pqxx::transaction_base& t,
                                                    const muc::ArchiveQuery& q, bool& unknown_id) {
  unknown_id = false;
  auto room = t.exec_prepared("archive_room", q.room);
  if (room.empty()) return std::nullopt;
  ArchiveBounds b;
  b.room_id = room[0][0].as<std::int64_t>();
  auto after = rows_of(t, b.room_id, q.after);
  auto before = rows_of(t, b.room_id, q.before);
  auto only = rows_of(t, b.room_id, q.ids);
  if (!after || !before || !only) {
    unknown_id = true;  // XEP-0313 4.1.3, 4.3.2
    return b;
  }
  if (!after->empty()) b.after = *std::max_element(after->begin(), after->end());
  if (!before->empty()) b.before = *std::min_element(before->begin(), before->end());
  b.only = std::move(*only);
  span_time_range(t, q, b);
  return b;
}

ArchiveSql archive_page_sql(const muc::ArchiveQuery& q, const ArchiveBounds& b) {
  ArchiveSql s = filtered(kColumns, q, b, true);
  const char* order = q.from_end ? "DESC" : "ASC";
  s.text += fmt::format(" ORDER BY room_id {0}, id {0} LIMIT {1}", order, q.max + 1);
  return s;
}

ArchiveSql archive_count_sql(const muc::ArchiveQuery& q, const ArchiveBounds& b) {
  return filtered("count(*)", q, b, false);
}

pqxx::result run(pqxx::transaction_base& t, const ArchiveSql& sql) {
  return t.exec_params(sql.text, pqxx::prepare::make_dynamic_params(sql.params));
}

muc::ArchivePage read_archive_page(pqxx::transaction_base& t, const muc::ArchiveQuery& q) {
  muc::ArchivePage page;
  bool unknown_id = false;
  std::optional<ArchiveBounds> b = resolve_archive_bounds(t, q, unknown_id);
  if (!b) {
    page.complete = true;  // no live room: an empty archive
    if (q.count) page.count = 0;
    return page;
  }
  if (unknown_id) {
    page.unknown_id = true;
    return page;
  }
  if (b->empty) {
    page.complete = true;
    if (q.count) page.count = 0;
    return page;
  }
  if (q.count) page.count = run(t, archive_count_sql(q, *b))[0][0].as<std::uint64_t>();
  if (q.max == 0) {
    page.complete = !page.count || *page.count == 0;
    return page;
  }
  pqxx::result rows = run(t, archive_page_sql(q, *b));
  page.complete = rows.size() <= q.max;
  const std::size_t n = std::min<std::size_t>(rows.size(), q.max);
  page.messages.reserve(n);
  for (std::size_t i = 0; i < n; ++i)
    page.messages.push_back(message_of(rows[static_cast<int>(i)]));
  // From the end the rows came newest first; a page is always oldest first.
  if (q.from_end) std::reverse(page.messages.begin(), page.messages.end());
  return page;
}

muc::ArchiveEnds read_archive_ends(pqxx::transaction_base& t, const std::string& room) {
  muc::ArchiveEnds ends;
  auto r = t.exec_prepared("archive_room", room);
  if (r.empty()) return ends;
  const auto id = r[0][0].as<std::int64_t>();
  auto first = t.exec_prepared("archive_first", id);
  if (first.empty()) return ends;
  ends.first = message_of(first[0]);
  ends.last = message_of(t.exec_prepared("archive_last", id)[0]);
  return ends;
}

}  // namespace db::sql
