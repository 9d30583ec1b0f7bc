// The SQL of XEP-0313 archive reads (pg_archive.cpp), apart so that a benchmark can EXPLAIN
// exactly the statement the store runs. A page is built with only the conditions its query
// has and run as an unnamed statement, so PostgreSQL plans it for the actual values: one
// index range scan of messages_archive_order (or messages_by_room_time for a time range).
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "muc/store.hpp"

namespace db::sql {

// The row numbers a query's ids stand for, within the room's live row.
struct ArchiveBounds {
  std::int64_t room_id = 0;
  std::optional<std::int64_t> after;   // the greatest of the `after` ids' rows
  std::optional<std::int64_t> before;  // the least of the `before` ids' rows
  std::vector<std::int64_t> only;      // the `ids` rows (empty: any)
  // The rows the time range spans: the first message sent at or after `start`, the last
  // sent at or before `end`. The page is then a range of the archive index, not of time.
  std::optional<std::int64_t> first;
  std::optional<std::int64_t> last;
  bool empty = false;  // no message was sent within the time range
};

// nullopt when the room has no live row; `unknown_id` set when an id is not in its archive.
std::optional<ArchiveBounds> resolve_archive_bounds(pqxx::transaction_base& t,
                                                    const muc::ArchiveQuery& q, bool& unknown_id);

struct ArchiveSql {
  std::string text;
  std::vector<std::string> params;  // $1, $2, ... in PostgreSQL's text form
};

// The page: max + 1 rows from the query's end (the extra row says whether it is complete),
// columns stanza_id, sender_nick, sender_jid, stanza_xml, sent_at in microseconds.
ArchiveSql archive_page_sql(const muc::ArchiveQuery& q, const ArchiveBounds& b);
// Every match of the query's filters, its page bounds (after, before) aside (RSM <count/>).
ArchiveSql archive_count_sql(const muc::ArchiveQuery& q, const ArchiveBounds& b);

pqxx::result run(pqxx::transaction_base& t, const ArchiveSql& sql);

}  // namespace db::sql
