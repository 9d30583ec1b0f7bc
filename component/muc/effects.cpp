#include "muc/effects.hpp"

#include <cassert>

namespace muc {

void Effects::send(const xml::Element& stanza) {
  const std::string* to = stanza.attr("to");
  // Every stanza on a component stream carries `to` (XEP-0114); a builder that forgot it is a bug.
  assert(to != nullptr);
  std::string recipient = *to;
  xml::Element copy = stanza;
  copy.remove_attr("to");
  send(xml::prepare(copy), std::move(recipient));
}

}  // namespace muc
