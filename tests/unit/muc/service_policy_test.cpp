// Service-level policy (issue: configurable service admins, room-creation policy).
#include <gtest/gtest.h>

#include "service_harness.hpp"

namespace muc_test {
namespace {

const std::string kJoin = "<x xmlns='http://jabber.org/protocol/muc'/>";

muc::ServiceConfig policy(muc::CreationPolicy creation) {
  muc::ServiceConfig c;
  c.service_admins = {"root@localhost"};
  c.creation = creation;
  c.creation_domains = {"trusted.example"};
  return c;
}

TEST(CreationPolicy, AdminsOnlyRefusesOthersWithNotAllowed) {
  ServiceHarness h(policy(muc::CreationPolicy::admins));
  auto out = h.join("bob@localhost/b", "new@conference.localhost/Bob");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "cancel/not-allowed");
  EXPECT_EQ(h.service().room_count(), 0u);
  auto ok = h.join("root@localhost/r", "new@conference.localhost/Root");
  ASSERT_FALSE(ok.empty());
  EXPECT_NE(ok[0].find("<status code='201'/>"), std::string::npos);
}

TEST(CreationPolicy, DomainsAllowsListedDomainsAndAdmins) {
  ServiceHarness h(policy(muc::CreationPolicy::domains));
  EXPECT_EQ(error_of(h.join("bob@localhost/b", "a@conference.localhost/Bob")[0]),
            "cancel/not-allowed");
  EXPECT_EQ(error_of(h.join("eve@trusted.example/e", "b@conference.localhost/Eve")[0]), "");
  EXPECT_EQ(error_of(h.join("root@localhost/r", "c@conference.localhost/Root")[0]), "");
}

TEST(CreationPolicy, JoiningAnExistingRoomIsNotCreating) {
  ServiceHarness h(policy(muc::CreationPolicy::admins));
  h.create_instant_room("open", "root@localhost/r", "Root");
  auto out = h.join("bob@localhost/b", "open@conference.localhost/Bob");
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(error_of(out.back()), "");
}

TEST(ServiceAdmins, OwnEveryRoomAndMayConfigureIt) {
  ServiceHarness h(policy(muc::CreationPolicy::anyone));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  auto out = h.send(
      "<iq from='root@localhost/x' to='r@conference.localhost' type='get' id='cfg'>"
      "<query xmlns='http://jabber.org/protocol/muc#owner'/></iq>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "");
  EXPECT_NE(out[0].find("muc#roomconfig_roomname"), std::string::npos);
  // Banned users stay out even if a service admin is not in the room.
  auto ban = h.send(
      "<iq from='root@localhost/x' to='r@conference.localhost' type='set' id='b'>"
      "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='outcast' "
      "jid='bob@localhost'/></query></iq>");
  EXPECT_EQ(error_of(ban.back()), "");
  EXPECT_EQ(error_of(h.join("bob@localhost/b", "r@conference.localhost/Bob")[0]), "auth/forbidden");
}

TEST(ServiceAdmins, AreOwnersWhenTheyEnter) {
  ServiceHarness h(policy(muc::CreationPolicy::anyone));
  h.create_instant_room("r", "alice@localhost/a", "Alice");
  auto out = h.join("root@localhost/x", "r@conference.localhost/Root");
  bool owner_self = false;
  for (const auto& s : out) {
    owner_self =
        owner_self ||
        (s.find("to='root@localhost/x' from='r@conference.localhost/Root'") != std::string::npos &&
         s.find("affiliation='owner' role='moderator'") != std::string::npos);
  }
  EXPECT_TRUE(owner_self);
}

TEST(Registration, GivesMembershipButNoVoiceInAModeratedRoom) {
  ServiceHarness h;
  h.join("alice@localhost/a", "mod@conference.localhost/Alice");
  h.send(
      "<iq from='alice@localhost/a' to='mod@conference.localhost' type='set' id='c'>"
      "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
      "type='submit'><field var='muc#roomconfig_moderatedroom'><value>1</value></field>"
      "<field var='x-muc#roomconfig_allowregister'><value>1</value></field>"
      "</x></query></iq>");
  h.join("eve@localhost/e", "mod@conference.localhost/Eve");
  auto out = h.send(
      "<iq from='eve@localhost/e' to='mod@conference.localhost' type='set' id='r'>"
      "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
      "<field var='muc#register_roomnick'><value>Eve</value></field></x></query></iq>");
  bool member_visitor = false;
  for (const auto& s : out) {
    member_visitor =
        member_visitor || s.find("affiliation='member' role='visitor'") != std::string::npos;
  }
  EXPECT_TRUE(member_visitor);
  auto said = h.send(
      "<message from='eve@localhost/e' to='mod@conference.localhost' "
      "type='groupchat' id='m'><body>hi</body></message>");
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(error_of(said[0]), "auth/forbidden");
}

TEST(Registration, UnaffiliatedUserIsRefusedRegistrationRequiredByDefault) {
  // XEP-0045 7.10 lets a service restrict registration; x-muc#roomconfig_allowregister is
  // off by default (options/allow_register.cpp), so a visitor cannot register its way to
  // membership and voice.
  ServiceHarness h;
  h.create_instant_room("reg", "alice@localhost/a", "Alice");
  h.join("eve@localhost/e", "reg@conference.localhost/Eve");
  auto out = h.send(
      "<iq from='eve@localhost/e' to='reg@conference.localhost' type='set' id='r'>"
      "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
      "<field var='muc#register_roomnick'><value>Eve</value></field></x></query></iq>");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/registration-required");
}

TEST(MultiSession, ASecondSessionsNewAvailabilityIsShownToOthers) {
  ServiceHarness h;
  h.create_instant_room("ms", "alice@localhost/a", "Alice");
  h.join("bob@localhost/desk", "ms@conference.localhost/Bob");
  auto out = h.send(
      "<presence from='bob@localhost/phone' to='ms@conference.localhost/Bob'>"
      "<x xmlns='http://jabber.org/protocol/muc'/><show>away</show></presence>");
  bool alice_told = false;
  for (const auto& s : out) {
    alice_told = alice_told || (s.find("to='alice@localhost/a'") != std::string::npos &&
                                s.find("<show>away</show>") != std::string::npos);
  }
  EXPECT_TRUE(alice_told);
}

TEST(MultiSession, ModeratorsSeeTheNextSessionWhenTheShownOneLeaves) {
  ServiceHarness h;
  h.create_instant_room("ms", "alice@localhost/a", "Alice");
  h.join("bob@localhost/desk", "ms@conference.localhost/Bob");
  h.join("bob@localhost/phone", "ms@conference.localhost/Bob");
  auto out = h.send(
      "<presence from='bob@localhost/desk' to='ms@conference.localhost/Bob' type='unavailable'/>");
  bool moved = false;
  for (const auto& s : out) {
    moved = moved || (s.find("to='alice@localhost/a'") != std::string::npos &&
                      s.find("jid='bob@localhost/phone'") != std::string::npos &&
                      s.find("type='unavailable'") == std::string::npos);
  }
  EXPECT_TRUE(moved);
}

}  // namespace
}  // namespace muc_test
