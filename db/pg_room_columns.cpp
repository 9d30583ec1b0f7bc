// The room configuration's columns, from the option descriptors (muc/options/): the save
// statement, the load statement's select list and their values. A new option's column is
// read and written without a line here (README, "Adding a room option").
#include <fmt/format.h>

#include "db/pg_sql.hpp"
#include "muc/room_options.hpp"

namespace db::sql {

std::string save_room_sql() {
  // $1 jid, $2 creator, $3 time; the options from $4 on, in descriptor order. Creates the
  // row, or updates every configuration column of the live one; the creator and created_at
  // stay as first saved.
  std::string columns;
  std::string values;
  std::string updates;
  int n = 4;
  for (const muc::OptionDescriptor& d : muc::room_options()) {
    const muc::Column& c = d.column;
    columns += fmt::format(", {}", c.name);
    values += fmt::format(", ${}::{}", n++, c.sql_type);
    updates += fmt::format(", {0} = EXCLUDED.{0}", c.name);
  }
  return fmt::format(R"(
    INSERT INTO rooms (jid, creator, created_at, updated_at{0})
    VALUES ($1, $2, {3}, {3}{1})
    ON CONFLICT (jid) WHERE destroyed_at IS NULL DO UPDATE SET
      updated_at = EXCLUDED.updated_at{2})",
                     columns, values, updates, timestamp_param(3));
}

std::vector<std::string> room_column_values(const muc::RoomConfig& config) {
  std::vector<std::string> out;
  for (const muc::OptionDescriptor& d : muc::room_options()) out.push_back(d.column.encode(config));
  return out;
}

std::string room_columns_select() {
  std::string out;
  for (const muc::OptionDescriptor& d : muc::room_options()) {
    out += fmt::format(", {}::text", d.column.name);
  }
  return out;
}

void decode_room_columns(const pqxx::row& row, std::size_t first, muc::RoomConfig& config) {
  std::size_t i = first;
  for (const muc::OptionDescriptor& d : muc::room_options()) {
    const pqxx::field& f = row[static_cast<pqxx::row::size_type>(i++)];
    std::string text = f.as<std::string>();
    if (!d.column.decode(config, text)) {
      // The column's CHECK makes this unreachable unless the schema and the code disagree.
      throw OpError(fmt::format("rooms.{} holds unknown value '{}'", d.column.name, text));
    }
  }
}

}  // namespace db::sql
