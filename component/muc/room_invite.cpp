// Mediated invitations and declines (XEP-0045 7.8.2, 7.8.3) and voice requests (7.13, 8.6).
#include <fmt/format.h>

#include "muc/privileges.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::StanzaError;

namespace {

xml::Element room_message(const std::string& from, const std::string& to) {
  xml::Element m("message", std::string(ns::kComponent));
  m.set_attr("from", from).set_attr("to", to);
  return m;
}

}  // namespace

std::variant<InviteChange, StanzaError> Room::decide_invite(const xmpp::Jid& from,
                                                            const InviteIn& request,
                                                            Clock::time_point now) const {
  const Party party = party_of(from);
  if (auto refused = check_invite(party, config_)) return *refused;
  if (request.invitees.empty()) return StanzaError::bad_request("No invitee named");
  std::size_t live = 0;
  for (const auto& [key, pending] : invitations_) live += pending.expires > now ? 1 : 0;
  const std::size_t cap = limits_->pending_invitations;
  if (cap > 0 && live + request.invitees.size() > cap) {
    // Each pending invitation is a decline the room will relay; the room keeps a bounded
    // number (issue: bounded remote-driven state), so more wait until some are answered.
    return StanzaError::resource_constraint("Too many invitations are pending in this room");
  }
  InviteChange change;
  change.inviter = from;
  change.at = now;
  change.memberships.actor = from;
  change.memberships.actor_nick = occupant_by_session(from)->nick;
  for (const InviteIn::Invitee& invitee : request.invitees) {
    if (invitee.to.bare() == jid_) {
      // 7.8: invitations are for users; the room would only invite itself, and answer that.
      return StanzaError::not_acceptable("The room cannot invite itself");
    }
    Affiliation current = affiliation_of(invitee.to);
    if (current == Affiliation::outcast) {
      return StanzaError::not_allowed("That user is banned from this room");
    }
    change.invitations.push_back({invitee.to.str(), invitee.reason});
    if (invitation_grants_membership(party.affiliation, current, config_)) {
      change.memberships.affiliations.push_back(
          {invitee.to.bare_str(), Affiliation::none, Affiliation::member, {}});
    }
  }
  return change;
}

void Room::apply_invite(const InviteChange& change, Effects& fx) {
  apply_admin(change.memberships, fx);
  const std::string x_ns(ns::kMucUser);
  for (const Invitation& inv : change.invitations) {
    // 7.8.2: the room tells the invitee who invites it (real JID), why, and the password.
    xml::Element m = room_message(jid_str_, inv.to);
    xml::Element& x = m.add("x", x_ns);
    xml::Element& i = x.add("invite", x_ns);
    i.set_attr("from", change.inviter.str());
    if (!inv.reason.empty()) i.add_text_child("reason", x_ns, inv.reason);
    if (config_.password_protected) x.add_text_child("password", x_ns, config_.password);
    fx.send(m);
    remember_invitation(xmpp::Jid::parse(inv.to)->bare_str(), change.inviter,
                        change.at + kInvitationLifetime);
  }
}

void Room::remember_invitation(std::string invitee, const xmpp::Jid& inviter,
                               Clock::time_point expires) {
  // Expired ones go first; decide_invite keeps the live ones within the bound, so the oldest
  // is dropped only if invitations were decided faster than applied.
  const Clock::time_point now = expires - kInvitationLifetime;
  std::erase_if(invitations_, [&](const auto& e) { return e.second.expires <= now; });
  const std::size_t cap = limits_->pending_invitations;
  while (cap > 0 && invitations_.size() >= cap) {
    auto oldest = std::min_element(
        invitations_.begin(), invitations_.end(),
        [](const auto& a, const auto& b) { return a.second.expires < b.second.expires; });
    invitations_.erase(oldest);
  }
  invitations_[{std::move(invitee), inviter.bare_str()}] = PendingInvitation{inviter, expires};
}

std::optional<StanzaError> Room::on_decline(const xmpp::Jid& from, const DeclineIn& request,
                                            Clock::time_point now, Effects& fx) {
  // 7.8.3: relayed to the inviter, from the room, naming the decliner. Only an invitee may
  // decline, only to its inviter, and only while the invitation is pending: otherwise
  // anyone could make the room send declines to anyone.
  auto it = invitations_.find({from.bare_str(), request.to.bare_str()});
  if (it == invitations_.end() || it->second.expires <= now) {
    if (it != invitations_.end()) invitations_.erase(it);
    return StanzaError::item_not_found("You have no pending invitation from that user");
  }
  const xmpp::Jid inviter = it->second.inviter;
  invitations_.erase(it);
  const std::string x_ns(ns::kMucUser);
  xml::Element m =
      room_message(jid_str_, request.to.has_resource() ? request.to.str() : inviter.str());
  xml::Element& d = m.add("x", x_ns).add("decline", x_ns);
  d.set_attr("from", from.bare_str());
  if (!request.reason.empty()) d.add_text_child("reason", x_ns, request.reason);
  fx.send(m);
  return std::nullopt;
}

std::optional<StanzaError> Room::on_voice_request(const xmpp::Jid& from,
                                                  const VoiceRequestIn& request,
                                                  Clock::time_point now, Effects& fx) {
  Occupant* sender = occupant_by_session(from);
  if (sender == nullptr) return StanzaError::not_acceptable("Only occupants may request voice");
  if (!request.answer) {
    // 7.13: a visitor asks; every moderator gets the approval form.
    if (sender->role != Role::visitor) return std::nullopt;  // already has voice: nothing to do
    if (sender->asked_voice != Clock::time_point{} &&
        now - sender->asked_voice < limits_->voice_request_interval) {
      return StanzaError{"wait", "policy-violation",
                         fmt::format("You may ask for voice once every {} seconds",
                                     limits_->voice_request_interval.count())};
    }
    sender->asked_voice = now;
    const std::string data_ns(ns::kData);
    xml::Element m = room_message(jid_str_, "");
    m.remove_attr("to");
    xml::Element& x = m.add("x", data_ns);
    x.set_attr("type", "form");
    x.add_text_child("title", data_ns, "Voice request");
    auto field = [&](std::string_view var, std::string_view type, std::string value,
                     std::string_view label) {
      xml::Element& f = x.add("field", data_ns);
      f.set_attr("var", std::string(var)).set_attr("type", std::string(type));
      if (!label.empty()) f.set_attr("label", std::string(label));
      f.add_text_child("value", data_ns, std::move(value));
    };
    field("FORM_TYPE", "hidden", std::string(ns::kMucRequest), {});
    field("muc#role", "list-single", "participant", "Requested role");
    // The requester's JID, for moderators to approve the right person (8.6); moderators
    // see real JIDs in any room.
    field("muc#jid", "jid-single", from.bare_str(), "User ID");
    field("muc#roomnick", "text-single", sender->nick, "Room nickname");
    field("muc#request_allow", "boolean", "false", "Grant voice to this person?");
    auto prepared = xml::prepare(m);
    for (const auto& [nick, o] : occupants_) {
      if (o.role != Role::moderator) continue;
      for (const xmpp::Jid& s : o.sessions) fx.send(prepared, s.str());
    }
    return std::nullopt;
  }
  // 8.6: a moderator approves (or not) by submitting the form back.
  if (!request.allow) return std::nullopt;
  Occupant* target = occupant_by_nick(request.nick);
  if (target == nullptr) return StanzaError::item_not_found("No occupant has that nick");
  // The approval is for the user who asked (muc#jid): if that nick now belongs to someone
  // else, the approval does not pass to them.
  if (!request.jid.empty()) {
    std::optional<xmpp::Jid> asked = xmpp::Jid::parse(request.jid);
    if (!asked || asked->bare() != target->bare) {
      return StanzaError::item_not_found("The user who asked for voice has left");
    }
  }
  // A stale approval must not lower anyone: voice (or more) already given is kept.
  if (target->role >= Role::participant) return std::nullopt;
  if (auto e = check_role_change(party_of(from), {target->role, affiliation_of(target->bare)},
                                 Role::participant, target == sender)) {
    return e;
  }
  AdminChange change;
  change.actor = from;
  change.actor_nick = sender->nick;
  apply_role({request.nick, Role::participant, {}}, change, fx);
  return std::nullopt;
}

}  // namespace muc
