// ServiceLimits (component/muc/service_limits.hpp): each bound, when passed, gets its stanza
// error and nothing is broadcast.
#include <gtest/gtest.h>

#include "service_harness.hpp"
#include "transcript.hpp"

namespace muc_test {
namespace {

const std::string kJoin = "<history maxstanzas='0'/>";

muc::ServiceConfig with(const std::function<void(muc::ServiceLimits&)>& set) {
  muc::ServiceConfig c;
  set(c.limits);
  return c;
}

std::string groupchat(const std::string& from, const std::string& id) {
  return "<message from='" + from + "' to='r@conference.localhost' type='groupchat' id='" + id +
         "'><body>hi</body></message>";
}

TEST(MessageRate, GroupchatBeyondTheBurstIsPolicyViolationAndNotBroadcast) {
  ServiceHarness h(with([](auto& l) {
    l.message_rate = 1;
    l.message_burst = 2;
  }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  EXPECT_EQ(h.send(groupchat("bob@localhost/b", "1")).size(), 2u);  // to Alice and Bob
  EXPECT_EQ(h.send(groupchat("bob@localhost/b", "2")).size(), 2u);
  auto third = h.send(groupchat("bob@localhost/b", "3"));
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(error_of(third[0]), "wait/policy-violation");
  EXPECT_NE(third[0].find("to='bob@localhost/b'"), std::string::npos);
}

TEST(MessageRate, TokensComeBackWithTime) {
  ServiceHarness h(with([](auto& l) {
    l.message_rate = 1;
    l.message_burst = 1;
  }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  EXPECT_EQ(h.send(groupchat("bob@localhost/b", "1")).size(), 2u);
  EXPECT_EQ(error_of(h.send(groupchat("bob@localhost/b", "2"))[0]), "wait/policy-violation");
  h.advance(std::chrono::seconds(1));
  EXPECT_EQ(h.send(groupchat("bob@localhost/b", "3")).size(), 2u);
}

TEST(MessageRate, ModeratorsAreNotLimited) {
  ServiceHarness h(with([](auto& l) {
    l.message_rate = 1;
    l.message_burst = 1;
  }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(h.send(groupchat("alice@localhost/a", std::to_string(i))).size(), 1u);
  }
}

std::string status(const std::string& from, const std::string& to, const std::string& text) {
  return "<presence from='" + from + "' to='" + to + "'><status>" + text + "</status></presence>";
}

muc::ServiceConfig one_presence_per_second() {
  return with([](auto& l) {
    l.presence_rate = 1;
    l.presence_burst = 1;
  });
}

TEST(PresenceRate, ChangesBeyondTheBurstAreHeldAndOnlyTheLatestGoesOut) {
  ServiceHarness h(one_presence_per_second());
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  const std::string bob = "r@conference.localhost/Bob";
  EXPECT_EQ(h.send(status("bob@localhost/b", bob, "one")).size(), 2u);  // Alice, Bob himself
  // Over the bucket: no error, nothing out; only the latest is kept.
  EXPECT_TRUE(h.send(status("bob@localhost/b", bob, "two")).empty());
  EXPECT_TRUE(h.send(status("bob@localhost/b", bob, "three")).empty());
  auto later = h.advance(std::chrono::seconds(1));
  ASSERT_EQ(later.size(), 2u);
  for (const std::string& s : later) {
    EXPECT_NE(s.find("<status>three</status>"), std::string::npos) << s;
    EXPECT_EQ(s.find("type='error'"), std::string::npos) << s;
  }
  EXPECT_TRUE(h.advance(std::chrono::seconds(5)).empty());  // nothing else was held
}

TEST(PresenceRate, ANewcomerSeesTheHeldPresenceAtOnce) {
  ServiceHarness h(one_presence_per_second());
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  const std::string bob = "r@conference.localhost/Bob";
  h.send(status("bob@localhost/b", bob, "one"));
  EXPECT_TRUE(h.send(status("bob@localhost/b", bob, "away")).empty());
  auto joined = h.join("carol@localhost/c", "r@conference.localhost/Carol", kJoin);
  bool saw = false;
  for (const std::string& s : joined) {
    if (s.find("from='r@conference.localhost/Bob'") != std::string::npos &&
        s.find("to='carol@localhost/c'") != std::string::npos) {
      saw = s.find("<status>away</status>") != std::string::npos;
    }
  }
  EXPECT_TRUE(saw);
}

TEST(PresenceRate, AHeldChangeOfAnOccupantWhoLeftIsNotSent) {
  ServiceHarness h(one_presence_per_second());
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  const std::string bob = "r@conference.localhost/Bob";
  h.send(status("bob@localhost/b", bob, "one"));
  EXPECT_TRUE(h.send(status("bob@localhost/b", bob, "two")).empty());
  h.send("<presence from='bob@localhost/b' to='" + bob + "' type='unavailable'/>");
  EXPECT_TRUE(h.advance(std::chrono::seconds(2)).empty());
}

TEST(PresenceRate, NickChangesBeyondTheBurstArePolicyViolation) {
  ServiceHarness h(one_presence_per_second());
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  EXPECT_EQ(h.send("<presence from='bob@localhost/b' to='r@conference.localhost/Bobby'/>").size(),
            4u);  // 303 and the new presence, to Alice and to Bob
  auto again = h.send("<presence from='bob@localhost/b' to='r@conference.localhost/Robert'/>");
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(error_of(again[0]), "wait/policy-violation");
  EXPECT_NE(again[0].find("You are changing your nickname too fast"), std::string::npos);
}

TEST(PresenceRate, ModeratorsAreNotLimited) {
  ServiceHarness h(one_presence_per_second());
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(h.send(status("alice@localhost/a", "r@conference.localhost/Alice", std::to_string(i)))
                  .size(),
              1u);
  }
}

TEST(TextSizes, LongNickIsPolicyViolation) {
  ServiceHarness h(with([](auto& l) { l.nick_max_bytes = 8; }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  auto out = h.join("bob@localhost/b", "r@conference.localhost/ABCDEFGHIJ", kJoin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/policy-violation");
}

TEST(TextSizes, LongSubjectIsPolicyViolationAndNotBroadcast) {
  ServiceHarness h(with([](auto& l) { l.subject_max_bytes = 4; }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  auto out = h.send(
      "<message from='alice@localhost/a' to='r@conference.localhost' type='groupchat' "
      "id='s'><subject>too long</subject></message>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/policy-violation");
}

TEST(TextSizes, LongKickReasonIsPolicyViolation) {
  ServiceHarness h(with([](auto& l) { l.reason_max_bytes = 4; }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  auto out = h.send(
      "<iq from='alice@localhost/a' to='r@conference.localhost' type='set' id='k'>"
      "<query xmlns='http://jabber.org/protocol/muc#admin'><item nick='Bob' role='none'>"
      "<reason>far too long</reason></item></query></iq>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/policy-violation");
}

TEST(TextSizes, LargePresenceIsPolicyViolationAndNotBroadcast) {
  ServiceHarness h(with([](auto& l) { l.presence_max_bytes = 32; }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  auto out = h.send("<presence from='bob@localhost/b' to='r@conference.localhost/Bob'><status>" +
                    std::string(100, 'x') + "</status></presence>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/policy-violation");
}

TEST(RoomQuota, UserCreatingTooManyRoomsPerHourIsPolicyViolation) {
  ServiceHarness h(with([](auto& l) { l.rooms_per_user_per_hour = 2; }));
  h.create_instant_room("r1", "alice@localhost/a", "Alice");
  h.create_instant_room("r2", "alice@localhost/a", "Alice");
  auto out = h.join("alice@localhost/a", "r3@conference.localhost/Alice", kJoin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/policy-violation");
  EXPECT_EQ(h.service().find_room("r3"), nullptr);
  // Others are not affected, and an hour later Alice may again.
  EXPECT_NE(error_of(h.join("bob@localhost/b", "r4@conference.localhost/Bob", kJoin)[0]),
            "wait/policy-violation");
  h.advance(std::chrono::seconds(3601));
  EXPECT_EQ(error_of(h.join("alice@localhost/a", "r3@conference.localhost/Alice", kJoin)[0]), "");
}

TEST(RoomQuota, ServiceAdminsAreNotLimited) {
  muc::ServiceConfig c = with([](auto& l) { l.rooms_per_user_per_hour = 1; });
  c.service_admins = {"admin@localhost"};
  ServiceHarness h(c);
  h.create_instant_room("r1", "admin@localhost/x", "Admin");
  EXPECT_EQ(error_of(h.join("admin@localhost/x", "r2@conference.localhost/Admin", kJoin)[0]), "");
}

TEST(RoomQuota, FullServiceRefusesNewRoomsWithResourceConstraint) {
  ServiceHarness h(with([](auto& l) { l.max_rooms = 1; }));
  h.create_instant_room("r1", "alice@localhost/a", "Alice");
  auto out = h.join("bob@localhost/b", "r2@conference.localhost/Bob", kJoin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/resource-constraint");
}

TEST(Occupants, ServiceBoundActsAsAFullRoom) {
  ServiceHarness h(with([](auto& l) { l.max_occupants = 2; }));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "r@conference.localhost/Bob", kJoin);
  auto out = h.join("carol@localhost/c", "r@conference.localhost/Carol", kJoin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/service-unavailable");  // XEP-0045 7.2.9
}

TEST(Waiting, StanzasBeyondTheQueueOfALoadingRoomAreResourceConstraint) {
  FakeStore store;
  ServiceHarness h(with([](auto& l) { l.max_waiting = 2; }), &store);
  EXPECT_TRUE(h.join("a@localhost/1", "r@conference.localhost/A", kJoin).empty());
  EXPECT_TRUE(h.join("b@localhost/1", "r@conference.localhost/B", kJoin).empty());
  auto out = h.join("c@localhost/1", "r@conference.localhost/C", kJoin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/resource-constraint");
}

TEST(Loading, ANameFoundAbsentIsNotLoadedAgain) {
  FakeStore store;
  ServiceHarness h({}, &store);
  const std::string ask =
      "<iq from='a@localhost/1' to='gone@conference.localhost' type='get' id='d'>"
      "<query xmlns='http://jabber.org/protocol/disco#info'/></iq>";
  EXPECT_TRUE(h.send(ask).empty());
  ASSERT_EQ(store.loads.size(), 1u);
  store.finish_load(std::nullopt);
  EXPECT_EQ(error_of(h.take_emitted()[0]), "cancel/item-not-found");
  auto again = h.send(ask);  // answered at once: no second load
  EXPECT_TRUE(store.loads.empty());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(error_of(again[0]), "cancel/item-not-found");
}

TEST(Loading, LoadsBeyondMaxLoadingAreResourceConstraint) {
  FakeStore store;
  ServiceHarness h(with([](auto& l) { l.max_loading = 2; }), &store);
  auto ask = [&](const std::string& room) {
    return h.send("<iq from='a@localhost/1' to='" + room +
                  "@conference.localhost' type='get' id='d'><query "
                  "xmlns='http://jabber.org/protocol/disco#info'/></iq>");
  };
  EXPECT_TRUE(ask("one").empty());
  EXPECT_TRUE(ask("two").empty());
  auto third = ask("three");
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(error_of(third[0]), "wait/resource-constraint");
  store.finish_load(std::nullopt);
  EXPECT_TRUE(ask("three").empty());  // a load finished: room for another
}

std::vector<std::string> items_query(ServiceHarness& h, const std::string& set) {
  return h.send(
      "<iq from='a@localhost/1' to='conference.localhost' type='get' id='d'><query "
      "xmlns='http://jabber.org/protocol/disco#items'>" +
      set + "</query></iq>");
}

TEST(DiscoItems, ALongListIsCutAndSaysSoWithResultSetManagement) {
  ServiceHarness h(with([](auto& l) { l.disco_items_max = 2; }));
  for (const char* r : {"a", "b", "c"}) h.create_instant_room(r, "alice@localhost/a", "Alice");
  auto out = items_query(h, "");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq to='a@localhost/1' from='conference.localhost' type='result' "
                          "id='d'><query xmlns='http://jabber.org/protocol/disco#items'>"
                          "<item jid='a@conference.localhost' name='a'/>"
                          "<item jid='b@conference.localhost' name='b'/>"
                          "<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>"
                          "a@conference.localhost</first><last>b@conference.localhost</last>"
                          "<count>3</count></set></query></iq>"));
}

TEST(DiscoItems, ClientsPageWithAfterAndBefore) {
  ServiceHarness h(with([](auto& l) { l.disco_items_max = 2; }));
  for (const char* r : {"a", "b", "c"}) h.create_instant_room(r, "alice@localhost/a", "Alice");
  auto next = items_query(h,
                          "<set xmlns='http://jabber.org/protocol/rsm'><max>10</max>"
                          "<after>b@conference.localhost</after></set>");
  EXPECT_EQ(canonical_xml(next[0]),
            canonical_xml("<iq to='a@localhost/1' from='conference.localhost' type='result' "
                          "id='d'><query xmlns='http://jabber.org/protocol/disco#items'>"
                          "<item jid='c@conference.localhost' name='c'/>"
                          "<set xmlns='http://jabber.org/protocol/rsm'><first index='2'>"
                          "c@conference.localhost</first><last>c@conference.localhost</last>"
                          "<count>3</count></set></query></iq>"));
  auto last = items_query(h,
                          "<set xmlns='http://jabber.org/protocol/rsm'><max>1</max><before/>"
                          "</set>");
  EXPECT_NE(last[0].find("<item jid='c@conference.localhost'"), std::string::npos);
  EXPECT_EQ(last[0].find("<item jid='b@conference.localhost'"), std::string::npos);
  auto count = items_query(h, "<set xmlns='http://jabber.org/protocol/rsm'><max>0</max></set>");
  EXPECT_EQ(count[0].find("<item "), std::string::npos);  // XEP-0059 2.7: the count only
  EXPECT_NE(count[0].find("<count>3</count>"), std::string::npos);
}

std::string register_nick(const std::string& from, const std::string& nick) {
  return "<iq from='" + from +
         "' to='reg@conference.localhost' type='set' id='r'><query xmlns='jabber:iq:register'>"
         "<x xmlns='jabber:x:data' type='submit'><field var='muc#register_roomnick'><value>" +
         nick + "</value></field></x></query></iq>";
}

TEST(Registrations, ARoomHoldsABoundedNumberOfRegisteredNicks) {
  ServiceHarness h(with([](auto& l) { l.registrations_per_room = 2; }));
  h.join("alice@localhost/a", "reg@conference.localhost/Alice");
  h.send(
      "<iq from='alice@localhost/a' to='reg@conference.localhost' type='set' id='c'>"
      "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
      "type='submit'><field var='x-muc#roomconfig_allowregister'><value>1</value></field>"
      "</x></query></iq>");
  EXPECT_EQ(error_of(h.send(register_nick("u1@localhost/x", "One"))[0]), "");
  EXPECT_EQ(error_of(h.send(register_nick("u2@localhost/x", "Two"))[0]), "");
  auto third = h.send(register_nick("u3@localhost/x", "Three"));
  ASSERT_EQ(third.size(), 1u);
  EXPECT_EQ(error_of(third[0]), "wait/resource-constraint");
  // A user who holds one may still change it.
  EXPECT_EQ(error_of(h.send(register_nick("u1@localhost/x", "Uno"))[0]), "");
}

TEST(VoiceRequests, AVisitorAsksAtMostOnceAMinute) {
  ServiceHarness h;
  h.join("alice@localhost/a", "v@conference.localhost/Alice");
  h.send(
      "<iq from='alice@localhost/a' to='v@conference.localhost' type='set' id='c'>"
      "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
      "type='submit'><field var='muc#roomconfig_moderatedroom'><value>1</value></field>"
      "</x></query></iq>");
  h.join("bob@localhost/b", "v@conference.localhost/Bob", kJoin);
  const std::string ask =
      "<message from='bob@localhost/b' to='v@conference.localhost' id='q'><x "
      "xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
      "<value>http://jabber.org/protocol/muc#request</value></field></x></message>";
  EXPECT_EQ(h.send(ask).size(), 1u);  // the form, to Alice
  auto again = h.send(ask);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(error_of(again[0]), "wait/policy-violation");
  h.advance(std::chrono::seconds(60));
  EXPECT_EQ(error_of(h.send(ask)[0]), "");
}

TEST(Invitations, ARoomHoldsABoundedNumberOfPendingInvitations) {
  ServiceHarness h;
  h.create_instant_room("i", "alice@localhost/a", "Alice");
  std::string many;
  for (int n = 0; n < 1001; ++n) many += "<invite to='u" + std::to_string(n) + "@localhost'/>";
  auto out = h.send(
      "<message from='alice@localhost/a' to='i@conference.localhost' id='m'><x "
      "xmlns='http://jabber.org/protocol/muc#user'>" +
      many + "</x></message>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "wait/resource-constraint");
}

TEST(LockedRooms, AConfiguredRoomOutlivesTheLockTimeout) {
  ServiceHarness h;
  h.create_instant_room("c", "alice@localhost/a", "Alice");
  EXPECT_TRUE(h.advance(std::chrono::seconds(600)).empty());
  EXPECT_NE(h.send(groupchat("alice@localhost/a", "m")).size(), 0u);
}

TEST(LockedRooms, ARoomCreatedAgainUnderTheSameNameGetsItsOwnDeadline) {
  ServiceHarness h(with([](auto& l) { l.locked_room_timeout = std::chrono::seconds(100); }));
  const std::string room = "r@conference.localhost";
  h.join("alice@localhost/a", room + "/Alice");
  h.advance(std::chrono::seconds(50));
  // Alice cancels the initial configuration: the room is gone (10.1.3).
  h.send("<iq from='alice@localhost/a' to='" + room +
         "' type='set' id='x'><query xmlns='http://jabber.org/protocol/muc#owner'><x "
         "xmlns='jabber:x:data' type='cancel'/></query></iq>");
  h.join("bob@localhost/b", room + "/Bob");  // created again at 50 s, locked until 150 s
  EXPECT_TRUE(h.advance(std::chrono::seconds(50)).empty());  // Alice's deadline passes
  auto out = h.advance(std::chrono::seconds(50));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NE(out[0].find("to='bob@localhost/b'"), std::string::npos);
  EXPECT_NE(out[0].find("<reason>The room was not configured within 100 seconds</reason>"),
            std::string::npos);
}

}  // namespace
}  // namespace muc_test
