#include "xml/element.hpp"

#include <algorithm>

namespace xml {

const std::string* Element::attr(std::string_view name) const {
  for (const auto& a : attrs_) {
    if (a.name == name) return &a.value;
  }
  return nullptr;
}

std::string_view Element::attr_or(std::string_view name, std::string_view fallback) const {
  const std::string* v = attr(name);
  return v ? std::string_view(*v) : fallback;
}

Element& Element::set_attr(std::string_view name, std::string value) {
  for (auto& a : attrs_) {
    if (a.name == name) {
      a.value = std::move(value);
      return *this;
    }
  }
  attrs_.push_back(Attribute{std::string(name), std::move(value)});
  return *this;
}

void Element::remove_attr(std::string_view name) {
  std::erase_if(attrs_, [&](const Attribute& a) { return a.name == name; });
}

Element& Element::add(Element child) {
  children_.push_back(std::move(child));
  return children_.back();
}

Element& Element::add_text_child(std::string name, std::string ns, std::string text) {
  Element& c = add(std::move(name), std::move(ns));
  if (!text.empty()) c.add_text(std::move(text));
  return *this;
}

void Element::add_text(std::string text) {
  if (!children_.empty() && children_.back().is_text()) {
    children_.back().text_ += text;
  } else {
    children_.push_back(text_node(std::move(text)));
  }
}

const Element* Element::child(std::string_view name, std::string_view ns) const {
  for (const auto& c : children_) {
    if (c.name_ == name && c.ns_ == ns) return &c;
  }
  return nullptr;
}

Element* Element::child(std::string_view name, std::string_view ns) {
  for (auto& c : children_) {
    if (c.name_ == name && c.ns_ == ns) return &c;
  }
  return nullptr;
}

std::vector<const Element*> Element::children(std::string_view name, std::string_view ns) const {
  std::vector<const Element*> out;
  for (const auto& c : children_) {
    if (c.name_ == name && c.ns_ == ns) out.push_back(&c);
  }
  return out;
}

std::vector<const Element*> Element::elements() const {
  std::vector<const Element*> out;
  for (const auto& c : children_) {
    if (!c.is_text()) out.push_back(&c);
  }
  return out;
}

std::string Element::text() const {
  if (is_text()) return text_;
  std::string out;
  for (const auto& c : children_) {
    if (c.is_text()) out += c.text_;
  }
  return out;
}

std::string Element::child_text(std::string_view name, std::string_view ns) const {
  const Element* c = child(name, ns);
  return c ? c->text() : std::string();
}

}  // namespace xml
