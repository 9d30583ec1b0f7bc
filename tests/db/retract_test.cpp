// XEP-0424/0425 in PostgreSQL (db/pg_retract.cpp): a retraction replaces the message with its
// tombstone, archives the retraction and audits it in one transaction; the views show it.
#include <gtest/gtest.h>

#include "muc/store.hpp"
#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

using Outcome = muc::RetractResult::Outcome;

const std::string kRoom = "lounge@conference.example.org";

muc::ArchiveMessage message(const std::string& sid, const std::string& from_jid,
                            const std::string& body) {
  return {kRoom,
          "Bob",
          from_jid,
          "c-" + sid,
          sid,
          body,
          "<message from='" + kRoom + "/Bob' type='groupchat' id='c-" + sid + "'><body>" + body +
              "</body><stanza-id xmlns='urn:xmpp:sid:0' id='" + sid + "' by='" + kRoom +
              "'/></message>",
          at(1),
          std::nullopt};
}

muc::RetractMessage retraction(const std::string& target, const std::string& author = {}) {
  muc::RetractMessage op;
  op.room = kRoom;
  op.stanza_id = target;
  op.author = author;
  op.actor = author.empty() ? "alice@example.org" : author;
  op.reason = author.empty() ? "spam" : "";
  op.retracted_xml = "<retracted xmlns='urn:xmpp:message-retract:1' id='r1' stamp='x'/>";
  op.retraction = {kRoom, "",          op.actor, "r1", "r1", "", "<message type='groupchat'/>",
                   at(2), std::nullopt};
  op.at = at(2);
  return op;
}

class RetractTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    muc::RoomConfig config;
    config.persistent = true;
    ASSERT_TRUE(commit(kRoom, {muc::SaveRoom{kRoom, "alice@example.org", config, at(0)},
                               message("s1", "bob@example.org", "secret")}));
  }

  std::pair<muc::RetractResult, bool> retract(muc::RetractMessage op) {
    std::optional<std::pair<muc::RetractResult, bool>> got;
    store_->retract(std::move(op), [&](muc::RetractResult r, bool ok) { got.emplace(r, ok); });
    EXPECT_TRUE(run_until([&] { return got.has_value(); })) << "retraction never completed";
    return got.value_or(std::pair<muc::RetractResult, bool>{});
  }
};

TEST_F(RetractTest, ModerationLeavesATombstoneWithoutTheBody) {
  auto [result, ok] = retract(retraction("s1"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(result.outcome, Outcome::retracted);
  EXPECT_EQ(result.sent_at, at(1));
  EXPECT_EQ(result.tombstone_xml, "<message from='" + kRoom +
                                      "/Bob' type='groupchat' id='c-s1'><stanza-id id='s1' by='" +
                                      kRoom +
                                      "' xmlns='urn:xmpp:sid:0'/><retracted id='r1' stamp='x' "
                                      "xmlns='urn:xmpp:message-retract:1'/></message>");
  EXPECT_EQ(query_value<std::string>("SELECT stanza_xml FROM messages WHERE stanza_id = 's1'"),
            result.tombstone_xml);
  EXPECT_TRUE(query_value<bool>("SELECT body IS NULL FROM muc_messages WHERE stanza_id = 's1'"));
  EXPECT_EQ(query_value<std::string>("SELECT retracted_by || ' ' || retract_reason || ' ' || "
                                     "(retracted_at = sent_at + interval '1 second') FROM "
                                     "muc_messages WHERE stanza_id = 's1'"),
            "alice@example.org spam true");
  // The retraction is archived after it, and the audit log says who retracted whose.
  EXPECT_EQ(query_value<long>("SELECT count(*) FROM muc_messages WHERE stanza_id = 'r1'"), 1);
  EXPECT_EQ(query_value<std::string>("SELECT actor || ' ' || target || ' ' || new_value || ' ' || "
                                     "reason FROM muc_audit WHERE action = 'retract'"),
            "alice@example.org bob@example.org s1 spam");
}

TEST_F(RetractTest, SecondRetractionChangesNothing) {
  ASSERT_EQ(retract(retraction("s1")).first.outcome, Outcome::retracted);
  auto op = retraction("s1");
  op.retraction.stanza_id = "r2";
  EXPECT_EQ(retract(op).first.outcome, Outcome::already);
  EXPECT_EQ(query_value<long>("SELECT count(*) FROM audit_log WHERE action = 'retract'"), 1);
  EXPECT_EQ(query_value<long>("SELECT count(*) FROM messages WHERE stanza_id = 'r2'"), 0);
}

TEST_F(RetractTest, UnknownMessageIsNotFoundAndWritesNothing) {
  EXPECT_EQ(retract(retraction("nope")).first.outcome, Outcome::not_found);
  EXPECT_EQ(query_value<long>("SELECT count(*) FROM messages"), 1);
}

TEST_F(RetractTest, ASubjectChangeIsNotAMessageToRetract) {
  muc::ArchiveMessage subject = message("t1", "bob@example.org", "");
  subject.stanza_xml = "<message type='groupchat'><subject>Plans</subject></message>";
  subject.subject = "Plans";
  ASSERT_TRUE(commit(kRoom, {subject}));
  EXPECT_EQ(retract(retraction("t1")).first.outcome, Outcome::not_found);
  EXPECT_EQ(query_value<std::string>("SELECT subject FROM muc_messages WHERE stanza_id = 't1'"),
            "Plans");
}

TEST_F(RetractTest, AuthorRetractsTheirOwn) {
  auto [result, ok] = retract(retraction("s1", "bob@example.org"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(result.outcome, Outcome::retracted);
  EXPECT_EQ(
      query_value<std::string>("SELECT retracted_by FROM muc_messages WHERE stanza_id = 's1'"),
      "bob@example.org");
  EXPECT_TRUE(
      query_value<bool>("SELECT retract_reason IS NULL FROM muc_messages WHERE stanza_id = 's1'"));
}

TEST_F(RetractTest, NobodyElseRetractsWithoutModeration) {
  EXPECT_EQ(retract(retraction("s1", "mallory@example.org")).first.outcome, Outcome::not_author);
  EXPECT_EQ(query_value<std::string>("SELECT body FROM messages WHERE stanza_id = 's1'"), "secret");
  EXPECT_EQ(query_value<long>("SELECT count(*) FROM messages"), 1);
}

TEST_F(RetractTest, SelfRetractionOfAnUnknownMessageIsArchivedAsAMessage) {
  // XEP-0424 7: the retraction is stored whatever became of the message.
  EXPECT_EQ(retract(retraction("gone", "bob@example.org")).first.outcome, Outcome::not_found);
  EXPECT_EQ(query_value<long>("SELECT count(*) FROM messages WHERE stanza_id = 'r1'"), 1);
}

}  // namespace
}  // namespace db::test
