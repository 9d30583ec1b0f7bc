// What the pure room and service decide: stanzas to send (and, once persistence lands,
// store operations whose commit releases held replies). The shell carries them out.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "muc/history.hpp"
#include "muc/store.hpp"
#include "xml/element.hpp"
#include "xml/writer.hpp"

namespace muc {

// A stanza for one recipient (`to`), or for a whole room (`everyone`, shared and immutable:
// the room's addresses, built once until its sessions change). Copies share `stanza`.
struct Outbound {
  std::shared_ptr<const xml::Prepared> stanza;
  std::string to;
  std::shared_ptr<const xml::Recipients> everyone;
};

struct Effects {
  std::vector<Outbound> out;
  // A groupchat message to archive before its broadcast (`out`) is released (logged rooms),
  // and its history entry, already remembered so that a newcomer joining before the commit
  // still gets it, to forget if the commit fails (XEP-0045 7.2.15).
  std::vector<StoreOp> archive;
  std::shared_ptr<const xml::Prepared> forget_on_failure;
  // Where the answer to the request goes when the XEP puts it among the change's stanzas
  // (XEP-0045 8.2 and 9.1: the removed user is told, then the actor, then the others); at
  // the end when unset. Service::answer consumes it.
  std::optional<std::size_t> answer_at;

  void send(std::shared_ptr<const xml::Prepared> stanza, std::string to) {
    out.push_back(Outbound{std::move(stanza), std::move(to), nullptr});
  }
  void broadcast(std::shared_ptr<const xml::Prepared> stanza,
                 std::shared_ptr<const xml::Recipients> everyone) {
    out.push_back(Outbound{std::move(stanza), {}, std::move(everyone)});
  }
  // A stanza for a single recipient, `to` taken from the element.
  void send(const xml::Element& stanza);
};

}  // namespace muc
