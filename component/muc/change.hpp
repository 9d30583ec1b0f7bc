// Everything that changes a room's persistent state, as one sum type: the service commits
// a change's store operations (when the room is stored) and only then applies it.
#pragma once

#include <chrono>
#include <string>
#include <variant>

#include "muc/admin_change.hpp"
#include "muc/owner_change.hpp"
#include "muc/requests.hpp"

namespace muc {

// XEP-0045 8.1: a validated subject change.
struct SubjectChange {
  xmpp::Jid actor;
  std::string nick;
  std::string text;
  std::string id;         // the request's id, carried on the reflection (clients match by it)
  std::string stanza_id;  // the room's XEP-0359 id for it, as for a message
  std::chrono::system_clock::time_point at;  // when it was set
};

// XEP-0486: an owner sets or clears the room's vCard.
struct VcardChange {
  xmpp::Jid actor;
  VcardSetIn vcard;
};

using Change = std::variant<AdminChange, OwnerChange, RegistrationChange, InviteChange,
                            SubjectChange, VcardChange>;

}  // namespace muc
