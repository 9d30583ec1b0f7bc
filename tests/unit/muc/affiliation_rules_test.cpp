// XEP-0045 9.1 and 5.2 on effective affiliations: domain bans, a ban's effect on the reserved
// nick, and the service admins' ownership of every room.
#include <gtest/gtest.h>

#include "service_harness.hpp"

namespace muc_test {
namespace {

std::string ban(ServiceHarness& h, const std::string& actor, const std::string& jid) {
  auto out =
      h.send("<iq from='" + actor +
             "' to='r@conference.localhost' type='set' id='ban'>"
             "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='outcast' "
             "jid='" +
             jid + "'/></query></iq>");
  return out.empty() ? "none" : error_of(out.back());
}

std::string set_affiliation(ServiceHarness& h, const std::string& jid, const std::string& to) {
  auto out = h.send(
      "<iq from='owner@localhost/o' to='r@conference.localhost' type='set' id='a'>"
      "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='" +
      to + "' jid='" + jid + "'/></query></iq>");
  return out.empty() ? "none" : error_of(out.back());
}

TEST(DomainBan, RefusesEveryUserOfTheDomain) {
  ServiceHarness h;
  h.create_instant_room("r", "owner@localhost/o", "Owner");
  EXPECT_EQ(ban(h, "owner@localhost/o", "evil.example"), "");
  auto out = h.join("mallory@evil.example/m", "r@conference.localhost/Mallory");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
  EXPECT_EQ(error_of(h.join("bob@good.example/b", "r@conference.localhost/Bob").back()), "");
}

TEST(DomainBan, RemovesTheDomainsUsersAlreadyInTheRoomWith301) {
  ServiceHarness h;
  h.create_instant_room("r", "owner@localhost/o", "Owner");
  h.join("mallory@evil.example/m", "r@conference.localhost/Mallory");
  auto out = h.send(
      "<iq from='owner@localhost/o' to='r@conference.localhost' type='set' id='ban'>"
      "<query xmlns='http://jabber.org/protocol/muc#admin'><item affiliation='outcast' "
      "jid='evil.example'/></query></iq>");
  bool removed = false;
  for (const auto& s : out) {
    removed = removed || (s.find("from='r@conference.localhost/Mallory' type='unavailable'") !=
                              std::string::npos &&
                          s.find("<status code='301'/>") != std::string::npos);
  }
  EXPECT_TRUE(removed);
  EXPECT_EQ(h.service().find_room("r")->occupant_count(), 1u);
}

TEST(DomainBan, AUsersOwnAffiliationComesFirst) {
  ServiceHarness h;
  h.create_instant_room("r", "owner@localhost/o", "Owner");
  EXPECT_EQ(set_affiliation(h, "friend@evil.example", "member"), "");
  EXPECT_EQ(ban(h, "owner@localhost/o", "evil.example"), "");
  EXPECT_EQ(error_of(h.join("friend@evil.example/f", "r@conference.localhost/Friend").back()), "");
}

// XEP-0045 9.1: "the service MUST remove the user's reserved nickname".
TEST(Ban, RemovesTheReservedNick) {
  ServiceHarness h;
  h.create_instant_room("r", "owner@localhost/o", "Owner");
  EXPECT_EQ(set_affiliation(h, "bob@localhost", "member"), "");
  h.send(
      "<iq from='bob@localhost/b' to='r@conference.localhost' type='set' id='reg'>"
      "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='submit'>"
      "<field var='muc#register_roomnick'><value>Bobby</value></field></x></query></iq>");
  ASSERT_EQ(h.service().find_room("r")->reserved_by("Bobby"), "bob@localhost");
  EXPECT_EQ(ban(h, "owner@localhost/o", "bob@localhost"), "");
  EXPECT_EQ(h.service().find_room("r")->reserved_by("Bobby"), "");
}

TEST(EffectiveAffiliation, AnAdminCannotBanAServiceAdmin) {
  muc::ServiceConfig c;
  c.service_admins = {"root@localhost"};
  ServiceHarness h(c);
  h.create_instant_room("r", "owner@localhost/o", "Owner");
  EXPECT_EQ(set_affiliation(h, "admin@localhost", "admin"), "");
  EXPECT_EQ(ban(h, "admin@localhost/a", "root@localhost"), "cancel/not-allowed");
  EXPECT_EQ(error_of(h.join("root@localhost/r", "r@conference.localhost/Root").back()), "");
}

}  // namespace
}  // namespace muc_test
