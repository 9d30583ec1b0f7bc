// The service's secrets (db/service_secret.hpp): created once, then the same for good.
#include "db/service_secret.hpp"

#include <gtest/gtest.h>

#include "tests/db/db_test_support.hpp"

namespace db::test {
namespace {

using ServiceSecretTest = StoreTest;  // migrations applied

TEST_F(ServiceSecretTest, TheFirstSecretIsKeptAndLaterOnesAreIgnored) {
  auto conn = connect();
  EXPECT_EQ(load_or_create_secret(*conn, "conference.example.org", "occupant-id", "aa11"), "aa11");
  // A restart, or a second instance, brings a fresh secret of its own: the stored one wins.
  EXPECT_EQ(load_or_create_secret(*conn, "conference.example.org", "occupant-id", "bb22"), "aa11");
  EXPECT_EQ(query_value<int>("SELECT count(*) FROM service_secrets"), 1);
}

TEST_F(ServiceSecretTest, EachDomainHasASecretOfItsOwn) {
  auto conn = connect();
  EXPECT_EQ(load_or_create_secret(*conn, "a.example.org", "occupant-id", "aa11"), "aa11");
  EXPECT_EQ(load_or_create_secret(*conn, "b.example.org", "occupant-id", "bb22"), "bb22");
}

}  // namespace
}  // namespace db::test
