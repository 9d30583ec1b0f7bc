// Every iq get/set is answered exactly once (docs/architecture.md, Every iq answered exactly once),
// including the deferred ones: iqs relayed to an occupant (XEP-0045 7.5), changes answered
// after their commit, the service's disco#items after the database, and whatever is still
// waiting when the service shuts down.
#include <gtest/gtest.h>

#include <stdexcept>

#include "service_harness.hpp"
#include "transcript.hpp"

namespace muc_test {
namespace {

const std::string kRoom = "q@conference.localhost";
const std::string kStanzas = "urn:ietf:params:xml:ns:xmpp-stanzas";

std::size_t count_containing(const std::vector<std::string>& out, const std::string& needle) {
  std::size_t n = 0;
  for (const auto& s : out) n += s.find(needle) != std::string::npos ? 1 : 0;
  return n;
}

// The error the asker gets for its relayed iq `id`, from the target's occupant JID.
std::string relay_error(const std::string& to, const std::string& target_nick,
                        const std::string& id, const std::string& type,
                        const std::string& condition, const std::string& text) {
  return "<iq to='" + to + "' from='" + kRoom + "/" + target_nick + "' type='error' id='" + id +
         "'><error type='" + type + "'><" + condition + " xmlns='" + kStanzas + "'/><text xmlns='" +
         kStanzas + "'>" + text + "</text></error></iq>";
}

std::string version_query(const std::string& from, const std::string& to_nick,
                          const std::string& id) {
  return "<iq from='" + from + "' to='" + kRoom + "/" + to_nick + "' type='get' id='" + id +
         "'><query xmlns='jabber:iq:version'/></iq>";
}

// The one stanza of `out` addressed to `to`; fails unless there is exactly one.
std::string only_to(const std::vector<std::string>& out, const std::string& to) {
  std::vector<std::string> found;
  for (const auto& s : out) {
    if (s.find("to='" + to + "'") != std::string::npos && s.rfind("<iq", 0) == 0) {
      found.push_back(s);
    }
  }
  EXPECT_EQ(found.size(), 1u) << "iq to " << to;
  return found.empty() ? std::string() : found.front();
}

// Alice owns room q; Bob is in it.
class Relay : public ::testing::Test {
 protected:
  explicit Relay(muc::ServiceConfig config = {}) : h(std::move(config)) {}
  void SetUp() override {
    h.create_instant_room("q", "alice@localhost/a", "Alice");
    h.join("bob@localhost/b", kRoom + "/Bob");
  }
  // Bob asks Alice; the relay is sent to alice@localhost/a as muc-relay-N.
  void bob_asks_alice(const std::string& id) {
    auto out = h.send(version_query("bob@localhost/b", "Alice", id));
    ASSERT_EQ(out.size(), 1u);
    ASSERT_NE(out[0].find("to='alice@localhost/a'"), std::string::npos) << out[0];
  }
  ServiceHarness h;
};

TEST_F(Relay, RelayedIqOverTheBoundIsRefusedWithResourceConstraint) {
  for (std::size_t i = 1; i <= muc::Room::kMaxPendingIqs; ++i) {
    auto out = h.send(version_query("bob@localhost/b", "Alice", "v" + std::to_string(i)));
    ASSERT_EQ(out.size(), 1u);
    ASSERT_NE(out[0].find("id='muc-relay-" + std::to_string(i) + "'"), std::string::npos);
  }
  auto refused = h.send(version_query("bob@localhost/b", "Alice", "over"));
  ASSERT_EQ(refused.size(), 1u);
  EXPECT_EQ(canonical_xml(refused[0]),
            canonical_xml("<iq to='bob@localhost/b' from='" + kRoom +
                          "/Alice' type='error' id='over'><query xmlns='jabber:iq:version'/>"
                          "<error type='wait'><resource-constraint xmlns='" +
                          kStanzas + "'/><text xmlns='" + kStanzas +
                          "'>Too many queries in this room are waiting for their answers; try "
                          "again later</text></error></iq>"));
  // Nothing older was evicted: the first relay is still answered through the room.
  auto answered =
      h.send("<iq from='alice@localhost/a' to='" + kRoom +
             "/Bob' type='result' id='muc-relay-1'><query xmlns='jabber:iq:version'/></iq>");
  ASSERT_EQ(answered.size(), 1u);
  EXPECT_EQ(canonical_xml(answered[0]),
            canonical_xml("<iq to='bob@localhost/b' from='" + kRoom +
                          "/Alice' type='result' id='v1'><query xmlns='jabber:iq:version'/></iq>"));
  // And with one answered there is room for one more.
  EXPECT_NE(h.send(version_query("bob@localhost/b", "Alice", "again"))[0].find("muc-relay-"),
            std::string::npos);
}

TEST_F(Relay, RelayedIqToAnOccupantWhoLeavesIsAnsweredRecipientUnavailable) {
  bob_asks_alice("v1");
  auto out =
      h.send("<presence from='alice@localhost/a' to='" + kRoom + "/Alice' type='unavailable'/>");
  ASSERT_FALSE(out.empty());
  // Bob sees Alice leave, then gets the answer to his query from her occupant JID.
  EXPECT_NE(out.front().find("type='unavailable'"), std::string::npos);
  EXPECT_EQ(
      canonical_xml(out.back()),
      canonical_xml(relay_error("bob@localhost/b", "Alice", "v1", "wait", "recipient-unavailable",
                                "The occupant left the room before answering")));
  // Her client answering after all changes nothing: Bob has had his one answer.
  EXPECT_TRUE(
      h.send("<iq from='alice@localhost/a' to='" + kRoom + "/Bob' type='result' id='muc-relay-1'/>")
          .empty());
}

TEST_F(Relay, RelayedIqToAnOccupantWithAnotherSessionLeftWaitsForIt) {
  h.join("alice@localhost/a2", kRoom + "/Alice");
  auto out = h.send(version_query("bob@localhost/b", "Alice", "v1"));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_NE(out[0].find("to='alice@localhost/a2'"), std::string::npos);  // her latest session
  // Her other session leaves: Alice is still in the room, and may answer from either.
  out = h.send("<presence from='alice@localhost/a' to='" + kRoom + "/Alice' type='unavailable'/>");
  EXPECT_EQ(count_containing(out, "<iq"), 0u);
  out = h.send("<iq from='alice@localhost/a2' to='" + kRoom +
               "/Bob' type='result' id='muc-relay-1'/>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("type='result' id='v1'"), std::string::npos) << out[0];
}

TEST_F(Relay, RelayedIqToAnOccupantWhoChangedNickAndLeftIsAnswered) {
  bob_asks_alice("v1");
  h.send("<presence from='alice@localhost/a' to='" + kRoom + "/Alicia'/>");
  auto out =
      h.send("<presence from='alice@localhost/a' to='" + kRoom + "/Alicia' type='unavailable'/>");
  // Answered from the occupant JID Bob asked.
  EXPECT_EQ(
      canonical_xml(only_to(out, "bob@localhost/b")),
      canonical_xml(relay_error("bob@localhost/b", "Alice", "v1", "wait", "recipient-unavailable",
                                "The occupant left the room before answering")));
}

TEST_F(Relay, RelayedIqToAnOccupantWhoIsKickedOrBannedIsAnswered) {
  h.join("carol@localhost/c", kRoom + "/Carol");
  h.send(version_query("alice@localhost/a", "Bob", "to-bob"));
  h.send(version_query("alice@localhost/a", "Carol", "to-carol"));
  auto kicked = h.send("<iq from='alice@localhost/a' to='" + kRoom +
                       "' type='set' id='kick'><query xmlns='http://jabber.org/protocol/muc#admin'>"
                       "<item nick='Bob' role='none'/></query></iq>");
  EXPECT_EQ(count_containing(kicked, "id='kick' type='result'"), 1u);
  EXPECT_EQ(count_containing(kicked, "id='to-bob'"), 1u);
  EXPECT_EQ(count_containing(kicked, "<recipient-unavailable"), 1u);
  auto banned = h.send("<iq from='alice@localhost/a' to='" + kRoom +
                       "' type='set' id='ban'><query xmlns='http://jabber.org/protocol/muc#admin'>"
                       "<item jid='carol@localhost' affiliation='outcast'/></query></iq>");
  EXPECT_EQ(count_containing(banned, "id='to-carol'"), 1u);
  EXPECT_EQ(count_containing(banned, "<recipient-unavailable"), 1u);
  EXPECT_EQ(count_containing(banned, "id='ban' type='result'"), 1u);
}

TEST_F(Relay, RelayedIqToAnOccupantWhoseSessionBouncesIsAnswered) {
  bob_asks_alice("v1");
  // Her server says the session is gone (XEP-0045 18.1): she is removed, and so is the query.
  auto out = h.send("<message from='alice@localhost/a' to='" + kRoom +
                    "' type='error'><error type='cancel'><gone xmlns='" + kStanzas +
                    "'/></error></message>");
  EXPECT_EQ(count_containing(out, "<status code='333'/>"), 2u);  // to Bob, and to her
  EXPECT_EQ(
      canonical_xml(only_to(out, "bob@localhost/b")),
      canonical_xml(relay_error("bob@localhost/b", "Alice", "v1", "wait", "recipient-unavailable",
                                "The occupant left the room before answering")));
}

TEST_F(Relay, RelayedIqsInADestroyedRoomAreAnswered) {
  bob_asks_alice("v1");
  auto out = h.send("<iq from='alice@localhost/a' to='" + kRoom +
                    "' type='set' id='d'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                    "<destroy/></query></iq>");
  EXPECT_EQ(canonical_xml(only_to(out, "bob@localhost/b")),
            canonical_xml(relay_error("bob@localhost/b", "Alice", "v1", "wait",
                                      "recipient-unavailable", "The room was destroyed")));
  EXPECT_EQ(count_containing(out, "id='d' type='result'"), 1u);
}

TEST_F(Relay, RelayedIqTimesOutWithRemoteServerTimeout) {
  bob_asks_alice("v1");
  EXPECT_TRUE(h.advance(std::chrono::seconds(29)).empty());
  bob_asks_alice("v2");  // due 30 s after it was relayed, not with the first
  auto out = h.advance(std::chrono::seconds(1));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(
      canonical_xml(out[0]),
      canonical_xml(relay_error("bob@localhost/b", "Alice", "v1", "wait", "remote-server-timeout",
                                "The occupant did not answer in time")));
  // A late answer finds nothing to answer.
  EXPECT_TRUE(
      h.send("<iq from='alice@localhost/a' to='" + kRoom + "/Bob' type='result' id='muc-relay-1'/>")
          .empty());
  EXPECT_TRUE(h.advance(std::chrono::seconds(28)).empty());
  out = h.advance(std::chrono::seconds(1));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("id='v2'"), std::string::npos);
  EXPECT_EQ(error_of(out[0]), "wait/remote-server-timeout");
}

TEST_F(Relay, AnsweredRelayDoesNotTimeOut) {
  bob_asks_alice("v1");
  h.send("<iq from='alice@localhost/a' to='" + kRoom + "/Bob' type='result' id='muc-relay-1'/>");
  EXPECT_TRUE(h.advance(std::chrono::seconds(60)).empty());
}

muc::ServiceConfig quick_timeout() {
  muc::ServiceConfig c;
  c.limits.iq_relay_timeout = std::chrono::seconds(5);
  return c;
}

class QuickRelay : public Relay {
 protected:
  QuickRelay() : Relay(quick_timeout()) {}
};

TEST_F(QuickRelay, RelayTimeoutIsTheConfiguredOne) {
  bob_asks_alice("v1");
  EXPECT_TRUE(h.advance(std::chrono::seconds(4)).empty());
  auto out = h.advance(std::chrono::seconds(1));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/remote-server-timeout");
}

TEST_F(Relay, ShutdownAnswersPendingRelaysBeforeTheExits) {
  bob_asks_alice("v1");
  auto out = h.shut_down();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml(relay_error("bob@localhost/b", "Alice", "v1", "wait",
                                      "recipient-unavailable", "The service is shutting down")));
  EXPECT_EQ(count_containing(out, "<status code='332'/>"), 2u);
  // Nothing is relayed or created after that: an iq is refused.
  auto late = h.send(version_query("bob@localhost/b", "Alice", "late"));
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(error_of(late[0]), "cancel/service-unavailable");
  EXPECT_EQ(h.service().room_count(), 0u);
}

// A persistent room p owned by alice, with a store that completes when the test says.
class Stored : public ::testing::Test {
 protected:
  Stored() : h({}, &store) {}
  void SetUp() override {
    h.join("alice@localhost/a", "p@conference.localhost/Alice");
    store.finish_load(std::nullopt);
    configure("cfg");
    store.finish_commit(true);
    h.take_emitted();
  }
  std::vector<std::string> configure(const std::string& id) {
    return h.send("<iq from='alice@localhost/a' to='p@conference.localhost' type='set' id='" + id +
                  "'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
                  "type='submit'><field var='muc#roomconfig_persistentroom'><value>1</value>"
                  "</field></x></query></iq>");
  }
  FakeStore store;
  ServiceHarness h;
};

TEST_F(Stored, CommitAfterRoomRetiredStillAnswersTheIq) {
  // The owner's change is committing when the service shuts down and drops its rooms; the
  // commit then succeeds: the change is durable, so the answer is a result.
  EXPECT_TRUE(configure("late").empty());
  ASSERT_EQ(store.commits.size(), 1u);
  h.shut_down();
  EXPECT_EQ(h.service().find_room("p"), nullptr);
  store.finish_commit(true);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq to='alice@localhost/a' from='p@conference.localhost' "
                          "type='result' id='late'/>"));
}

TEST_F(Stored, FailedCommitAfterRoomRetiredIsAWaitError) {
  configure("late");
  h.shut_down();
  store.finish_commit(false);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("id='late'"), std::string::npos);
  EXPECT_EQ(error_of(out[0]), "wait/resource-constraint");
}

TEST_F(Stored, IqWaitingBehindACommitIsRefusedAtShutdown) {
  configure("busy");
  // Waits behind the commit (the room decides on committed state only).
  EXPECT_TRUE(h.send("<iq from='alice@localhost/a' to='p@conference.localhost' type='get' "
                     "id='info'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
                  .empty());
  auto out = h.shut_down();
  ASSERT_EQ(count_containing(out, "id='info'"), 1u);
  EXPECT_EQ(error_of(only_to(out, "alice@localhost/a")), "cancel/service-unavailable");
  store.finish_commit(true);
  auto later = h.take_emitted();
  ASSERT_EQ(later.size(), 1u);  // the change's own answer, and nothing for the refused one
  EXPECT_NE(later[0].find("id='busy' type='result'"), std::string::npos);
}

TEST(Deferred, IqWaitingForItsRoomToLoadIsRefusedAtShutdown) {
  FakeStore store;
  ServiceHarness h({}, &store);
  EXPECT_TRUE(h.send("<iq from='bob@localhost/b' to='r@conference.localhost' type='get' id='i'>"
                     "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>")
                  .empty());
  auto out = h.shut_down();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "cancel/service-unavailable");
  store.finish_load(std::nullopt);  // the load finishing later answers nothing twice
  EXPECT_TRUE(h.take_emitted().empty());
}

TEST(Deferred, DeferredDiscoItemsIsAlwaysAnswered) {
  FakeStore store;
  // A store without anywhere to send what it completes is refused: nothing could be dropped.
  EXPECT_THROW(muc::Service({}, &store, {}), std::invalid_argument);
  ServiceHarness h({}, &store);
  const std::string items =
      "<iq from='bob@localhost/b' to='conference.localhost' type='get' id='d'>"
      "<query xmlns='http://jabber.org/protocol/disco#items'/></iq>";
  EXPECT_TRUE(h.send(items).empty());
  // The database fails: answered with the loaded rooms (none).
  store.finish_list({}, false);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq to='bob@localhost/b' from='conference.localhost' type='result' "
                          "id='d'><query xmlns='http://jabber.org/protocol/disco#items'/></iq>"));
  // Still listing when the service shuts down: answered when the list comes.
  h.send(items);
  h.shut_down();
  store.finish_list({{"lounge@conference.localhost", "The Lounge"}});
  out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("id='d' type='result'"), std::string::npos);
  EXPECT_NE(out[0].find("jid='lounge@conference.localhost'"), std::string::npos);
}

}  // namespace
}  // namespace muc_test
