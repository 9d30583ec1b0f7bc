// XEP-0425 (a moderator retracts a message) and XEP-0424 (an author retracts their own),
// through the service with a store that answers when told: who may, what the store is asked,
// and the exact stanzas everyone gets once it has answered.
#include <gtest/gtest.h>

#include "muc/retraction.hpp"
#include "service_harness.hpp"
#include "transcript.hpp"

namespace muc_test {
namespace {

using Outcome = muc::RetractResult::Outcome;

const std::string kRoom = "a@conference.localhost";
const std::string kJoin = "<history maxstanzas='0'/>";

std::string moderate(const std::string& from, const std::string& id, const std::string& inner) {
  return "<iq from='" + from + "' to='" + kRoom + "' type='set' id='mod'><moderate id='" + id +
         "' xmlns='urn:xmpp:message-moderate:1'>" + inner + "</moderate></iq>";
}

// A room's broadcast as one recipient gets it.
std::string with_to(const std::string& stanza, const std::string& to) {
  return "<message to='" + to + "' " + stanza.substr(std::string("<message ").size());
}

const std::string kRetract = "<retract xmlns='urn:xmpp:message-retract:1'/>";

muc::RetractResult retracted(const std::string& tombstone) {
  return {Outcome::retracted, tombstone, muc::Clock::time_point(std::chrono::seconds(1700000000))};
}

class Retractions : public ::testing::Test {
 protected:
  Retractions() : h({}, &store) {}

  // An open, archived room: alice owns it (a moderator), bob takes part.
  void SetUp() override {
    h.join("alice@localhost/a", kRoom + "/Alice", kJoin);
    store.finish_load(std::nullopt);
    h.send("<iq from='alice@localhost/a' to='" + kRoom +
           "' type='set' id='cfg'><query xmlns='http://jabber.org/protocol/muc#owner'>"
           "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
    store.finish_commit(true);
    h.take_emitted();
    h.join("bob@localhost/b", kRoom + "/Bob", kJoin);
  }

  FakeStore store;
  ServiceHarness h;
};

TEST_F(Retractions, ModeratorRetractsAMessageOnceTheStoreHasTombstonedIt) {
  EXPECT_TRUE(
      h.send(moderate("alice@localhost/a", "s9", kRetract + "<reason>spam</reason>")).empty());
  ASSERT_EQ(store.retractions.size(), 1u);
  const muc::RetractMessage& op = store.retractions.front().op;
  EXPECT_EQ(op.stanza_id, "s9");
  EXPECT_EQ(op.author, "");  // a moderator retracts anyone's
  EXPECT_EQ(op.actor, "alice@localhost");
  EXPECT_EQ(op.reason, "spam");
  EXPECT_EQ(op.retraction.stanza_id, "s1");
  EXPECT_EQ(canonical_xml(op.retracted_xml),
            canonical_xml("<retracted xmlns='urn:xmpp:message-retract:1' id='s1' stamp='" +
                          muc::delay_stamp(h.now()) +
                          "'><moderated xmlns='urn:xmpp:message-moderate:1' by='" + kRoom +
                          "/Alice'/><reason>spam</reason></retracted>"));
  store.finish_retract(retracted("<message from='" + kRoom + "/Bob' type='groupchat'/>"));
  auto out = h.take_emitted();
  const std::string broadcast =
      "<message from='" + kRoom +
      "' type='groupchat' id='s1'><retract xmlns='urn:xmpp:message-retract:1' id='s9'>"
      "<moderated xmlns='urn:xmpp:message-moderate:1' by='" +
      kRoom +
      "/Alice'/><reason>spam</reason></retract><stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='" +
      kRoom + "'/></message>";
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(canonical_xml(out[0]), canonical_xml(with_to(broadcast, "alice@localhost/a")));
  EXPECT_EQ(canonical_xml(out[1]), canonical_xml(with_to(broadcast, "bob@localhost/b")));
  EXPECT_EQ(
      canonical_xml(out[2]),
      canonical_xml("<iq from='" + kRoom + "' to='alice@localhost/a' type='result' id='mod'/>"));
}

TEST_F(Retractions, ParticipantCannotModerate) {
  auto out = h.send(moderate("bob@localhost/b", "s9", kRetract));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
  EXPECT_TRUE(store.retractions.empty());
}

TEST_F(Retractions, ModerationWithoutRetractIsNotImplemented) {
  auto out = h.send(moderate("alice@localhost/a", "s9", "<reason>why</reason>"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "cancel/feature-not-implemented");
}

TEST_F(Retractions, ModerationWithoutAnIdIsABadRequest) {
  auto out = h.send(moderate("alice@localhost/a", "", kRetract));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/bad-request");
}

TEST_F(Retractions, ModerationOfAMessageNotInTheArchiveIsItemNotFound) {
  h.send(moderate("alice@localhost/a", "nope", kRetract));
  store.finish_retract({Outcome::not_found, {}, {}});
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "cancel/item-not-found");
}

TEST_F(Retractions, SecondModerationOfAMessageTellsNobodyAndSucceeds) {
  h.send(moderate("alice@localhost/a", "s9", kRetract));
  store.finish_retract({Outcome::already, {}, {}});
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("type='result'"), std::string::npos) << out[0];
}

TEST_F(Retractions, FailedRetractionIsAWaitErrorAndBroadcastsNothing) {
  h.send(moderate("alice@localhost/a", "s9", kRetract));
  store.finish_retract({}, false);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/resource-constraint");
}

TEST_F(Retractions, StanzasBehindARetractionWaitForIt) {
  h.send(moderate("alice@localhost/a", "s9", kRetract));
  EXPECT_TRUE(h.send("<message from='bob@localhost/b' to='" + kRoom +
                     "' type='groupchat' id='m2'><body>after</body></message>")
                  .empty());
  EXPECT_TRUE(store.commits.empty());  // not decided before the retraction is
  store.finish_retract(retracted("<message type='groupchat'/>"));
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 3u);  // the retraction to both, the iq result; the message is held
  ASSERT_EQ(store.commits.size(), 1u);
  store.finish_commit(true);
  EXPECT_EQ(h.take_emitted().size(), 2u);
}

TEST_F(Retractions, AuthorRetractsTheirOwnMessage) {
  const std::string retraction =
      "<retract xmlns='urn:xmpp:message-retract:1' id='s9'/><body>retracted</body>";
  EXPECT_TRUE(h.send("<message from='bob@localhost/b' to='" + kRoom +
                     "' type='groupchat' id='r1'>" + retraction + "</message>")
                  .empty());
  ASSERT_EQ(store.retractions.size(), 1u);
  const muc::RetractMessage& op = store.retractions.front().op;
  EXPECT_EQ(op.stanza_id, "s9");
  EXPECT_EQ(op.author, "bob@localhost");  // only if bob sent it
  EXPECT_EQ(op.retraction.body, "retracted");
  EXPECT_NE(op.retracted_xml.find("id='r1'"), std::string::npos) << op.retracted_xml;
  store.finish_retract(retracted("<message type='groupchat'/>"));
  auto out = h.take_emitted();
  const std::string broadcast = "<message from='" + kRoom + "/Bob' type='groupchat' id='r1'>" +
                                retraction + "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='" +
                                kRoom + "'/></message>";
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(canonical_xml(out[0]), canonical_xml(with_to(broadcast, "alice@localhost/a")));
  EXPECT_EQ(canonical_xml(out[1]), canonical_xml(with_to(broadcast, "bob@localhost/b")));
}

TEST_F(Retractions, AuthorsRetractionWithoutAnIdGetsItsStanzaIdAndNoModeratedClaim) {
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat'><retract xmlns='urn:xmpp:message-retract:1' id='s9'><moderated "
         "xmlns='urn:xmpp:message-moderate:1' by='" +
         kRoom + "/Alice'/></retract></message>");
  ASSERT_EQ(store.retractions.size(), 1u);
  const muc::RetractMessage& op = store.retractions.front().op;
  EXPECT_NE(op.retracted_xml.find("id='s1'"), std::string::npos) << op.retracted_xml;
  EXPECT_NE(op.retraction.stanza_xml.find("id='s1'"), std::string::npos);
  EXPECT_EQ(op.retraction.stanza_xml.find("moderated"), std::string::npos)
      << op.retraction.stanza_xml;
}

TEST_F(Retractions, RetractWithoutAnIdIsAnOrdinaryMessage) {
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='r1'><retract xmlns='urn:xmpp:message-retract:1'/><body>x</body>"
         "</message>");
  EXPECT_TRUE(store.retractions.empty());
  EXPECT_EQ(store.commits.size(), 1u);  // archived as a message
}

TEST_F(Retractions, RetriedRetractionStillTombstonesTheHistory) {
  // The first attempt's COMMIT was in doubt and reported failed; the retry finds it done.
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='m1'><body>secret</body></message>");
  store.finish_commit(true);
  h.take_emitted();
  h.send(moderate("alice@localhost/a", "s1", kRetract));
  store.finish_retract({Outcome::already,
                        "<message from='" + kRoom +
                            "/Bob' type='groupchat' id='m1'><stanza-id xmlns='urn:xmpp:sid:0' "
                            "id='s1' by='" +
                            kRoom +
                            "'/><retracted xmlns='urn:xmpp:message-retract:1' id='s0'/>"
                            "</message>",
                        muc::Clock::time_point(std::chrono::seconds(1700000000))});
  h.take_emitted();
  std::string history;
  for (const auto& s : h.join("carol@localhost/c", kRoom + "/Carol")) history += s;
  EXPECT_EQ(history.find("secret"), std::string::npos) << history;
  EXPECT_NE(history.find("<retracted"), std::string::npos) << history;
}

TEST_F(Retractions, AuthorCannotRetractSomeoneElsesMessage) {
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='r1'><retract xmlns='urn:xmpp:message-retract:1' "
         "id='s9'/></message>");
  store.finish_retract({Outcome::not_author, {}, {}});
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);  // to bob only: nobody else hears of it
  EXPECT_NE(out[0].find("to='bob@localhost/b'"), std::string::npos) << out[0];
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
}

TEST_F(Retractions, VisitorCannotRetract) {
  h.send("<iq from='alice@localhost/a' to='" + kRoom +
         "' type='set' id='v'><query xmlns='http://jabber.org/protocol/muc#admin'><item "
         "nick='Bob' role='visitor'/></query></iq>");
  h.settle();
  auto out = h.send("<message from='bob@localhost/b' to='" + kRoom +
                    "' type='groupchat' id='r1'><retract xmlns='urn:xmpp:message-retract:1' "
                    "id='s9'/></message>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
  EXPECT_TRUE(store.retractions.empty());
}

TEST_F(Retractions, NewcomersGetTheTombstoneInsteadOfTheMessage) {
  h.send("<message from='bob@localhost/b' to='" + kRoom +
         "' type='groupchat' id='m1'><body>secret</body></message>");
  store.finish_commit(true);
  h.take_emitted();
  h.send(moderate("alice@localhost/a", "s1", kRetract));
  const std::string tombstone =
      "<message from='" + kRoom +
      "/Bob' type='groupchat' id='m1'><stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='" + kRoom +
      "'/><retracted xmlns='urn:xmpp:message-retract:1' id='s2' stamp='2023-11-14T22:13:20Z'/>"
      "</message>";
  store.finish_retract(retracted(tombstone));
  h.take_emitted();
  auto out = h.join("carol@localhost/c", kRoom + "/Carol");
  std::string history;
  for (const auto& s : out) {
    if (s.find("<delay") != std::string::npos && s.find("stanza-id") != std::string::npos) {
      history += s;
    }
  }
  EXPECT_EQ(history.find("secret"), std::string::npos) << history;
  EXPECT_NE(history.find("<retracted"), std::string::npos) << history;
  EXPECT_NE(history.find("<retract "), std::string::npos) << history;  // and the retraction
}

TEST(Tombstone, KeepsTheIdsAndDropsWhatTheMessageSaid) {
  auto t = muc::tombstone_of(
      "<message from='r@c/Bob' type='groupchat' id='m1' hint='secret'><body>secret</body>"
      "<html xmlns='http://jabber.org/protocol/xhtml-im'><body>secret</body></html>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='other' by='elsewhere'/>"
      "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='r@c'/>"
      "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='o1'/></message>",
      "r@c",
      "<retracted xmlns='urn:xmpp:message-retract:1' id='s2' stamp='2026-01-01T00:00:00Z'/>");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(canonical_xml(*t),
            canonical_xml("<message from='r@c/Bob' type='groupchat' id='m1'>"
                          "<stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='r@c'/>"
                          "<occupant-id xmlns='urn:xmpp:occupant-id:0' id='o1'/>"
                          "<retracted xmlns='urn:xmpp:message-retract:1' id='s2' "
                          "stamp='2026-01-01T00:00:00Z'/></message>"));
}

TEST(Tombstone, OfAStanzaThatDoesNotParseIsNone) {
  EXPECT_FALSE(muc::tombstone_of("<message", "r@c", "<retracted/>").has_value());
}

}  // namespace
}  // namespace muc_test
