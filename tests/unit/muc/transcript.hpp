// Transcript tests (docs/architecture.md, The room state machine): a file of stanzas sent to the
// service and the stanzas expected back, in order. Adding a case means adding a file, not code.
//
// Format: lines starting with ">>" begin a stanza sent to the service; "<<" begins an
// expected outbound stanza; other non-blank lines continue the current stanza; "#" lines
// are comments. "@advance N" moves the clock N seconds; what became due then (a relayed iq
// that timed out) is expected by the "<<" lines after it. Expected and actual stanzas are
// compared as XML (attribute order, insignificant white space between elements and the
// <text/> of errors ignored: the condition is what a client acts on).
#pragma once

#include <string>
#include <vector>

namespace muc_test {

struct TranscriptStep {
  enum class Kind { send, expect, advance } kind;
  std::string text;
  int line = 0;
};

std::vector<TranscriptStep> parse_transcript(const std::string& content);

// XML text normalised for comparison: attributes sorted, white-space-only text between
// elements dropped, namespaces declared where they change.
std::string canonical_xml(const std::string& text);

}  // namespace muc_test
