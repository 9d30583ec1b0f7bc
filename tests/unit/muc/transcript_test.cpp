// Runs every tests/transcripts/*.txt against a fresh service (see transcript.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "service_harness.hpp"
#include "transcript.hpp"

namespace muc_test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> transcript_files() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(fs::path(MUC_TEST_DATA_DIR) / "transcripts")) {
    if (entry.path().extension() == ".txt") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Transcript : public ::testing::TestWithParam<std::string> {};

TEST_P(Transcript, ProducesExactlyTheExpectedStanzas) {
  fs::path path = fs::path(MUC_TEST_DATA_DIR) / "transcripts" / (GetParam() + ".txt");
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  // Occupant ids (XEP-0421) as the application always gives them, under a fixed key: the
  // transcripts hold the ids HMAC-SHA256 gives for it.
  muc::ServiceConfig config;
  config.occupant_id_secret = "transcript-occupant-id-key";
  ServiceHarness harness(config);
  std::vector<std::string> pending;  // sent by the service, not yet matched
  std::size_t next = 0;
  int last_send_line = 0;
  auto check_drained = [&]() {
    for (std::size_t i = next; i < pending.size(); ++i) {
      ADD_FAILURE() << path.filename() << ": after the stanza sent at line " << last_send_line
                    << ", unexpected output: " << pending[i];
    }
  };
  for (const TranscriptStep& step : parse_transcript(content.str())) {
    switch (step.kind) {
      case TranscriptStep::Kind::send:
        check_drained();
        pending = harness.send(step.text);
        next = 0;
        last_send_line = step.line;
        break;
      case TranscriptStep::Kind::advance:
        // What became due (a relayed iq timing out) is expected after the @advance line.
        check_drained();
        pending = harness.advance(std::chrono::seconds(std::stoi(step.text)));
        next = 0;
        break;
      case TranscriptStep::Kind::expect:
        if (next >= pending.size()) {
          ADD_FAILURE() << path.filename() << ":" << step.line << ": expected " << step.text
                        << " but nothing more was sent";
          break;
        }
        EXPECT_EQ(canonical_xml(pending[next]), canonical_xml(step.text))
            << path.filename() << ":" << step.line;
        ++next;
        break;
    }
  }
  check_drained();
}

INSTANTIATE_TEST_SUITE_P(Muc, Transcript, ::testing::ValuesIn(transcript_files()),
                         [](const auto& param_info) {
                           std::string name = param_info.param;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace muc_test
