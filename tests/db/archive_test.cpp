// XEP-0313 archive reads through PgStore (db/pg_archive.cpp): pages from either end, RSM
// bounds by stanza-id, the form's filters, counts, the archive's ends, and the plans that
// keep a page one index range scan.
#include <gtest/gtest.h>

#include <chrono>
#include <tuple>

#include "db/pg_archive.hpp"
#include "db/pg_sql.hpp"
#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

const std::string kRoom = "lounge@conference.example.org";
const std::string kOther = "other@conference.example.org";

muc::SaveRoom save(const std::string& room = kRoom) {
  muc::RoomConfig config;
  config.persistent = true;
  return {room, "alice@example.org", config, at(0)};
}

// Message n of `room`, sent at second n by "Nick<n % 3>" (user<n % 3>@example.org).
muc::ArchiveMessage message(int n, const std::string& room = kRoom) {
  const std::string who = std::to_string(n % 3);
  const std::string body = "message " + std::to_string(n);
  return {room,
          "Nick" + who,
          "user" + who + "@example.org",
          "id" + std::to_string(n),
          room.substr(0, 5) + "-sid-" + std::to_string(n),
          body,
          "<message type='groupchat'><body>" + body + "</body></message>",
          at(n),
          std::nullopt};
}

std::string sid(int n, const std::string& room = kRoom) {
  return message(n, room).stanza_id;
}

class ArchiveTest : public StoreTest {
 protected:
  // The room with messages 1..n, and kOther with messages 1..n of its own.
  void archive(int n) {
    ASSERT_TRUE(commit(kRoom, {save()}));
    ASSERT_TRUE(commit(kOther, {save(kOther)}));
    for (int i = 1; i <= n; ++i) {
      ASSERT_TRUE(commit(kRoom, {message(i)}));
      ASSERT_TRUE(commit(kOther, {message(i, kOther)}));
    }
  }

  muc::ArchivePage query(muc::ArchiveQuery q) {
    if (q.room.empty()) q.room = kRoom;
    std::optional<muc::ArchivePage> page;
    store_->query_archive(std::move(q), [&](muc::ArchivePage p, bool ok) {
      EXPECT_TRUE(ok);
      page = std::move(p);
    });
    EXPECT_TRUE(run_until([&] { return page.has_value(); })) << "query never completed";
    return page.value_or(muc::ArchivePage{});
  }

  muc::ArchiveEnds ends(const std::string& room = kRoom) {
    std::optional<muc::ArchiveEnds> found;
    store_->archive_ends(room, [&](muc::ArchiveEnds e, bool ok) {
      EXPECT_TRUE(ok);
      found = std::move(e);
    });
    EXPECT_TRUE(run_until([&] { return found.has_value(); })) << "ends never completed";
    return found.value_or(muc::ArchiveEnds{});
  }
};

// The stanza-ids of a page, in its order.
std::vector<std::string> ids(const muc::ArchivePage& page) {
  std::vector<std::string> out;
  for (const auto& m : page.messages) out.push_back(m.stanza_id);
  return out;
}

std::vector<std::string> sids(std::initializer_list<int> ns) {
  std::vector<std::string> out;
  for (int n : ns) out.push_back(sid(n));
  return out;
}

muc::ArchiveQuery page_of(std::size_t max, bool from_end = false) {
  muc::ArchiveQuery q;
  q.max = max;
  q.from_end = from_end;
  return q;
}

TEST_F(ArchiveTest, FirstPageIsTheOldestMessagesOfThisRoomOnly) {
  archive(5);
  auto page = query(page_of(2));
  EXPECT_EQ(ids(page), sids({1, 2}));
  EXPECT_FALSE(page.complete);
  EXPECT_FALSE(page.unknown_id);
}

TEST_F(ArchiveTest, PageFromTheEndIsTheNewestMessagesOldestFirst) {
  archive(5);
  auto page = query(page_of(2, true));
  EXPECT_EQ(ids(page), sids({4, 5}));
  EXPECT_FALSE(page.complete);
}

TEST_F(ArchiveTest, APageHoldingEveryMatchIsComplete) {
  archive(3);
  auto page = query(page_of(3));
  EXPECT_EQ(ids(page), sids({1, 2, 3}));
  EXPECT_TRUE(page.complete);
  EXPECT_TRUE(query(page_of(10, true)).complete);
}

TEST_F(ArchiveTest, ArchivedMessageComesBackAsCommitted) {
  archive(1);
  auto page = query(page_of(1));
  ASSERT_EQ(page.messages.size(), 1u);
  const auto& m = page.messages[0];
  EXPECT_EQ(m.nick, "Nick1");
  EXPECT_EQ(m.sender_jid, "user1@example.org");
  EXPECT_EQ(m.stanza_xml, "<message type='groupchat'><body>message 1</body></message>");
  EXPECT_EQ(m.at, at(1));
}

TEST_F(ArchiveTest, AfterAndBeforeIdsBoundThePageExclusively) {
  archive(6);
  muc::ArchiveQuery q = page_of(10);
  q.after = {sid(1)};
  q.before = {sid(5)};
  auto page = query(q);
  EXPECT_EQ(ids(page), sids({2, 3, 4}));
  EXPECT_TRUE(page.complete);
}

TEST_F(ArchiveTest, PageBeforeAnIdFromTheEndIsTheMessagesJustBeforeIt) {
  archive(6);
  muc::ArchiveQuery q = page_of(2, true);
  q.before = {sid(5)};
  auto page = query(q);
  EXPECT_EQ(ids(page), sids({3, 4}));
  EXPECT_FALSE(page.complete);  // 1 and 2 lie before it
}

TEST_F(ArchiveTest, SeveralAfterIdsBoundByTheNewest) {
  archive(5);
  muc::ArchiveQuery q = page_of(10);
  q.after = {sid(1), sid(3)};
  EXPECT_EQ(ids(query(q)), sids({4, 5}));
}

TEST_F(ArchiveTest, AnIdNotInThisRoomsArchiveIsUnknownAndNothingIsRead) {
  archive(3);
  muc::ArchiveQuery q = page_of(10);
  q.after = {sid(1, kOther)};
  auto page = query(q);
  EXPECT_TRUE(page.unknown_id);
  EXPECT_TRUE(page.messages.empty());
  q.after.clear();
  q.ids = {sid(2), "no-such-id"};
  EXPECT_TRUE(query(q).unknown_id);
}

TEST_F(ArchiveTest, IdsSelectExactlyThoseMessagesInArchiveOrder) {
  archive(5);
  muc::ArchiveQuery q = page_of(10);
  q.ids = {sid(4), sid(2)};
  auto page = query(q);
  EXPECT_EQ(ids(page), sids({2, 4}));
  EXPECT_TRUE(page.complete);
}

TEST_F(ArchiveTest, TimeRangeIncludesBothEnds) {
  archive(6);
  muc::ArchiveQuery q = page_of(10);
  q.start = at(2);
  q.end = at(4);
  EXPECT_EQ(ids(query(q)), sids({2, 3, 4}));
}

TEST_F(ArchiveTest, ATimeRangeWithoutMessagesIsEmptyAndComplete) {
  archive(3);
  muc::ArchiveQuery q = page_of(10);
  q.count = true;
  q.start = at(10);
  auto page = query(q);
  EXPECT_TRUE(page.messages.empty());
  EXPECT_TRUE(page.complete);
  EXPECT_EQ(page.count, 0u);
  q.start = at(3);
  q.end = at(2);
  EXPECT_TRUE(query(q).messages.empty());
}

TEST_F(ArchiveTest, WithNickAndWithJidSelectOneSendersMessages) {
  archive(7);
  muc::ArchiveQuery q = page_of(10);
  q.with_nick = "Nick1";
  EXPECT_EQ(ids(query(q)), sids({1, 4, 7}));
  q.with_nick.reset();
  q.with_jid = "user2@example.org";
  EXPECT_EQ(ids(query(q)), sids({2, 5}));
}

TEST_F(ArchiveTest, CountIsEveryFilteredMatchWhateverThePageBounds) {
  archive(6);
  muc::ArchiveQuery q = page_of(0);
  q.count = true;
  q.after = {sid(2)};
  q.start = at(2);
  auto page = query(q);
  EXPECT_EQ(page.count, 5u);  // 2..6: the time filter counts, the page bound does not
  EXPECT_TRUE(page.messages.empty());
  EXPECT_FALSE(page.complete);
}

TEST_F(ArchiveTest, CountOfNoMatchIsZeroAndComplete) {
  archive(2);
  muc::ArchiveQuery q = page_of(0);
  q.count = true;
  q.with_nick = "Nobody";
  auto page = query(q);
  EXPECT_EQ(page.count, 0u);
  EXPECT_TRUE(page.complete);
}

TEST_F(ArchiveTest, ARoomWithoutARowHasAnEmptyCompleteArchive) {
  muc::ArchiveQuery q = page_of(10);
  q.room = "nowhere@conference.example.org";
  auto page = query(q);
  EXPECT_TRUE(page.messages.empty());
  EXPECT_TRUE(page.complete);
  EXPECT_FALSE(page.unknown_id);
}

TEST_F(ArchiveTest, ADestroyedRoomsNewLifeStartsWithAnEmptyArchive) {
  archive(3);
  ASSERT_TRUE(commit(kRoom, {muc::DestroyRoom{kRoom, "", "", "alice@example.org", at(9)}}));
  ASSERT_TRUE(commit(kRoom, {save()}));
  auto page = query(page_of(10));
  EXPECT_TRUE(page.messages.empty());
  EXPECT_TRUE(page.complete);
  muc::ArchiveQuery q = page_of(10);
  q.after = {sid(1)};
  EXPECT_TRUE(query(q).unknown_id);
  EXPECT_FALSE(ends().first);
}

TEST_F(ArchiveTest, EndsAreTheOldestAndNewestMessage) {
  archive(4);
  auto e = ends();
  ASSERT_TRUE(e.first && e.last);
  EXPECT_EQ(e.first->stanza_id, sid(1));
  EXPECT_EQ(e.first->at, at(1));
  EXPECT_EQ(e.last->stanza_id, sid(4));
  EXPECT_EQ(e.last->at, at(4));
}

TEST_F(ArchiveTest, EndsOfAnEmptyArchiveAreNone) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  auto e = ends();
  EXPECT_FALSE(e.first);
  EXPECT_FALSE(e.last);
}

// A subject change by Nick0 at second n, as the room archives it.
muc::ArchiveMessage subject_change(int n, const std::string& text) {
  muc::ArchiveMessage m = message(n);
  m.stanza_id = "subject-" + std::to_string(n);
  m.stanza_xml = "<message type='groupchat'><subject>" + text + "</subject></message>";
  m.subject = text;
  return m;
}

TEST_F(ArchiveTest, SubjectChangeIsServedInItsPlaceAmongTheMessages) {
  archive(2);
  ASSERT_TRUE(commit(kRoom, {subject_change(3, "Plans")}));
  ASSERT_TRUE(commit(kRoom, {message(4)}));
  auto page = query(page_of(10));
  EXPECT_EQ(ids(page), (std::vector<std::string>{sid(1), sid(2), "subject-3", sid(4)}));
  EXPECT_EQ(page.messages[2].stanza_xml,
            "<message type='groupchat'><subject>Plans</subject></message>");
  // In SQL: a row with the subject and no body.
  EXPECT_EQ(query_value<std::string>("SELECT subject || ' ' || (body IS NULL) FROM muc_messages "
                                     "WHERE stanza_id = 'subject-3'"),
            "Plans true");
}

TEST_F(ArchiveTest, ClearingTheSubjectIsArchivedWithAnEmptySubject) {
  archive(1);
  ASSERT_TRUE(commit(kRoom, {subject_change(2, "")}));
  EXPECT_EQ(query_value<std::string>(
                "SELECT '[' || subject || ']' FROM muc_messages WHERE stanza_id = 'subject-2'"),
            "[]");
}

TEST_F(ArchiveTest, SubjectChangesAreNotHistoryOnEntering) {
  muc::SaveRoom room = save();
  room.config.history_length = 2;
  ASSERT_TRUE(commit(kRoom, {room, message(1), message(2), subject_change(3, "Plans")}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(ok && found);
  ASSERT_EQ(found->history.size(), 2u);
  EXPECT_EQ(found->history[0].stanza_xml, message(1).stanza_xml);
  EXPECT_EQ(found->history[1].stanza_xml, message(2).stanza_xml);
}

TEST_F(ArchiveTest, ASubjectChangeWithABodyIsRefusedBySchema) {
  archive(1);
  auto conn = connect();
  pqxx::work t(*conn);
  EXPECT_THROW(t.exec(R"(
    INSERT INTO messages (room_id, sender_nick, sender_jid, body, stanza_xml, sent_at, stanza_id,
                          subject)
    SELECT id, 'Nick', 'user@example.org', 'a body', '<message/>', now(), 'bad', 'Plans'
    FROM rooms WHERE jid = 'lounge@conference.example.org')"),
               pqxx::check_violation);
}

// The plan of the statement the store runs, on enough rows that PostgreSQL chooses freely.
class ArchivePlanTest : public ArchiveTest {
 protected:
  void SetUp() override {
    ArchiveTest::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(commit(kRoom, {save()}));
    ASSERT_TRUE(commit(kOther, {save(kOther)}));
    conn_ = connect();
    pqxx::work t(*conn_);
    // A quiet room whose messages are all older than a busy room's: the case where walking
    // the table's newest rows, filtering rooms, reads everything the busy room wrote since.
    for (auto [room, rows, from] : {std::tuple{kRoom, 2000, 0}, std::tuple{kOther, 40000, 2000}}) {
      t.exec_params(R"(
        INSERT INTO messages (room_id, sender_nick, sender_jid, body, stanza_xml, sent_at,
                              stanza_id)
        SELECT r.id, 'Nick', 'user@example.org', 'body ' || g, '<message/>',
               now() - interval '1 day' + ($3 + g) * interval '1 second', 'p-' || g
        FROM generate_series(1, $2::int) AS g, rooms AS r
        WHERE r.jid = $1 AND r.destroyed_at IS NULL)",
                    room, rows, from);
    }
    t.commit();
    pqxx::nontransaction(*conn_).exec("ANALYZE messages");
    sql::prepare_archive(*conn_);
  }

  std::string plan(muc::ArchiveQuery q) {
    q.room = kRoom;
    pqxx::read_transaction t(*conn_);
    bool unknown = false;
    auto bounds = sql::resolve_archive_bounds(t, q, unknown);
    EXPECT_TRUE(bounds && !unknown);
    if (!bounds) return "";
    sql::ArchiveSql s = sql::archive_page_sql(q, *bounds);
    s.text = "EXPLAIN " + s.text;
    std::string text;
    for (const auto& row : sql::run(t, s)) text += row[0].as<std::string>() + "\n";
    return text;
  }

  std::unique_ptr<pqxx::connection> conn_;
};

TEST_F(ArchivePlanTest, TheLastPageIsABackwardRangeScanOfTheArchiveIndex) {
  std::string p = plan(page_of(50, true));
  EXPECT_NE(p.find("Index Scan Backward using messages_archive_order"), std::string::npos) << p;
  EXPECT_EQ(p.find("Sort"), std::string::npos) << p;
}

TEST_F(ArchivePlanTest, ATimeRangeIsARangeScanOfTheArchiveIndex) {
  muc::ArchiveQuery q = page_of(50);
  const auto day_ago = std::chrono::system_clock::now() - std::chrono::hours(24);
  q.start = muc::StoreTime(day_ago + std::chrono::seconds(500));
  q.end = muc::StoreTime(day_ago + std::chrono::seconds(1500));
  std::string p = plan(q);
  EXPECT_NE(p.find("Index Scan using messages_archive_order"), std::string::npos) << p;
  EXPECT_EQ(p.find("Sort"), std::string::npos) << p;
}

TEST_F(ArchivePlanTest, ThePageBeforeAnIdIsABackwardRangeScanOfTheArchiveIndex) {
  muc::ArchiveQuery q = page_of(50, true);
  q.before = {"p-1000"};
  std::string p = plan(q);
  EXPECT_NE(p.find("Index Scan Backward using messages_archive_order"), std::string::npos) << p;
  EXPECT_EQ(p.find("Sort"), std::string::npos) << p;
}

}  // namespace
}  // namespace db::test
