// db::migrate against a real PostgreSQL (docs/architecture.md, "Persistence": schema changes only
// through migrations/, refuse a schema newer than known).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "db/migrator.hpp"
#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class MigratorTest : public DbTest {
 protected:
  // A copy of the real migrations, for the tests that edit them.
  void copy_migrations(const TempDir& dir) {
    for (const auto& e : std::filesystem::directory_iterator(MUC_MIGRATIONS_DIR)) {
      std::filesystem::copy_file(e.path(), dir.path() / e.path().filename());
    }
  }
  std::string migrate_error(const std::filesystem::path& dir) {
    auto conn = connect();
    try {
      db::migrate(*conn, dir);
    } catch (const MigrationError& e) {
      return e.what();
    }
    return "(no error)";
  }
};

// The migrations shipped in migrations/, by name: the tests follow the directory, so adding
// a migration needs no edit here.
std::vector<std::string> shipped_names() {
  std::vector<std::string> names;
  for (const auto& m : read_migrations(MUC_MIGRATIONS_DIR)) names.push_back(m.name);
  return names;
}

int shipped_version() {
  return read_migrations(MUC_MIGRATIONS_DIR).back().version;
}

TEST_F(MigratorTest, AppliesEveryMigrationToAnEmptyDatabase) {
  auto conn = connect();
  auto report = db::migrate(*conn, MUC_MIGRATIONS_DIR);
  EXPECT_EQ(report.applied, shipped_names());
  EXPECT_THAT(shipped_names(), testing::IsSupersetOf({"0001_initial", "0002_views"}));
  EXPECT_EQ(report.version, shipped_version());
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM schema_migrations"),
            static_cast<int>(shipped_names().size()));
  // The checksum recorded is the file's SHA-256, as computed here.
  auto files = read_migrations(MUC_MIGRATIONS_DIR);
  EXPECT_EQ(query_value<std::string>("SELECT checksum FROM schema_migrations WHERE version = 1"),
            files.at(0).checksum);
  EXPECT_EQ(files.at(0).checksum.size(), 64u);
  // Tables and the public views landed in the test's schema.
  for (const char* rel : {"rooms", "affiliations", "registered_nicks", "subjects", "messages",
                          "audit_log", "muc_rooms", "muc_bans", "muc_members", "muc_audit",
                          "muc_messages", "muc_destroyed_rooms"}) {
    EXPECT_TRUE(query_value<bool>(std::string("SELECT to_regclass('") + rel + "') IS NOT NULL"))
        << rel;
  }
}

TEST_F(MigratorTest, UpgradesFromEveryOlderVersion) {
  // A database left at any earlier version (the first k migrations) is brought to the
  // latest by applying exactly the rest, in order.
  auto all = read_migrations(MUC_MIGRATIONS_DIR);
  for (std::size_t k = 1; k < all.size(); ++k) {
    {
      auto conn = connect();
      pqxx::work t(*conn);
      t.exec0("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE");
      t.exec0("CREATE SCHEMA " + schema_);
      t.commit();
    }
    TempDir older;
    for (std::size_t i = 0; i < k; ++i) older.write(all[i].name + ".sql", all[i].sql);
    auto conn = connect();
    EXPECT_EQ(db::migrate(*conn, older.path()).version, all[k - 1].version);
    auto report = db::migrate(*conn, MUC_MIGRATIONS_DIR);
    std::vector<std::string> rest;
    for (std::size_t i = k; i < all.size(); ++i) rest.push_back(all[i].name);
    EXPECT_EQ(report.applied, rest) << "from version " << all[k - 1].version;
    EXPECT_EQ(report.version, all.back().version);
  }
}

TEST_F(MigratorTest, RunningAgainAppliesNothing) {
  auto conn = connect();
  db::migrate(*conn, MUC_MIGRATIONS_DIR);
  auto again = db::migrate(*conn, MUC_MIGRATIONS_DIR);
  EXPECT_TRUE(again.applied.empty());
  EXPECT_EQ(again.version, shipped_version());
  EXPECT_TRUE(db::pending_migrations(*conn, MUC_MIGRATIONS_DIR).empty());
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM schema_migrations"),
            static_cast<int>(shipped_names().size()));
}

TEST_F(MigratorTest, PendingListsWhatAnEmptyDatabaseLacks) {
  auto conn = connect();
  EXPECT_EQ(db::pending_migrations(*conn, MUC_MIGRATIONS_DIR), shipped_names());
}

TEST_F(MigratorTest, RefusesADatabaseNewerThanTheFiles) {
  {
    auto conn = connect();
    db::migrate(*conn, MUC_MIGRATIONS_DIR);
    pqxx::work t(*conn);
    t.exec0(
        "INSERT INTO schema_migrations (version, name, checksum) "
        "VALUES (9999, '9999_from_the_future', 'x')");
    t.commit();
  }
  auto error = migrate_error(MUC_MIGRATIONS_DIR);
  EXPECT_THAT(error, HasSubstr("9999"));
  EXPECT_THAT(error, HasSubstr("newer build"));
  auto conn = connect();
  EXPECT_THROW(db::pending_migrations(*conn, MUC_MIGRATIONS_DIR), MigrationError);
}

TEST_F(MigratorTest, AcceptsAReviewedCommentOnlyRevisionAndRecordsTheNewChecksum) {
  // A database migrated before 0001's comments pointed at docs/architecture.md.
  const std::string before = "d9eeab1e6003f5e6097dd43893512e79008d820671af1f15e077e367cfe10222";
  {
    auto conn = connect();
    db::migrate(*conn, MUC_MIGRATIONS_DIR);
    pqxx::work t(*conn);
    t.exec_params0("UPDATE schema_migrations SET checksum = $1 WHERE version = 1", before);
    t.commit();
  }
  auto conn = connect();
  EXPECT_TRUE(db::pending_migrations(*conn, MUC_MIGRATIONS_DIR).empty());
  EXPECT_TRUE(db::migrate(*conn, MUC_MIGRATIONS_DIR).applied.empty());
  EXPECT_EQ(query_value<std::string>("SELECT checksum FROM schema_migrations WHERE version = 1"),
            db::read_migrations(MUC_MIGRATIONS_DIR).at(0).checksum);
}

TEST_F(MigratorTest, RefusesAnAppliedMigrationThatWasEdited) {
  TempDir dir;
  copy_migrations(dir);
  {
    auto conn = connect();
    db::migrate(*conn, dir.path());
  }
  std::ofstream(dir.path() / "0001_initial.sql", std::ios::app) << "\n-- an afterthought\n";
  auto error = migrate_error(dir.path());
  EXPECT_THAT(error, HasSubstr("0001_initial"));
  EXPECT_THAT(error, HasSubstr("changed after it was applied"));
}

TEST_F(MigratorTest, AppliesANewMigrationAfterTheOnesApplied) {
  TempDir dir;
  copy_migrations(dir);
  auto conn = connect();
  db::migrate(*conn, dir.path());
  dir.write("9000_extra.sql", "CREATE TABLE extra (x int);");
  auto report = db::migrate(*conn, dir.path());
  EXPECT_THAT(report.applied, ElementsAre("9000_extra"));
  EXPECT_EQ(report.version, 9000);
}

TEST_F(MigratorTest, AFailingMigrationLeavesNoTraceAndKeepsTheEarlierOnes) {
  TempDir dir;
  dir.write("0001_a.sql", "CREATE TABLE a (x int);");
  dir.write("0002_b.sql", "CREATE TABLE b (x int);\nSELECT no_such_function();");
  auto error = migrate_error(dir.path());
  EXPECT_THAT(error, HasSubstr("0002_b"));
  EXPECT_THAT(error, HasSubstr("no_such_function"));
  EXPECT_TRUE(query_value<bool>("SELECT to_regclass('a') IS NOT NULL"));
  EXPECT_TRUE(query_value<bool>("SELECT to_regclass('b') IS NULL"));
  EXPECT_EQ(query_value<int>("SELECT max(version) FROM schema_migrations"), 1);
}

TEST_F(MigratorTest, RefusesAPendingMigrationOlderThanAnAppliedOne) {
  TempDir dir;
  dir.write("0001_a.sql", "CREATE TABLE a (x int);");
  dir.write("0003_c.sql", "CREATE TABLE c (x int);");
  {
    auto conn = connect();
    db::migrate(*conn, dir.path());
  }
  dir.write("0002_b.sql", "CREATE TABLE b (x int);");
  EXPECT_THAT(migrate_error(dir.path()), HasSubstr("0002_b is pending but the later"));
}

TEST(MigrationFilesTest, RefuseBadNamesAndDuplicateVersions) {
  TempDir dir;
  dir.write("1_short.sql", "");
  EXPECT_THROW(read_migrations(dir.path()), MigrationError);
  std::filesystem::remove(dir.path() / "1_short.sql");
  dir.write("0001_a.sql", "");
  dir.write("0001_b.sql", "");
  EXPECT_THROW(read_migrations(dir.path()), MigrationError);
  EXPECT_THROW(read_migrations(dir.path() / "missing"), MigrationError);
}

TEST(MigrationFilesTest, ReadsTheProjectsMigrationsInOrder) {
  auto files = read_migrations(MUC_MIGRATIONS_DIR);
  ASSERT_GE(files.size(), 2u);
  for (std::size_t i = 0; i < files.size(); ++i)
    EXPECT_EQ(files[i].version, static_cast<int>(i) + 1);
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace db::test
