// A validated muc#admin set (XEP-0045 8, 9, 10.3-10.7): what to change, decided against the
// room's state before anything is applied or stored. "All or nothing": a request with one
// refused item is refused whole, so a change is either entirely valid or never built.
#pragma once

#include <chrono>
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
  xmpp::Jid actor;         // full JID of the requester
  std::string actor_nick;  // empty when the actor is not an occupant
  std::vector<RoleChange> roles;
  std::vector<AffiliationChange> affiliations;
};

// XEP-0045 7.10: reserve (or, with an empty nick, release) a nickname; registering in a
// room makes the user a member where it was not one.
struct RegistrationChange {
  std::string jid;  // bare
  std::string nick;
  bool grant_membership = false;
  // Nothing to do (the nick is already this user's, or there is none to release): answered
  // at once, with no commit and no audit row.
  bool unchanged = false;
};

// XEP-0045 7.8.2: mediated invitations, relayed by the room; in a members-only room an
// invitation by an admin or owner also makes the invitee a member.
struct Invitation {
  std::string to;  // the invitee's JID as given
  std::string reason;
};

struct InviteChange {
  xmpp::Jid inviter;
  std::chrono::system_clock::time_point at;  // when invited: a decline is relayed for a while
  std::vector<Invitation> invitations;
  AdminChange memberships;  // affiliations granted by the invitations
};

}  // namespace muc
