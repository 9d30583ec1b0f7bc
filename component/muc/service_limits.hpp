// Service-wide bounds that every room applies, set by the operator ([service] in the
// configuration). Zero means no bound.
#pragma once

#include <cstddef>

namespace muc {

struct ServiceLimits {
  // Above this many occupants, a room stops broadcasting the plain presence (joins, leaves,
  // status changes) of occupants who are not moderators, except to moderators; a newcomer
  // gets its own presence and the moderators'. Joins then cost O(moderators), not O(N),
  // so a room of 10,000 avoids an N-squared flood (ejabberd's max_users_presence). Changes
  // with status codes (kicks, bans, role changes) still go to everyone.
  std::size_t max_users_presence = 1000;
  // The history sent on entering is cut to this many bytes, whole stanzas, newest kept
  // (XEP-0045 7.2.15: maxchars is the client's side of the same bound).
  std::size_t history_max_bytes = std::size_t{256} * 1024;
};

}  // namespace muc
