// PgStore's queue: order, group commit, failure and reconnection, shutdown (docs/architecture.md,
// "Data flow": operations of one room apply in order; nothing on the loop waits for
// PostgreSQL; a database failure is answered, not hidden).
#include <gtest/gtest.h>

#include <numeric>

#include "db/pg_in_doubt.hpp"
#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

const std::string kRoom = "lounge@conference.example.org";

muc::SaveRoom save() {
  muc::RoomConfig c;
  c.persistent = true;
  return {kRoom, "alice@x", c, at(0)};
}

muc::SetAffiliation affiliate(const std::string& jid, muc::Affiliation a) {
  return {kRoom, jid, a, "", "alice@x", at(1)};
}

muc::ArchiveMessage message(const std::string& room, int n) {
  static int stanza_ids = 0;  // unique within a room (0005_stanza_ids.sql)
  return {room,
          "Nick",
          "n@x",
          "",
          "s" + std::to_string(++stanza_ids),
          "body " + std::to_string(n),
          "<message/>",
          at(n),
          std::nullopt};
}

using PgStoreQueueTest = StoreTest;

TEST_F(PgStoreQueueTest, CommitsApplyAndCompleteInSubmissionOrder) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  // Submitted back to back, without waiting: member, then none, then admin.
  std::vector<int> completed;
  store_->commit(kRoom, {affiliate("bob@x", muc::Affiliation::member)},
                 [&](bool ok) { completed.push_back(ok ? 1 : -1); });
  store_->commit(kRoom, {affiliate("bob@x", muc::Affiliation::none)},
                 [&](bool ok) { completed.push_back(ok ? 2 : -2); });
  store_->commit(kRoom, {affiliate("bob@x", muc::Affiliation::admin)},
                 [&](bool ok) { completed.push_back(ok ? 3 : -3); });
  std::optional<muc::RoomSnapshot> loaded;
  store_->load(kRoom,
               [&](std::optional<muc::RoomSnapshot> found, bool ok, std::optional<muc::Tombstone>) {
                 EXPECT_TRUE(ok);
                 loaded = std::move(found);
                 completed.push_back(4);
               });
  ASSERT_TRUE(run_until([&] { return completed.size() == 4; }));
  EXPECT_EQ(completed, (std::vector<int>{1, 2, 3, 4}));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->affiliations.at("bob@x").affiliation, muc::Affiliation::admin);
}

TEST_F(PgStoreQueueTest, ArchiveOnlyCommitsAreGroupedIntoFewTransactions) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  const auto before = store_->stats();
  constexpr int kMessages = 2000;
  std::vector<int> completed;
  completed.reserve(kMessages);
  for (int i = 0; i < kMessages; ++i) {
    store_->commit(kRoom, {message(kRoom, i)}, [&completed, i](bool ok) {
      EXPECT_TRUE(ok) << i;
      completed.push_back(i);
    });
  }
  ASSERT_TRUE(run_until([&] { return completed.size() == kMessages; }));
  std::vector<int> expected(kMessages);
  std::iota(expected.begin(), expected.end(), 0);
  EXPECT_EQ(completed, expected);
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM messages"), kMessages);
  // In id order too: the group kept the submission order.
  EXPECT_TRUE(
      query_value<bool>("SELECT bool_and(ordered) FROM (SELECT sent_at >= lag(sent_at, "
                        "1, sent_at) OVER (ORDER BY id) AS ordered FROM messages) m"));
  const auto after = store_->stats();
  EXPECT_EQ(after.jobs - before.jobs, static_cast<std::uint64_t>(kMessages));
  // The loop queues far faster than PostgreSQL commits, so most jobs share a transaction.
  EXPECT_LT(after.transactions - before.transactions, static_cast<std::uint64_t>(kMessages / 2))
      << "group commit did not group";
}

TEST_F(PgStoreQueueTest, ABadJobInAGroupFailsAlone) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  std::vector<std::pair<int, bool>> completed;
  for (int i = 0; i < 100; ++i) {
    // Job 50 archives into a room that has no row.
    std::string room = i == 50 ? "nowhere@conference.example.org" : kRoom;
    store_->commit(room, {message(room, i)},
                   [&completed, i](bool ok) { completed.emplace_back(i, ok); });
  }
  ASSERT_TRUE(run_until([&] { return completed.size() == 100; }));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(completed[i].first, i);
    EXPECT_EQ(completed[i].second, i != 50) << i;
  }
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM messages"), 99);
}

TEST_F(PgStoreQueueTest, ReconnectsAfterItsBackendIsKilled) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  const auto connects = store_->stats().connects;
  {
    // From a second connection, as an operator or a server restart would. The timeout
    // makes pg_terminate_backend wait until the backend is gone.
    auto admin = connect();
    pqxx::work t(*admin);
    auto killed = t.exec_params1(
        "SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity "
        "WHERE application_name = $1 AND pid <> pg_backend_pid()",
        app_name_);
    t.commit();
    ASSERT_EQ(killed[0].as<int>(), 1);
  }
  // The first job after the loss may fail (it is the one that finds out); the next ones
  // succeed on a new connection.
  commit(kRoom, {affiliate("bob@x", muc::Affiliation::member)});
  EXPECT_TRUE(commit(kRoom, {affiliate("carol@x", muc::Affiliation::admin)}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(ok);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->affiliations.at("carol@x").affiliation, muc::Affiliation::admin);
  EXPECT_GT(store_->stats().connects, connects);
}

TEST_F(PgStoreQueueTest, ACommitWhoseConnectionDiesInCommitIsResolvedAndReportedAsItEnded) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  {
    // A deferred trigger runs inside COMMIT: for this one JID it kills its own backend
    // there, so the client loses its connection during COMMIT and the change is lost.
    auto conn = connect();
    pqxx::work t(*conn);
    t.exec0(
        "CREATE FUNCTION die_in_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.jid = 'doomed@x' THEN PERFORM pg_terminate_backend(pg_backend_pid()); "
        "PERFORM pg_sleep(5); END IF; RETURN NEW; END $$");
    t.exec0(
        "CREATE CONSTRAINT TRIGGER die_in_commit AFTER INSERT ON affiliations "
        "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION die_in_commit()");
    t.commit();
  }
  const auto before = store_->stats();
  EXPECT_FALSE(commit(kRoom, {affiliate("doomed@x", muc::Affiliation::member)}));
  EXPECT_EQ(store_->stats().in_doubt - before.in_doubt, 1u);  // asked, not guessed
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM affiliations WHERE jid = 'doomed@x'"), 0);
  // The store is connected again, and the next change commits.
  EXPECT_TRUE(commit(kRoom, {affiliate("bob@x", muc::Affiliation::member)}));
}

TEST_F(PgStoreQueueTest, TheFateOfATransactionIsKnownByItsId) {
  auto conn = connect();
  std::int64_t committed = 0;
  std::int64_t aborted = 0;
  {
    pqxx::work t(*conn);
    committed = transaction_id(t);
    t.commit();
  }
  {
    pqxx::work t(*conn);
    aborted = transaction_id(t);
    t.abort();
  }
  EXPECT_EQ(commit_fate(*conn, committed), CommitFate::committed);
  EXPECT_EQ(commit_fate(*conn, aborted), CommitFate::aborted);
}

TEST_F(PgStoreQueueTest, CloseFinishesTheQueuedJobs) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  int ok_count = 0;
  for (int i = 0; i < 50; ++i) {
    store_->commit(kRoom, {message(kRoom, i)}, [&](bool ok) { ok_count += ok ? 1 : 0; });
  }
  store_->close();  // delivers every completion before it returns
  EXPECT_EQ(ok_count, 50);
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM messages"), 50);
  // After close, jobs fail at once.
  std::optional<bool> late;
  store_->commit(kRoom, {message(kRoom, 99)}, [&](bool ok) { late = ok; });
  EXPECT_EQ(late, false);
}

// Needs no database: PostgreSQL is unreachable on purpose.
class PgStoreDownTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(uv_loop_init(&loop_), 0);
    ASSERT_EQ(uv_timer_init(&loop_, &guard_), 0);
    guard_.data = this;
    PgStoreOptions options;
    options.backoff_initial = std::chrono::milliseconds(10);
    options.backoff_max = std::chrono::milliseconds(40);
    // Port 1 on loopback: nothing listens there, so connecting is refused at once.
    store_ = std::make_unique<PgStore>(&loop_, "postgresql://postgres@127.0.0.1:1/none", options);
  }
  void TearDown() override {
    store_->close();
    store_.reset();
    uv_close(reinterpret_cast<uv_handle_t*>(&guard_), nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    EXPECT_EQ(uv_loop_close(&loop_), 0);
  }
  bool run_until(const std::function<bool()>& pred) {
    timed_out_ = false;
    uv_timer_start(
        &guard_, [](uv_timer_t* t) { static_cast<PgStoreDownTest*>(t->data)->timed_out_ = true; },
        20000, 0);
    while (!pred() && !timed_out_) uv_run(&loop_, UV_RUN_ONCE);
    uv_timer_stop(&guard_);
    return pred();
  }

  uv_loop_t loop_{};
  uv_timer_t guard_{};
  bool timed_out_ = false;
  std::unique_ptr<PgStore> store_;
};

TEST_F(PgStoreDownTest, JobsFailAtOnceWhileTheDatabaseIsDown) {
  std::vector<bool> commits;
  std::optional<bool> load_ok;
  for (int i = 0; i < 20; ++i) {
    store_->commit(kRoom, {save()}, [&](bool ok) { commits.push_back(ok); });
  }
  store_->load(kRoom,
               [&](std::optional<muc::RoomSnapshot> found, bool ok, std::optional<muc::Tombstone>) {
                 EXPECT_FALSE(found);
                 load_ok = ok;
               });
  ASSERT_TRUE(run_until([&] { return commits.size() == 20 && load_ok.has_value(); }));
  EXPECT_EQ(commits, std::vector<bool>(20, false));
  EXPECT_EQ(load_ok, false);
  const auto stats = store_->stats();
  EXPECT_EQ(stats.connects, 0u);
  EXPECT_EQ(stats.failed, 21u);
}

}  // namespace
}  // namespace db::test
