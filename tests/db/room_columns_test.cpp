// The option descriptors (component/muc/options/) and the columns of table rooms are one
// list: every descriptor has its column with the type it declares, every configuration
// column has its descriptor, and muc_rooms shows every column but the secrets.
#include <gtest/gtest.h>

#include <set>

#include "muc/room_options.hpp"
#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

// Columns of rooms that are not room options: identity, life and destruction.
const std::set<std::string> kNotOptions = {
    "id",           "jid",          "creator",        "created_at",      "updated_at",
    "destroyed_at", "destroyed_by", "destroy_reason", "alternate_venue", "tombstone"};

std::string pg_type(std::string_view sql_type) {
  // information_schema's data_type for the types descriptors use.
  if (sql_type == "text[]") return "ARRAY";
  return std::string(sql_type);
}

using RoomColumnsTest = StoreTest;

TEST_F(RoomColumnsTest, EveryDescriptorHasItsColumnAndEveryColumnItsDescriptor) {
  auto conn = connect();
  pqxx::work t(*conn);
  std::map<std::string, std::string> columns;  // name -> data_type
  for (const auto& r : t.exec("SELECT column_name, data_type FROM information_schema.columns "
                              "WHERE table_schema = current_schema() AND table_name = 'rooms'")) {
    std::string name = r[0].as<std::string>();
    if (!kNotOptions.count(name)) columns[name] = r[1].as<std::string>();
  }
  std::set<std::string> described;
  for (const muc::OptionDescriptor& d : muc::room_options()) {
    std::string name(d.column.name);
    EXPECT_TRUE(described.insert(name).second) << "two descriptors store into " << name;
    auto it = columns.find(name);
    if (it == columns.end()) {
      ADD_FAILURE() << d.var << ": no column rooms." << name << " (add a migration)";
      continue;
    }
    EXPECT_EQ(it->second, pg_type(d.column.sql_type)) << "rooms." << name;
  }
  for (const auto& [name, type] : columns) {
    EXPECT_TRUE(described.count(name)) << "rooms." << name << " has no option descriptor";
  }
}

TEST_F(RoomColumnsTest, MucRoomsViewShowsEveryOptionButSecrets) {
  auto conn = connect();
  pqxx::work t(*conn);
  std::set<std::string> view;
  for (const auto& r : t.exec("SELECT column_name FROM information_schema.columns "
                              "WHERE table_schema = current_schema() "
                              "AND table_name = 'muc_rooms'")) {
    view.insert(r[0].as<std::string>());
  }
  for (const muc::OptionDescriptor& d : muc::room_options()) {
    EXPECT_EQ(view.count(std::string(d.column.name)) == 1, d.column.in_view)
        << "muc_rooms." << d.column.name;
  }
}

}  // namespace
}  // namespace db::test
