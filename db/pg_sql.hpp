// The SQL behind PgStore, run by its worker thread: one prepared statement per store
// operation (pg_ops.cpp) and the reads that rebuild a room (pg_load.cpp). Tables and
// columns are those of migrations/0001_initial.sql.
#pragma once

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>
#include <string_view>

#include "muc/store.hpp"

namespace db::sql {

// An operation that cannot apply, e.g. on a room that has no live row. Not a database
// failure: retrying will not help.
class OpError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Prepares every statement on a new connection (pg_ops.cpp; it calls prepare_load).
void prepare(pqxx::connection_base& conn);
void prepare_load(pqxx::connection_base& conn);
void prepare_archive(pqxx::connection_base& conn);
void prepare_retract(pqxx::connection_base& conn);

// Runs one operation inside `t`. Throws OpError or a pqxx error.
void apply(pqxx::transaction_base& t, const muc::StoreOp& op);

// The live room named `room`, or nullopt.
std::optional<muc::RoomSnapshot> load_room(pqxx::transaction_base& t, const std::string& room);
// What the newest room of this name that an owner destroyed left (muc/tombstone.hpp).
std::optional<muc::Tombstone> load_tombstone(pqxx::transaction_base& t, const std::string& room);

// Public, persistent, live rooms of one service domain (rooms.jid is node@domain), by JID,
// at most muc::Store::kMaxListed (disco#items).
std::vector<muc::RoomListing> list_public_rooms(pqxx::transaction_base& t,
                                                const std::string& domain);

// XEP-0313 reads of a room's archive (pg_archive.cpp; its statements in pg_archive.hpp).
muc::ArchivePage read_archive_page(pqxx::transaction_base& t, const muc::ArchiveQuery& query);
muc::ArchiveEnds read_archive_ends(pqxx::transaction_base& t, const std::string& room);

// XEP-0424/0425: replaces the message with its tombstone, archives the retraction and audits
// it (pg_retract.cpp). Throws OpError or a pqxx error.
muc::RetractResult retract_message(pqxx::transaction_base& t, const muc::RetractMessage& op);

// Times travel as microseconds since the Unix epoch, which timestamptz holds exactly.
std::int64_t to_micros(muc::StoreTime t);
muc::StoreTime from_micros(std::int64_t us);

// SQL for "the timestamptz of parameter $n", given as microseconds since the epoch.
std::string timestamp_param(int n);

// The configuration columns of table rooms, one per option descriptor (pg_room_columns.cpp).
std::string save_room_sql();  // $1 jid, $2 creator, $3 time, then room_column_values
std::vector<std::string> room_column_values(const muc::RoomConfig& config);
std::string room_columns_select();  // ", name::text, ..." in descriptor order
// Reads the columns of room_columns_select() from `row`, starting at index `first`. Throws
// OpError when a value is not one its descriptor knows.
void decode_room_columns(const pqxx::row& row, std::size_t first, muc::RoomConfig& config);

}  // namespace db::sql
