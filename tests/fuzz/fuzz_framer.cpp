// libFuzzer target: the stream framer (xml/framer.hpp) on arbitrary bytes after a stream
// header. Invariants, checked on every input:
//   - how the bytes are cut into reads, and where the handler pauses, changes nothing: the
//     same stanzas, faults and errors come out in the same order (the framer never loses
//     sync, whatever a skipped stanza held);
//   - no stanza handed over breaks a limit (depth, attributes per element);
//   - ASan/UBSan: no read out of bounds, no undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "xml/framer.hpp"
#include "xml/writer.hpp"

namespace {

constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:component:accept' "
    "xmlns:stream='http://etherx.jabber.org/streams' id='f'>";

// Small limits, so that inputs reach them.
xml::Limits limits() {
  return xml::Limits{4096, 8, 8};
}

void check_limits(const xml::Element& e, std::size_t depth) {
  if (depth > limits().max_depth) std::abort();
  if (e.attrs().size() > limits().max_attributes) std::abort();
  for (const xml::Element* c : e.elements()) check_limits(*c, depth + 1);
}

struct Recorder : xml::StreamFramer::Handler {
  std::vector<std::string> events;
  std::uint32_t pause_pattern = 0;  // bit i: pause after event i (mod 32)
  void on_stream_open(const xml::Element&) override { events.emplace_back("open"); }
  void on_stanza(xml::Element stanza) override {
    check_limits(stanza, 1);
    events.push_back("stanza " + xml::to_string(stanza));
  }
  void on_stanza_fault(xml::StanzaFault fault) override {
    events.push_back("fault " + fault.condition + " " +
                     (fault.head ? xml::to_string(*fault.head) : std::string("-")));
  }
  void on_stream_close() override { events.emplace_back("close"); }
  bool paused() const override { return (pause_pattern >> (events.size() % 32)) & 1U; }
};

std::vector<std::string> run(std::string_view data, std::uint32_t cuts, std::uint32_t pauses) {
  xml::StreamFramer framer(limits());
  Recorder r;
  r.pause_pattern = pauses;
  std::string stream(kHeader);
  stream.append(data);
  std::string_view rest = stream;
  std::uint32_t state = cuts | 1U;
  while (!rest.empty()) {
    // Chunk sizes from a small xorshift generator seeded by the input: 1 to 64 bytes.
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    std::size_t n = cuts == 0 ? rest.size() : 1 + state % 64;
    if (n > rest.size()) n = rest.size();
    auto error = framer.feed(rest.substr(0, n), r);
    while (!error && framer.pending() > 0) error = framer.resume(r);
    if (error) {
      r.events.push_back("error " + error->condition);
      break;
    }
    rest.remove_prefix(n);
  }
  return r.events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  const std::uint32_t seed = std::uint32_t(data[0]) | std::uint32_t(data[1]) << 8 |
                             std::uint32_t(data[2]) << 16 | std::uint32_t(data[3]) << 24;
  std::string_view input(reinterpret_cast<const char*>(data) + 4, size - 4);
  const std::vector<std::string> whole = run(input, 0, 0);
  const std::vector<std::string> cut = run(input, seed, seed >> 7);
  if (whole != cut) std::abort();
  return 0;
}
