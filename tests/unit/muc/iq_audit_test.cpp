// The accounting behind "every iq get/set is answered exactly once" (muc/iq_audit.hpp):
// what the harness checks after every test, and what the component logs on stop.
#include "muc/iq_audit.hpp"

#include <gtest/gtest.h>

#include <variant>

#include "service_harness.hpp"
#include "xml/parser.hpp"

namespace muc_test {
namespace {

xml::Element stanza(const std::string& text) {
  xml::NamespaceContext scope;
  scope.default_ns = std::string(xml::kComponentNs);
  return std::get<xml::Element>(xml::parse_stanza(text, scope));
}

muc::Outbound out(const std::string& text) {
  muc::Effects fx;
  fx.send(stanza(text));
  return fx.out.front();
}

TEST(IqAudit, CountsAnIqAnsweredOnceUnansweredOrTwice) {
  muc::IqAudit audit;
  audit.inbound(
      stanza("<iq from='Bob@Localhost/b' to='conference.localhost' type='get' id='1'>"
             "<ping xmlns='urn:xmpp:ping'/></iq>"));
  audit.inbound(
      stanza("<iq from='bob@localhost/b' to='conference.localhost' type='get' id='2'>"
             "<ping xmlns='urn:xmpp:ping'/></iq>"));
  // Not requests: answers, and a stanza without a sender (nobody to answer).
  audit.inbound(
      stanza("<iq from='bob@localhost/b' to='conference.localhost' type='result' id='3'/>"));
  audit.inbound(stanza("<iq to='conference.localhost' type='get' id='4'/>"));
  EXPECT_EQ(audit.counts().entered, 2u);
  EXPECT_EQ(audit.counts().unanswered, 2u);
  // Our own requests (a relay, a ping) answer nothing.
  audit.outbound(out("<iq to='alice@localhost/a' type='get' id='1'/>"));
  // The answer to 1 is matched by the prepared JID.
  audit.outbound(
      out("<iq to='bob@localhost/b' from='conference.localhost' type='result' id='1'/>"));
  audit.outbound(out("<message to='bob@localhost/b' type='error' id='2'/>"));
  muc::IqAudit::Counts c = audit.counts();
  EXPECT_EQ(c.answered, 1u);
  EXPECT_EQ(c.unanswered, 1u);
  ASSERT_EQ(audit.unanswered().size(), 1u);
  EXPECT_EQ(audit.unanswered().front(), "bob@localhost/b 2");
  audit.outbound(out("<iq to='bob@localhost/b' type='error' id='2'><error type='cancel'/></iq>"));
  audit.outbound(out("<iq to='bob@localhost/b' type='error' id='2'><error type='cancel'/></iq>"));
  c = audit.counts();
  EXPECT_EQ(c.answered, 2u);
  EXPECT_EQ(c.unanswered, 0u);
  EXPECT_EQ(c.duplicate, 1u);
  EXPECT_EQ(audit.duplicates(), std::vector<std::string>{"bob@localhost/b 2"});
}

TEST(IqAudit, ARelayedIqIsAnsweredWhenItsAnswerReachesTheAsker) {
  ServiceHarness h;
  h.create_instant_room("q", "alice@localhost/a", "Alice");
  h.join("bob@localhost/b", "q@conference.localhost/Bob");
  h.send(
      "<iq from='bob@localhost/b' to='q@conference.localhost/Alice' type='get' id='v'>"
      "<query xmlns='jabber:iq:version'/></iq>");
  EXPECT_EQ(h.audit().counts().unanswered, 1u);  // relayed, not answered
  h.send(
      "<iq from='alice@localhost/a' to='q@conference.localhost/Bob' type='result' "
      "id='muc-relay-1'/>");
  EXPECT_EQ(h.audit().counts().unanswered, 0u);
  EXPECT_EQ(h.audit().counts().entered, 2u);  // with the room's configuration
}

}  // namespace
}  // namespace muc_test
