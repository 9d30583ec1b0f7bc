#include "xml/parser.hpp"

#include <rapidxml.hpp>

#include <array>
#include <cstdint>

#include "xml/utf8.hpp"

namespace xml {

std::optional<std::string_view> NamespaceContext::lookup(std::string_view prefix) const {
  if (prefix == "xml") return kXmlNs;  // Namespaces in XML 1.0 section 3: always bound
  for (auto it = prefixes.rbegin(); it != prefixes.rend(); ++it) {
    if (it->first == prefix) return std::string_view(it->second);
  }
  return std::nullopt;
}

namespace {

constexpr std::string_view kXmlnsNs = "http://www.w3.org/2000/xmlns/";

StreamError not_well_formed(std::string text) {
  return {"not-well-formed", std::move(text)};
}
StreamError restricted(std::string text) {
  return {"restricted-xml", std::move(text)};
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_name_char(char c) {
  auto u = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_' || c == '-' ||
         c == '.' || c == ':' || u >= 0x80;
}

// Checks the reference starting with '&' at s[i]. RFC 6120 section 11.1 allows only the
// five predefined entities; character references must name an XML Char (XML 1.0 4.1 WFC).
std::optional<StreamError> check_reference(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    bool hex = j + 1 < s.size() && s[j + 1] == 'x';
    j += hex ? 2 : 1;
    std::uint32_t cp = 0;
    std::size_t digits = 0;
    for (; j < s.size() && (hex ? is_hex(s[j]) : is_digit(s[j])); ++j, ++digits) {
      char c = s[j];
      std::uint32_t d = is_digit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
      cp = std::min<std::uint32_t>(cp * (hex ? 16 : 10) + d, 0x110000);  // stays invalid
    }
    if (digits == 0 || j >= s.size() || s[j] != ';') {
      return not_well_formed("malformed character reference");
    }
    if (!is_xml_char(cp)) return not_well_formed("character reference to a non-XML character");
    return std::nullopt;
  }
  while (j < s.size() && is_name_char(s[j])) ++j;
  if (j == i + 1 || j >= s.size() || s[j] != ';') return not_well_formed("malformed reference");
  std::string_view name = s.substr(i + 1, j - i - 1);
  static constexpr std::array<std::string_view, 5> kPredefined{"lt", "gt", "amp", "apos", "quot"};
  for (auto p : kPredefined) {
    if (name == p) return std::nullopt;
  }
  return restricted("entity reference other than the predefined ones");
}

// One pass over the text before RapidXML sees it: validates UTF-8 and references, and
// rewrites what RapidXML would get wrong. RapidXML drops text that is only whitespace
// (between "</a>" and " <b>", say), so the first character of such a run becomes a character
// reference, which RapidXML keeps and decodes. It normalises neither line ends (XML 1.0
// section 2.11: "\r\n" and "\r" become "\n") nor attribute values (section 3.3.3: tab and
// line ends become spaces); both are done here. Linear: each byte is visited at most twice.
class Prepass {
 public:
  explicit Prepass(std::string& text) : in_(text) {}

  std::optional<StreamError> run() {
    const std::size_t n = in_.size();
    for (std::size_t i = 0; i < n; ++i) {
      char c = in_[i];
      if (!utf8_.feed(static_cast<unsigned char>(c))) {
        return not_well_formed("invalid UTF-8 or character not allowed in XML");
      }
      switch (mode_) {
        case Mode::content:
          if (c == '<') {
            open_markup(i);
          } else if (c == '&') {
            if (auto e = check_reference(in_, i)) return e;
          } else if (c == '\r') {
            i = newline(i, "\n");
          }
          break;
        case Mode::tag:
          if (c == '\'' || c == '"') {
            quote_ = c;
            mode_ = Mode::quote;
          } else if (c == '>') {
            if (end_tag_) {
              --depth_;
            } else if (last_ != '/') {
              ++depth_;
            }
            i = after_markup(i);
          } else if (!is_space(c)) {
            last_ = c;
          }
          break;
        case Mode::quote:
          if (c == quote_) {
            mode_ = Mode::tag;
            last_ = c;
          } else if (c == '<') {
            return not_well_formed("'<' in an attribute value");
          } else if (c == '&') {
            if (auto e = check_reference(in_, i)) return e;
          } else if (c == '\t' || c == '\n') {
            replace(i, i + 1, " ");
          } else if (c == '\r') {
            i = newline(i, " ");
          }
          break;
        case Mode::cdata:
          if (c == '\r') {
            i = newline(i, "\n");
          } else if (in_.compare(i, 3, "]]>") == 0) {
            i = after_markup(i + 2);
          }
          break;
        case Mode::other:  // comment, PI or DTD: RapidXML makes a node of it, refused later
          if (c == '>') i = after_markup(i);
          break;
      }
    }
    if (!utf8_.at_boundary()) return not_well_formed("truncated UTF-8 sequence");
    if (copied_ > 0) {
      out_.append(in_, copied_);
      in_ = std::move(out_);
    }
    return std::nullopt;
  }

 private:
  enum class Mode { content, tag, quote, cdata, other };

  void open_markup(std::size_t i) {
    std::string_view rest = std::string_view(in_).substr(i);
    if (rest.starts_with("<![CDATA[")) {
      mode_ = Mode::cdata;
    } else if (rest.starts_with("<!") || rest.starts_with("<?")) {
      mode_ = Mode::other;
    } else {
      mode_ = Mode::tag;
      end_tag_ = rest.starts_with("</");
      last_ = '<';
    }
  }

  // `i` is the '>' that ends markup; returns the index the main loop continues from.
  std::size_t after_markup(std::size_t i) {
    mode_ = Mode::content;
    std::size_t j = i + 1;
    while (j < in_.size() && is_space(in_[j])) ++j;
    if (depth_ < 1 || j == i + 1 || j >= in_.size() || in_[j] != '<') return i;
    char c = in_[i + 1];
    if (c == '\r') return newline(i + 1, "&#10;");
    replace(i + 1, i + 2, c == ' ' ? "&#32;" : c == '\t' ? "&#9;" : "&#10;");
    return i + 1;
  }

  // Replaces the line end at `i` ("\r\n" or "\r") with `with`; returns its last index.
  std::size_t newline(std::size_t i, std::string_view with) {
    std::size_t end = i + 1 < in_.size() && in_[i + 1] == '\n' ? i + 2 : i + 1;
    replace(i, end, with);
    return end - 1;
  }

  void replace(std::size_t from, std::size_t to, std::string_view with) {
    if (copied_ == 0) out_.reserve(in_.size() + 16);
    out_.append(in_, copied_, from - copied_);
    out_.append(with);
    copied_ = to;  // never 0 again: `to` > `from` >= 0
  }

  std::string& in_;
  std::string out_;
  std::size_t copied_ = 0;
  Utf8Validator utf8_;
  Mode mode_ = Mode::content;
  int depth_ = 0;
  char quote_ = 0;
  char last_ = 0;
  bool end_tag_ = false;
};

struct QName {
  std::string_view prefix;
  std::string_view local;
};

std::optional<QName> split_qname(std::string_view name) {
  auto colon = name.find(':');
  if (colon == std::string_view::npos) return QName{{}, name};
  QName q{name.substr(0, colon), name.substr(colon + 1)};
  if (q.prefix.empty() || q.local.empty() || q.local.find(':') != std::string_view::npos) {
    return std::nullopt;
  }
  return q;
}

using Node = rapidxml::xml_node<char>;

std::string_view name_of(const Node& n) {
  return {n.name(), n.name_size()};
}
std::string_view name_of(const rapidxml::xml_attribute<char>& a) {
  return {a.name(), a.name_size()};
}
std::string_view value_of(const rapidxml::xml_base<char>& b) {
  return {b.value(), b.value_size()};
}

// Builds Elements from RapidXML's tree, resolving namespaces (Namespaces in XML 1.0).
class Builder {
 public:
  explicit Builder(const NamespaceContext& outer) : outer_(outer) {}

  std::optional<StreamError> build(const Node& node, std::string_view default_ns, Element& out,
                                   NamespaceContext* root_scope) {
    const std::size_t mark = bindings_.size();
    if (auto e = declare(node, default_ns)) return e;
    if (root_scope) {
      root_scope->default_ns = std::string(default_ns);
      root_scope->prefixes = outer_.prefixes;
      for (auto [p, ns] : bindings_) root_scope->prefixes.emplace_back(p, ns);
    }
    auto q = split_qname(name_of(node));
    if (!q) return not_well_formed("malformed element name");
    auto ns = q->prefix.empty() ? std::optional(default_ns) : lookup(q->prefix);
    if (!ns) return not_well_formed("unbound prefix on element " + std::string(name_of(node)));
    out = Element(std::string(q->local), std::string(*ns));
    if (auto e = copy_attributes(node, out)) return e;

    for (const Node* c = node.first_node(); c; c = c->next_sibling()) {
      switch (c->type()) {
        case rapidxml::node_element: {
          Element& child = out.add(Element());
          if (auto e = build(*c, default_ns, child, nullptr)) return e;
          break;
        }
        case rapidxml::node_data:
        case rapidxml::node_cdata:
          out.add_text(std::string(value_of(*c)));
          break;
        default:
          return restricted("comment, processing instruction or DTD");
      }
    }
    bindings_.resize(mark);
    return std::nullopt;
  }

 private:
  std::optional<std::string_view> lookup(std::string_view prefix) const {
    for (auto it = bindings_.rbegin(); it != bindings_.rend(); ++it) {
      if (it->first == prefix) return it->second;
    }
    return outer_.lookup(prefix);
  }

  // Namespaces in XML 1.0 section 3: "xml" may only be bound to its namespace, nothing else
  // may be, "xmlns" is never declared, and a prefix cannot be undeclared (value "").
  std::optional<StreamError> declare(const Node& node, std::string_view& default_ns) {
    for (auto* a = node.first_attribute(); a; a = a->next_attribute()) {
      std::string_view name = name_of(*a), value = value_of(*a);
      if (name == "xmlns") {
        if (value == kXmlNs || value == kXmlnsNs) return not_well_formed("reserved namespace");
        default_ns = value;
      } else if (name.starts_with("xmlns:")) {
        std::string_view prefix = name.substr(6);
        if (prefix.empty() || prefix.find(':') != std::string_view::npos || prefix == "xmlns" ||
            value.empty() || value == kXmlnsNs || ((prefix == "xml") != (value == kXmlNs))) {
          return not_well_formed("invalid namespace declaration " + std::string(name));
        }
        bindings_.emplace_back(prefix, value);
      }
    }
    return std::nullopt;
  }

  std::optional<StreamError> copy_attributes(const Node& node, Element& out) {
    struct Expanded {
      std::string_view qname, ns, local;
    };
    std::vector<Expanded> seen;
    for (auto* a = node.first_attribute(); a; a = a->next_attribute()) {
      std::string_view name = name_of(*a);
      bool declaration = name == "xmlns" || name.starts_with("xmlns:");
      auto q = split_qname(name);
      if (!q) return not_well_formed("malformed attribute name");
      // Unprefixed attributes are in no namespace (Namespaces in XML 1.0 section 6.2).
      std::optional<std::string_view> ns = std::string_view();
      if (!q->prefix.empty() && !declaration) ns = lookup(q->prefix);
      if (!ns) return not_well_formed("unbound prefix on attribute " + std::string(name));
      // XML 1.0 3.1 WFC Unique Att Spec, and Namespaces 6.3: no two with one expanded name.
      for (const auto& s : seen) {
        if (s.qname == name || (!q->prefix.empty() && s.ns == *ns && s.local == q->local)) {
          return not_well_formed("duplicate attribute " + std::string(name));
        }
      }
      seen.push_back({name, *ns, q->local});
      if (!declaration) out.set_attr(name, std::string(value_of(*a)));
    }
    return std::nullopt;
  }

  const NamespaceContext& outer_;
  std::vector<std::pair<std::string_view, std::string_view>> bindings_;  // innermost last
};

std::variant<Element, StreamError> parse_impl(std::string text, const NamespaceContext& scope,
                                              NamespaceContext* root_scope) {
  if (auto e = Prepass(text).run()) return *e;
  // No string terminators: RapidXML then writes to the buffer only to decode references,
  // and we read names and values by size. Comment, PI and DTD nodes are kept so that the
  // builder can refuse them instead of RapidXML silently skipping them.
  constexpr int kFlags = rapidxml::parse_no_string_terminators | rapidxml::parse_no_element_values |
                         rapidxml::parse_validate_closing_tags | rapidxml::parse_comment_nodes |
                         rapidxml::parse_pi_nodes | rapidxml::parse_doctype_node |
                         rapidxml::parse_declaration_node;
  rapidxml::xml_document<char> doc;
  try {
    doc.parse<kFlags>(text.data());  // std::string's buffer is NUL-terminated
  } catch (const rapidxml::parse_error& e) {
    return not_well_formed(e.what());
  }
  const Node* root = doc.first_node();
  if (!root) return not_well_formed("no element");
  if (root->type() != rapidxml::node_element || root->next_sibling()) {
    bool element_only = root->type() == rapidxml::node_element &&
                        root->next_sibling()->type() == rapidxml::node_element;
    return element_only ? not_well_formed("more than one element")
                        : restricted("comment, processing instruction or DTD");
  }
  Element out;
  Builder builder(scope);
  if (auto e = builder.build(*root, scope.default_ns, out, root_scope)) return *e;
  return out;
}

}  // namespace

std::variant<Element, StreamError> parse_stanza(std::string text, const NamespaceContext& scope) {
  return parse_impl(std::move(text), scope, nullptr);
}

std::variant<StreamHeader, StreamError> parse_stream_header(std::string open_tag) {
  // The header is a start tag whose element never closes while the stream lives; parse it
  // as an empty element.
  if (!open_tag.ends_with(">")) return not_well_formed("incomplete stream header");
  if (!open_tag.ends_with("/>")) {
    open_tag.back() = '/';
    open_tag.push_back('>');
  }
  StreamHeader header;
  auto parsed = parse_impl(std::move(open_tag), NamespaceContext{}, &header.scope);
  if (auto* e = std::get_if<StreamError>(&parsed)) return *e;
  header.element = std::move(std::get<Element>(parsed));
  return header;
}

}  // namespace xml
