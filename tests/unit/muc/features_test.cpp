#include "muc/features.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace muc {
namespace {

TEST(Features, ReadmeTableIsGeneratedFromTheDeclaredList) {
  std::ifstream in(std::string(MUC_TEST_DATA_DIR) + "/../README.md");
  ASSERT_TRUE(in) << "README.md not found";
  std::stringstream text;
  text << in.rdbuf();
  std::string readme = text.str();
  const std::string begin = "<!-- features -->\n";
  const std::string end = "<!-- /features -->";
  auto b = readme.find(begin);
  auto e = readme.find(end);
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(e, std::string::npos);
  EXPECT_EQ(readme.substr(b + begin.size(), e - b - begin.size()), features_markdown())
      << "Update README.md's feature table from muc::features_markdown()";
}

}  // namespace
}  // namespace muc
