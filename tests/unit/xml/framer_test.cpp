#include "xml/framer.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "recorder.hpp"
#include "xml/parser.hpp"

namespace xml {
namespace {

using test::kHeader;
using test::Recorder;

constexpr std::string_view kMucNs = "http://jabber.org/protocol/muc";

std::string read_session() {
  std::ifstream in(std::string(MUC_TEST_DATA_DIR) + "/unit/xml/data/prosody_session.xml",
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Feeds a header then `body`; returns the error of the body's feed.
std::optional<StreamError> feed_after_header(std::string_view body, Recorder& rec,
                                             Limits limits = {}) {
  StreamFramer f(limits);
  EXPECT_EQ(f.feed(kHeader, rec), std::nullopt);
  return f.feed(body, rec);
}

// The stream error's condition; "stanza C" when only a stanza was refused, with stanza
// error condition C; "none" when neither happened.
std::string condition_of(std::string_view body, Limits limits = {}) {
  Recorder rec;
  auto err = feed_after_header(body, rec, limits);
  if (err) return err->condition;
  return rec.faults.empty() ? "none" : "stanza " + rec.faults.front().condition;
}

TEST(StreamFramer, RecordedProsodySessionYieldsHeaderStanzasAndClose) {
  std::string session = read_session();
  ASSERT_FALSE(session.empty());
  Recorder rec;
  StreamFramer f;
  ASSERT_EQ(f.feed(session, rec), std::nullopt);
  ASSERT_EQ(rec.headers.size(), 1u);
  EXPECT_TRUE(rec.headers[0].is("stream", "http://etherx.jabber.org/streams"));
  EXPECT_EQ(rec.headers[0].attr_or("from"), "muc.localhost");
  EXPECT_EQ(rec.headers[0].attr("xmlns"), nullptr);
  ASSERT_EQ(rec.stanzas.size(), 7u);
  EXPECT_EQ(rec.closes, 1);

  EXPECT_TRUE(rec.stanzas[0].is("handshake", kComponentNs));
  const Element& presence = rec.stanzas[1];
  EXPECT_TRUE(presence.is("presence", kComponentNs));
  EXPECT_EQ(presence.child("x", kMucNs)->child_text("password", kMucNs), "s&cr't <pw>");
  EXPECT_EQ(presence.child("x", kMucNs)->child("history", kMucNs)->attr_or("maxstanzas"), "20");

  const Element& message = rec.stanzas[2];
  EXPECT_EQ(message.attr_or("xml:lang"), "de");
  EXPECT_EQ(message.child_text("body", kComponentNs),
            "Grüße aus Verona, 世界 🌹 😀 é \"quoted\" a<b");
  const Element* xhtml = message.child("html", "http://jabber.org/protocol/xhtml-im")
                             ->child("body", "http://www.w3.org/1999/xhtml");
  ASSERT_NE(xhtml, nullptr);
  // The space between </strong> and <em> is text and must survive.
  EXPECT_EQ(xhtml->child("p", "http://www.w3.org/1999/xhtml")->text(), "Grüße  ");
  EXPECT_EQ(message.child("origin-id", "urn:xmpp:sid:0")->attr_or("id"), "f3c9-01");

  EXPECT_NE(rec.stanzas[3].child("query", "http://jabber.org/protocol/disco#info"), nullptr);
  const Element* form = rec.stanzas[4]
                            .child("query", "http://jabber.org/protocol/muc#owner")
                            ->child("x", "jabber:x:data");
  ASSERT_NE(form, nullptr);
  EXPECT_EQ(form->children("field", "jabber:x:data")[1]->child_text("value", "jabber:x:data"),
            "Capulet & Montague");
  const Element* pubsub = rec.stanzas[5].child("pubsub", "http://jabber.org/protocol/pubsub");
  ASSERT_NE(pubsub, nullptr);
  EXPECT_NE(pubsub->child("publish", "http://jabber.org/protocol/pubsub"), nullptr);
  EXPECT_EQ(rec.stanzas[6].child_text("body", kComponentNs), "Line one\nLine two\ttab");
}

TEST(StreamFramer, RecordedSessionSplitAtEveryByteBoundaryYieldsIdenticalElements) {
  std::string session = read_session();
  Recorder whole;
  StreamFramer f;
  ASSERT_EQ(f.feed(session, whole), std::nullopt);
  for (std::size_t cut = 0; cut <= session.size(); ++cut) {
    Recorder rec;
    StreamFramer g;
    ASSERT_EQ(g.feed(std::string_view(session).substr(0, cut), rec), std::nullopt) << cut;
    ASSERT_EQ(g.feed(std::string_view(session).substr(cut), rec), std::nullopt) << cut;
    ASSERT_EQ(rec, whole) << "split at byte " << cut;
  }
}

TEST(StreamFramer, RecordedSessionFedOneByteAtATimeYieldsIdenticalElements) {
  std::string session = read_session();
  Recorder whole, bytewise;
  StreamFramer f, g;
  ASSERT_EQ(f.feed(session, whole), std::nullopt);
  for (char c : session) ASSERT_EQ(g.feed(std::string_view(&c, 1), bytewise), std::nullopt);
  EXPECT_EQ(bytewise, whole);
}

TEST(StreamFramer, HeaderWithoutXmlDeclarationIsAccepted) {
  Recorder rec;
  StreamFramer f;
  EXPECT_EQ(f.feed(std::string(kHeader) + "<message/>", rec), std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_TRUE(rec.stanzas[0].is("message", kComponentNs));
}

TEST(StreamFramer, WhitespaceKeepalivesBetweenStanzasAreIgnored) {
  Recorder rec;
  EXPECT_EQ(feed_after_header(" \n\t\r\n<iq/> \n <iq/>\n", rec), std::nullopt);
  EXPECT_EQ(rec.stanzas.size(), 2u);
}

TEST(StreamFramer, SelfClosingStreamHeaderOpensAndCloses) {
  Recorder rec;
  StreamFramer f;
  std::string header(kHeader);
  header.insert(header.size() - 1, "/");
  EXPECT_EQ(f.feed(header, rec), std::nullopt);
  EXPECT_EQ(rec.headers.size(), 1u);
  EXPECT_EQ(rec.closes, 1);
}

TEST(StreamFramer, MarkupCharactersInsideAttributeValuesAreData) {
  Recorder rec;
  EXPECT_EQ(feed_after_header("<m a='/>' b=\"'\"> <x/> </m>", rec), std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_EQ(rec.stanzas[0].attr_or("a"), "/>");
  EXPECT_EQ(rec.stanzas[0].attr_or("b"), "'");
  EXPECT_EQ(rec.stanzas[0].nodes().size(), 3u);
}

TEST(StreamFramer, TextBetweenStanzasIsBadFormat) {
  EXPECT_EQ(condition_of("<iq/>hello<iq/>"), "bad-format");
}

TEST(StreamFramer, StreamErrorChildHasStreamsNamespace) {
  Recorder rec;
  auto err = feed_after_header(
      "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>", rec);
  EXPECT_EQ(err, std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_TRUE(rec.stanzas[0].is("error", "http://etherx.jabber.org/streams"));
  EXPECT_NE(rec.stanzas[0].child("conflict", "urn:ietf:params:xml:ns:xmpp-streams"), nullptr);
}

TEST(StreamFramer, StreamCloseIsReportedAndLaterDataRejected) {
  Recorder rec;
  StreamFramer f;
  ASSERT_EQ(f.feed(std::string(kHeader) + "<iq/></stream:stream>\n", rec), std::nullopt);
  EXPECT_EQ(rec.closes, 1);
  auto err = f.feed("<iq/>", rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "not-well-formed");
}

TEST(StreamFramer, MismatchedStreamFooterIsNotWellFormed) {
  EXPECT_EQ(condition_of("</stream:streamx>"), "not-well-formed");
}

TEST(StreamFramer, WrongStreamNamespaceIsInvalidNamespace) {
  Recorder rec;
  StreamFramer f;
  auto err =
      f.feed("<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:component:accept'>", rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "invalid-namespace");
  EXPECT_TRUE(rec.headers.empty());
}

TEST(StreamFramer, WrongStreamElementNameIsInvalidNamespace) {
  Recorder rec;
  StreamFramer f;
  auto err = f.feed("<stream:flow xmlns:stream='http://etherx.jabber.org/streams'>", rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "invalid-namespace");
}

TEST(StreamFramer, NonUtf8EncodingDeclarationIsUnsupportedEncoding) {
  Recorder rec;
  StreamFramer f;
  auto err = f.feed("<?xml version='1.0' encoding='ISO-8859-1'?>" + std::string(kHeader), rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "unsupported-encoding");
}

TEST(StreamFramer, XmlDeclarationNotAtStartIsRestrictedXml) {
  Recorder rec;
  StreamFramer f;
  auto err = f.feed(" <?xml version='1.0'?>" + std::string(kHeader), rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "restricted-xml");
}

TEST(StreamFramer, RejectsDoctypeWithRestrictedXml) {
  Recorder rec;
  StreamFramer f;
  auto err = f.feed("<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY x 'y'>]>", rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "restricted-xml");
}

TEST(StreamFramer, CommentInsideAStanzaRefusesOnlyThatStanza) {
  EXPECT_EQ(condition_of("<message><!-- hi --></message>"), "stanza not-acceptable");
}

TEST(StreamFramer, CommentBetweenStanzasIsRestrictedXml) {
  EXPECT_EQ(condition_of("<!-- between stanzas -->"), "restricted-xml");
}

TEST(StreamFramer, ProcessingInstructionRefusesTheStanzaOrBetweenStanzasTheStream) {
  EXPECT_EQ(condition_of("<message><?php echo 1; ?></message>"), "stanza not-acceptable");
  EXPECT_EQ(condition_of("<?xml version='1.0'?>"), "restricted-xml");
}

TEST(StreamFramer, UndefinedEntityReferenceRefusesTheStanza) {
  EXPECT_EQ(condition_of("<message><body>&nbsp;</body></message>"), "stanza not-acceptable");
  EXPECT_EQ(condition_of("<message id='&foo;'/>"), "stanza not-acceptable");
}

TEST(StreamFramer, AcceptsPredefinedEntitiesAndCharacterReferences) {
  Recorder rec;
  EXPECT_EQ(
      feed_after_header("<m a='&lt;&gt;&amp;&apos;&quot;&#65;&#x42;'>&#x1F600;&#10;</m>", rec),
      std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_EQ(rec.stanzas[0].attr_or("a"), "<>&'\"AB");
  EXPECT_EQ(rec.stanzas[0].text(), "😀\n");
}

TEST(StreamFramer, CharacterReferenceToControlCharacterRefusesTheStanza) {
  EXPECT_EQ(condition_of("<m>&#0;</m>"), "stanza not-acceptable");
  EXPECT_EQ(condition_of("<m>&#x1B;</m>"), "stanza not-acceptable");
  EXPECT_EQ(condition_of("<m>&#xD800;</m>"), "stanza not-acceptable");
  EXPECT_EQ(condition_of("<m>&#x110000;</m>"), "stanza not-acceptable");
  EXPECT_EQ(condition_of("<m>&#99999999999999999999;</m>"), "stanza not-acceptable");
}

TEST(StreamFramer, MalformedCharacterReferenceIsNotWellFormed) {
  EXPECT_EQ(condition_of("<m>&#;</m>"), "not-well-formed");
  EXPECT_EQ(condition_of("<m>&#x;</m>"), "not-well-formed");
}

TEST(StreamFramer, BareAmpersandIsNotWellFormed) {
  EXPECT_EQ(condition_of("<m>a & b</m>"), "not-well-formed");
  EXPECT_EQ(condition_of("<m>&amp</m>"), "not-well-formed");
}

TEST(StreamFramer, CdataSectionIsAcceptedAsText) {
  Recorder rec;
  EXPECT_EQ(feed_after_header("<m><body>a<![CDATA[<b>&amp;]]]>c</body></m>", rec), std::nullopt);
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_EQ(rec.stanzas[0].child_text("body", kComponentNs), "a<b>&amp;]c");
}

TEST(StreamFramer, CdataOutsideAStanzaIsBadFormat) {
  EXPECT_EQ(condition_of("<![CDATA[x]]>"), "bad-format");
}

TEST(StreamFramer, CdataEndInTextIsNotWellFormed) {
  EXPECT_EQ(condition_of("<m>a]]>b</m>"), "not-well-formed");
}

TEST(StreamFramer, MismatchedEndTagIsNotWellFormed) {
  EXPECT_EQ(condition_of("<message><body></message></body>"), "not-well-formed");
}

TEST(StreamFramer, BadAttributeSyntaxIsNotWellFormed) {
  EXPECT_EQ(condition_of("<m a=b/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<m a/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<m a='1'b='2'/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<m a='<'/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<m a='1\"/>"), "none");  // still inside the value: incomplete
  EXPECT_EQ(condition_of("<m :a='1'/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<1m/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<a:b:c/>"), "not-well-formed");
}

// Cut whole, so only that stanza is refused (its namespaces are checked by the parser).
TEST(StreamFramer, DuplicateAttributeRefusesTheStanza) {
  EXPECT_EQ(condition_of("<m a='1' a='2'/>"), "stanza not-acceptable");
}

TEST(StreamFramer, UnboundPrefixRefusesTheStanza) {
  EXPECT_EQ(condition_of("<foo:m/>"), "stanza not-acceptable");
}

TEST(StreamFramer, ControlCharacterRefusesTheStanza) {
  EXPECT_EQ(condition_of(std::string("<m>a\x01</m>")), "stanza not-acceptable");
  EXPECT_EQ(condition_of(std::string("<m>a\0</m>", 9)), "stanza not-acceptable");
}

TEST(StreamFramer, InvalidUtf8RefusesTheStanza) {
  EXPECT_EQ(condition_of("<m>\xC0\xAF</m>"), "stanza not-acceptable");      // overlong '/'
  EXPECT_EQ(condition_of("<m>\xED\xA0\x80</m>"), "stanza not-acceptable");  // surrogate
  EXPECT_EQ(condition_of("<m>\xE2\x82</m>"), "stanza not-acceptable");      // truncated
  EXPECT_EQ(condition_of("<m a='\xFF'/>"), "stanza not-acceptable");        // never valid
  EXPECT_EQ(condition_of("<m\xE2\x82/>"), "stanza not-acceptable");         // in a name
}

TEST(StreamFramer, InvalidUtf8BetweenStanzasIsNotWellFormed) {
  EXPECT_EQ(condition_of("<m/>\xFF"), "not-well-formed");
}

// The limits hold for the header too, so these leave room for kHeader (131 bytes, 4 attributes).
TEST(StreamFramer, StanzaOverByteLimitIsPolicyViolation) {
  Limits limits;
  limits.max_stanza_bytes = 200;
  EXPECT_EQ(condition_of("<m>" + std::string(194, 'a') + "</m>", limits),
            "stanza policy-violation");
  EXPECT_EQ(condition_of("<m>" + std::string(193, 'a') + "</m>", limits), "none");
}

// Nothing of it is kept past the limit: the fault is known when its end comes.
TEST(StreamFramer, ByteLimitAppliesBeforeTheStanzaCompletes) {
  Limits limits;
  limits.max_stanza_bytes = 200;
  Recorder rec;
  StreamFramer f(limits);
  ASSERT_EQ(f.feed(kHeader, rec), std::nullopt);
  ASSERT_EQ(f.feed("<m>" + std::string(300, 'a'), rec), std::nullopt);
  EXPECT_TRUE(rec.faults.empty());
  ASSERT_EQ(f.feed(std::string(1024 * 1024, 'a') + "</m>", rec), std::nullopt);
  ASSERT_EQ(rec.faults.size(), 1u);
  EXPECT_EQ(rec.faults[0].condition, "policy-violation");
  EXPECT_EQ(rec.faults[0].text, "stanza larger than 200 bytes");
}

TEST(StreamFramer, OversizedStreamHeaderIsPolicyViolation) {
  Limits limits;
  limits.max_stanza_bytes = 100;
  Recorder rec;
  StreamFramer f(limits);
  auto err = f.feed(kHeader, rec);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->condition, "policy-violation");
}

TEST(StreamFramer, NestingOverDepthLimitIsPolicyViolation) {
  Limits limits;
  limits.max_depth = 3;
  EXPECT_EQ(condition_of("<a><b><c/></b></a>", limits), "none");
  EXPECT_EQ(condition_of("<a><b><c><d/></c></b></a>", limits), "stanza policy-violation");
  EXPECT_EQ(condition_of("<a><b><c><d></d></c></b></a>", limits), "stanza policy-violation");
}

TEST(StreamFramer, AttributesOverLimitIsPolicyViolation) {
  Limits limits;
  limits.max_attributes = 4;
  EXPECT_EQ(condition_of("<m a='1' b='2' c='3' d='4'/>", limits), "none");
  EXPECT_EQ(condition_of("<m a='1' b='2' c='3' d='4' e='5'/>", limits), "stanza policy-violation");
}

TEST(StreamFramer, RefusesInputAfterErrorUntilReset) {
  Recorder rec;
  StreamFramer f;
  ASSERT_EQ(f.feed(kHeader, rec), std::nullopt);
  ASSERT_TRUE(f.feed("<!-- x -->", rec));
  auto again = f.feed("<iq/>", rec);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->condition, "restricted-xml");
  EXPECT_TRUE(rec.stanzas.empty());
  f.reset();
  EXPECT_EQ(f.feed(std::string(kHeader) + "<iq/>", rec), std::nullopt);
  EXPECT_EQ(rec.headers.size(), 2u);
  EXPECT_EQ(rec.stanzas.size(), 1u);
}

TEST(StreamFramer, HandlerMayResetDuringFeed) {
  struct Resetting : Recorder {
    StreamFramer* framer = nullptr;
    void on_stanza(Element stanza) override {
      Recorder::on_stanza(std::move(stanza));
      framer->reset();
    }
  } rec;
  StreamFramer f;
  rec.framer = &f;
  EXPECT_EQ(f.feed(std::string(kHeader) + "<iq/><iq/>", rec), std::nullopt);
  EXPECT_EQ(rec.stanzas.size(), 1u);
  EXPECT_EQ(f.feed(std::string(kHeader) + "<iq/>", rec), std::nullopt);
  EXPECT_EQ(rec.headers.size(), 2u);
}

// A big stanza in tiny chunks must be scanned once, not rescanned per chunk.
TEST(StreamFramer, LargeStanzaInSmallChunksIsLinear) {
  std::string body = "<message><body>" + std::string(4 * 1024 * 1024, 'x') + "</body></message>";
  Limits limits;
  limits.max_stanza_bytes = 8 * 1024 * 1024;
  Recorder rec;
  StreamFramer f(limits);
  ASSERT_EQ(f.feed(kHeader, rec), std::nullopt);
  for (std::size_t i = 0; i < body.size(); i += 7) {
    ASSERT_EQ(f.feed(std::string_view(body).substr(i, 7), rec), std::nullopt);
  }
  ASSERT_EQ(rec.stanzas.size(), 1u);
  EXPECT_EQ(rec.stanzas[0].child_text("body", kComponentNs).size(), 4u * 1024 * 1024);
}

}  // namespace
}  // namespace xml
