#include "transcript.hpp"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <variant>

#include "xml/parser.hpp"
#include "xml/writer.hpp"

namespace muc_test {
namespace {

constexpr std::string_view kStanzasNs = "urn:ietf:params:xml:ns:xmpp-stanzas";

xml::Element normalise(const xml::Element& e) {
  xml::Element out(e.name(), e.ns());
  std::vector<xml::Attribute> attrs = e.attrs();
  std::sort(attrs.begin(), attrs.end(),
            [](const xml::Attribute& a, const xml::Attribute& b) { return a.name < b.name; });
  for (auto& a : attrs) out.set_attr(a.name, a.value);
  bool has_elements = !e.elements().empty();
  for (const xml::Element& c : e.nodes()) {
    if (c.is_text()) {
      bool blank = c.text().find_first_not_of(" \t\r\n") == std::string::npos;
      if (!(has_elements && blank)) out.add_text(c.text());
    } else if (e.name() == "error" && c.name() == "text" && c.ns() == kStanzasNs) {
      // An error's <text/> is for people; transcripts compare the condition only (RFC 6120
      // 8.3.2: applications rely on the defined condition).
      continue;
    } else {
      out.add(normalise(c));
    }
  }
  return out;
}

}  // namespace

std::vector<TranscriptStep> parse_transcript(const std::string& content) {
  std::vector<TranscriptStep> steps;
  std::istringstream in(content);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::string trimmed = line.substr(0, line.find_last_not_of(" \t\r") + 1);
    if (trimmed.empty() || trimmed[0] == '#') continue;
    if (trimmed.rfind(">>", 0) == 0) {
      steps.push_back({TranscriptStep::Kind::send, trimmed.substr(2), number});
    } else if (trimmed.rfind("<<", 0) == 0) {
      steps.push_back({TranscriptStep::Kind::expect, trimmed.substr(2), number});
    } else if (trimmed.rfind("@advance", 0) == 0) {
      steps.push_back({TranscriptStep::Kind::advance, trimmed.substr(8), number});
    } else if (!steps.empty() && steps.back().kind != TranscriptStep::Kind::advance) {
      steps.back().text += "\n" + trimmed;
    } else {
      throw std::runtime_error("line " + std::to_string(number) + ": stanza text before >> or <<");
    }
  }
  return steps;
}

std::string canonical_xml(const std::string& text) {
  xml::NamespaceContext scope;
  scope.default_ns = std::string(xml::kComponentNs);
  auto parsed = xml::parse_stanza(text, scope);
  if (auto* err = std::get_if<xml::StreamError>(&parsed)) {
    throw std::runtime_error("unparsable XML (" + err->condition + ": " + err->text + "): " + text);
  }
  return xml::to_string(normalise(std::get<xml::Element>(parsed)));
}

}  // namespace muc_test
