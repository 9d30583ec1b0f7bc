// Turns the text of one complete element (as cut by StreamFramer) into an xml::Element.
// RapidXML parses in situ but knows nothing of namespaces, UTF-8 or RFC 6120's
// restrictions, and drops whitespace-only text; this layer adds all of that.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "xml/element.hpp"
#include "xml/framer.hpp"

namespace xml {

inline constexpr std::string_view kStreamNs = "http://etherx.jabber.org/streams";
inline constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";

// The namespace declarations in scope where an element starts (for a stanza: those of the
// stream header). The prefix "xml" is always bound and need not be listed.
struct NamespaceContext {
  std::string default_ns;
  std::vector<std::pair<std::string, std::string>> prefixes;  // prefix -> namespace name

  // The namespace bound to `prefix`, or nullopt when unbound.
  std::optional<std::string_view> lookup(std::string_view prefix) const;
};

// Parses one element. Element names are local names with their namespace resolved;
// attributes keep their qualified name ("xml:lang") and xmlns declarations are not kept.
// Text is decoded (entities and character references), end-of-line and attribute-value
// normalised as XML 1.0 sections 2.11 and 3.3.3 say, and whitespace-only text is kept.
// Errors: "not-well-formed" (syntax, invalid UTF-8 or character, unbound prefix, duplicate
// attribute) and "restricted-xml" (RFC 6120 section 11.1: comments, processing instructions,
// DTDs, entity references other than the five predefined ones).
// The framer checks XML name syntax more strictly before calling this; alone, this function
// accepts some malformed names that RapidXML lets through.
std::variant<Element, StreamError> parse_stanza(std::string text, const NamespaceContext& scope);

// The stream's opening tag, e.g. "<stream:stream xmlns='jabber:component:accept' ...>".
struct StreamHeader {
  Element element;         // no children; namespace resolved, declarations dropped
  NamespaceContext scope;  // the declarations stanzas inherit
};
std::variant<StreamHeader, StreamError> parse_stream_header(std::string open_tag);

}  // namespace xml
