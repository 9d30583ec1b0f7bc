// Entering, presence updates, nick changes and leaving (XEP-0045 7.2 to 7.7 and 18.1).
#include <algorithm>

#include "muc/privileges.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "muc/room_options.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
namespace {

using xmpp::StanzaError;

// Error conditions that mean the occupant's session is gone ("ghosts"). XEP-0045 18.1
// names gone, item-not-found, recipient-unavailable, redirect, remote-server-not-found and
// remote-server-timeout. Prosody's MUC also counts service-unavailable, which is what a
// server answers for a session that no longer exists (RFC 6121 8.5.3.2.1), so without it
// ghosts outlive every outage; and internal-server-error, jid-malformed and an error with
// no condition at all. We take Prosody's list. (ejabberd removes an occupant on any error.)
bool means_gone(std::string_view condition) {
  static constexpr std::string_view kGone[] = {"gone",
                                               "item-not-found",
                                               "recipient-unavailable",
                                               "redirect",
                                               "remote-server-not-found",
                                               "remote-server-timeout",
                                               "service-unavailable",
                                               "internal-server-error",
                                               "jid-malformed",
                                               ""};
  return std::find(std::begin(kGone), std::end(kGone), condition) != std::end(kGone);
}

}  // namespace

Room::Facts Room::facts_for(const PresenceIn& p) const {
  Facts f;
  f.entry.affiliation = affiliation_of(p.from);
  f.entry.occupants = occupants_.size();
  f.entry.occupant_cap = limits_->max_occupants;
  f.entry.password = &p.password;
  auto it = occupants_.find(p.nick);
  if (it != occupants_.end()) {
    if (it->second.bare == p.from.bare()) {
      f.entry.joins_own_occupant = true;
    } else {
      f.nick_taken_by_other = true;
    }
  } else if (occupant_like(p.nick) != nullptr) {
    f.nick_taken_by_other = true;  // RFC 8266: a nick that looks like one in use
  }
  std::string holder = reserved_by(p.nick);
  f.nick_reserved_by_other = !holder.empty() && holder != p.from.bare_str();
  return f;
}

std::optional<StanzaError> Room::check_entry(const Facts& f) const {
  // The XEP lists the errors of 7.2.6 to 7.2.9, not their order; ours: the first failure
  // wins, privileges first (locked, banned), then each option's check in the options'
  // order (members-only, password, full), then the nick.
  if (auto e = check_locked_room(locked_, f.entry.affiliation)) return e;
  if (auto e = check_enter(f.entry.affiliation)) return e;
  if (auto e = option_refusal(config_, f.entry)) return e;
  if (f.nick_taken_by_other) {
    return StanzaError::conflict("That nickname is already in use");  // 7.2.8
  }
  if (f.nick_reserved_by_other) {
    return StanzaError::conflict("That nickname is reserved by another user");  // 7.2.8
  }
  return std::nullopt;
}

std::optional<StanzaError> Room::on_presence(const PresenceIn& p, Clock::time_point now,
                                             Effects& fx, bool creating) {
  if (destroyed_) return StanzaError::item_not_found();
  if (Occupant* o = occupant_by_session(p.from)) {
    if (o->nick != p.nick) return change_nick(*o, p, now, fx);
    if (p.has_muc_x) {
      // XEP-0045 7.2: an entry request from a session already inside is a resync. Its
      // presence is the occupant's latest (business rule 3: a changed one is broadcast);
      // the resent join sequence carries it to the session itself.
      if (o->payload_xml != p.payload_xml) {
        o->payload_xml = p.payload_xml;
        o->touch();
        share_presence(*o, now, false, fx);
      }
      send_join_sequence(*o, p.from, p, now, fx, false);
    } else {
      update_presence(*o, p, now, fx);
    }
    return std::nullopt;
  }
  // 10.1.1: a locked room does not exist for anyone but its owner, whatever is sent.
  if (auto e = hidden_from(p.from)) return e;
  if (!p.has_muc_x) {
    // XEP-0045 7.2.1 (since 1.32): presence without <x/> from a non-occupant does not
    // enter; tell the client it is not in the room (110 + 307 + 333).
    Occupant ghost;
    ghost.nick = p.nick;
    ghost.bare = p.from.bare();
    ghost.occupant_id = occupant_id_of(ghost.bare);
    ghost.add_session(p.from);
    ghost.affiliation = affiliation_of(p.from);
    PresenceSpec spec;
    spec.unavailable = true;
    spec.self_codes = {307, 333};
    fx.send(build_presence(ghost, spec, true, &p.from), p.from.str());
    return std::nullopt;
  }
  if (auto error = check_entry(facts_for(p))) return error;
  enter(p, now, fx, creating);
  return std::nullopt;
}

void Room::enter(const PresenceIn& p, Clock::time_point now, Effects& fx, bool creating) {
  auto [it, inserted] = occupants_.try_emplace(p.nick);
  Occupant& o = it->second;
  if (inserted) {
    index_nick(p.nick);
    o.nick = p.nick;
    o.bare = p.from.bare();
    o.occupant_id = occupant_id_of(o.bare);
    o.affiliation = affiliation_of(p.from);
    o.role = default_role(o.affiliation, config_.moderated);
  }
  bool shown_changed = inserted || o.payload_xml != p.payload_xml;
  o.add_session(p.from);
  sessions_changed();
  o.payload_xml = p.payload_xml;
  o.touch();
  nick_by_session_[p.from.str()] = p.nick;
  if (shown_changed) {
    // Others learn of a new occupant, or of the new availability a further session of one
    // already here brought (the latest presence is the occupant's, as for updates).
    PresenceSpec spec;
    spec.payload = &o.payload_xml;
    broadcast_presence(o, spec, fx);
  }
  send_join_sequence(o, p.from, p, now, fx, creating);
}

void Room::send_join_sequence(const Occupant& o, const xmpp::Jid& session, const PresenceIn& p,
                              Clock::time_point now, Effects& fx, bool creating) {
  // Everything in the sequence goes to one address: one shared list, no copy per stanza.
  auto me = std::make_shared<xml::Recipients>();
  me->add(session.str());
  // XEP-0045 7.2.3: first every other occupant's presence, then the newcomer's own.
  bool jids = sees_jids(o);
  fx.out.reserve(fx.out.size() + occupants_.size() + history_.size() + 2);
  for (const auto& [nick, other] : occupants_) {
    if (nick == o.nick) continue;
    // muc#roomconfig_presencebroadcast, as for live presence: moderators see everyone, and
    // in a crowded room others see the moderators only (ServiceLimits).
    if (o.role != Role::moderator &&
        (!presence_broadcast_for(other.role) || (crowded() && other.role != Role::moderator))) {
      continue;
    }
    fx.broadcast(shown_presence(other, jids), me);
  }
  PresenceSpec self;
  self.payload = &o.payload_xml;
  self.id = p.id;
  if (config_.whois == WhoIs::anyone) self.self_codes.push_back(100);  // 7.2.4
  if (config_.enable_logging) self.self_codes.push_back(170);          // 7.2.12
  if (creating) self.self_codes.push_back(201);                        // 10.1.1
  send_self_presence(o, session, self, fx);
  // 7.2.15: then the history, 7.2.16: then the subject.
  for (const History::Entry* e : history_.select(p.history, now, limits_->history_max_bytes)) {
    fx.broadcast(e->stanza, me);
  }
  fx.broadcast(subject_on_entering(), me);
}

void Room::update_presence(Occupant& o, const PresenceIn& p, Clock::time_point now, Effects& fx) {
  // XEP-0045 7.7: a changed availability status goes to everyone.
  o.payload_xml = p.payload_xml;
  o.touch();
  share_presence(o, now, true, fx);
}

std::optional<StanzaError> Room::change_nick(Occupant& o, const PresenceIn& p,
                                             Clock::time_point now, Effects& fx) {
  // XEP-0045 7.6.
  auto taken = occupants_.find(p.nick);
  if (taken != occupants_.end() && taken->second.bare != o.bare) {
    return StanzaError::conflict("That nickname is already in use");
  }
  // RFC 8266: a nick that looks like another occupant's is in use; one that looks like the
  // occupant's own (a change of case, say) is a rename of that occupant, all its sessions.
  const Occupant* like = occupant_like(p.nick);
  if (taken == occupants_.end() && like != nullptr && (like != &o || o.sessions.size() > 1)) {
    return like == &o
               ? StanzaError::conflict("Leave with this session first to share that nickname")
               : StanzaError::conflict("That nickname is already in use");
  }
  std::string holder = reserved_by(p.nick);
  if (!holder.empty() && holder != o.bare.bare_str()) {
    return StanzaError::conflict("That nickname is reserved by another user");  // 7.6
  }
  if (taken != occupants_.end()) {
    // The same user already has that nick from another session: join it there.
    return StanzaError::conflict("Leave with this session first to share that nickname");
  }
  // A rename is two presences to everyone and cannot be held like a status change.
  if (!take_presence_token(o, now)) {
    return StanzaError{"wait", "policy-violation", "You are changing your nickname too fast"};
  }
  if (o.sessions.size() > 1) return split_nick(o, p, fx);
  PresenceSpec gone;
  gone.unavailable = true;
  gone.codes = {303};
  gone.new_nick = p.nick;
  gone.id = p.id;
  gone.removed_affiliation = o.affiliation;
  broadcast_presence(o, gone, fx);
  for (const xmpp::Jid& s : o.sessions) send_self_presence(o, s, gone, fx);

  unindex_nick(o.nick);
  index_nick(p.nick);
  auto node = occupants_.extract(o.nick);
  node.key() = p.nick;
  node.mapped().nick = p.nick;
  node.mapped().payload_xml = p.payload_xml;  // a presence replaces the last (RFC 6121 4.4)
  node.mapped().touch();
  Occupant& renamed = occupants_.insert(std::move(node)).position->second;
  for (const xmpp::Jid& s : renamed.sessions) nick_by_session_[s.str()] = p.nick;
  sessions_changed();  // the broadcast list follows the nick order

  PresenceSpec back;
  back.payload = &renamed.payload_xml;
  broadcast_presence(renamed, back, fx);
  for (const xmpp::Jid& s : renamed.sessions) {
    back.id = s == p.from ? p.id : std::string();
    send_self_presence(renamed, s, back, fx);
  }
  return std::nullopt;
}

std::optional<StanzaError> Room::split_nick(Occupant& o, const PresenceIn& p, Effects& fx) {
  // One session of an occupant with several changes its nick: only that session moves, as
  // in Prosody; the others keep the old nick. The session sees itself leave the old nick
  // (303 with the new one, 7.6) and arrive under the new; everyone else sees the occupant's
  // presence with its next session if this one was shown, and a new occupant.
  PresenceSpec gone;
  gone.unavailable = true;
  gone.codes = {303};
  gone.new_nick = p.nick;
  gone.id = p.id;
  gone.removed_affiliation = o.affiliation;
  send_self_presence(o, p.from, gone, fx);
  bool was_shown = o.sessions.front() == p.from;
  o.remove_session(p.from);
  if (was_shown) {
    PresenceSpec still;
    still.payload = &o.payload_xml;
    broadcast_presence(o, still, fx);
  }
  index_nick(p.nick);
  Occupant& moved = occupants_[p.nick];
  moved.nick = p.nick;
  moved.bare = o.bare;
  moved.occupant_id = o.occupant_id;
  moved.affiliation = o.affiliation;
  moved.role = o.role;  // the role is the user's for this visit, whichever nick it uses
  moved.message_tokens = o.message_tokens;  // and so are its rates
  moved.presence_tokens = o.presence_tokens;
  moved.payload_xml = p.payload_xml;
  moved.add_session(p.from);
  nick_by_session_[p.from.str()] = p.nick;
  sessions_changed();
  PresenceSpec back;
  back.payload = &moved.payload_xml;
  broadcast_presence(moved, back, fx);
  back.id = p.id;
  send_self_presence(moved, p.from, back, fx);
  return std::nullopt;
}

void Room::on_leave(const LeaveIn& p, Effects& fx) {
  // XEP-0045 7.14; unavailable presence from a non-occupant is ignored.
  if (occupant_by_session(p.from) == nullptr) return;
  remove_session(p.from, {}, p.payload_xml, fx);
}

void Room::on_bounce(const BounceIn& b, Effects& fx) {
  if (!means_gone(b.condition) || occupant_by_session(b.from) == nullptr) return;
  // XEP-0045 18.1: remove the ghost, telling others why (333, not 307).
  remove_session(b.from, {333}, {}, fx);
}

void Room::shut_down(Effects& fx) const {
  // XEP-0045 status 332: removed because the service is shutting down. Each session gets
  // its own exit only (a client clears the room on it): O(N), not N exits to N occupants.
  PresenceSpec spec;
  spec.unavailable = true;
  spec.codes = {332};
  for (const auto& [nick, o] : occupants_) {
    for (const xmpp::Jid& s : o.sessions) send_self_presence(o, s, spec, fx);
  }
}

std::vector<xmpp::Jid> Room::sessions() const {
  std::vector<xmpp::Jid> out;
  for (const auto& [nick, o] : occupants_)
    out.insert(out.end(), o.sessions.begin(), o.sessions.end());
  return out;
}

void Room::remove_session(const xmpp::Jid& session, std::vector<int> codes,
                          const std::string& payload_xml, Effects& fx) {
  Occupant* o = occupant_by_session(session);
  bool was_shown = o->sessions.front() == session;  // its JID is what moderators see
  nick_by_session_.erase(session.str());
  o->remove_session(session);
  sessions_changed();
  PresenceSpec spec;
  spec.unavailable = true;
  spec.codes = std::move(codes);
  spec.payload = &payload_xml;
  if (!o->sessions.empty()) {
    // Other sessions remain: only this one leaves. Others see no exit; if it was the
    // session whose JID they were shown, they get the occupant's presence with the next.
    send_self_presence(*o, session, spec, fx);
    if (was_shown) {
      PresenceSpec still;
      still.payload = &o->payload_xml;
      broadcast_presence(*o, still, fx);
    }
    return;
  }
  Occupant leaving = std::move(*o);
  unindex_nick(leaving.nick);
  occupants_.erase(leaving.nick);
  leaving.sessions = {session};
  leaving.addresses.clear();
  broadcast_presence(leaving, spec, fx);
  send_self_presence(leaving, session, spec, fx);
  relay_target_left(leaving, fx);
}

}  // namespace muc
