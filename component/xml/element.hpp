// An XML element with resolved namespaces: the one tree type for stanzas we receive
// (built from RapidXML's in-situ parse) and stanzas we build to send.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xml {

inline constexpr std::string_view kComponentNs = "jabber:component:accept";

struct Attribute {
  std::string name;  // qualified as written, e.g. "type" or "xml:lang"; never an xmlns declaration
  std::string value;
  // Needed by Element's defaulted operator==, which is otherwise deleted.
  bool operator==(const Attribute&) const = default;
};

// A node is either an element (name non-empty) or a text node (name empty, text in text_).
class Element {
 public:
  Element() = default;
  Element(std::string name, std::string ns) : name_(std::move(name)), ns_(std::move(ns)) {}
  static Element text_node(std::string text) {
    Element e;
    e.text_ = std::move(text);
    return e;
  }

  bool is_text() const { return name_.empty(); }
  const std::string& name() const { return name_; }
  const std::string& ns() const { return ns_; }
  bool is(std::string_view name, std::string_view ns) const { return name_ == name && ns_ == ns; }

  // Attributes (unescaped values).
  const std::string* attr(std::string_view name) const;
  std::string_view attr_or(std::string_view name, std::string_view fallback = {}) const;
  Element& set_attr(std::string_view name, std::string value);
  void remove_attr(std::string_view name);
  const std::vector<Attribute>& attrs() const { return attrs_; }

  // Children, in document order; text nodes included.
  const std::vector<Element>& nodes() const { return children_; }
  std::vector<Element>& nodes() { return children_; }
  Element& add(Element child);
  Element& add(std::string name, std::string ns) {
    return add(Element(std::move(name), std::move(ns)));
  }
  // Adds a child element with only text content, returns *this for chaining.
  Element& add_text_child(std::string name, std::string ns, std::string text);
  void add_text(std::string text);

  // First child element with this name and namespace, or nullptr.
  const Element* child(std::string_view name, std::string_view ns) const;
  Element* child(std::string_view name, std::string_view ns);
  // All child elements with this name and namespace.
  std::vector<const Element*> children(std::string_view name, std::string_view ns) const;
  // All child elements (text nodes skipped).
  std::vector<const Element*> elements() const;
  // Concatenated text of direct text children; text_node's own text for a text node.
  std::string text() const;
  // Text of the first matching child, or empty.
  std::string child_text(std::string_view name, std::string_view ns) const;

  bool operator==(const Element&) const = default;

 private:
  std::string name_;
  std::string ns_;
  std::string text_;
  std::vector<Attribute> attrs_;
  std::vector<Element> children_;
};

}  // namespace xml
