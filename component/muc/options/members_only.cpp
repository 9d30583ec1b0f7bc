// muc#roomconfig_membersonly (XEP-0045 10.2): only members, admins and owners enter (7.2.6,
// auth/registration-required); turning it on removes everyone else with 322 (10.2); disco
// shows muc_membersonly or muc_open (6.4).
#include "muc/options/members_only.hpp"

#include "muc/options/all.hpp"

namespace muc::options {

bool members_only_admits(const RoomConfig& config, Affiliation affiliation) {
  return !config.members_only || affiliation >= Affiliation::member;
}

OptionDescriptor members_only() {
  OptionDescriptor d = boolean("muc#roomconfig_membersonly", "Make room members-only",
                               &RoomConfig::members_only, "members_only");
  d.features = [](const RoomConfig& c) {
    return std::vector<std::string_view>{c.members_only ? "muc_membersonly" : "muc_open"};
  };
  d.admit = [](const RoomConfig& c, const EntryFacts& f) -> std::optional<xmpp::StanzaError> {
    if (members_only_admits(c, f.affiliation)) return std::nullopt;
    return xmpp::StanzaError::registration_required("This room is members-only");
  };
  d.evict = [](const RoomConfig& before, const RoomConfig& after) -> std::optional<Eviction> {
    if (before.members_only || !after.members_only) return std::nullopt;
    return Eviction{322, Affiliation::member};
  };
  return d;
}

}  // namespace muc::options
