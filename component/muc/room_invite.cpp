// Mediated invitations and declines (XEP-0045 7.8.2, 7.8.3) and voice requests (7.13, 8.6).
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

std::string field_value(const xml::Element& form, std::string_view var) {
  for (const xml::Element* f : form.children("field", ns::kData)) {
    if (f->attr_or("var") == var) return f->child_text("value", ns::kData);
  }
  return {};
}

}  // namespace

std::variant<InviteChange, StanzaError> Room::decide_invite(const xmpp::Jid& from,
                                                            const xml::Element& x) const {
  const Party party = party_of(from);
  if (auto refused = check_invite(party, config_)) return *refused;
  const Occupant* inviter = occupant_by_session(from);
  InviteChange change;
  change.inviter = from;
  change.memberships.actor = from;
  change.memberships.actor_nick = inviter->nick;
  for (const xml::Element* invite : x.children("invite", ns::kMucUser)) {
    std::optional<xmpp::Jid> to = xmpp::Jid::parse(invite->attr_or("to"));
    if (!to) return StanzaError::jid_malformed("The invitee's address is not a valid JID");
    change.invitations.push_back({to->str(), invite->child_text("reason", ns::kMucUser)});
    Affiliation current = affiliation_of(*to);
    if (invitation_grants_membership(party.affiliation, current, config_)) {
      change.memberships.affiliations.push_back(
          {to->bare_str(), Affiliation::none, Affiliation::member, {}});
    }
    if (current == Affiliation::outcast) {
      return StanzaError::not_allowed("That user is banned from this room");
    }
  }
  if (change.invitations.empty()) return StanzaError::bad_request("No invitee named");
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
  }
}

std::optional<StanzaError> Room::on_decline(const xmpp::Jid& from, const xml::Element& x,
                                            Effects& fx) {
  const xml::Element* decline = x.child("decline", ns::kMucUser);
  std::optional<xmpp::Jid> to = xmpp::Jid::parse(decline->attr_or("to"));
  if (!to) return StanzaError::jid_malformed("Decline to whom?");
  // 7.8.3: relayed to the inviter, from the room, naming the decliner.
  const std::string x_ns(ns::kMucUser);
  xml::Element m = room_message(jid_str_, to->str());
  xml::Element& d = m.add("x", x_ns).add("decline", x_ns);
  d.set_attr("from", from.bare_str());
  std::string reason = decline->child_text("reason", ns::kMucUser);
  if (!reason.empty()) d.add_text_child("reason", x_ns, reason);
  fx.send(m);
  return std::nullopt;
}

std::optional<StanzaError> Room::on_voice_request(const xmpp::Jid& from, const xml::Element& form,
                                                  Effects& fx) {
  Occupant* sender = occupant_by_session(from);
  if (sender == nullptr) return StanzaError::not_acceptable("Only occupants may request voice");
  std::string allow = field_value(form, "muc#request_allow");
  if (allow.empty()) {
    // 7.13: a visitor asks; every moderator gets the approval form.
    if (sender->role != Role::visitor) return std::nullopt;  // already has voice: nothing to do
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
    if (config_.whois == WhoIs::anyone) field("muc#jid", "jid-single", from.bare_str(), "User ID");
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
  if (allow != "1" && allow != "true") return std::nullopt;
  std::string nick = field_value(form, "muc#roomnick");
  Occupant* target = occupant_by_nick(nick);
  if (target == nullptr) return StanzaError::item_not_found("No occupant has that nick");
  // A stale approval must not lower anyone: voice (or more) already given is kept.
  if (target->role >= Role::participant) return std::nullopt;
  Party actor{sender->role, affiliation_of(from)};
  if (auto e = check_role_change(actor, {target->role, target->affiliation}, Role::participant,
                                 target == sender)) {
    return e;
  }
  AdminChange change;
  change.actor = from;
  change.actor_nick = sender->nick;
  apply_role({nick, Role::participant, {}}, change, fx);
  return std::nullopt;
}

}  // namespace muc
