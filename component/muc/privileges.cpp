#include "muc/privileges.hpp"

#include "muc/options/members_only.hpp"

namespace muc {

using xmpp::StanzaError;

std::optional<StanzaError> check_locked_room(bool locked, Affiliation who) {
  if (!locked || who == Affiliation::owner) return std::nullopt;
  return StanzaError::item_not_found("This room is locked until its owner configures it");
}

std::optional<StanzaError> check_enter(Affiliation who) {
  if (who != Affiliation::outcast) return std::nullopt;
  return StanzaError::forbidden("You are banned from this room");
}

bool may_exceed_max_users(Affiliation who) {
  return who >= Affiliation::admin;
}

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
                                                    Affiliation to, bool target_is_actor) {
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
  return std::nullopt;
}

std::optional<StanzaError> check_keeps_owner(const std::map<std::string, Affiliation>& after) {
  for (const auto& [jid, a] : after) {
    if (a == Affiliation::owner) return std::nullopt;
  }
  return StanzaError::conflict("The room must keep at least one owner");
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

namespace {

bool role_in(const RoleSet& set, Role role) {
  return (role == Role::moderator && set.moderator) ||
         (role == Role::participant && set.participant) || (role == Role::visitor && set.visitor);
}

}  // namespace

std::optional<StanzaError> check_affiliation_list(const Party& actor, Affiliation list,
                                                  const RoomConfig& config) {
  switch (list) {
    case Affiliation::member:
      // 9.4 and muc#roomconfig_getmemberlist. The list carries bare JIDs, so the 5.2.1
      // table's note applies: in a semi-anonymous room only those who see real JIDs anyway
      // get it.
      if (actor.affiliation >= Affiliation::admin) return std::nullopt;
      if (role_in(config.get_member_list, actor.role) && sees_real_jids(actor, config)) {
        return std::nullopt;
      }
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

std::optional<StanzaError> check_archive_read(const Party& reader, const RoomConfig& config) {
  if (reader.affiliation == Affiliation::outcast) {
    return StanzaError::forbidden("You are banned from this room");
  }
  if (reader.affiliation >= Affiliation::member) return std::nullopt;
  if (config.members_only) return StanzaError::forbidden("This room's archive is for its members");
  if (reader.role != Role::none) return std::nullopt;
  if (config.public_room && !config.password_protected) return std::nullopt;
  return StanzaError::forbidden("Only the room's occupants may read its archive");
}

std::optional<StanzaError> check_owner_action(Affiliation actor) {
  if (actor == Affiliation::owner) return std::nullopt;
  return StanzaError::forbidden("Only owners may configure or destroy the room");
}

std::optional<StanzaError> check_speak(const Party& actor) {
  if (actor.role == Role::none) {
    // 7.4: only occupants may send to the room.
    return StanzaError::not_acceptable("Only occupants are allowed to send messages to the room");
  }
  if (actor.role == Role::visitor) {
    // 7.4 / 8.4: a visitor in a moderated room has no voice (nor a say on the subject).
    return StanzaError::forbidden("Visitors are not allowed to send messages in this room");
  }
  return std::nullopt;
}

std::optional<StanzaError> check_moderate_message(const Party& actor) {
  if (actor.role == Role::moderator) return std::nullopt;
  return StanzaError::forbidden("Only moderators may retract other occupants' messages");
}

std::optional<StanzaError> check_subject(const Party& actor, const RoomConfig& config) {
  if (auto e = check_speak(actor)) return e;
  // 8.1: moderators, and participants where the room allows it.
  if (actor.role == Role::moderator || config.change_subject) return std::nullopt;
  return StanzaError::forbidden("You are not allowed to change the subject of this room");
}

std::optional<StanzaError> check_private_message(const Party& sender, const RoomConfig& config) {
  if (sender.role == Role::none) {
    return StanzaError::not_acceptable("Only occupants may send private messages");  // 7.5
  }
  bool allowed = false;
  switch (config.allow_pm) {
    case AllowPm::anyone:
      allowed = true;
      break;
    case AllowPm::participants:
      allowed = sender.role >= Role::participant;
      break;
    case AllowPm::moderators:
      allowed = sender.role == Role::moderator;
      break;
    case AllowPm::none:
      break;
  }
  if (allowed) return std::nullopt;
  return StanzaError::forbidden("Private messages are not allowed in this room");
}

std::optional<StanzaError> check_invite(const Party& inviter, const RoomConfig& config) {
  if (inviter.role == Role::none) return StanzaError::not_acceptable("Only occupants may invite");
  // muc#roomconfig_allowinvites: occupants may invite; otherwise moderators only. In a
  // members-only room that does not allow invitations, only admins and owners invite, since
  // their invitee becomes a member (invitation_grants_membership).
  bool allowed = config.allow_invites || inviter.role == Role::moderator;
  if (config.members_only && !config.allow_invites && inviter.affiliation < Affiliation::admin) {
    allowed = false;
  }
  if (allowed) return std::nullopt;
  return StanzaError::forbidden("You are not allowed to invite others here");
}

bool invitation_grants_membership(Affiliation inviter, Affiliation invitee,
                                  const RoomConfig& config) {
  return !options::members_only_admits(config, invitee) && invitee == Affiliation::none &&
         inviter >= Affiliation::admin;
}

std::optional<StanzaError> check_registration(Affiliation who, const RoomConfig& config) {
  if (who == Affiliation::outcast) return StanzaError::forbidden("You are banned from this room");
  if (who >= Affiliation::member) return std::nullopt;
  // 7.10 lets a service restrict registration; Prosody refuses it to users without
  // affiliation by default with auth/registration-required, and so do we. A members-only
  // room's membership is its admins' to give, whatever the option says.
  if (!config.allow_register || config.members_only) {
    return StanzaError::registration_required("Only members may register a nickname in this room");
  }
  return std::nullopt;
}

bool sees_real_jids(const Party& viewer, const RoomConfig& config) {
  return config.whois == WhoIs::anyone || viewer.role == Role::moderator;
}

}  // namespace muc
