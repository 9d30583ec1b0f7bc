#include "tests/db/db_test_support.hpp"

#include <unistd.h>

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>

#include "db/migrator.hpp"

namespace db::test {

std::string with_params(const std::string& uri, const std::string& search_path,
                        const std::string& application_name) {
  if (uri.starts_with("postgresql://") || uri.starts_with("postgres://")) {
    const char sep = uri.find('?') == std::string::npos ? '?' : '&';
    return uri + sep + "options=-csearch_path%3D" + search_path +
           "&application_name=" + application_name;
  }
  return uri + " options='-csearch_path=" + search_path + "' application_name=" + application_name;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "muc-db-test.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void TempDir::write(const std::string& name, const std::string& text) const {
  std::ofstream out(path_ / name, std::ios::binary | std::ios::trunc);
  out << text;
}

void DbTest::SetUp() {
  const char* uri = std::getenv("MUC_TEST_DB_URI");
  if (uri == nullptr || *uri == '\0') {
    GTEST_SKIP() << "MUC_TEST_DB_URI is not set (tests/db/run.sh sets it)";
  }
  base_uri_ = uri;
  // Lower-case identifier from the test's name, unique per process as well.
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name();
  for (char& c : name) {
    c = std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  schema_ = "t" + std::to_string(::getpid()) + "_" + name.substr(0, 40);
  app_name_ = "muc_" + schema_;
  uri_ = with_params(base_uri_, schema_, app_name_);

  pqxx::connection admin(base_uri_);
  pqxx::work t(admin);
  t.exec0("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  t.exec0("CREATE SCHEMA " + schema_);
  t.commit();
}

void DbTest::TearDown() {
  if (schema_.empty()) return;  // skipped
  pqxx::connection admin(base_uri_);
  pqxx::work t(admin);
  t.exec0("SET LOCAL client_min_messages = warning");
  t.exec0("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
  t.commit();
}

std::unique_ptr<pqxx::connection> DbTest::connect() const {
  return std::make_unique<pqxx::connection>(uri_);
}

void StoreTest::SetUp() {
  DbTest::SetUp();
  if (IsSkipped()) return;
  {
    auto conn = connect();
    db::migrate(*conn, MUC_MIGRATIONS_DIR);
  }
  ASSERT_EQ(uv_loop_init(&loop_), 0);
  ASSERT_EQ(uv_timer_init(&loop_, &guard_), 0);
  guard_.data = this;
  make_store(uri_);
}

void StoreTest::make_store(const std::string& uri) {
  PgStoreOptions options;
  // Short delays keep the reconnect tests fast; the schedule's shape is the same.
  options.backoff_initial = std::chrono::milliseconds(10);
  options.backoff_max = std::chrono::milliseconds(200);
  store_ = std::make_unique<PgStore>(&loop_, uri, options);
}

void StoreTest::TearDown() {
  if (store_) {
    store_->close();
    store_.reset();
  }
  if (guard_.loop != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(&guard_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);  // runs the close callbacks
    EXPECT_EQ(uv_loop_close(&loop_), 0) << "a handle was left open";
  }
  DbTest::TearDown();
}

bool StoreTest::run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  timed_out_ = false;
  uv_timer_start(
      &guard_, [](uv_timer_t* t) { static_cast<StoreTest*>(t->data)->timed_out_ = true; },
      static_cast<std::uint64_t>(timeout.count()), 0);
  while (!pred() && !timed_out_) uv_run(&loop_, UV_RUN_ONCE);
  uv_timer_stop(&guard_);
  return pred();
}

bool StoreTest::commit(const std::string& room, std::vector<muc::StoreOp> ops) {
  std::optional<bool> result;
  store_->commit(room, std::move(ops), [&](bool ok) { result = ok; });
  EXPECT_TRUE(run_until([&] { return result.has_value(); })) << "commit never completed";
  return result.value_or(false);
}

std::pair<std::optional<muc::RoomSnapshot>, bool> StoreTest::load(const std::string& room) {
  std::optional<std::pair<std::optional<muc::RoomSnapshot>, bool>> result;
  last_tombstone_.reset();
  store_->load(room, [&](std::optional<muc::RoomSnapshot> found, bool ok,
                         std::optional<muc::Tombstone> tombstone) {
    result.emplace(std::move(found), ok);
    last_tombstone_ = std::move(tombstone);
  });
  EXPECT_TRUE(run_until([&] { return result.has_value(); })) << "load never completed";
  if (!result) return {std::nullopt, false};
  return std::move(*result);
}

muc::StoreTime at(int seconds) {
  // 2024-04-05T19:34:38.123456Z: microseconds, so that round trips compare exactly.
  return muc::StoreTime(std::chrono::microseconds(1712345678123456LL) +
                        std::chrono::seconds(seconds));
}

}  // namespace db::test
