// Owner use cases: configuration (XEP-0045 10.1, 10.2) and destruction (10.9).
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "muc/room_options.hpp"
#include "xml/writer.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::StanzaError;

IqAnswer Room::on_owner_get(const xmpp::Jid& from) const {
  if (affiliation_of(from) != Affiliation::owner) {
    return StanzaError::forbidden("Only owners may configure the room");  // 10.2
  }
  xml::Element query("query", std::string(ns::kMucOwner));
  query.add(config_form(config_));
  return std::optional<xml::Element>(std::move(query));
}

IqAnswer Room::on_owner_set(const xmpp::Jid& from, const xml::Element& query, Effects& fx) {
  if (affiliation_of(from) != Affiliation::owner) {
    return StanzaError::forbidden("Only owners may configure or destroy the room");
  }
  if (const xml::Element* d = query.child("destroy", ns::kMucOwner)) {
    destroy(*d, fx);
    return std::optional<xml::Element>();
  }
  const xml::Element* form = query.child("x", ns::kData);
  if (form == nullptr) return StanzaError::bad_request("Expected a data form or <destroy/>");
  std::string_view type = form->attr_or("type");
  if (type == "cancel") {
    // 10.1.3: cancelling the initial configuration destroys the new room; cancelling a
    // later one changes nothing.
    if (locked_) {
      xml::Element none("destroy", std::string(ns::kMucOwner));
      destroy(none, fx);
    }
    return std::optional<xml::Element>();
  }
  if (type != "submit") return StanzaError::bad_request("The form must be of type submit or cancel");
  std::optional<RoomConfig> next = apply_config_form(config_, *form);
  if (!next) return StanzaError::bad_request("A field of the form has an invalid value");
  std::vector<int> codes = config_change_codes(config_, *next);
  config_ = std::move(*next);
  history_.trim(config_.history_length);
  // 10.1.2 / 10.1.3: an empty submit accepts the defaults (instant room); either way
  // the room now opens.
  locked_ = false;
  if (!codes.empty()) announce_config_change(codes, fx);
  return std::optional<xml::Element>();
}

void Room::announce_config_change(const std::vector<int>& codes, Effects& fx) {
  // 10.2.1: a message from the room to all occupants with the status codes.
  std::string x_ns(ns::kMucUser);
  xml::Element m("message", std::string(ns::kComponent));
  m.set_attr("from", jid_str_).set_attr("type", "groupchat");
  xml::Element& x = m.add("x", x_ns);
  for (int code : codes) x.add("status", x_ns).set_attr("code", std::to_string(code));
  send_to_all(xml::prepare(m), fx);
}

void Room::destroy(const xml::Element& request, Effects& fx) {
  // 10.9: every occupant gets an unavailable presence with <destroy/> (alternate venue and
  // reason as the owner gave them), then the room is gone and its address free.
  xml::Element d("destroy", std::string(ns::kMucUser));
  if (const std::string* alt = request.attr("jid")) d.set_attr("jid", *alt);
  if (const std::string* pw = request.attr("password")) d.set_attr("password", *pw);
  std::string reason = request.child_text("reason", ns::kMucOwner);
  if (!reason.empty()) d.add_text_child("reason", std::string(ns::kMucUser), reason);
  PresenceSpec spec;
  spec.unavailable = true;
  spec.removed_affiliation = Affiliation::none;
  spec.extra_x_xml = xml::to_string(d, ns::kMucUser);
  for (const auto& [nick, o] : occupants_) {
    for (const xmpp::Jid& s : o.sessions) {
      // As in the XEP's example 201: the item (no jid) and <destroy/>, no 110.
      fx.send(build_presence(o, spec, false, nullptr), s.str());
    }
  }
  occupants_.clear();
  nick_by_session_.clear();
  destroyed_ = true;
}

}  // namespace muc
