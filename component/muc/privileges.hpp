// XEP-0045's privileges as one table of decisions (section 5 and the use cases of 7 to 10):
// who may change whose role or affiliation, read which list, speak, change the subject, send
// private messages, invite, register, configure, see real JIDs, enter a full room, and see a
// locked room. Every room decision about privileges consults these functions and nothing
// else; each row is tested by name (tests/unit/muc/privileges_test.cpp). Affiliations given
// here are always effective ones (Room::affiliation_of: service admins, domains).
//
// Errors follow the spec, not what Prosody or ejabberd send (XEP-0045 5.1.3, 8 and 9; RFC
// 6120 8.3.3):
//   lacking the privilege at all            -> auth/forbidden
//   having it, but not over this target     -> cancel/not-allowed
//   acting on oneself where that is refused -> cancel/conflict
#pragma once

#include <map>
#include <optional>
#include <string>

#include "muc/affiliation.hpp"
#include "muc/room_config.hpp"
#include "xmpp/stanza_error.hpp"

namespace muc {

// An actor or target: its role in the room (none = not an occupant) and its affiliation.
struct Party {
  Role role = Role::none;
  Affiliation affiliation = Affiliation::none;
};

// XEP-0045 10.1.1: a locked room does not exist for anyone but its owners
// (cancel/item-not-found, as for a room that does not exist).
std::optional<xmpp::StanzaError> check_locked_room(bool locked, Affiliation who);

// XEP-0045 7.2.7: an outcast never enters.
std::optional<xmpp::StanzaError> check_enter(Affiliation who);

// XEP-0045 7.2.9: admins and owners enter a full room.
bool may_exceed_max_users(Affiliation who);

// XEP-0045 5.1.2 / 8.2-8.5 / 9.6-9.7: may `actor` change `target`'s role to `to`?
// `target_is_actor`: the same occupant.
std::optional<xmpp::StanzaError> check_role_change(const Party& actor, const Party& target, Role to,
                                                   bool target_is_actor);

// XEP-0045 5.2.2 / 9.1-9.5 / 10.3-10.7: may `actor` change the affiliation of a user whose
// current affiliation is `from` to `to`? `target_is_actor`: the actor's own bare JID.
std::optional<xmpp::StanzaError> check_affiliation_change(Affiliation actor, Affiliation from,
                                                          Affiliation to, bool target_is_actor);

// XEP-0045 10.7 (and 10.5's note): after a change, the room must keep an owner. `after` is
// the whole affiliation list as it would be.
std::optional<xmpp::StanzaError> check_keeps_owner(const std::map<std::string, Affiliation>& after);

// XEP-0045 8.5 / 9.5 (role lists) and 9.2 / 9.4 / 10.5 / 10.8 (affiliation lists): may the
// actor read the list of occupants with this role, or of users with this affiliation?
std::optional<xmpp::StanzaError> check_role_list(const Party& actor, Role list);
std::optional<xmpp::StanzaError> check_affiliation_list(const Party& actor, Affiliation list,
                                                        const RoomConfig& config);

// XEP-0045 10.2 and 10.9: configuring and destroying the room are an owner's.
std::optional<xmpp::StanzaError> check_owner_action(Affiliation actor);

// XEP-0045 7.4: sending a message to all occupants needs voice; 7.4 / 8.1: so does the subject.
std::optional<xmpp::StanzaError> check_speak(const Party& actor);
// XEP-0045 8.1 and muc#roomconfig_changesubject.
std::optional<xmpp::StanzaError> check_subject(const Party& actor, const RoomConfig& config);
// XEP-0045 7.5 and muc#roomconfig_allowpm.
std::optional<xmpp::StanzaError> check_private_message(const Party& sender,
                                                       const RoomConfig& config);
// XEP-0045 7.8.2 and muc#roomconfig_allowinvites.
std::optional<xmpp::StanzaError> check_invite(const Party& inviter, const RoomConfig& config);
// XEP-0045 7.8.2: does an invitation make its invitee a member? In a members-only room, one
// by an admin or owner does, for an invitee without affiliation.
bool invitation_grants_membership(Affiliation inviter, Affiliation invitee,
                                  const RoomConfig& config);
// XEP-0045 7.10: may a user register a nick here? Outcasts never; users without affiliation
// only where x-muc#roomconfig_allowregister says so, and never into a members-only room.
std::optional<xmpp::StanzaError> check_registration(Affiliation who, const RoomConfig& config);

// XEP-0313 6.1.2 (MUC archives): may this user read the room's archive? The XEP asks for the
// right to enter at the time of the query, and lets a service restrict open rooms further.
// Our rule: outcasts never; in a members-only room, members, admins and owners; in an open
// room, its occupants, its members, admins and owners, and anyone else only when the room
// is public and has no password (what a stranger could read by entering it anyway).
std::optional<xmpp::StanzaError> check_archive_read(const Party& reader, const RoomConfig& config);

// XEP-0425 (moderated retraction): retracting another occupant's message is a moderator's,
// like kicking and silencing (XEP-0045 8). Retracting one's own message (XEP-0424) needs only
// voice: it is a groupchat message (check_speak), whose author the store checks.
std::optional<xmpp::StanzaError> check_moderate_message(const Party& actor);

// XEP-0045 7.2.3-7.2.4 and muc#roomconfig_whois: does this occupant see real JIDs?
bool sees_real_jids(const Party& viewer, const RoomConfig& config);

}  // namespace muc
