#include "muc/affiliation.hpp"

#include <array>

namespace muc {
namespace {
constexpr std::array<std::string_view, 4> kRoles = {"none", "visitor", "participant", "moderator"};
constexpr std::array<std::string_view, 5> kAffiliations = {"outcast", "none", "member", "admin",
                                                           "owner"};
}  // namespace

std::string_view to_string(Role r) {
  return kRoles[static_cast<std::size_t>(r)];
}
std::string_view to_string(Affiliation a) {
  return kAffiliations[static_cast<std::size_t>(a)];
}

std::optional<Role> parse_role(std::string_view text) {
  for (std::size_t i = 0; i < kRoles.size(); ++i) {
    if (kRoles[i] == text) return static_cast<Role>(i);
  }
  return std::nullopt;
}

std::optional<Affiliation> parse_affiliation(std::string_view text) {
  for (std::size_t i = 0; i < kAffiliations.size(); ++i) {
    if (kAffiliations[i] == text) return static_cast<Affiliation>(i);
  }
  return std::nullopt;
}

Role default_role(Affiliation a, bool moderated) {
  switch (a) {
    case Affiliation::owner:
    case Affiliation::admin:
      return Role::moderator;
    case Affiliation::member:
      return Role::participant;
    case Affiliation::none:
      return moderated ? Role::visitor : Role::participant;
    case Affiliation::outcast:
      return Role::none;
  }
  return Role::none;
}

}  // namespace muc
