// Nickname registration (XEP-0045 7.10) and the reserved-nick query (7.12).
#include "muc/privileges.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::StanzaError;

namespace {
constexpr std::string_view kNickField = "muc#register_roomnick";
}

std::string Room::reserved_by(const std::string& nick) const {
  return registered_nicks_.holder_of(nick);
}

IqAnswer Room::on_register_get(const xmpp::Jid& from) const {
  // 7.10: whoever may not register is told so on asking for the form already.
  if (auto refused = check_registration(affiliation_of(from), config_)) return *refused;
  const std::string reg_ns(ns::kRegister);
  const std::string data_ns(ns::kData);
  xml::Element q("query", reg_ns);
  if (const std::string* nick = registered_nicks_.nick_of(from.bare_str())) {
    // 7.10: an already registered user is told so, with its nick.
    q.add("registered", reg_ns);
    q.add_text_child("username", reg_ns, *nick);
    return std::optional<xml::Element>(std::move(q));
  }
  q.add_text_child("instructions", reg_ns, "Choose the nickname to reserve in this room.");
  xml::Element& x = q.add("x", data_ns);
  x.set_attr("type", "form");
  x.add_text_child("title", data_ns, "Nickname registration");
  xml::Element& ft = x.add("field", data_ns);
  ft.set_attr("var", "FORM_TYPE").set_attr("type", "hidden");
  ft.add_text_child("value", data_ns, std::string(ns::kMucRegister));
  xml::Element& nick = x.add("field", data_ns);
  nick.set_attr("var", std::string(kNickField))
      .set_attr("type", "text-single")
      .set_attr("label", "Desired nickname");
  nick.add("required", data_ns);
  return std::optional<xml::Element>(std::move(q));
}

std::variant<RegistrationChange, StanzaError> Room::decide_register(
    const xmpp::Jid& from, const RegisterSetIn& request) const {
  Affiliation aff = affiliation_of(from);
  if (auto refused = check_registration(aff, config_)) return *refused;
  RegistrationChange change;
  change.jid = from.bare_str();
  const std::string* current = registered_nicks_.nick_of(change.jid);
  if (request.remove) {
    change.unchanged = current == nullptr;  // release the nick, if there is one
    return change;
  }
  std::optional<std::string> nick = xmpp::Jid::prepare_nick(request.nick);
  if (!nick) return StanzaError::not_acceptable("That nickname is not allowed");
  std::string holder = reserved_by(*nick);
  const Occupant* present = occupant_like(*nick);
  bool used_by_other = present != nullptr && present->bare.bare_str() != change.jid;
  if ((!holder.empty() && holder != change.jid) || used_by_other) {
    return StanzaError::conflict("That nickname is reserved or in use by someone else");
  }
  const std::size_t cap = limits_->registrations_per_room;
  if (current == nullptr && cap > 0 && registered_nicks_.size() >= cap) {
    return StanzaError::resource_constraint("This room holds as many registered nicks as it may");
  }
  change.nick = *nick;
  change.grant_membership = aff == Affiliation::none;
  change.unchanged = current != nullptr && *current == *nick && !change.grant_membership;
  return change;
}

void Room::apply_register(const RegistrationChange& change, Effects& fx) {
  if (change.unchanged) return;
  if (change.nick.empty()) {
    registered_nicks_.erase(change.jid);
    return;
  }
  registered_nicks_.set(change.jid, change.nick);
  if (change.grant_membership) {
    AdminChange by_service;
    by_service.actor = jid_;
    // Registering makes a member but gives no voice: in a moderated room only a moderator
    // grants that (a visitor must not talk itself into a participant by registering).
    apply_affiliation({change.jid, Affiliation::none, Affiliation::member, {}}, by_service, fx,
                      /*raise_role=*/false);
  }
}

IqAnswer Room::on_reserved_nick_query(const xmpp::Jid& from) const {
  // 7.12: the identity's name is the reserved nick; no identity when there is none.
  const std::string info(ns::kDiscoInfo);
  xml::Element q("query", info);
  q.set_attr("node", "x-roomuser-item");
  if (const std::string* nick = registered_nicks_.nick_of(from.bare_str())) {
    q.add("identity", info)
        .set_attr("category", "conference")
        .set_attr("name", *nick)
        .set_attr("type", "text");
  }
  return std::optional<xml::Element>(std::move(q));
}

}  // namespace muc
