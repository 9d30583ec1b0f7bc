#include "xml/writer.hpp"

#include <cassert>

#include "xml/utf8.hpp"

namespace xml {

namespace {

// Appends `in` with each character passed to `escape`, which returns a replacement or an
// empty view to keep the character. Invalid UTF-8 and characters XML 1.0 does not allow
// become U+FFFD: one bad string must not make our whole stream not-well-formed, which would
// make the server close it (RFC 6120 section 4.9.3.13) and cut off every room at once.
template <typename Escape>
void escape(std::string_view in, std::string& out, Escape escape_char) {
  out.reserve(out.size() + in.size());
  std::size_t i = 0;
  while (i < in.size()) {
    auto c = static_cast<unsigned char>(in[i]);
    if (c < 0x80) {
      std::string_view rep = escape_char(static_cast<char>(c));
      if (!rep.empty()) {
        out.append(rep);
      } else if (is_xml_char(c)) {
        out.push_back(static_cast<char>(c));
      } else {
        out.append("\xEF\xBF\xBD");
      }
      ++i;
      continue;
    }
    // One multi-byte sequence: keep it whole if valid, else replace its first byte.
    Utf8Validator v;
    std::size_t j = i;
    bool ok = true;
    do {
      ok = v.feed(static_cast<unsigned char>(in[j++]));
    } while (ok && !v.at_boundary() && j < in.size());
    if (ok && v.at_boundary()) {
      out.append(in.substr(i, j - i));
      i = j;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
}

// Attributes are written after the element's own xmlns, so that prepare() can put `to`
// first and still produce what to_string() does for a stanza whose first attribute is `to`.
void write_open_rest(const Element& e, std::string& out, std::string_view parent_ns) {
  for (const auto& a : e.attrs()) {
    // Invariant: Element never holds namespace declarations; write() adds them from ns().
    assert(a.name != "xmlns" && !a.name.starts_with("xmlns:"));
    // Element keeps the qualified name of a prefixed attribute but not its namespace, so
    // only the always-bound "xml" prefix can be written; another would be unbound
    // (not-well-formed) on our stream, so such attributes are dropped.
    auto colon = a.name.find(':');
    if (colon != std::string::npos && a.name.compare(0, colon, "xml") != 0) continue;
    out.push_back(' ');
    out.append(a.name);
    out.append("='");
    escape_attr(a.value, out);
    out.push_back('\'');
  }
  if (e.ns() != parent_ns) {
    out.append(" xmlns='");
    escape_attr(e.ns(), out);
    out.push_back('\'');
  }
  if (e.nodes().empty()) {
    out.append("/>");
    return;
  }
  out.push_back('>');
  for (const auto& child : e.nodes()) write(child, out, e.ns());
  out.append("</");
  out.append(e.name());
  out.push_back('>');
}

}  // namespace

void escape_text(std::string_view in, std::string& out) {
  escape(in, out, [](char c) -> std::string_view {
    switch (c) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";  // not required, but "]]>" in text would be
      case '\r':
        return "&#13;";  // a raw CR would be read back as LF (XML 1.0 section 2.11)
      default:
        return {};
    }
  });
}

void escape_attr(std::string_view in, std::string& out) {
  escape(in, out, [](char c) -> std::string_view {
    switch (c) {
      case '&':
        return "&amp;";
      case '<':
        return "&lt;";
      case '>':
        return "&gt;";
      case '\'':
        return "&apos;";
      case '"':
        return "&quot;";
      // Raw whitespace in a value is read back as a space (XML 1.0 section 3.3.3).
      case '\t':
        return "&#9;";
      case '\n':
        return "&#10;";
      case '\r':
        return "&#13;";
      default:
        return {};
    }
  });
}

void write(const Element& e, std::string& out, std::string_view parent_ns) {
  if (e.is_text()) {
    escape_text(e.text(), out);
    return;
  }
  out.push_back('<');
  out.append(e.name());
  write_open_rest(e, out, parent_ns);
}

std::string to_string(const Element& e, std::string_view parent_ns) {
  std::string out;
  write(e, out, parent_ns);
  return out;
}

std::shared_ptr<const Prepared> prepare(const Element& stanza) {
  // The recipient is spliced in by render() or the sender; a `to` here would be doubled.
  assert(!stanza.is_text() && stanza.attr("to") == nullptr);
  auto p = std::make_shared<Prepared>();
  p->head.append("<").append(stanza.name()).append(" to='");
  p->tail.push_back('\'');
  write_open_rest(stanza, p->tail, kComponentNs);
  return p;
}

std::string render_without_to(const Prepared& p) {
  // head is "<name to='" and tail "' attrs...>...": drop " to='" and the closing quote.
  constexpr std::string_view kTo = " to='";
  assert(p.head.size() > kTo.size() && !p.tail.empty() && p.tail.front() == '\'');
  std::string out;
  out.reserve(p.head.size() + p.tail.size());
  out.append(p.head, 0, p.head.size() - kTo.size());
  out.append(p.tail, 1);
  return out;
}

std::string render(const Prepared& p, std::string_view to) {
  std::string out;
  out.reserve(p.head.size() + to.size() + p.tail.size());
  out.append(p.head);
  escape_attr(to, out);
  out.append(p.tail);
  return out;
}

}  // namespace xml

namespace xml {

void Recipients::add(std::string_view address) {
  escape_attr(address, text_);
  ends_.push_back(static_cast<std::uint32_t>(text_.size()));
}

void Recipients::add_escaped(std::string_view escaped_address) {
  text_.append(escaped_address);
  ends_.push_back(static_cast<std::uint32_t>(text_.size()));
}

}  // namespace xml
