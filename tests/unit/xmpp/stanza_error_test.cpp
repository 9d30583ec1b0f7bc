// The namespace hint added to service-unavailable answers.
#include "xmpp/stanza_error.hpp"

#include <gtest/gtest.h>

#include <string>

namespace xmpp {
namespace {

TEST(NearMissNamespace, AMisspeltMucNamespaceIsRecognised) {
  EXPECT_EQ(near_miss_namespace("http://jabber.org/protocal/muc#admin"),
            "http://jabber.org/protocol/muc#admin");
  EXPECT_EQ(near_miss_namespace("http://jabber.org/protocol/muc#admin"), std::nullopt);
  EXPECT_EQ(near_miss_namespace("urn:example:other"), std::nullopt);
}

// A hostile client may send a namespace of any length: one whose length alone puts it out
// of reach is no near miss, and is never compared (an edit distance over 200 KB would be
// tens of millions of steps on the loop).
TEST(NearMissNamespace, AHugeNamespaceIsNoNearMiss) {
  EXPECT_EQ(near_miss_namespace(std::string(200 * 1024, 'a')), std::nullopt);
  EXPECT_EQ(near_miss_namespace("http://jabber.org/protocol/muc#admin" + std::string(4, 'x')),
            std::nullopt);
  EXPECT_EQ(near_miss_namespace("http://jabber.org/protocol/muc#admin" + std::string(3, 'x')),
            "http://jabber.org/protocol/muc#admin");
}

}  // namespace
}  // namespace xmpp
