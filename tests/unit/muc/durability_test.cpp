// Design "Durability": with a store, a stored room's change is answered only after the
// commit; a failed commit is answered with wait/resource-constraint and changes nothing;
// the room's later stanzas and output keep their order behind the commit.
#include <gtest/gtest.h>

#include "service_harness.hpp"
#include "transcript.hpp"

namespace muc_test {
namespace {

const std::string kRoom = "p@conference.localhost";
const std::string kJoin = "<x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x>";

bool contains(const std::vector<std::string>& out, const std::string& needle) {
  for (const auto& s : out) {
    if (s.find(needle) != std::string::npos) return true;
  }
  return false;
}

// Rooms here keep no archive, so that persistence alone decides what is stored; archiving
// has its own tests (archive_service_test.cpp).
muc::ServiceConfig without_archive() {
  muc::ServiceConfig c;
  c.archiving_default = false;
  return c;
}

class Durability : public ::testing::Test {
 protected:
  Durability() : h(without_archive(), &store) {}

  // A persistent room owned by alice with bob inside; every load and commit finished.
  void SetUp() override {
    h.join("alice@localhost/a", kRoom + "/Alice", kJoin);
    store.finish_load(std::nullopt);  // no such room in the database: created
    configure("cfg", "persistentroom", "1");
    ASSERT_EQ(store.commits.size(), 1u);
    store.finish_commit(true);
    ASSERT_TRUE(contains(h.take_emitted(), "id='cfg'"));
    h.join("bob@localhost/b", kRoom + "/Bob", kJoin);
  }

  // The owner submits one configuration field (answered later: the room is stored).
  std::vector<std::string> configure(const std::string& id, const std::string& field,
                                     const std::string& value) {
    return h.send("<iq from='alice@localhost/a' to='" + kRoom + "' type='set' id='" + id +
                  "'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
                  "type='submit'><field var='muc#roomconfig_" +
                  field + "'><value>" + value + "</value></field></x></query></iq>");
  }

  std::vector<std::string> ban_bob() {
    return h.send("<iq from='alice@localhost/a' to='" + kRoom +
                  "' type='set' id='ban'>"
                  "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='outcast' "
                  "jid='bob@localhost'/></query></iq>");
  }

  FakeStore store;
  ServiceHarness h;
};

TEST_F(Durability, BanIsAnsweredOnlyAfterCommit) {
  EXPECT_TRUE(ban_bob().empty());
  ASSERT_EQ(store.commits.size(), 1u);
  bool has_affiliation = false;
  for (const auto& op : store.commits.front().ops) {
    if (auto* a = std::get_if<muc::SetAffiliation>(&op)) {
      has_affiliation = a->jid == "bob@localhost" && a->affiliation == muc::Affiliation::outcast;
    }
  }
  EXPECT_TRUE(has_affiliation);
  store.finish_commit(true);
  auto out = h.take_emitted();
  EXPECT_TRUE(contains(out, "<status code='301'/>"));
  // XEP-0045 9.1: the banned user is told, then the admin, then the remaining occupants.
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NE(out[0].find("to='bob@localhost/b'"), std::string::npos) << out[0];
  EXPECT_EQ(canonical_xml(out[1]), canonical_xml("<iq to='alice@localhost/a' from='" + kRoom +
                                                 "' type='result' id='ban'/>"));
  EXPECT_NE(out[2].find("to='alice@localhost/a'"), std::string::npos) << out[2];
}

TEST_F(Durability, FailedCommitIsAWaitErrorAndChangesNothing) {
  ban_bob();
  store.finish_commit(false);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/resource-constraint");
  // Bob is still there and not banned: his message reaches the room.
  auto msg = h.send("<message from='bob@localhost/b' to='" + kRoom +
                    "' type='groupchat' id='m'><body>still here</body></message>");
  EXPECT_EQ(msg.size(), 2u);
}

TEST_F(Durability, StanzasWaitBehindACommitAndKeepTheirOrder) {
  ban_bob();
  // Bob speaks while the ban commits: the room decides after the commit, so he is refused.
  auto during = h.send("<message from='bob@localhost/b' to='" + kRoom +
                       "' type='groupchat' id='late'><body>last words</body></message>");
  EXPECT_TRUE(during.empty());
  store.finish_commit(true);
  auto out = h.take_emitted();
  ASSERT_FALSE(out.empty());
  EXPECT_NE(out.back().find("id='late'"), std::string::npos);
  EXPECT_EQ(error_of(out.back()), "modify/not-acceptable");
}

TEST_F(Durability, LoggedMessageIsBroadcastAfterItsArchiveCommit) {
  configure("log", "enablelogging", "1");
  store.finish_commit(true);
  h.take_emitted();
  auto now = h.send("<message from='bob@localhost/b' to='" + kRoom +
                    "' type='groupchat' id='m1'><body>on the record</body></message>");
  EXPECT_TRUE(now.empty());
  ASSERT_EQ(store.commits.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<muc::ArchiveMessage>(store.commits.front().ops.front()));
  store.finish_commit(true);
  EXPECT_EQ(h.take_emitted().size(), 2u);  // to alice and bob
}

TEST_F(Durability, ARoomNoLongerPersistentRetiresItsRow) {
  configure("tmp", "persistentroom", "0");
  ASSERT_EQ(store.commits.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<muc::DestroyRoom>(store.commits.front().ops.front()));
  store.finish_commit(true);
  EXPECT_TRUE(contains(h.take_emitted(), "id='tmp'"));
  // From now on changes are in memory only: nothing more is committed.
  h.send("<iq from='alice@localhost/a' to='" + kRoom +
         "' type='set' id='m'>"
         "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='member' "
         "jid='carol@localhost'/></query></iq>");
  EXPECT_TRUE(store.commits.empty());
}

TEST_F(Durability, AJoinQueuedBehindTheLastLeaveCreatesANewRoom) {
  configure("tmp", "persistentroom", "0");
  // While that commits, everyone leaves and carol joins: she must create a new room.
  h.send("<presence from='bob@localhost/b' to='" + kRoom + "/Bob' type='unavailable'/>");
  h.send("<presence from='alice@localhost/a' to='" + kRoom + "/Alice' type='unavailable'/>");
  h.join("carol@localhost/c", kRoom + "/Carol", kJoin);
  store.finish_commit(true);
  auto out = h.take_emitted();
  EXPECT_TRUE(contains(out, "<status code='201'/>"));
  EXPECT_TRUE(contains(out, "affiliation='owner' role='moderator' jid='carol@localhost/c'"));
}

// A logged temporary room: stored (its archive), yet gone when empty.
class LoggedTemporaryRoom : public Durability {
 protected:
  void SetUp() override {
    Durability::SetUp();
    configure("log", "enablelogging", "1");
    store.finish_commit(true);
    configure("tmp", "persistentroom", "0");
    store.finish_commit(true);
    h.take_emitted();
    h.send("<presence from='bob@localhost/b' to='" + kRoom + "/Bob' type='unavailable'/>");
    h.send("<presence from='alice@localhost/a' to='" + kRoom + "/Alice' type='unavailable'/>");
    h.take_emitted();
  }
};

TEST_F(LoggedTemporaryRoom, EmptiedRoomIsRetiredBeforeItsNameIsReused) {
  ASSERT_EQ(store.commits.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<muc::DestroyRoom>(store.commits.front().ops.front()));
  // Carol's join waits for the row to be retired, then creates a new room.
  EXPECT_TRUE(h.join("carol@localhost/c", kRoom + "/Carol", kJoin).empty());
  store.finish_commit(true);
  auto out = h.take_emitted();
  EXPECT_TRUE(contains(out, "<status code='201'/>"));
}

TEST_F(LoggedTemporaryRoom, FailedRetirementRefusesWhatWaitedAndIsRetried) {
  h.join("carol@localhost/c", kRoom + "/Carol", kJoin);
  store.finish_commit(false);
  auto refused = h.take_emitted();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(error_of(refused[0]), "wait/resource-constraint");
  // The next stanza tries again; the old room never comes back.
  EXPECT_TRUE(h.join("carol@localhost/c", kRoom + "/Carol", kJoin).empty());
  ASSERT_EQ(store.commits.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<muc::DestroyRoom>(store.commits.front().ops.front()));
  store.finish_commit(true);
  EXPECT_TRUE(contains(h.take_emitted(), "<status code='201'/>"));
}

TEST_F(Durability, RegistrationThatChangesNothingIsAnsweredWithoutACommit) {
  const std::string reg =
      "<iq from='alice@localhost/a' to='" + kRoom +
      "' type='set' id='r'><query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' "
      "type='submit'><field var='muc#register_roomnick'><value>Alice</value></field></x>"
      "</query></iq>";
  EXPECT_TRUE(h.send(reg).empty());  // the first registration commits
  ASSERT_EQ(store.commits.size(), 1u);
  store.finish_commit(true);
  h.take_emitted();
  auto again = h.send(reg);  // the same again: no commit, no audit row, answered at once
  EXPECT_TRUE(store.commits.empty());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0].find("type='result'"), std::string::npos);
}

TEST_F(Durability, ANewcomerDuringAnArchiveCommitGetsTheMessageAsHistory) {
  configure("log", "enablelogging", "1");
  store.finish_commit(true);
  h.take_emitted();
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='m1'><body>while you were away</body></message>");
  // Carol joins before the archive commit: her join waits behind it, and the message that
  // was broadcast before she came is in her history.
  h.join("carol@localhost/c", kRoom + "/Carol", "<x xmlns='http://jabber.org/protocol/muc'/>");
  store.finish_commit(true);
  bool history = false;
  for (const auto& s : h.take_emitted()) {
    history = history || (s.find("to='carol@localhost/c'") != std::string::npos &&
                          s.find("while you were away") != std::string::npos &&
                          s.find("urn:xmpp:delay") != std::string::npos);
  }
  EXPECT_TRUE(history);
}

TEST_F(Durability, AMessageWhoseArchiveFailedIsNotInHistory) {
  configure("log", "enablelogging", "1");
  store.finish_commit(true);
  h.take_emitted();
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='m1'><body>lost words</body></message>");
  store.finish_commit(false);
  auto refused = h.take_emitted();
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(error_of(refused[0]), "wait/resource-constraint");
  auto joined =
      h.join("carol@localhost/c", kRoom + "/Carol", "<x xmlns='http://jabber.org/protocol/muc'/>");
  ASSERT_FALSE(joined.empty());
  for (const auto& s : joined) EXPECT_EQ(s.find("lost words"), std::string::npos);
}

TEST_F(Durability, AJoinWhileTheArchiveCommitsDoesNotGetAMessageWhoseCommitFailed) {
  configure("log", "enablelogging", "1");
  store.finish_commit(true);
  h.take_emitted();
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='m1'><body>lost words</body></message>");
  // Carol joins before the archive answers: her join sequence is held behind the commit.
  auto joined =
      h.join("carol@localhost/c", kRoom + "/Carol", "<x xmlns='http://jabber.org/protocol/muc'/>");
  EXPECT_TRUE(joined.empty());
  store.finish_commit(false);
  auto released = h.take_emitted();
  bool carol_joined = false;
  for (const auto& s : released) {
    if (s.find("to='carol@localhost/c'") == std::string::npos) continue;
    EXPECT_EQ(s.find("lost words"), std::string::npos) << s;
    carol_joined = carol_joined || s.find("code='110'") != std::string::npos;
  }
  EXPECT_TRUE(carol_joined);
}

TEST_F(Durability, AJoinWhileTheArchiveCommitsGetsTheMessageOnceItIsArchived) {
  configure("log", "enablelogging", "1");
  store.finish_commit(true);
  h.take_emitted();
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='m1'><body>kept words</body></message>");
  h.join("carol@localhost/c", kRoom + "/Carol", "<x xmlns='http://jabber.org/protocol/muc'/>");
  store.finish_commit(true);
  int to_carol = 0;
  for (const auto& s : h.take_emitted()) {
    if (s.find("kept words") != std::string::npos &&
        s.find("to='carol@localhost/c'") != std::string::npos) {
      ++to_carol;
    }
  }
  EXPECT_EQ(to_carol, 1);  // in her history, not also live (she was not in the room yet)
}

TEST(Listing, DiscoItemsListsStoredRoomsNotLoadedAndLoadedOnesAsTheyAreNow) {
  FakeStore store;
  ServiceHarness h({}, &store);
  auto now = h.send(
      "<iq from='bob@localhost/b' to='conference.localhost' type='get' id='d'>"
      "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  EXPECT_TRUE(now.empty());  // answered when the database has listed its rooms
  ASSERT_EQ(store.lists.size(), 1u);
  // The service's own rooms: another service may share the database.
  EXPECT_EQ(store.listed_domains, std::vector<std::string>{"conference.localhost"});
  store.finish_list(
      {{"lounge@conference.localhost", "The Lounge"}, {"attic@conference.localhost", ""}});
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq to='bob@localhost/b' from='conference.localhost' type='result' "
                          "id='d'><query xmlns='http://jabber.org/protocol/disco#items'>"
                          "<item jid='attic@conference.localhost' name='attic'/>"
                          "<item jid='lounge@conference.localhost' name='The Lounge'/>"
                          "</query></iq>"));
}

TEST(Listing, DatabaseDownStillAnswersWithTheLoadedRooms) {
  FakeStore store;
  ServiceHarness h({}, &store);
  h.send(
      "<iq from='bob@localhost/b' to='conference.localhost' type='get' id='d'>"
      "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>");
  store.finish_list({}, false);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "");
  EXPECT_NE(out[0].find("type='result'"), std::string::npos);
}

TEST(Loading, ANewRoomIsCreatedOnlyOnceTheStoreSaysItDoesNotExist) {
  FakeStore store;
  ServiceHarness h({}, &store);
  EXPECT_TRUE(h.join("alice@localhost/a", kRoom + "/Alice", kJoin).empty());
  EXPECT_EQ(h.service().find_room("p"), nullptr);
  ASSERT_EQ(store.loads.size(), 1u);
  store.finish_load(std::nullopt);
  EXPECT_NE(h.service().find_room("p"), nullptr);
  EXPECT_TRUE(contains(h.take_emitted(), "<status code='201'/>"));
}

TEST(Loading, StoredRoomLoadsOnFirstUseWithItsBans) {
  FakeStore store;
  ServiceHarness h({}, &store);
  auto out = h.join("bob@localhost/b", kRoom + "/Bob", kJoin);
  EXPECT_TRUE(out.empty());
  ASSERT_EQ(store.loads.size(), 1u);
  EXPECT_EQ(store.loads.front().room, kRoom);
  muc::RoomSnapshot snap;
  snap.room = kRoom;
  snap.creator = "alice@localhost";
  snap.config.persistent = true;
  snap.affiliations["alice@localhost"] = {muc::Affiliation::owner, {}};
  snap.affiliations["bob@localhost"] = {muc::Affiliation::outcast, "spam"};
  store.finish_load(snap);
  auto emitted = h.take_emitted();
  ASSERT_EQ(emitted.size(), 1u);
  EXPECT_EQ(error_of(emitted[0]), "auth/forbidden");
}

TEST(Loading, DatabaseDownWhileLoadingRefusesWithWaitAndRetriesLater) {
  FakeStore store;
  ServiceHarness h({}, &store);
  h.join("bob@localhost/b", kRoom + "/Bob", kJoin);
  store.finish_load(std::nullopt, false);
  auto emitted = h.take_emitted();
  ASSERT_EQ(emitted.size(), 1u);
  EXPECT_EQ(error_of(emitted[0]), "wait/resource-constraint");
  h.join("bob@localhost/b", kRoom + "/Bob", kJoin);
  EXPECT_EQ(store.loads.size(), 1u);  // asked again
}

}  // namespace
}  // namespace muc_test
