#include "xmpp/jid.hpp"

#include <gtest/gtest.h>

#include <string>

namespace xmpp {
namespace {

TEST(Jid, ParsesFullJid) {
  auto j = Jid::parse("user@example.com/res");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->local(), "user");
  EXPECT_EQ(j->domain(), "example.com");
  EXPECT_EQ(j->resource(), "res");
  EXPECT_TRUE(j->has_local());
  EXPECT_TRUE(j->has_resource());
  EXPECT_EQ(j->str(), "user@example.com/res");
  EXPECT_EQ(j->bare_str(), "user@example.com");
}

TEST(Jid, ParsesBareAndDomainOnlyForms) {
  auto bare = Jid::parse("room@conference.localhost");
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->has_resource());
  EXPECT_EQ(bare->str(), "room@conference.localhost");

  auto domain = Jid::parse("conference.localhost");
  ASSERT_TRUE(domain);
  EXPECT_FALSE(domain->has_local());
  EXPECT_EQ(domain->str(), "conference.localhost");
  EXPECT_EQ(domain->bare_str(), "conference.localhost");

  auto domain_res = Jid::parse("example.com/res");
  ASSERT_TRUE(domain_res);
  EXPECT_FALSE(domain_res->has_local());
  EXPECT_EQ(domain_res->resource(), "res");
}

// RFC 7622 3.1: the resourcepart begins at the first '/' and may contain '@' and '/'.
TEST(Jid, ResourceMayContainAtAndSlash) {
  auto j = Jid::parse("a@b.example/c@d/e");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->local(), "a");
  EXPECT_EQ(j->domain(), "b.example");
  EXPECT_EQ(j->resource(), "c@d/e");

  auto k = Jid::parse("b.example/x@y");
  ASSERT_TRUE(k);
  EXPECT_FALSE(k->has_local());
  EXPECT_EQ(k->resource(), "x@y");
}

TEST(Jid, CaseFoldsLocalAndDomainButNotResource) {
  auto j = Jid::parse("JuLiet@Example.COM/Balcony");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->local(), "juliet");
  EXPECT_EQ(j->domain(), "example.com");
  EXPECT_EQ(j->resource(), "Balcony");
  EXPECT_EQ(*j, *Jid::parse("juliet@example.com/Balcony"));
  EXPECT_NE(*j, *Jid::parse("juliet@example.com/balcony"));
}

TEST(Jid, NonAsciiCaseFolding) {
  // U+00C9 LATIN CAPITAL E WITH ACUTE folds to U+00E9 in the localpart.
  auto j = Jid::parse("\xC3\x89lise@example.com");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->local(), "\xC3\xA9lise");
  // U+00DF folds to "ss" (the prepared form is longer than the input).
  auto k = Jid::parse(
      "stra\xC3\x9F"
      "e@example.com");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->local(), "strasse");
}

TEST(Jid, RejectsEmptyParts) {
  EXPECT_FALSE(Jid::parse(""));
  EXPECT_FALSE(Jid::parse("@example.com"));
  EXPECT_FALSE(Jid::parse("user@"));
  EXPECT_FALSE(Jid::parse("user@example.com/"));
  EXPECT_FALSE(Jid::parse("/res"));
  EXPECT_FALSE(Jid::parse("user@/res"));
}

// Nodeprep (RFC 6122 appendix A.5) prohibits "&'/:<>@ and spaces in a localpart.
TEST(Jid, RejectsCharactersProhibitedInLocalpart) {
  for (const char* bad : {"a\"b", "a&b", "a'b", "a:b", "a<b", "a>b", "a b"}) {
    EXPECT_FALSE(Jid::parse(std::string(bad) + "@example.com")) << bad;
    EXPECT_FALSE(Jid::prepare_local(bad)) << bad;
  }
  EXPECT_FALSE(Jid::parse("a@b@example.com"));  // the second '@' lands in the domain
}

TEST(Jid, RejectsControlCharactersAndInvalidUtf8) {
  EXPECT_FALSE(
      Jid::parse("a\x01"
                 "b@example.com"));
  EXPECT_FALSE(Jid::parse("ab@example.com/r\x07"));
  EXPECT_FALSE(Jid::parse(std::string("ab\0c@example.com", 16)));
  EXPECT_FALSE(Jid::parse("a\xFF\xFE@example.com"));
  EXPECT_FALSE(Jid::parse("ab@example.com/\xC3"));
}

TEST(Jid, RejectsInvalidDomains) {
  EXPECT_FALSE(Jid::parse("user@exa mple.com"));
  EXPECT_FALSE(Jid::parse("user@example..com"));
  EXPECT_FALSE(Jid::parse("user@-example.com"));
  EXPECT_FALSE(Jid::parse("user@example_com"));
  EXPECT_FALSE(Jid::parse("user@.example.com"));
  EXPECT_FALSE(Jid::parse("user@."));
  EXPECT_FALSE(Jid::parse("user@" + std::string(64, 'a') + ".com"));
}

TEST(Jid, StripsOneTrailingDotFromDomain) {
  auto j = Jid::parse("user@example.com.");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->domain(), "example.com");
  EXPECT_FALSE(Jid::parse("user@example.com.."));
  // RFC 3490 3.1: U+3002 IDEOGRAPHIC FULL STOP is a label separator too.
  auto k = Jid::parse(
      "user@example\xE3\x80\x82"
      "com\xE3\x80\x82");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->domain(), "example.com");
}

TEST(Jid, AcceptsIpLiterals) {
  auto v4 = Jid::parse("user@127.0.0.1/r");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->domain(), "127.0.0.1");
  auto v6 = Jid::parse("user@[::1]/r");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->domain(), "[::1]");
  EXPECT_EQ(Jid::parse("[0:0::ABCD]")->domain(), "[::abcd]");
  EXPECT_FALSE(Jid::parse("user@[not-an-ip]"));
  EXPECT_FALSE(Jid::parse("user@[::1"));
  EXPECT_FALSE(Jid::parse("user@::1"));
}

TEST(Jid, EnforcesPartLengthOf1023Bytes) {
  const std::string ok(1023, 'a');
  const std::string too_long(1024, 'a');
  EXPECT_TRUE(Jid::parse(ok + "@example.com"));
  EXPECT_FALSE(Jid::parse(too_long + "@example.com"));
  EXPECT_TRUE(Jid::parse("user@example.com/" + ok));
  EXPECT_FALSE(Jid::parse("user@example.com/" + too_long));
  // A domain of 1023 bytes made of valid labels (16 labels of 63 + dots = 1023).
  std::string domain;
  for (int i = 0; i < 16; ++i) domain += (i ? "." : "") + std::string(63, 'd');
  ASSERT_EQ(domain.size(), 1023u);
  EXPECT_TRUE(Jid::parse("u@" + domain));
  EXPECT_FALSE(Jid::parse("u@" + domain + "d"));
  EXPECT_FALSE(Jid::parse(std::string(100000, 'a') + "@example.com"));
}

TEST(Jid, BareAndWithResource) {
  auto j = Jid::parse("room@conference.localhost/Nick");
  ASSERT_TRUE(j);
  Jid bare = j->bare();
  EXPECT_FALSE(bare.has_resource());
  EXPECT_EQ(bare.str(), "room@conference.localhost");
  Jid other = bare.with_resource("Other");
  EXPECT_EQ(other.str(), "room@conference.localhost/Other");
  EXPECT_EQ(other.bare(), bare);
}

TEST(Jid, FromParts) {
  auto j = Jid::from_parts("Room", "Conference.Localhost", "Nick");
  ASSERT_TRUE(j);
  EXPECT_EQ(j->str(), "room@conference.localhost/Nick");
  auto d = Jid::from_parts("", "example.com", "");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->str(), "example.com");
  EXPECT_FALSE(Jid::from_parts("a b", "example.com", ""));
  EXPECT_FALSE(Jid::from_parts("a", "", ""));
  EXPECT_FALSE(Jid::from_parts("a", "example.com", "\x01"));
}

TEST(Jid, OrderingAndEquality) {
  auto a = *Jid::parse("a@example.com");
  auto b = *Jid::parse("b@example.com");
  EXPECT_LT(a, b);
  EXPECT_EQ(a, *Jid::parse("A@EXAMPLE.com"));
}

// XEP-0045 7.2: nicknames are resourceprepped; empty or all-white-space nicks are refused.
TEST(Jid, PrepareNick) {
  EXPECT_EQ(Jid::prepare_nick("Romeo"), "Romeo");
  EXPECT_EQ(Jid::prepare_nick("third witch"), "third witch");
  EXPECT_EQ(Jid::prepare_nick(" padded "), " padded ");
  EXPECT_FALSE(Jid::prepare_nick(""));
  EXPECT_FALSE(Jid::prepare_nick(" "));
  EXPECT_FALSE(Jid::prepare_nick("    "));
  EXPECT_FALSE(Jid::prepare_nick("\t"));
  EXPECT_FALSE(Jid::prepare_nick("a\nb"));
  // U+3000 IDEOGRAPHIC SPACE is prohibited by resourceprep (table C.1.2).
  EXPECT_FALSE(Jid::prepare_nick("\xE3\x80\x80"));
  // U+00AD SOFT HYPHEN is mapped to nothing, so a nick of only that is empty.
  EXPECT_FALSE(Jid::prepare_nick("\xC2\xAD"));
  EXPECT_FALSE(Jid::prepare_nick(std::string(1024, 'n')));
  EXPECT_TRUE(Jid::prepare_nick(std::string(1023, 'n')));
}

TEST(Jid, PrepareLocal) {
  EXPECT_EQ(Jid::prepare_local("CoffeeRoom"), "coffeeroom");
  EXPECT_FALSE(Jid::prepare_local(""));
  EXPECT_FALSE(Jid::prepare_local("a@b"));
  EXPECT_FALSE(Jid::prepare_local("a/b"));
}

}  // namespace
}  // namespace xmpp

namespace xmpp {
namespace {

// Found by fuzzing (tests/fuzz/regressions/jid/): a domain label with non-ASCII characters
// was left to nameprep alone, which lets ASCII '<', ' ' and '@' through; STD3 refuses them.
TEST(JidFuzzRegression, DomainLabelMixingUtf8AndAsciiPunctuationIsRefused) {
  EXPECT_FALSE(Jid::parse("alicW1ee@0coho<x ncelv@>st\xd8\x9e"));
  EXPECT_FALSE(Jid::parse("a@b\xc3\xa9<c.example"));
  EXPECT_FALSE(Jid::parse("a@-\xc3\xa9.example"));
  EXPECT_TRUE(Jid::parse("a@caf\xc3\xa9.example"));
}

}  // namespace
}  // namespace xmpp

namespace xmpp {
namespace {

TEST(Nick, NickThatRendersAsNothingIsRefused) {
  EXPECT_FALSE(Jid::prepare_nick("   "));
  EXPECT_FALSE(Jid::prepare_nick("\xcc\x81\xcc\x81"));           // U+0301 U+0301: combining only
  EXPECT_FALSE(Jid::prepare_nick("\xe3\x85\xa4"));               // U+3164 Hangul filler
  EXPECT_FALSE(Jid::prepare_nick("\xe2\xa0\x80 \xe2\xa0\x80"));  // blank braille patterns
  EXPECT_FALSE(Jid::prepare_nick("\xe2\x80\x8b"));               // U+200B: mapped to nothing
  EXPECT_TRUE(Jid::prepare_nick("e\xcc\x81"));                   // e + combining acute: shows
  EXPECT_TRUE(Jid::prepare_nick(" a "));
}

}  // namespace
}  // namespace xmpp
