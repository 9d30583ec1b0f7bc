// XEP-0045 section 5: roles (one visit) and affiliations (persistent, per bare JID).
#pragma once

#include <optional>
#include <string_view>

namespace muc {

// Ordered by privilege: a higher value has every power of a lower one.
enum class Role { none = 0, visitor = 1, participant = 2, moderator = 3 };
enum class Affiliation { outcast = 0, none = 1, member = 2, admin = 3, owner = 4 };

std::string_view to_string(Role r);
std::string_view to_string(Affiliation a);
std::optional<Role> parse_role(std::string_view text);
std::optional<Affiliation> parse_affiliation(std::string_view text);

// XEP-0045 5.1.2: the role an occupant gets on entering, from its affiliation.
// Owners and admins are moderators; members participants; others participants, or
// visitors in a moderated room.
Role default_role(Affiliation a, bool moderated);

}  // namespace muc
