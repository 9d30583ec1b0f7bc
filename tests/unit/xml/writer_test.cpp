#include "xml/writer.hpp"

#include <gtest/gtest.h>

#include "xml/parser.hpp"

namespace xml {
namespace {

std::string text_escaped(std::string_view in) {
  std::string out;
  escape_text(in, out);
  return out;
}
std::string attr_escaped(std::string_view in) {
  std::string out;
  escape_attr(in, out);
  return out;
}

Element parse_back(const std::string& text) {
  auto r = parse_stanza(text, NamespaceContext{std::string(kComponentNs), {}});
  if (auto* e = std::get_if<StreamError>(&r)) {
    ADD_FAILURE() << e->condition << ": " << e->text << " in " << text;
    return {};
  }
  return std::get<Element>(std::move(r));
}

Element sample_message() {
  Element m("message", std::string(kComponentNs));
  m.set_attr("from", "garden@muc.localhost/J'\"<&>");
  m.set_attr("type", "groupchat");
  m.set_attr("xml:lang", "en");
  m.add_text_child("body", std::string(kComponentNs), "a < b && c > d ]]> 'q' \"q\" é 😀\r\n\t");
  Element& x = m.add("x", "http://jabber.org/protocol/muc#user");
  x.add("item", "http://jabber.org/protocol/muc#user").set_attr("affiliation", "owner");
  m.add("nons", "");
  return m;
}

TEST(Writer, EscapeTextEscapesMarkupCharacters) {
  EXPECT_EQ(text_escaped("a<b>&c'\""), "a&lt;b&gt;&amp;c'\"");
}

TEST(Writer, EscapeAttrEscapesQuotesAndWhitespace) {
  EXPECT_EQ(attr_escaped("a<b>&c'\"\t\n\r"), "a&lt;b&gt;&amp;c&apos;&quot;&#9;&#10;&#13;");
}

TEST(Writer, InvalidUtf8AndControlCharactersBecomeReplacementCharacter) {
  EXPECT_EQ(text_escaped("a\x01z"), "a\xEF\xBF\xBDz");
  EXPECT_EQ(text_escaped("a\xC3"), "a\xEF\xBF\xBD");
  EXPECT_EQ(attr_escaped("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(text_escaped("\xC3\xA9"), "\xC3\xA9");
}

TEST(Writer, EmptyElementIsSelfClosingAndAttributesSingleQuoted) {
  Element e("presence", std::string(kComponentNs));
  e.set_attr("type", "unavailable");
  EXPECT_EQ(to_string(e), "<presence type='unavailable'/>");
}

TEST(Writer, XmlnsWrittenOnlyWhereNamespaceChanges) {
  Element iq("iq", std::string(kComponentNs));
  Element& q = iq.add("query", "urn:q");
  q.add("item", "urn:q");
  q.add("other", "urn:o");
  EXPECT_EQ(to_string(iq), "<iq><query xmlns='urn:q'><item/><other xmlns='urn:o'/></query></iq>");
  EXPECT_EQ(to_string(Element("x", "urn:q"), "urn:q"), "<x/>");
}

TEST(Writer, EscapingRoundTripsThroughTheParser) {
  Element m = sample_message();
  EXPECT_EQ(parse_back(to_string(m)), m);
}

TEST(Writer, WhitespaceOnlyTextRoundTrips) {
  Element m("message", std::string(kComponentNs));
  Element& p = m.add("p", "http://www.w3.org/1999/xhtml");
  p.add("b", "http://www.w3.org/1999/xhtml").add_text("x");
  p.add_text(" ");
  p.add("i", "http://www.w3.org/1999/xhtml").add_text("y");
  m.add_text_child("body", std::string(kComponentNs), "\n");
  EXPECT_EQ(parse_back(to_string(m)), m);
}

TEST(Writer, PrefixedAttributeOtherThanXmlIsDropped) {
  Element e("iq", std::string(kComponentNs));
  e.set_attr("p:x", "1");
  e.set_attr("xml:lang", "en");
  EXPECT_EQ(to_string(e), "<iq xml:lang='en'/>");
}

TEST(Writer, PrepareThenRenderEqualsToStringWithToFirst) {
  Element m = sample_message();
  auto prepared = prepare(m);
  EXPECT_EQ(prepared->head, "<message to='");
  const std::string to = "juliet@localhost/bal'cony&";
  Element with_to("message", std::string(kComponentNs));
  with_to.set_attr("to", to);
  for (const auto& a : m.attrs()) with_to.set_attr(a.name, a.value);
  for (const auto& n : m.nodes()) with_to.add(n);
  EXPECT_EQ(render(*prepared, to), to_string(with_to));
  EXPECT_EQ(parse_back(render(*prepared, to)), with_to);
}

TEST(Writer, RenderWithoutToEqualsToStringOfTheStanza) {
  Element m = sample_message();
  EXPECT_EQ(render_without_to(*prepare(m)), to_string(m));
}

TEST(Writer, PrepareKeepsNamespaceOfNonComponentStanza) {
  Element e("error", "http://etherx.jabber.org/streams");
  auto p = prepare(e);
  EXPECT_EQ(render(*p, "x@y"), "<error to='x@y' xmlns='http://etherx.jabber.org/streams'/>");
}

}  // namespace
}  // namespace xml
