// What the pure room and service decide: stanzas to send (and, once persistence lands,
// store operations whose commit releases held replies). The shell carries them out.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "xml/element.hpp"
#include "xml/writer.hpp"

namespace muc {

// One copy of a stanza for one recipient. Copies of a broadcast share `stanza`.
struct Outbound {
  std::shared_ptr<const xml::Prepared> stanza;
  std::string to;
};

struct Effects {
  std::vector<Outbound> out;

  void send(std::shared_ptr<const xml::Prepared> stanza, std::string to) {
    out.push_back(Outbound{std::move(stanza), std::move(to)});
  }
  // A stanza for a single recipient, `to` taken from the element.
  void send(const xml::Element& stanza);
};

}  // namespace muc
