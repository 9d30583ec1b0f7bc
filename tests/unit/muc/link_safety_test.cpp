// What the service does so that no stanza, no room and no outage costs the stream to the
// server: answers to refused stanzas, crowded rooms, bounded history, shutdown and the
// session checks after an outage.
#include <gtest/gtest.h>

#include <algorithm>

#include "muc/service.hpp"
#include "service_harness.hpp"
#include "xml/writer.hpp"

namespace muc_test {
namespace {

std::size_t count_containing(const std::vector<std::string>& out, const std::string& part) {
  return static_cast<std::size_t>(std::count_if(out.begin(), out.end(), [&](const std::string& s) {
    return s.find(part) != std::string::npos;
  }));
}

xml::StanzaFault fault(std::string name, std::string type, std::string condition) {
  xml::Element head(std::move(name), std::string(xml::kComponentNs));
  head.set_attr("from", "eve@localhost/e");
  head.set_attr("to", "r@conference.localhost");
  head.set_attr("id", "bad1");
  if (!type.empty()) head.set_attr("type", std::move(type));
  return xml::StanzaFault{std::move(head), std::move(condition), "elements nested deeper than 32"};
}

std::vector<std::string> answer(ServiceHarness& h, const xml::StanzaFault& f) {
  muc::Effects fx;
  h.service().handle_fault(f, fx);
  std::vector<std::string> out;
  for (const muc::Outbound& o : fx.out) render_into(o, out);
  return out;
}

TEST(StanzaFault, OverDeepIqGetsModifyPolicyViolationWithItsId) {
  ServiceHarness h;
  auto out = answer(h, fault("iq", "set", "policy-violation"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0],
            "<iq to='eve@localhost/e' from='r@conference.localhost' id='bad1' type='error'>"
            "<error type='modify'><policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
            "<text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>The stanza was refused: elements "
            "nested deeper than 32</text></error></iq>");
}

TEST(StanzaFault, BadContentInAMessageGetsNotAcceptable) {
  ServiceHarness h;
  auto out = answer(h, fault("message", "groupchat", "not-acceptable"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/not-acceptable");
  EXPECT_EQ(out[0].rfind("<message ", 0), 0u);
}

TEST(StanzaFault, ErrorsAndResultsAreNeverAnswered) {
  ServiceHarness h;
  EXPECT_TRUE(answer(h, fault("message", "error", "policy-violation")).empty());
  EXPECT_TRUE(answer(h, fault("iq", "result", "policy-violation")).empty());
  EXPECT_TRUE(answer(h, fault("presence", "error", "policy-violation")).empty());
  EXPECT_TRUE(answer(h, xml::StanzaFault{std::nullopt, "policy-violation", "x"}).empty());
  EXPECT_TRUE(answer(h, fault("handshake", "", "policy-violation")).empty());
}

muc::ServiceConfig crowded_at(std::size_t n) {
  muc::ServiceConfig c;
  c.limits.max_users_presence = n;
  return c;
}

// Above max_users_presence, a newcomer sees the moderators and itself, and only moderators
// see it come in.
TEST(CrowdedRoom, NewcomerSeesModeratorsOnlyAndOnlyModeratorsSeeIt) {
  ServiceHarness h(crowded_at(2));
  h.create_instant_room("big", "owner@localhost/o", "Owner");
  h.join("a@localhost/a", "big@conference.localhost/A");
  auto b = h.join("b@localhost/b", "big@conference.localhost/B");  // 3 occupants: crowded
  EXPECT_EQ(count_containing(b, "to='a@localhost/a'"), 0u);
  EXPECT_EQ(count_containing(b, "to='owner@localhost/o' from='big@conference.localhost/B'"), 1u);
  EXPECT_EQ(count_containing(b, "to='b@localhost/b' from='big@conference.localhost/Owner'"), 1u);
  EXPECT_EQ(count_containing(b, "to='b@localhost/b' from='big@conference.localhost/A'"), 0u);
  EXPECT_EQ(count_containing(b, "<status code='110'/>"), 1u);
}

TEST(CrowdedRoom, KicksStillGoToEveryone) {
  ServiceHarness h(crowded_at(2));
  h.create_instant_room("big", "owner@localhost/o", "Owner");
  h.join("a@localhost/a", "big@conference.localhost/A");
  h.join("b@localhost/b", "big@conference.localhost/B");
  h.join("c@localhost/c", "big@conference.localhost/C");
  auto kick = h.send(
      "<iq from='owner@localhost/o' to='big@conference.localhost' type='set' id='k'>"
      "<query xmlns='http://jabber.org/protocol/muc#admin'><item nick='C' role='none'/>"
      "</query></iq>");
  EXPECT_EQ(count_containing(kick, "from='big@conference.localhost/C' type='unavailable'"), 4u);
  EXPECT_EQ(count_containing(kick, "<status code='307'/>"), 4u);
}

TEST(CrowdedRoom, AtTheLimitEveryoneStillSeesEveryone) {
  ServiceHarness h(crowded_at(3));
  h.create_instant_room("big", "owner@localhost/o", "Owner");
  h.join("a@localhost/a", "big@conference.localhost/A");
  auto b = h.join("b@localhost/b", "big@conference.localhost/B");
  EXPECT_EQ(count_containing(b, "to='a@localhost/a' from='big@conference.localhost/B'"), 1u);
  EXPECT_EQ(count_containing(b, "to='b@localhost/b' from='big@conference.localhost/A'"), 1u);
}

// Five equal messages, then a join: the history it gets under `max_bytes`.
std::vector<std::string> history_after_five(std::size_t max_bytes) {
  muc::ServiceConfig c;
  c.limits.history_max_bytes = max_bytes;
  ServiceHarness h(c);
  h.create_instant_room("h", "owner@localhost/o", "Owner");
  for (int i = 0; i < 5; ++i) {
    h.send("<message from='owner@localhost/o' to='h@conference.localhost' type='groupchat' id='m" +
           std::to_string(i) + "'><body>" + std::string(200, 'x') + "</body></message>");
  }
  std::vector<std::string> history;
  for (std::string& s : h.join("b@localhost/b", "h@conference.localhost/B")) {
    if (s.find("<delay ") != std::string::npos) history.push_back(std::move(s));
  }
  return history;
}

TEST(HistoryBound, JoinGetsOnlyTheNewestMessagesThatFitTheByteBound) {
  auto all = history_after_five(0);
  ASSERT_EQ(all.size(), 5u);
  // The bound counts the stanza as the room keeps it, without the recipient's address.
  const std::size_t one = all[0].size() - std::string_view("b@localhost/b").size();
  auto two = history_after_five(2 * one + one / 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_NE(two[0].find("id='m3'"), std::string::npos);
  EXPECT_NE(two[1].find("id='m4'"), std::string::npos);
  EXPECT_TRUE(history_after_five(one - 1).empty());
}

TEST(ShutDown, EverySessionGetsItsOwnExitWith332) {
  ServiceHarness h;
  h.create_instant_room("s", "owner@localhost/o", "Owner");
  h.join("a@localhost/a", "s@conference.localhost/A");
  h.join("a@localhost/a2", "s@conference.localhost/A");
  std::vector<std::string> out = h.shut_down();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(count_containing(out, "type='unavailable'"), 3u);
  EXPECT_EQ(count_containing(out, "<status code='110'/><status code='332'/>"), 3u);
  EXPECT_EQ(count_containing(out, "to='a@localhost/a2' from='s@conference.localhost/A'"), 1u);
}

TEST(SessionChecks, EachSessionIsPingedFromItsRoomAFewAtATime) {
  ServiceHarness h;
  h.create_instant_room("p", "owner@localhost/o", "Owner");
  h.join("a@localhost/a", "p@conference.localhost/A");
  h.join("b@localhost/b", "p@conference.localhost/B");
  h.service().queue_session_checks();
  muc::Effects fx;
  EXPECT_EQ(h.service().check_sessions(2, fx), 1u);
  std::vector<std::string> out;
  for (const muc::Outbound& o : fx.out) render_into(o, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0],
            "<iq to='a@localhost/a' type='get' id='muc-check-1' from='p@conference.localhost'>"
            "<ping xmlns='urn:xmpp:ping'/></iq>");
  muc::Effects rest;
  EXPECT_EQ(h.service().check_sessions(2, rest), 0u);
  EXPECT_EQ(rest.out.size(), 1u);
}

TEST(SessionChecks, SessionTheServerSaysIsGoneIsRemovedWith333AndOthersKept) {
  ServiceHarness h;
  h.create_instant_room("p", "owner@localhost/o", "Owner");
  h.join("a@localhost/a", "p@conference.localhost/A");
  h.join("b@localhost/b", "p@conference.localhost/B");
  auto alive = h.send(
      "<iq type='result' id='muc-check-1' from='a@localhost/a' to='p@conference.localhost'/>");
  EXPECT_TRUE(alive.empty());
  auto gone = h.send(
      "<iq type='error' id='muc-check-2' from='b@localhost/b' to='p@conference.localhost'>"
      "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
      "</error></iq>");
  EXPECT_EQ(count_containing(gone, "from='p@conference.localhost/B' type='unavailable'"), 3u);
  EXPECT_EQ(count_containing(gone, "<status code='333'/>"), 3u);
  ASSERT_NE(h.service().find_room("p"), nullptr);
  EXPECT_EQ(h.service().find_room("p")->occupant_count(), 2u);
}

// A message error from A's session with `condition`: what the room sends, and who stays.
std::pair<std::vector<std::string>, std::size_t> bounce(const std::string& type,
                                                        const std::string& condition) {
  ServiceHarness h;
  h.create_instant_room("g", "owner@localhost/o", "Owner");
  h.join("a@localhost/a", "g@conference.localhost/A");
  auto out = h.send(
      "<message type='error' from='a@localhost/a' to='g@conference.localhost'>"
      "<error type='" +
      type + "'><" + condition +
      " xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
  return {out, h.service().find_room("g")->occupant_count()};
}

// Prosody answers a message to a session that is gone with service-unavailable.
TEST(Ghosts, ServiceUnavailableBounceRemovesTheOccupant) {
  auto [out, left] = bounce("cancel", "service-unavailable");
  EXPECT_EQ(count_containing(out, "<status code='333'/>"), 2u);
  EXPECT_EQ(left, 1u);
}

TEST(Ghosts, ABounceThatDoesNotMeanGoneKeepsTheOccupant) {
  auto [out, left] = bounce("wait", "resource-constraint");
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(left, 2u);
}

}  // namespace
}  // namespace muc_test
