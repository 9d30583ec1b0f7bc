#include "muc/occupant_id.hpp"

#include <gtest/gtest.h>

namespace muc {
namespace {

TEST(OccupantIds, AreTheKeyedHashOfRoomAndUserInBase64url) {
  // HMAC-SHA256("key", "room@conference.example.org\0alice@example.org"), first 16 bytes.
  EXPECT_EQ(occupant_id("key", "room@conference.example.org", "alice@example.org"),
            "9H8wi4S3kiRDw-WLcnT5Cw");
}

TEST(OccupantIds, DifferInEveryRoomAndUnderEveryKey) {
  EXPECT_EQ(occupant_id("key", "other@conference.example.org", "alice@example.org"),
            "JJMJ_9X844L2y1HHEE51bA");
  EXPECT_NE(occupant_id("another key", "room@conference.example.org", "alice@example.org"),
            "9H8wi4S3kiRDw-WLcnT5Cw");
  // The separator keeps "ab" + "c" apart from "a" + "bc".
  EXPECT_NE(occupant_id("key", "ab", "c"), occupant_id("key", "a", "bc"));
}

TEST(OccupantIds, WithoutASecretThereAreNone) {
  EXPECT_EQ(occupant_id("", "room@conference.example.org", "alice@example.org"), "");
}

TEST(OccupantIds, NewSecretsAre32RandomBytesInHex) {
  std::string a = new_occupant_id_secret();
  EXPECT_EQ(a.size(), 64U);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, new_occupant_id_secret());
}

}  // namespace
}  // namespace muc
