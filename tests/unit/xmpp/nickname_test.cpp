// xmpp/nickname.hpp: RFC 8266 comparison and the characters a nick may not hold.
#include "xmpp/nickname.hpp"

#include <gtest/gtest.h>

#include "xmpp/jid.hpp"

namespace xmpp {
namespace {

TEST(NickKey, NicksThatDifferOnlyInCaseLookAlike) {
  EXPECT_EQ(nick_key("Alice"), nick_key("alice"));
  EXPECT_EQ(nick_key("ALICE"), nick_key("alice"));
  EXPECT_EQ(nick_key("\xc3\x89lise"), nick_key("\xc3\xa9lise"));          // É / é
  EXPECT_EQ(nick_key("\xce\xa3\xce\xb9"), nick_key("\xcf\x83\xce\xb9"));  // Σι / σι
}

TEST(NickKey, CompatibilityFormsLookLikeTheirPlainForms) {
  EXPECT_EQ(nick_key("\xef\xbc\xa1lice"), nick_key("alice"));  // full-width A
  EXPECT_EQ(nick_key("\xef\xac\x81sh"), nick_key("fish"));     // the fi ligature
  EXPECT_EQ(nick_key("e\xcc\x81"), nick_key("\xc3\xa9"));      // e + combining acute / é
}

TEST(NickKey, SpacesAtTheEndsAndRunsOfSpacesDoNotCount) {
  EXPECT_EQ(nick_key(" Bob "), nick_key("Bob"));
  EXPECT_EQ(nick_key("Bob  Smith"), nick_key("Bob Smith"));
  EXPECT_EQ(nick_key("Bob\xc2\xa0Smith"), nick_key("Bob Smith"));      // no-break space
  EXPECT_EQ(nick_key("Bob\xe3\x80\x80Smith"), nick_key("Bob Smith"));  // ideographic space
  EXPECT_NE(nick_key("BobSmith"), nick_key("Bob Smith"));
}

TEST(NickKey, DifferentNicksStayDifferent) {
  EXPECT_NE(nick_key("Alice"), nick_key("Alicia"));
  EXPECT_NE(nick_key("o"), nick_key("0"));
  EXPECT_EQ(nick_key(""), "");
}

TEST(Nick, BidiControlsAreRefused) {
  EXPECT_TRUE(
      has_bidi_control("\xe2\x80\xae"
                       "evil"));  // U+202E right-to-left override
  EXPECT_TRUE(
      has_bidi_control("a\xe2\x81\xa6"
                       "b"));  // U+2066 left-to-right isolate
  EXPECT_TRUE(
      has_bidi_control("\xd8\x9c"
                       "x"));                                          // U+061C Arabic letter mark
  EXPECT_FALSE(has_bidi_control("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"));  // Hebrew letters
  EXPECT_FALSE(
      Jid::prepare_nick("a\xe2\x81\xa6"
                        "b"));
  EXPECT_FALSE(
      Jid::prepare_nick("\xe2\x80\xae"
                        "cod.exe"));
  EXPECT_FALSE(
      Jid::prepare_nick("a\x07"
                        "b"));  // a control character
  EXPECT_TRUE(Jid::prepare_nick("\xd7\xa9\xd7\x9c\xd7\x95\xd7\x9d"));
}

}  // namespace
}  // namespace xmpp
