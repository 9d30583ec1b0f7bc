// Each store operation, committed through PgStore, then seen by load() and by the public
// views (docs/architecture.md, "Persistence").
#include <gtest/gtest.h>

#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

const std::string kRoom = "lounge@conference.example.org";

muc::SaveRoom save(const std::string& room = kRoom, muc::RoomConfig config = {}) {
  config.persistent = true;
  return {room, "alice@example.org", config, at(0)};
}

muc::SetAffiliation affiliate(const std::string& jid, muc::Affiliation a, int t = 1,
                              const std::string& reason = "") {
  return {kRoom, jid, a, reason, "alice@example.org", at(t)};
}

muc::ArchiveMessage message(const std::string& room, int n, int t) {
  std::string body = "message " + std::to_string(n);
  return {room,
          "Nick" + std::to_string(n),
          "user" + std::to_string(n) + "@example.org",
          "id" + std::to_string(n),
          "sid-" + std::to_string(n),
          body,
          "<message type='groupchat'><body>" + body + "</body></message>",
          at(t),
          std::nullopt};
}

using PgStoreOpsTest = StoreTest;

TEST_F(PgStoreOpsTest, LoadOfAnUnknownRoomFindsNothing) {
  auto [found, ok] = load("nobody@conference.example.org");
  EXPECT_TRUE(ok);
  EXPECT_FALSE(found);
}

TEST_F(PgStoreOpsTest, SaveRoomKeepsEveryConfigurationField) {
  muc::RoomConfig c;
  c.name = "The Lounge";
  c.description = "Where we talk; 'quotes' and \"doubles\" and ünïcödé";
  c.language = "fr";
  c.persistent = true;
  c.public_room = false;
  c.change_subject = true;
  c.allow_invites = true;
  c.allow_pm = muc::AllowPm::moderators;
  c.members_only = true;
  c.moderated = true;
  c.password_protected = true;
  c.password = "s3cret";
  c.max_users = 4294967295u;
  c.whois = muc::WhoIs::anyone;
  c.presence_broadcast = {true, false, false};
  c.get_member_list = {false, false, false};
  c.history_length = 7;
  c.enable_logging = true;
  c.allow_register = true;
  ASSERT_TRUE(commit(kRoom, {muc::SaveRoom{kRoom, "alice@example.org", c, at(0)}}));

  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(ok);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->room, kRoom);
  EXPECT_EQ(found->creator, "alice@example.org");
  EXPECT_EQ(found->config, c);
  EXPECT_TRUE(found->affiliations.empty());
  EXPECT_TRUE(found->history.empty());
  // Typed columns: an operator's question is a plain WHERE.
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM muc_rooms WHERE members_only AND "
                             "allow_pm = 'moderators' AND NOT 'visitor' = ANY(presence_broadcast)"),
            1);
}

TEST_F(PgStoreOpsTest, SavingAgainUpdatesTheConfigurationAndKeepsTheCreator) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  muc::RoomConfig c;
  c.name = "Renamed";
  c.persistent = true;
  ASSERT_TRUE(commit(kRoom, {muc::SaveRoom{kRoom, "mallory@example.org", c, at(5)}}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->config.name, "Renamed");
  EXPECT_EQ(found->creator, "alice@example.org");
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM rooms"), 1);
  EXPECT_TRUE(query_value<bool>("SELECT updated_at > created_at FROM rooms"));
}

TEST_F(PgStoreOpsTest, AffiliationsAreSetReplacedAndRemovedByNone) {
  ASSERT_TRUE(commit(kRoom, {save(), affiliate("bob@example.org", muc::Affiliation::member),
                             affiliate("eve@example.org", muc::Affiliation::outcast, 2, "spam"),
                             affiliate("carol@example.org", muc::Affiliation::owner)}));
  ASSERT_TRUE(commit(kRoom, {affiliate("bob@example.org", muc::Affiliation::admin, 3),
                             affiliate("carol@example.org", muc::Affiliation::none, 3)}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->affiliations.size(), 2u);
  EXPECT_EQ(found->affiliations.at("bob@example.org").affiliation, muc::Affiliation::admin);
  EXPECT_EQ(found->affiliations.at("eve@example.org").affiliation, muc::Affiliation::outcast);
  EXPECT_EQ(found->affiliations.at("eve@example.org").reason, "spam");
  // "Who banned whom, when, and why" is one query.
  EXPECT_EQ(
      query_value<std::string>("SELECT jid || ' by ' || banned_by || ': ' || reason FROM muc_bans"),
      "eve@example.org by alice@example.org: spam");
  EXPECT_EQ(query_value<std::string>("SELECT string_agg(jid || '=' || affiliation, ',') "
                                     "FROM muc_members"),
            "bob@example.org=admin");
}

TEST_F(PgStoreOpsTest, SubjectIsReplacedAndItsNickKept) {
  ASSERT_TRUE(commit(kRoom, {save(), muc::SetSubject{kRoom, "First", "Alice", "alice@x", at(1)}}));
  ASSERT_TRUE(commit(kRoom, {muc::SetSubject{kRoom, "Second", "", "", at(2)}}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->subject, "Second");
  EXPECT_EQ(found->subject_nick, "");   // set by the room itself
  EXPECT_EQ(found->subject_at, at(2));  // the join's <delay/> says when
  ASSERT_TRUE(commit(kRoom, {muc::SetSubject{kRoom, "Third", "Bob", "bob@x", at(3)}}));
  EXPECT_EQ(load(kRoom).first->subject_nick, "Bob");
}

TEST_F(PgStoreOpsTest, NicksAreRegisteredChangedAndUnregistered) {
  ASSERT_TRUE(commit(kRoom, {save(), muc::RegisterNick{kRoom, "bob@x", "Bob", at(1)},
                             muc::RegisterNick{kRoom, "carol@x", "Carol", at(1)}}));
  ASSERT_TRUE(commit(kRoom, {muc::RegisterNick{kRoom, "bob@x", "Robert", at(2)},
                             muc::RegisterNick{kRoom, "carol@x", "", at(2)}}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->registered_nicks, (std::map<std::string, std::string>{{"bob@x", "Robert"}}));
}

TEST_F(PgStoreOpsTest, ACommitIsAllOrNothing) {
  ASSERT_TRUE(commit(kRoom, {save(), muc::RegisterNick{kRoom, "alice@x", "Al", at(1)}}));
  // The nick is taken: the whole commit fails, the affiliation before it included.
  EXPECT_FALSE(commit(kRoom, {affiliate("bob@x", muc::Affiliation::member),
                              muc::RegisterNick{kRoom, "bob@x", "Al", at(2)}}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(found);
  EXPECT_TRUE(found->affiliations.empty());
  EXPECT_EQ(found->registered_nicks.at("alice@x"), "Al");
}

TEST_F(PgStoreOpsTest, AnOperationOnARoomWithoutARowFails) {
  EXPECT_FALSE(commit(kRoom, {affiliate("bob@x", muc::Affiliation::member)}));
  EXPECT_FALSE(commit(kRoom, {message(kRoom, 1, 1)}));
  EXPECT_FALSE(commit(kRoom, {muc::DestroyRoom{kRoom, "", "", "alice@x", at(1)}}));
  // The store is still fine afterwards.
  EXPECT_TRUE(commit(kRoom, {save(), affiliate("bob@x", muc::Affiliation::member)}));
}

TEST_F(PgStoreOpsTest, DestroyHidesTheRoomKeepsTheTrailAndFreesTheName) {
  ASSERT_TRUE(
      commit(kRoom, {save(), affiliate("bob@x", muc::Affiliation::member), message(kRoom, 1, 1)}));
  ASSERT_TRUE(commit(
      kRoom,
      {muc::DestroyRoom{kRoom, "moving", "new@conference.example.org", "alice@example.org", at(9)},
       muc::Audit{kRoom, "alice@example.org", "destroy", "", "", "", "moving", at(9)}}));
  auto [gone, ok] = load(kRoom);
  EXPECT_TRUE(ok);
  EXPECT_FALSE(gone);
  EXPECT_EQ(query_value<std::string>("SELECT destroyed_by || ' ' || destroy_reason || ' ' || "
                                     "alternate_venue FROM muc_destroyed_rooms"),
            "alice@example.org moving new@conference.example.org");
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM muc_rooms"), 0);

  // The same JID makes a new room, with none of the old one's state.
  ASSERT_TRUE(commit(kRoom, {save()}));
  auto [fresh, ok2] = load(kRoom);
  ASSERT_TRUE(fresh);
  EXPECT_TRUE(fresh->affiliations.empty());
  EXPECT_TRUE(fresh->history.empty());
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM rooms"), 2);
  // The old room's message stays in the archive, marked as from a dead room.
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM muc_messages WHERE NOT room_live"), 1);
}

TEST_F(PgStoreOpsTest, AnOwnersDestroyLeavesATombstoneAnEmptiedRoomNone) {
  ASSERT_TRUE(commit(kRoom, {save(), affiliate("alice@example.org", muc::Affiliation::owner),
                             affiliate("carol@example.org", muc::Affiliation::owner),
                             affiliate("bob@example.org", muc::Affiliation::member)}));
  ASSERT_TRUE(commit(kRoom, {muc::DestroyRoom{kRoom, "moving", "new@conference.example.org",
                                              "alice@example.org", at(9), true}}));
  auto [gone, ok] = load(kRoom);
  EXPECT_TRUE(ok);
  EXPECT_FALSE(gone);
  ASSERT_TRUE(last_tombstone_);
  EXPECT_EQ(last_tombstone_->alternate, "new@conference.example.org");
  EXPECT_EQ(last_tombstone_->reason, "moving");
  EXPECT_EQ(last_tombstone_->destroyed_at, at(9));
  EXPECT_EQ(last_tombstone_->owners,
            (std::vector<std::string>{"alice@example.org", "carol@example.org"}));

  // A logged temporary room retired when it emptied (no actor) leaves none.
  const std::string other = "emptied@conference.example.org";
  ASSERT_TRUE(commit(other, {save(other)}));
  ASSERT_TRUE(commit(other, {muc::DestroyRoom{other, "temporary room emptied", {}, {}, at(3)}}));
  auto [none, ok2] = load(other);
  EXPECT_TRUE(ok2);
  EXPECT_FALSE(none);
  EXPECT_FALSE(last_tombstone_);

  // An owner made the room temporary (its row retired with an actor, but no tombstone).
  const std::string made_temporary = "was-persistent@conference.example.org";
  ASSERT_TRUE(commit(made_temporary, {save(made_temporary)}));
  ASSERT_TRUE(commit(
      made_temporary,
      {muc::DestroyRoom{made_temporary, "no longer persistent", {}, "alice@example.org", at(4)}}));
  load(made_temporary);
  EXPECT_FALSE(last_tombstone_);

  // The owner's new life of the destroyed room ended otherwise: the old tombstone is over.
  ASSERT_TRUE(commit(kRoom, {save()}));
  ASSERT_TRUE(commit(kRoom, {muc::DestroyRoom{kRoom, "temporary room emptied", {}, {}, at(12)}}));
  load(kRoom);
  EXPECT_FALSE(last_tombstone_);
}

TEST_F(PgStoreOpsTest, HistoryIsTheNewestMessagesOldestFirst) {
  muc::RoomConfig c;
  c.history_length = 3;
  ASSERT_TRUE(commit(kRoom, {save(kRoom, c)}));
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(commit(kRoom, {message(kRoom, i, i)}));
  // Two messages in the same microsecond keep their arrival order.
  ASSERT_TRUE(commit(kRoom, {message(kRoom, 6, 5)}));
  auto [found, ok] = load(kRoom);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->history.size(), 3u);
  EXPECT_EQ(found->history[0].nick, "Nick4");
  EXPECT_EQ(found->history[0].at, at(4));
  EXPECT_EQ(found->history[1].nick, "Nick5");
  EXPECT_EQ(found->history[2].nick, "Nick6");
  EXPECT_EQ(found->history[2].stanza_xml,
            "<message type='groupchat'><body>message 6</body></message>");
  EXPECT_EQ(query_value<std::string>("SELECT string_agg(body, '|' ORDER BY id) FROM muc_messages "
                                     "WHERE room = '" +
                                     kRoom + "' AND sender_nick = 'Nick2'"),
            "message 2");
}

TEST_F(PgStoreOpsTest, ArchivedMessageKeepsTheRoomsStanzaId) {
  ASSERT_TRUE(commit(kRoom, {save()}));
  ASSERT_TRUE(commit(kRoom, {message(kRoom, 7, 1)}));
  EXPECT_EQ(query_value<std::string>("SELECT stanza_id FROM muc_messages WHERE room = '" + kRoom +
                                     "' AND message_id = 'id7'"),
            "sid-7");
}

TEST_F(PgStoreOpsTest, HistoryLengthZeroLoadsNoHistory) {
  muc::RoomConfig c;
  c.history_length = 0;
  ASSERT_TRUE(commit(kRoom, {save(kRoom, c), message(kRoom, 1, 1)}));
  EXPECT_TRUE(load(kRoom).first->history.empty());
}

TEST_F(PgStoreOpsTest, AuditRowsRecordWhoDidWhatToWhomAndWhy) {
  ASSERT_TRUE(commit(kRoom, {save(), affiliate("eve@x", muc::Affiliation::outcast, 3, "spam"),
                             muc::Audit{kRoom, "alice@example.org", "affiliation", "eve@x", "none",
                                        "outcast", "spam", at(3)}}));
  // Rooms that never had a row (temporary ones) are audited too.
  ASSERT_TRUE(commit("temp@conference.example.org",
                     {muc::Audit{"temp@conference.example.org", "mod@x", "role", "Troll",
                                 "participant", "none", "", at(4)}}));
  EXPECT_EQ(query_value<std::string>(
                "SELECT actor || ' ' || action || ' ' || target || ' ' || old_value || '->' || "
                "new_value || ' (' || reason || ') ' || room_live FROM muc_audit WHERE room = '" +
                kRoom + "'"),
            "alice@example.org affiliation eve@x none->outcast (spam) true");
  EXPECT_EQ(query_value<std::string>("SELECT coalesce(reason, 'NULL') || ' ' || room_live "
                                     "FROM muc_audit WHERE target = 'Troll'"),
            "NULL false");
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM audit_log WHERE room_id IS NULL"), 1);
}

TEST_F(PgStoreOpsTest, MembersViewShowsRegisteredNicks) {
  ASSERT_TRUE(commit(kRoom, {save(), affiliate("bob@x", muc::Affiliation::member),
                             muc::RegisterNick{kRoom, "bob@x", "Bob", at(1)}}));
  EXPECT_EQ(query_value<std::string>("SELECT nick FROM muc_members WHERE jid = 'bob@x'"), "Bob");
}

}  // namespace
}  // namespace db::test

namespace db::test {
namespace {

class PgStoreListTest : public StoreTest {};

TEST_F(PgStoreListTest, ListsPublicPersistentLiveRoomsByJid) {
  auto save = [&](const std::string& jid, bool persistent, bool public_room) {
    muc::RoomConfig c;
    c.name = "Name of " + jid.substr(0, jid.find('@'));
    c.persistent = persistent;
    c.public_room = public_room;
    c.enable_logging = !persistent;  // stored although temporary
    return commit(jid, {muc::SaveRoom{jid, "alice@example.org", c, at(0)}});
  };
  ASSERT_TRUE(save("b@conference.example.org", true, true));
  ASSERT_TRUE(save("a@conference.example.org", true, true));
  ASSERT_TRUE(save("hidden@conference.example.org", true, false));
  ASSERT_TRUE(save("temporary@conference.example.org", false, true));
  ASSERT_TRUE(save("gone@conference.example.org", true, true));
  // Another service's room in the same database is not this service's to list.
  ASSERT_TRUE(save("elsewhere@conference.other.example", true, true));
  ASSERT_TRUE(commit("gone@conference.example.org",
                     {muc::DestroyRoom{"gone@conference.example.org", "bye", {}, {}, at(1)}}));
  std::optional<std::pair<std::vector<muc::RoomListing>, bool>> result;
  store_->list_public("conference.example.org", [&](std::vector<muc::RoomListing> rooms, bool ok) {
    result.emplace(std::move(rooms), ok);
  });
  ASSERT_TRUE(run_until([&] { return result.has_value(); }));
  ASSERT_TRUE(result->second);
  ASSERT_EQ(result->first.size(), 2u);
  EXPECT_EQ(result->first[0].room, "a@conference.example.org");
  EXPECT_EQ(result->first[0].name, "Name of a");
  EXPECT_EQ(result->first[1].room, "b@conference.example.org");
}

}  // namespace
}  // namespace db::test

namespace db::test {
namespace {

// What the metrics read (app/metrics.hpp): the stored counts and the commit statistics.
TEST_F(PgStoreOpsTest, StoredCountsAndCommitStatisticsFollowTheCommits) {
  const std::string room = "counted@conference.example.org";
  ASSERT_TRUE(
      commit("elsewhere@conference.other.example", {save("elsewhere@conference.other.example")}));
  ASSERT_TRUE(commit(room, {save(room)}));
  ASSERT_TRUE(commit(room, {message(room, 1, 1), message(room, 2, 2)}));
  ASSERT_TRUE(commit("other@conference.example.org", {save("other@conference.example.org")}));
  std::optional<StoredCounts> counts;
  store_->count_stored("conference.example.org", [&](StoredCounts c, bool ok) {
    EXPECT_TRUE(ok);
    counts = c;
  });
  ASSERT_TRUE(run_until([&] { return counts.has_value(); }));
  EXPECT_EQ(counts->rooms, 2u);
  const PgStore::Stats s = store_->stats();
  EXPECT_EQ(s.archived, 2u);
  EXPECT_EQ(s.queued, 0u);
  EXPECT_EQ(s.commit_count, 4u);
  EXPECT_EQ(s.commit_le.back(), 4u) << "every commit took at most the last bucket's 10 s";
  EXPECT_GT(s.commit_seconds, 0.0);
}

}  // namespace
}  // namespace db::test
