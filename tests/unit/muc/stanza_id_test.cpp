#include "muc/stanza_id.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace muc {
namespace {

const Clock::time_point kNoon =
    Clock::time_point(std::chrono::sys_days{std::chrono::year{2026} / 12 / 3}) +
    std::chrono::hours{12};

TEST(StanzaIds, AreVersion7UuidsCarryingTheMillisecond) {
  StanzaIdSource ids = uuid_v7_source();
  const std::string id = ids(kNoon);
  EXPECT_TRUE(std::regex_match(
      id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << id;
  // The first 48 bits are the Unix time in milliseconds, big-endian hex.
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(kNoon.time_since_epoch());
  EXPECT_EQ(id.substr(0, 8) + id.substr(9, 4), fmt::format("{:012x}", ms.count()));
}

TEST(StanzaIds, LaterMillisecondsSortLaterAndNoIdRepeats) {
  StanzaIdSource ids = uuid_v7_source();
  std::set<std::string> seen;
  std::string last;
  for (int i = 0; i < 1000; ++i) {
    std::string id = ids(kNoon + std::chrono::milliseconds{i});
    EXPECT_LT(last, id);
    EXPECT_TRUE(seen.insert(id).second) << id;
    last = id;
  }
  // Within one millisecond only the random bits differ; they still never repeat here.
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(ids(kNoon)).second);
}

TEST(StanzaIds, TwoSourcesDoNotShareIds) {
  StanzaIdSource a = uuid_v7_source();
  StanzaIdSource b = uuid_v7_source();
  EXPECT_NE(a(kNoon), b(kNoon));
}

TEST(StanzaIds, TheCountingSourceIsForTests) {
  StanzaIdSource ids = counting_source();
  EXPECT_EQ(ids(kNoon), "s1");
  EXPECT_EQ(ids(kNoon), "s2");
}

}  // namespace
}  // namespace muc
