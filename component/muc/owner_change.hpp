// A validated muc#owner set (XEP-0045 10.1-10.2, 10.9): decided against the room's state,
// then (after the store commits, for a persistent room) applied.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "muc/admin_change.hpp"
#include "muc/requests.hpp"
#include "muc/room_config.hpp"

namespace muc {

struct OwnerChange {
  xmpp::Jid actor;
  using Kind = OwnerSetIn::Kind;
  Kind kind = Kind::configure;
  RoomConfig config;         // configure: the new configuration
  std::vector<int> codes;    // configure: 10.2.1 status codes to announce
  AdminChange affiliations;  // configure: roomowners / roomadmins list edits
  DestroyRequest destroy;    // destroy
};

}  // namespace muc
