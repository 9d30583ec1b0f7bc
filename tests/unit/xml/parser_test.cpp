#include "xml/parser.hpp"

#include <gtest/gtest.h>

#include "recorder.hpp"

namespace xml {
namespace {

NamespaceContext component_scope() {
  return NamespaceContext{std::string(kComponentNs), {{"stream", std::string(kStreamNs)}}};
}

Element parse_ok(std::string text, const NamespaceContext& scope = component_scope()) {
  auto r = parse_stanza(std::move(text), scope);
  if (auto* e = std::get_if<StreamError>(&r)) {
    ADD_FAILURE() << e->condition << ": " << e->text;
    return {};
  }
  return std::get<Element>(std::move(r));
}

std::string condition_of(std::string text) {
  auto r = parse_stanza(std::move(text), component_scope());
  auto* e = std::get_if<StreamError>(&r);
  return e ? e->condition : "none";
}

TEST(Parser, BareElementTakesDefaultNamespaceOfTheStream) {
  EXPECT_TRUE(parse_ok("<message/>").is("message", kComponentNs));
}

TEST(Parser, PrefixDeclaredOnTheStreamResolves) {
  EXPECT_TRUE(parse_ok("<stream:error/>").is("error", kStreamNs));
}

TEST(Parser, DefaultNamespaceIsInheritedByChildren) {
  Element e = parse_ok("<iq><query xmlns='urn:q'><item><sub/></item></query></iq>");
  const Element* item = e.child("query", "urn:q")->child("item", "urn:q");
  ASSERT_NE(item, nullptr);
  EXPECT_NE(item->child("sub", "urn:q"), nullptr);
}

TEST(Parser, PrefixedNamespaceIsInheritedAndDefaultUnchanged) {
  Element e = parse_ok("<iq xmlns:p='urn:p'><p:a><b/><p:c/></p:a></iq>");
  const Element* a = e.child("a", "urn:p");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->child("b", kComponentNs), nullptr);
  EXPECT_NE(a->child("c", "urn:p"), nullptr);
}

TEST(Parser, RedeclaredPrefixAndDefaultShadowOuterOnesOnlyInside) {
  Element e = parse_ok(
      "<iq xmlns:p='urn:one'><p:a xmlns:p='urn:two' xmlns='urn:d'><p:b/><c/></p:a><p:e/></iq>");
  const Element* a = e.child("a", "urn:two");
  ASSERT_NE(a, nullptr);
  EXPECT_NE(a->child("b", "urn:two"), nullptr);
  EXPECT_NE(a->child("c", "urn:d"), nullptr);
  EXPECT_NE(e.child("e", "urn:one"), nullptr);
}

TEST(Parser, EmptyDefaultNamespaceUndeclaresIt) {
  Element e = parse_ok("<iq><x xmlns=''/></iq>");
  EXPECT_NE(e.child("x", ""), nullptr);
}

TEST(Parser, XmlnsDeclarationsAreNotKeptAsAttributes) {
  Element e = parse_ok("<iq xmlns:p='urn:p' type='get'><q xmlns='urn:q'/></iq>");
  ASSERT_EQ(e.attrs().size(), 1u);
  EXPECT_EQ(e.attrs()[0].name, "type");
  EXPECT_TRUE(e.child("q", "urn:q")->attrs().empty());
}

TEST(Parser, AttributesKeepQualifiedNames) {
  Element e = parse_ok("<message xml:lang='en' xmlns:p='urn:p' p:x='1'/>");
  EXPECT_EQ(e.attr_or("xml:lang"), "en");
  EXPECT_EQ(e.attr_or("p:x"), "1");
}

TEST(Parser, UnboundElementPrefixIsNotWellFormed) {
  EXPECT_EQ(condition_of("<iq><p:x/></iq>"), "not-well-formed");
}

TEST(Parser, UnboundAttributePrefixIsNotWellFormed) {
  EXPECT_EQ(condition_of("<iq p:x='1'/>"), "not-well-formed");
}

TEST(Parser, ReservedPrefixDeclarationsAreNotWellFormed) {
  EXPECT_EQ(condition_of("<iq xmlns:xml='urn:other'/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq xmlns:xmlns='urn:other'/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq xmlns:p=''/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq xmlns:p='http://www.w3.org/XML/1998/namespace'/>"),
            "not-well-formed");
  EXPECT_EQ(condition_of("<iq xmlns:xml='http://www.w3.org/XML/1998/namespace'/>"), "none");
}

TEST(Parser, DuplicateAttributeIsNotWellFormed) {
  EXPECT_EQ(condition_of("<iq id='1' id='2'/>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq xmlns='urn:a' xmlns='urn:b'/>"), "not-well-formed");
}

TEST(Parser, SameExpandedAttributeNameViaTwoPrefixesIsNotWellFormed) {
  EXPECT_EQ(condition_of("<iq xmlns:a='urn:x' xmlns:b='urn:x' a:k='1' b:k='2'/>"),
            "not-well-formed");
}

TEST(Parser, CommentIsRestrictedXml) {
  EXPECT_EQ(condition_of("<iq><!-- x --></iq>"), "restricted-xml");
}

TEST(Parser, ProcessingInstructionIsRestrictedXml) {
  EXPECT_EQ(condition_of("<iq><?pi x?></iq>"), "restricted-xml");
}

TEST(Parser, UndefinedEntityIsRestrictedXml) {
  EXPECT_EQ(condition_of("<iq>&copy;</iq>"), "restricted-xml");
  EXPECT_EQ(condition_of("<iq a='&copy;'/>"), "restricted-xml");
}

TEST(Parser, MismatchedTagsAreNotWellFormed) {
  EXPECT_EQ(condition_of("<iq><a></b></iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq/><iq/>"), "not-well-formed");
}

TEST(Parser, OverlongUtf8IsNotWellFormed) {
  EXPECT_EQ(condition_of("<iq>\xC1\xBF</iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq>\xE0\x80\xAF</iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq>\xF0\x80\x80\xAF</iq>"), "not-well-formed");
}

TEST(Parser, Utf8SurrogatesAreNotWellFormed) {
  EXPECT_EQ(condition_of("<iq>\xED\xA0\x80</iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq a='\xED\xBF\xBF'/>"), "not-well-formed");
}

TEST(Parser, TruncatedUtf8IsNotWellFormed) {
  EXPECT_EQ(condition_of("<iq>\xF0\x9F\x98</iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq>\xC3</iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq>\x80</iq>"), "not-well-formed");
}

TEST(Parser, CodePointsAboveUnicodeAndNonCharactersAreNotWellFormed) {
  EXPECT_EQ(condition_of("<iq>\xF4\x90\x80\x80</iq>"), "not-well-formed");  // U+110000
  EXPECT_EQ(condition_of("<iq>\xEF\xBF\xBF</iq>"), "not-well-formed");      // U+FFFF
  EXPECT_EQ(condition_of("<iq>\x7F\x1F</iq>"), "not-well-formed");          // U+001F
}

TEST(Parser, ValidMultibyteUtf8IsKept) {
  EXPECT_EQ(parse_ok("<iq>\xC3\xA9\xE4\xB8\x96\xF0\x9F\x98\x80\xF4\x8F\xBF\xBD</iq>").text(),
            "\xC3\xA9\xE4\xB8\x96\xF0\x9F\x98\x80\xF4\x8F\xBF\xBD");
}

TEST(Parser, CharacterReferenceToNonCharacterIsNotWellFormed) {
  EXPECT_EQ(condition_of("<iq>&#x0;</iq>"), "not-well-formed");
  EXPECT_EQ(condition_of("<iq a='&#xDFFF;'/>"), "not-well-formed");
}

TEST(Parser, WhitespaceOnlyTextBetweenElementsIsKept) {
  Element e = parse_ok("<iq> <a/>\t<b/>\n</iq>");
  ASSERT_EQ(e.nodes().size(), 5u);
  EXPECT_EQ(e.nodes()[0].text(), " ");
  EXPECT_EQ(e.nodes()[2].text(), "\t");
  EXPECT_EQ(e.nodes()[4].text(), "\n");
  EXPECT_EQ(parse_ok("<body>   </body>").text(), "   ");
}

TEST(Parser, LineEndsAreNormalisedInText) {
  EXPECT_EQ(parse_ok("<b>a\r\nb\rc&#13;</b>").text(), "a\nb\nc\r");
  EXPECT_EQ(parse_ok("<b><x/>\r\n<y/></b>").nodes()[1].text(), "\n");
}

TEST(Parser, AttributeWhitespaceIsNormalisedButCharacterReferencesKept) {
  EXPECT_EQ(parse_ok("<b a='x\ty\r\nz&#10;'/>").attr_or("a"), "x y z\n");
}

TEST(Parser, CdataSectionsMergeWithNeighbouringText) {
  Element e = parse_ok("<b>x<![CDATA[ <&> ]]>y</b>");
  ASSERT_EQ(e.nodes().size(), 1u);
  EXPECT_EQ(e.text(), "x <&> y");
}

TEST(Parser, StreamHeaderGivesElementAndScope) {
  auto r = parse_stream_header(std::string(test::kHeader));
  ASSERT_TRUE(std::holds_alternative<StreamHeader>(r));
  const auto& h = std::get<StreamHeader>(r);
  EXPECT_TRUE(h.element.is("stream", kStreamNs));
  EXPECT_EQ(h.element.attr_or("id"), "s1");
  EXPECT_EQ(h.element.attrs().size(), 2u);
  EXPECT_EQ(h.scope.default_ns, kComponentNs);
  EXPECT_EQ(h.scope.lookup("stream"), kStreamNs);
  EXPECT_EQ(h.scope.lookup("xml"), kXmlNs);
  EXPECT_EQ(h.scope.lookup("other"), std::nullopt);
}

}  // namespace
}  // namespace xml
