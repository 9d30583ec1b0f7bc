// Serialises elements to XML text, escaping every attribute value and text node.
// Namespaces: an element gets an xmlns attribute when its namespace differs from its parent's;
// top-level stanzas on a component stream inherit "jabber:component:accept".
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "xml/element.hpp"

namespace xml {

void escape_text(std::string_view in, std::string& out);
void escape_attr(std::string_view in, std::string& out);  // for values quoted with '

// Appends `e` serialised to `out`.
void write(const Element& e, std::string& out, std::string_view parent_ns = kComponentNs);
std::string to_string(const Element& e, std::string_view parent_ns = kComponentNs);

// A stanza serialised once for many recipients: the `to` attribute comes first, so the text
// is head + escaped recipient + tail, e.g. head = "<message to='", tail = "' from=...>...".
// Only the recipient differs per copy: a broadcast to N occupants serialises the payload once.
struct Prepared {
  std::string head;
  std::string tail;
};
// `stanza` must not carry a `to` attribute (asserted).
std::shared_ptr<const Prepared> prepare(const Element& stanza);

// The XML text of one copy, for tests and logs.
std::string render(const Prepared& p, std::string_view to);
// The stanza as prepared, without any `to` (what an archive keeps): no second serialisation.
std::string render_without_to(const Prepared& p);

// A room's recipients for a broadcast, built once and shared until the room's sessions
// change: every address already escaped for an attribute, back to back in one buffer, so a
// broadcast to N sessions walks one contiguous block and allocates nothing per recipient.
class Recipients {
 public:
  void add(std::string_view address);  // escapes it
  void add_escaped(std::string_view escaped_address);
  std::size_t size() const { return ends_.size(); }
  // The i-th address, escaped.
  std::string_view escaped(std::size_t i) const {
    std::uint32_t begin = i == 0 ? 0 : ends_[i - 1];
    return std::string_view(text_).substr(begin, ends_[i] - begin);
  }
  std::size_t escaped_bytes() const { return text_.size(); }

 private:
  std::string text_;
  std::vector<std::uint32_t> ends_;
};

// The bytes of one copy of `p` per recipient of `to`.
inline std::size_t fan_out_bytes(const Prepared& p, const Recipients& to) {
  return to.size() * (p.head.size() + p.tail.size()) + to.escaped_bytes();
}

}  // namespace xml
