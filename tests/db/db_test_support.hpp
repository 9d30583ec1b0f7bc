// Shared by the db tests: a fresh schema per test in the database named by
// MUC_TEST_DB_URI (tests/db/run.sh starts one), and a libuv loop driven until the store's
// completions arrive. Without MUC_TEST_DB_URI the database tests skip.
#pragma once

#include <gtest/gtest.h>
#include <uv.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <utility>
#include <vector>

#include "db/pg_store.hpp"
#include "muc/store.hpp"

namespace db::test {

// `uri` with the libpq parameters added (URI or keyword/value form).
std::string with_params(const std::string& uri, const std::string& search_path,
                        const std::string& application_name);

// A directory under /tmp removed on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const;

 private:
  std::filesystem::path path_;
};

// Each test runs in its own schema (search_path), so tests are hermetic and may run in
// parallel against one database; the store's connection carries an application_name
// unique to the test, so a test can find and kill its backend.
class DbTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A new connection on the test's schema.
  std::unique_ptr<pqxx::connection> connect() const;
  // One value from a query on the test's schema.
  template <typename T>
  T query_value(const std::string& sql) const {
    auto conn = connect();
    pqxx::work t(*conn);
    return t.exec1(sql)[0].as<T>();
  }

  std::string base_uri_;
  std::string schema_;
  std::string app_name_;
  std::string uri_;  // base_uri_ with the schema and application name
};

// DbTest with migrations applied, a uv loop, and a PgStore on it.
class StoreTest : public DbTest {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Runs the loop until pred() holds or `timeout` passes; returns pred().
  bool run_until(const std::function<bool()>& pred,
                 std::chrono::milliseconds timeout = std::chrono::seconds(20));
  bool commit(const std::string& room, std::vector<muc::StoreOp> ops);
  std::pair<std::optional<muc::RoomSnapshot>, bool> load(const std::string& room);
  std::optional<muc::Tombstone> last_tombstone_;  // what the last load() found, if no room
  void make_store(const std::string& uri);

  uv_loop_t loop_{};
  uv_timer_t guard_{};
  bool timed_out_ = false;
  std::unique_ptr<PgStore> store_;
};

muc::StoreTime at(int seconds);  // a fixed base time + seconds, on whole microseconds

}  // namespace db::test
