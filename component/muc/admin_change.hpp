// A validated muc#admin set (XEP-0045 8, 9, 10.3-10.7): what to change, decided against the
// room's state before anything is applied or stored. "All or nothing": a request with one
// refused item is refused whole, so a change is either entirely valid or never built.
#pragma once

#include <string>
#include <vector>

#include "muc/affiliation.hpp"
#include "xmpp/jid.hpp"

namespace muc {

struct RoleChange {
  std::string nick;
  Role to = Role::none;
  std::string reason;
};

struct AffiliationChange {
  std::string jid;  // bare
  Affiliation from = Affiliation::none;
  Affiliation to = Affiliation::none;
  std::string reason;
};

struct AdminChange {
  xmpp::Jid actor;          // full JID of the requester
  std::string actor_nick;   // empty when the actor is not an occupant
  std::vector<RoleChange> roles;
  std::vector<AffiliationChange> affiliations;
};

}  // namespace muc
