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

// Runs one operation inside `t`. Throws OpError or a pqxx error.
void apply(pqxx::transaction_base& t, const muc::StoreOp& op);

// The live room named `room`, or nullopt.
std::optional<muc::RoomSnapshot> load_room(pqxx::transaction_base& t, const std::string& room);

// Public, persistent, live rooms by JID, at most muc::Store::kMaxListed (disco#items).
std::vector<muc::RoomListing> list_public_rooms(pqxx::transaction_base& t);

// Times travel as microseconds since the Unix epoch, which timestamptz holds exactly.
std::int64_t to_micros(muc::StoreTime t);
muc::StoreTime from_micros(std::int64_t us);

// Text of the CHECK-constrained columns rooms.allow_pm and rooms.whois.
std::string_view to_text(muc::AllowPm v);
std::string_view to_text(muc::WhoIs v);
muc::AllowPm parse_allow_pm(std::string_view text);  // throws OpError on unknown text
muc::WhoIs parse_whois(std::string_view text);
// A PostgreSQL text[] literal for a role set, e.g. "{moderator,participant}".
std::string to_array(const muc::RoleSet& roles);

}  // namespace db::sql
