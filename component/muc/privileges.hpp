// XEP-0045 section 5 as one table of decisions: who may change whose role or affiliation,
// and who may read which list. Every room decision about privileges consults these
// functions; each rule is tested row by row (tests/unit/muc/privileges_test.cpp).
//
// Errors follow the spec, not what Prosody or ejabberd send (XEP-0045 5.1.3, 8 and 9; RFC
// 6120 8.3.3):
//   lacking the privilege at all            -> auth/forbidden
//   having it, but not over this target     -> cancel/not-allowed
//   acting on oneself where that is refused -> cancel/conflict
#pragma once

#include <optional>

#include "muc/affiliation.hpp"
#include "xmpp/stanza_error.hpp"

namespace muc {

struct Party {
  Role role = Role::none;
  Affiliation affiliation = Affiliation::none;
};

// XEP-0045 5.1.2 / 8.2-8.5 / 9.6-9.7: may `actor` change `target`'s role to `to`?
// `target_is_actor`: the same occupant.
std::optional<xmpp::StanzaError> check_role_change(const Party& actor, const Party& target, Role to,
                                                   bool target_is_actor);

// XEP-0045 5.2.2 / 9.1-9.5 / 10.3-10.7: may `actor` change the affiliation of a user whose
// current affiliation is `from` to `to`? `target_is_actor`: the actor's own bare JID.
// `last_owner`: the target is the room's only owner.
std::optional<xmpp::StanzaError> check_affiliation_change(Affiliation actor, Affiliation from,
                                                          Affiliation to, bool target_is_actor,
                                                          bool last_owner);

// XEP-0045 8.5 / 9.5 (role lists) and 9.2 / 9.4 / 10.5 / 10.8 (affiliation lists): may the
// actor read the list of occupants with this role, or of users with this affiliation?
// `member_list_roles_allowed`: the actor's role is in muc#roomconfig_getmemberlist.
std::optional<xmpp::StanzaError> check_role_list(const Party& actor, Role list);
std::optional<xmpp::StanzaError> check_affiliation_list(const Party& actor, Affiliation list,
                                                        bool member_list_roles_allowed);

}  // namespace muc
