// The members-only rule (XEP-0045 7.2.6, 9.3-9.4, 10.2), for the room code that needs it
// beyond the option's own entry check and eviction: registration (7.10), invitations (7.8.2)
// and affiliation changes (9.4, 321).
#pragma once

#include "muc/affiliation.hpp"
#include "muc/room_config.hpp"

namespace muc::options {

// May a user of this affiliation be in the room? Everyone, unless it is members-only.
bool members_only_admits(const RoomConfig& config, Affiliation affiliation);

}  // namespace muc::options
