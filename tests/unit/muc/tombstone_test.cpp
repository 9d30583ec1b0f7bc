#include "muc/tombstone.hpp"

#include <gtest/gtest.h>

namespace muc {
namespace {

TEST(Tombstones, GoneCarriesTheAlternateVenueAsAnXmppUri) {
  Tombstone t;
  t.alternate = "new@conference.example.org";
  const xmpp::StanzaError e = gone_error(t);
  EXPECT_EQ(e.type, "cancel");
  EXPECT_EQ(e.condition, "gone");
  EXPECT_EQ(e.condition_text, "xmpp:new@conference.example.org?join");
}

TEST(Tombstones, UriSyntaxInALocalPartIsPercentEncoded) {
  // RFC 5122 2.2: '?', '#', '%' and non-ASCII may be in a local part but not raw in a URI.
  Tombstone t;
  t.alternate = "why?#100%caf\xC3\xA9@conference.example.org";
  EXPECT_EQ(gone_error(t).condition_text,
            "xmpp:why%3F%23100%25caf%C3%A9@conference.example.org?join");
}

TEST(Tombstones, WithoutAnAlternateVenueGoneIsEmpty) {
  EXPECT_EQ(gone_error(Tombstone{}).condition_text, "");
}

}  // namespace
}  // namespace muc
