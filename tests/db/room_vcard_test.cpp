// XEP-0486 room vCards in PostgreSQL (SetVcard, db/pg_ops.cpp; load_room, db/pg_load.cpp):
// set, replaced, loaded back with its hashes, cleared, and visible in muc_room_avatars.
#include <gtest/gtest.h>

#include "muc/store.hpp"
#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

const std::string kRoom = "lounge@conference.example.org";
const std::string kVcard =
    "<vCard xmlns='vcard-temp'><PHOTO><TYPE>image/png</TYPE><BINVAL>YWJj</BINVAL></PHOTO></vCard>";

class RoomVcardTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    if (IsSkipped()) return;
    muc::RoomConfig config;
    config.persistent = true;
    ASSERT_TRUE(commit(kRoom, {muc::SaveRoom{kRoom, "alice@example.org", config, at(0)}}));
  }
};

TEST_F(RoomVcardTest, SetVcardIsLoadedBackWithItsHashes) {
  ASSERT_TRUE(
      commit(kRoom, {muc::SetVcard{kRoom, kVcard, {"h1", "h2"}, "alice@example.org", at(1)}}));
  auto [snapshot, ok] = load(kRoom);
  ASSERT_TRUE(ok && snapshot);
  EXPECT_EQ(snapshot->vcard_xml, kVcard);
  EXPECT_EQ(snapshot->avatar_hashes, (std::vector<std::string>{"h1", "h2"}));
  EXPECT_EQ(query_value<std::string>("SELECT set_by || ' ' || array_to_string(avatar_hashes, ',') "
                                     "FROM muc_room_avatars WHERE room = '" +
                                     kRoom + "'"),
            "alice@example.org h1,h2");
}

TEST_F(RoomVcardTest, ANewVcardReplacesTheOldAndAnEmptyOneClearsIt) {
  ASSERT_TRUE(commit(kRoom, {muc::SetVcard{kRoom, kVcard, {"h1"}, "alice@example.org", at(1)}}));
  ASSERT_TRUE(commit(kRoom, {muc::SetVcard{kRoom, kVcard, {"h3"}, "bob@example.org", at(2)}}));
  EXPECT_EQ(load(kRoom).first->avatar_hashes, (std::vector<std::string>{"h3"}));
  ASSERT_TRUE(commit(kRoom, {muc::SetVcard{kRoom, "", {}, "bob@example.org", at(3)}}));
  auto [snapshot, ok] = load(kRoom);
  ASSERT_TRUE(ok && snapshot);
  EXPECT_TRUE(snapshot->vcard_xml.empty());
  EXPECT_TRUE(snapshot->avatar_hashes.empty());
  EXPECT_EQ(query_value<long>("SELECT count(*) FROM room_vcards"), 0);
}

}  // namespace
}  // namespace db::test
