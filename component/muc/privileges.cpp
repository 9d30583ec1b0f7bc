#include "muc/privileges.hpp"

namespace muc {

using xmpp::StanzaError;

std::optional<StanzaError> check_role_change(const Party& actor, const Party& target, Role to,
                                             bool target_is_actor) {
  // 5.1.1: only moderators change roles at all.
  if (actor.role != Role::moderator) {
    return StanzaError::forbidden("Only moderators may change roles");
  }
  // 8.2: a moderator kicking (or otherwise demoting) itself MAY get conflict; we refuse all
  // self changes, which also keeps an owner from locking itself out of moderation.
  if (target_is_actor) return StanzaError::conflict("You cannot change your own role");
  // 8.2, 8.4, 9.7: nobody acts on an occupant of higher affiliation (a member-moderator
  // cannot kick or devoice an admin, an admin cannot demote an owner). This comes before
  // the admin-only rule below, so a moderator who tries to revoke an owner's moderation is
  // told the target is out of reach (9.7: not-allowed).
  if (target.affiliation > actor.affiliation) {
    return StanzaError::not_allowed("That occupant has a higher affiliation than you");
  }
  // 9.6 / 9.7: granting the moderator role, or taking it from someone, is an admin's job.
  bool demotes_moderator = target.role == Role::moderator && to != Role::none;
  if ((to == Role::moderator || demotes_moderator) && actor.affiliation < Affiliation::admin) {
    return StanzaError::forbidden("Only admins and owners may grant or revoke moderator status");
  }
  // 5.1 role chart ("kick ... moderators": admins and owners only), as Prosody and ejabberd
  // do: a moderator without admin affiliation may kick participants and visitors only.
  if (to == Role::none && target.role == Role::moderator &&
      actor.affiliation < Affiliation::admin) {
    return StanzaError::not_allowed("Only admins and owners may kick a moderator");
  }
  // 5.1.2 / 8.4 / 9.7: an admin's or owner's role follows its affiliation: it is never made a
  // visitor nor stripped of moderation (kicking is another matter, ruled above).
  if (to != Role::none && to != Role::moderator && target.affiliation >= Affiliation::admin) {
    return StanzaError::not_allowed("An admin or owner is always a moderator");
  }
  // 8.4 revoking voice: XEP-0045 contradicts itself. Its text says a user of affiliation "at
  // or above" the actor's is protected; its example captions, 8.5 and the 5.1 role chart
  // say "higher". We take "higher" (ruled above), as Prosody does: "at or above" would let a
  // moderator without affiliation kick a participant but not silence one.
  return std::nullopt;
}

std::optional<StanzaError> check_affiliation_change(Affiliation actor, Affiliation from,
                                                    Affiliation to, bool target_is_actor,
                                                    bool last_owner) {
  // 5.2.2: admins manage members and outcasts; only owners manage admins and owners.
  if (actor < Affiliation::admin) {
    return StanzaError::forbidden("Only admins and owners may change affiliations");
  }
  if ((to == Affiliation::admin || to == Affiliation::owner) && actor != Affiliation::owner) {
    return StanzaError::forbidden("Only owners may grant admin or owner status");
  }
  if ((from == Affiliation::admin || from == Affiliation::owner) && actor != Affiliation::owner) {
    return StanzaError::not_allowed("Only owners may change the affiliation of an admin or owner");
  }
  if (target_is_actor && to == Affiliation::outcast) {
    return StanzaError::conflict("You cannot ban yourself");  // 9.1
  }
  if (last_owner && to != Affiliation::owner) {
    // 10.7: a room always keeps an owner.
    return StanzaError::conflict("The room must keep at least one owner");
  }
  return std::nullopt;
}

std::optional<StanzaError> check_role_list(const Party& actor, Role list) {
  // 8.5: the voice list (participants, visitors) is a moderator's; 9.5: the moderator
  // list is an admin's.
  if (actor.role != Role::moderator) {
    return StanzaError::forbidden("Only moderators may read role lists");
  }
  if (list == Role::moderator && actor.affiliation < Affiliation::admin) {
    return StanzaError::forbidden("Only admins and owners may read the moderator list");
  }
  if (list == Role::none) return StanzaError::bad_request("There is no list of role none");
  return std::nullopt;
}

std::optional<StanzaError> check_affiliation_list(const Party& actor, Affiliation list,
                                                  bool member_list_roles_allowed) {
  switch (list) {
    case Affiliation::member:
      // 9.4 and muc#roomconfig_getmemberlist.
      if (actor.affiliation >= Affiliation::admin || member_list_roles_allowed) return std::nullopt;
      return StanzaError::forbidden("You may not read the member list");
    case Affiliation::outcast:
      if (actor.affiliation >= Affiliation::admin) return std::nullopt;  // 9.2
      return StanzaError::forbidden("Only admins and owners may read the ban list");
    case Affiliation::admin:
    case Affiliation::owner:
      if (actor.affiliation == Affiliation::owner) return std::nullopt;  // 10.5, 10.8
      return StanzaError::forbidden("Only owners may read the admin and owner lists");
    case Affiliation::none:
      break;
  }
  return StanzaError::bad_request("There is no list of users without affiliation");
}

}  // namespace muc
