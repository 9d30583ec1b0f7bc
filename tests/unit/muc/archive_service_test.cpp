// XEP-0313 on a room's JID, through the service with a store that completes when told: who
// may read the archive, what the store is asked, and the exact stanzas a reader gets.
#include <gtest/gtest.h>

#include "service_harness.hpp"
#include "transcript.hpp"

namespace muc_test {
namespace {

const std::string kRoom = "a@conference.localhost";
const std::string kJoin = "<history maxstanzas='0'/>";
const std::string kMam = "urn:xmpp:mam:2";

muc::ArchivedMessage archived(const std::string& id, const std::string& nick,
                              const std::string& body) {
  muc::ArchivedMessage m;
  m.stanza_id = id;
  m.nick = nick;
  m.sender_jid = nick == "Bob" ? "bob@localhost" : "alice@localhost";
  m.stanza_xml = "<message from='" + kRoom + "/" + nick + "' type='groupchat' id='c" + id +
                 "'><body>" + body + "</body><stanza-id xmlns='urn:xmpp:sid:0' id='" + id +
                 "' by='" + kRoom + "'/></message>";
  m.at = muc::Clock::time_point(std::chrono::seconds(1700000000));
  return m;
}

class Archive : public ::testing::Test {
 protected:
  Archive() : h({}, &store) {}

  // An open, public, temporary room owned by alice, with bob inside.
  void SetUp() override {
    h.join("alice@localhost/a", kRoom + "/Alice", kJoin);
    store.finish_load(std::nullopt);
    h.send("<iq from='alice@localhost/a' to='" + kRoom +
           "' type='set' id='cfg'><query xmlns='http://jabber.org/protocol/muc#owner'>"
           "<x xmlns='jabber:x:data' type='submit'/></query></iq>");
    // Archived, so stored although temporary: the instant configuration commits.
    ASSERT_EQ(store.commits.size(), 1u);
    store.finish_commit(true);
    h.take_emitted();
    h.join("bob@localhost/b", kRoom + "/Bob", kJoin);
  }

  std::vector<std::string> query(const std::string& from, const std::string& body,
                                 const std::string& type = "set") {
    return h.send("<iq from='" + from + "' to='" + kRoom + "' type='" + type +
                  "' id='q'><query xmlns='" + kMam + "' queryid='f1'>" + body + "</query></iq>");
  }

  void configure(const std::string& field, const std::string& value) {
    h.send("<iq from='alice@localhost/a' to='" + kRoom +
           "' type='set' id='c2'><query xmlns='http://jabber.org/protocol/muc#owner'>"
           "<x xmlns='jabber:x:data' type='submit'><field var='" +
           field + "'><value>" + value + "</value></field></x></query></iq>");
    store.finish_commit(true);
    h.take_emitted();
  }

  FakeStore store;
  ServiceHarness h;
};

TEST_F(Archive, GroupchatMessagesOfATemporaryRoomAreArchived) {
  EXPECT_TRUE(h.send("<message from='bob@localhost/b' to='" + kRoom +
                     "' type='groupchat' id='m1'><body>hi</body></message>")
                  .empty());
  ASSERT_EQ(store.commits.size(), 1u);
  const auto* op = std::get_if<muc::ArchiveMessage>(&store.commits.front().ops.front());
  ASSERT_NE(op, nullptr);
  EXPECT_EQ(op->nick, "Bob");
  EXPECT_EQ(op->stanza_id, "s1");
}

TEST_F(Archive, SubjectChangeIsArchivedAsBroadcastWithItsStanzaId) {
  // XEP-0313 (MUC archives): subject changes are stored as messages are; the broadcast
  // waits for the commit and carries the same stanza-id.
  EXPECT_TRUE(h.send("<message from='alice@localhost/a' to='" + kRoom +
                     "' type='groupchat' id='t1'><subject>Plans</subject></message>")
                  .empty());
  ASSERT_EQ(store.commits.size(), 1u);
  const muc::ArchiveMessage* row = nullptr;
  for (const auto& op : store.commits.front().ops) {
    if (const auto* a = std::get_if<muc::ArchiveMessage>(&op)) row = a;
  }
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->subject, std::optional<std::string>("Plans"));
  EXPECT_EQ(row->nick, "Alice");
  EXPECT_EQ(row->sender_jid, "alice@localhost");
  EXPECT_EQ(row->message_id, "t1");
  const std::string expected_xml = "<message from='" + kRoom +
                                   "/Alice' type='groupchat' id='t1'><subject>Plans</subject>"
                                   "<stanza-id id='" +
                                   row->stanza_id + "' by='" + kRoom + "' xmlns='urn:xmpp:sid:0'/>";
  EXPECT_EQ(row->stanza_xml.substr(0, expected_xml.size()), expected_xml);
  const std::string stanza_id = row->stanza_id;
  store.finish_commit(true);
  auto sent = h.take_emitted();
  ASSERT_EQ(sent.size(), 2u);  // to Alice and to Bob, as archived
  EXPECT_NE(sent[0].find("id='" + stanza_id + "'"), std::string::npos) << sent[0];
}

TEST_F(Archive, QueryAsksTheStoreForTheNewestPageAndSendsResultsThenFin) {
  EXPECT_TRUE(query("bob@localhost/b",
                    "<set xmlns='http://jabber.org/protocol/rsm'><max>2</max><before/></set>")
                  .empty());
  ASSERT_EQ(store.archive_queries.size(), 1u);
  const muc::ArchiveQuery& q = store.archive_queries.front().query;
  EXPECT_EQ(q.room, kRoom);
  EXPECT_TRUE(q.from_end);
  EXPECT_EQ(q.max, 2u);
  EXPECT_TRUE(q.after.empty() && q.before.empty());
  muc::ArchivePage page;
  page.messages = {archived("s7", "Alice", "one"), archived("s8", "Bob", "two")};
  store.finish_archive(page);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<message from='" + kRoom +
                          "' to='bob@localhost/b'><result xmlns='urn:xmpp:mam:2' queryid='f1' "
                          "id='s7'><forwarded xmlns='urn:xmpp:forward:0'><delay "
                          "xmlns='urn:xmpp:delay' stamp='2023-11-14T22:13:20Z'/><message "
                          "xmlns='jabber:client' from='" +
                          kRoom +
                          "/Alice' type='groupchat' id='cs7'><body>one</body><stanza-id "
                          "xmlns='urn:xmpp:sid:0' id='s7' by='" +
                          kRoom + "'/></message></forwarded></result></message>"));
  EXPECT_NE(out[1].find("id='s8'"), std::string::npos);
  EXPECT_EQ(canonical_xml(out[2]),
            canonical_xml("<iq from='" + kRoom +
                          "' to='bob@localhost/b' type='result' id='q'><fin "
                          "xmlns='urn:xmpp:mam:2'><set xmlns='http://jabber.org/protocol/rsm'>"
                          "<first>s7</first><last>s8</last></set></fin></iq>"));
}

TEST_F(Archive, CompletePageSaysSoAndEmptyPageHasAnEmptySet) {
  query("bob@localhost/b", "");
  EXPECT_EQ(store.archive_queries.front().query.max, 50u);  // 4.3.1: the service's page
  EXPECT_FALSE(store.archive_queries.front().query.from_end);
  muc::ArchivePage page;
  page.complete = true;
  store.finish_archive(page);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq from='" + kRoom +
                          "' to='bob@localhost/b' type='result' id='q'><fin "
                          "xmlns='urn:xmpp:mam:2' complete='true'><set "
                          "xmlns='http://jabber.org/protocol/rsm'/></fin></iq>"));
}

TEST_F(Archive, BoundsFromRsmAndTheFormAllApply) {
  query("bob@localhost/b",
        "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'><value>" +
            kMam +
            "</value></field><field var='after-id'><value>s2</value></field>"
            "<field var='before-id'><value>s9</value></field>"
            "<field var='start'><value>2023-11-14T00:00:00Z</value></field></x>"
            "<set xmlns='http://jabber.org/protocol/rsm'><max>1000</max><after>s3</after></set>");
  const muc::ArchiveQuery& q = store.archive_queries.front().query;
  EXPECT_EQ(q.after, (std::vector<std::string>{"s3", "s2"}));
  EXPECT_EQ(q.before, (std::vector<std::string>{"s9"}));
  EXPECT_FALSE(q.from_end);
  EXPECT_EQ(q.max, 250u);  // archive_page_max, whatever the client asks
  EXPECT_TRUE(q.start.has_value());
}

TEST_F(Archive, FlippedPageSendsTheNewestFirst) {
  query("bob@localhost/b", "<flip-page/>");
  muc::ArchivePage page;
  page.messages = {archived("s7", "Alice", "one"), archived("s8", "Bob", "two")};
  store.finish_archive(page);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_NE(out[0].find("id='s8'"), std::string::npos);
  EXPECT_NE(out[1].find("id='s7'"), std::string::npos);
  // The page is the same page: first and last still name its oldest and newest.
  EXPECT_NE(out[2].find("<first>s7</first><last>s8</last>"), std::string::npos);
}

TEST_F(Archive, RealJidsAreShownOnlyToThoseWhoSeeThem) {
  for (const std::string reader : {"bob@localhost/b", "alice@localhost/a"}) {
    query(reader, "");
    muc::ArchivePage page;
    page.messages = {archived("s7", "Bob", "one")};
    store.finish_archive(page);
    auto out = h.take_emitted();
    ASSERT_EQ(out.size(), 2u);
    // Semi-anonymous: alice moderates and sees bob's JID; bob, a participant, does not.
    bool shown = out[0].find("<item jid='bob@localhost'/>") != std::string::npos;
    EXPECT_EQ(shown, reader == "alice@localhost/a") << reader;
  }
}

TEST_F(Archive, UnknownIdIsItemNotFound) {
  query("bob@localhost/b", "<set xmlns='http://jabber.org/protocol/rsm'><after>nope</after></set>");
  muc::ArchivePage page;
  page.unknown_id = true;
  store.finish_archive(page);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "cancel/item-not-found");
}

TEST_F(Archive, FailedReadIsAWaitError) {
  query("bob@localhost/b", "");
  store.finish_archive({}, false);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/internal-server-error");
}

TEST_F(Archive, StrangerReadsTheArchiveOfAPublicOpenRoom) {
  EXPECT_TRUE(query("carol@localhost/c", "").empty());
  EXPECT_EQ(store.archive_queries.size(), 1u);
}

TEST_F(Archive, StrangerCannotReadTheArchiveOfAHiddenRoom) {
  configure("muc#roomconfig_publicroom", "0");
  auto out = query("carol@localhost/c", "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
  EXPECT_TRUE(store.archive_queries.empty());
}

TEST_F(Archive, NonMemberCannotReadAMembersOnlyArchive) {
  configure("muc#roomconfig_membersonly", "1");
  auto out = query("carol@localhost/c", "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
}

TEST_F(Archive, OutcastNeverReadsTheArchive) {
  h.send("<iq from='alice@localhost/a' to='" + kRoom +
         "' type='set' id='ban'><query xmlns='http://jabber.org/protocol/muc#admin'>"
         "<item affiliation='outcast' jid='carol@localhost'/></query></iq>");
  store.finish_commit(true);
  h.take_emitted();
  auto out = query("carol@localhost/c", "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
}

TEST_F(Archive, ParticipantMayNotFilterByRealJidInASemiAnonymousRoom) {
  auto out = query("bob@localhost/b",
                   "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>" + kMam +
                       "</value></field><field var='with'><value>alice@localhost</value></field>"
                       "</x>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
}

TEST_F(Archive, WithAnOccupantJidFiltersByNick) {
  query("bob@localhost/b", "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>" +
                               kMam + "</value></field><field var='with'><value>" + kRoom +
                               "/Alice</value></field></x>");
  EXPECT_EQ(store.archive_queries.front().query.with_nick, "Alice");
}

TEST_F(Archive, UnknownFieldIsFeatureNotImplemented) {
  auto out = query("bob@localhost/b",
                   "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>" + kMam +
                       "</value></field><field var='include-groupchat'><value>1</value></field>"
                       "</x>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "cancel/feature-not-implemented");
}

TEST_F(Archive, FormOfAnotherTypeIsBadRequest) {
  auto out = query("bob@localhost/b",
                   "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'><value>urn:xmpp:"
                   "mam:1</value></field></x>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/bad-request");
}

TEST_F(Archive, MaxZeroAsksForTheCountAlone) {
  query("bob@localhost/b", "<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>");
  EXPECT_TRUE(store.archive_queries.front().query.count);
  muc::ArchivePage page;
  page.count = 42;
  store.finish_archive(page);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("<count>42</count>"), std::string::npos);
}

TEST_F(Archive, FormListsTheFieldsItUnderstands) {
  auto out = query("bob@localhost/b", "", "get");
  ASSERT_EQ(out.size(), 1u);
  for (const char* var : {"FORM_TYPE", "with", "start", "end", "before-id", "after-id", "ids"}) {
    EXPECT_NE(out[0].find(std::string("var='") + var + "'"), std::string::npos) << var;
  }
}

TEST_F(Archive, MetadataNamesTheOldestAndNewestMessage) {
  h.send("<iq from='bob@localhost/b' to='" + kRoom + "' type='get' id='md'><metadata xmlns='" +
         kMam + "'/></iq>");
  muc::ArchiveEnds ends;
  ends.first = archived("s1", "Alice", "a");
  ends.last = archived("s9", "Bob", "b");
  store.finish_ends(ends);
  auto out = h.take_emitted();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq from='" + kRoom +
                          "' to='bob@localhost/b' type='result' id='md'><metadata "
                          "xmlns='urn:xmpp:mam:2'><start id='s1' timestamp='2023-11-14T22:13:20Z'/>"
                          "<end id='s9' timestamp='2023-11-14T22:13:20Z'/></metadata></iq>"));
}

TEST_F(Archive, RoomWithoutArchivingAnswersServiceUnavailable) {
  configure("muc#roomconfig_enablearchiving", "0");
  auto out = query("bob@localhost/b", "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "cancel/service-unavailable");
}

TEST(ArchiveWithoutStore, TurningArchivingOnIsNotAcceptable) {
  ServiceHarness h;
  h.create_instant_room("a", "alice@localhost/a", "Alice");
  auto out =
      h.send("<iq from='alice@localhost/a' to='" + kRoom +
             "' type='set' id='c'><query xmlns='http://jabber.org/protocol/muc#owner'>"
             "<x xmlns='jabber:x:data' type='submit'><field "
             "var='muc#roomconfig_enablearchiving'><value>1</value></field></x></query></iq>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/not-acceptable");
}

}  // namespace
}  // namespace muc_test
