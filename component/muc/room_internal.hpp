// Types shared by the files that implement Room; not part of its interface.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "muc/options/option.hpp"
#include "muc/room.hpp"

namespace muc {

// XEP-0045 8.2 / 9.1: who did it and why, carried in the <item/> of a changed occupant.
struct ItemDetail {
  std::string actor_nick;  // empty: no <actor/>
  std::string reason;      // empty: no <reason/>
};

struct Room::PresenceSpec {
  bool unavailable = false;
  std::vector<int> codes;                          // to everyone
  std::vector<int> self_codes;                     // to the occupant itself, beside 110
  std::string new_nick;                            // 303: the item carries the new nick
  std::string id;                                  // echoed on the self copy (XEP-0045 7.2.3)
  const std::string* payload = nullptr;            // presence children (show, status, ...)
  ItemDetail detail;                               // <actor/>, <reason/> inside <item/>
  const DestroyRequest* destroyed = nullptr;       // <destroy/> inside <x/> (10.9)
  std::optional<Affiliation> removed_affiliation;  // item affiliation on an exit, if changed
};

// XEP-0045 7.2: the facts an entry decision is made from, computed once: those the room
// options read (EntryFacts), and the nick's.
struct Room::Facts {
  EntryFacts entry;
  bool nick_taken_by_other = false;
  bool nick_reserved_by_other = false;
};

}  // namespace muc
