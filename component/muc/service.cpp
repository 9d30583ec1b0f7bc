#include "muc/service.hpp"

#include <algorithm>

#include "muc/decode.hpp"
#include "muc/features.hpp"
#include "muc/room_options.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::Jid;
using xmpp::StanzaError;

namespace {

void reply_error(const xml::Element& stanza, const StanzaError& e, Effects& fx) {
  // RFC 6120 8.3.1: never answer an error (or an iq result) with an error.
  if (xmpp::must_not_answer(stanza)) return;
  fx.send(xmpp::error_reply(stanza, e));
}

}  // namespace

Service::Service(ServiceConfig config) : config_(std::move(config)) {}

const Room* Service::find_room(const std::string& local) const {
  auto it = rooms_.find(local);
  return it == rooms_.end() ? nullptr : it->second.get();
}

Room* Service::room_for(const Jid& to) {
  auto it = rooms_.find(to.local());
  return it == rooms_.end() ? nullptr : it->second.get();
}

void Service::drop_if_finished(const std::string& local) {
  auto it = rooms_.find(local);
  if (it != rooms_.end() && it->second->finished()) rooms_.erase(it);
}

bool Service::may_create(const Jid& who) const {
  bool admin = std::find(config_.service_admins.begin(), config_.service_admins.end(),
                         who.bare_str()) != config_.service_admins.end();
  switch (config_.creation) {
    case CreationPolicy::anyone:
      return true;
    case CreationPolicy::admins:
      return admin;
    case CreationPolicy::domains:
      return admin || std::find(config_.creation_domains.begin(), config_.creation_domains.end(),
                                who.domain()) != config_.creation_domains.end();
  }
  return false;
}

void Service::handle(const xml::Element& stanza, Clock::time_point now, Effects& fx) {
  std::optional<Jid> from = Jid::parse(stanza.attr_or("from"));
  std::optional<Jid> to = Jid::parse(stanza.attr_or("to"));
  if (!from) return;  // nobody to answer: the server routed something it should not have
  if (!to) {
    reply_error(stanza, StanzaError::jid_malformed("The recipient address is not a valid JID"),
                fx);
    return;
  }
  if (to->domain() != config_.domain) {
    reply_error(stanza, StanzaError::item_not_found("This component serves " + config_.domain),
                fx);
    return;
  }
  if (stanza.name() == "presence") {
    handle_presence(stanza, *from, *to, now, fx);
  } else if (stanza.name() == "message") {
    handle_message(stanza, *from, *to, now, fx);
  } else if (stanza.name() == "iq") {
    handle_iq(stanza, *from, *to, fx);
  }
  // Anything else at the top level of a component stream is not a stanza; the link has
  // already logged it and there is no one to answer.
}

void Service::handle_presence(const xml::Element& s, const Jid& from, const Jid& to,
                              Clock::time_point now, Effects& fx) {
  std::string_view type = s.attr_or("type");
  if (!to.has_local()) return;  // presence to the service itself: nothing to do
  Room* room = room_for(to);
  if (type == "error") {
    if (room != nullptr) {
      const xml::Element* err = s.child("error", s.ns());
      std::string condition;
      if (err != nullptr && !err->elements().empty()) condition = err->elements().front()->name();
      room->on_bounce(BounceIn{from, condition}, fx);
      drop_if_finished(to.local());
    }
    return;
  }
  if (type == "unavailable") {
    if (room != nullptr) {
      room->on_leave(LeaveIn{from, presence_payload(s)}, fx);
      drop_if_finished(to.local());
    }
    return;
  }
  if (!type.empty()) return;  // probes and subscriptions never enter (xep0045-notes.md)
  if (!to.has_resource()) {
    reply_error(s, StanzaError::jid_malformed("Enter a room as room@service/nickname"), fx);
    return;
  }
  std::optional<std::string> nick = Jid::prepare_nick(to.resource());
  if (!nick) {
    reply_error(s, StanzaError::jid_malformed("That nickname is not allowed"), fx);
    return;
  }
  PresenceIn p = decode_presence(s, from, *nick);
  bool creating = false;
  if (room == nullptr) {
    if (!p.has_muc_x) {
      reply_error(s, StanzaError::item_not_found("No such room"), fx);
      return;
    }
    if (!may_create(from)) {
      reply_error(s, StanzaError::not_allowed("You are not allowed to create rooms here"), fx);
      return;
    }
    RoomConfig defaults;
    defaults.history_length = config_.history_default;
    auto created = std::make_unique<Room>(to.bare(), defaults, from, config_.service_admins);
    room = created.get();
    rooms_.emplace(to.local(), std::move(created));
    creating = true;
  }
  if (auto error = room->on_presence(p, now, fx, creating)) reply_error(s, *error, fx);
  drop_if_finished(to.local());
}

void Service::handle_message(const xml::Element& s, const Jid& from, const Jid& to,
                             Clock::time_point now, Effects& fx) {
  std::string_view type = s.attr_or("type", "normal");
  Room* room = to.has_local() ? room_for(to) : nullptr;
  if (type == "error") {
    if (room != nullptr) {
      const xml::Element* err = s.child("error", s.ns());
      std::string condition;
      if (err != nullptr && !err->elements().empty()) condition = err->elements().front()->name();
      room->on_bounce(BounceIn{from, condition}, fx);
      drop_if_finished(to.local());
    }
    return;
  }
  if (!to.has_local()) {
    reply_error(s, StanzaError::service_unavailable("The service itself takes no messages"), fx);
    return;
  }
  if (room == nullptr || (room->locked() && room->affiliation_of(from) != Affiliation::owner)) {
    reply_error(s, StanzaError::item_not_found("No such room"), fx);
    return;
  }
  std::optional<StanzaError> error;
  if (!to.has_resource()) {
    if (type == "groupchat") {
      error = room->on_groupchat(GroupchatIn{from, message_body(s), subject_change(s)}, now, fx);
    } else {
      error = room_message(*room, s, from, fx);
    }
  } else if (type == "groupchat") {
    // XEP-0045 7.5: a private message must not be of type groupchat.
    error = StanzaError::bad_request("Private messages must not be of type groupchat");
  } else {
    error = room->on_private_message(PrivateMessageIn{from, to.resource(), message_body(s)}, fx);
  }
  if (error) reply_error(s, *error, fx);
}

std::optional<StanzaError> Service::room_message(Room& room, const xml::Element& s,
                                                 const Jid& from, Effects& fx) {
  // Messages of type normal to the room carry a muc#user invite or decline (XEP-0045 7.8)
  // or a muc#request form (7.13, 8.6).
  if (const xml::Element* x = s.child("x", ns::kMucUser)) {
    if (x->child("invite", ns::kMucUser) != nullptr) {
      auto decided = room.decide_invite(from, *x);
      if (auto* error = std::get_if<StanzaError>(&decided)) return *error;
      room.apply_invite(std::get<InviteChange>(decided), fx);
      return std::nullopt;
    }
    if (x->child("decline", ns::kMucUser) != nullptr) return room.on_decline(from, *x, fx);
  }
  if (const xml::Element* form = s.child("x", ns::kData)) {
    for (const xml::Element* f : form->children("field", ns::kData)) {
      if (f->attr_or("var") == "FORM_TYPE" && f->child_text("value", ns::kData) == ns::kMucRequest) {
        return room.on_voice_request(from, *form, fx);
      }
    }
  }
  return StanzaError::bad_request("Messages to the room must be of type groupchat");
}

void Service::handle_iq(const xml::Element& s, const Jid& from, const Jid& to, Effects& fx) {
  std::string_view type = s.attr_or("type");
  if (type == "result" || type == "error") {
    // The only iq we send are relayed ones; their answers come back to room/nick.
    if (Room* room = to.has_local() && to.has_resource() ? room_for(to) : nullptr) {
      room->on_occupant_iq_response(from, to.resource(), s, fx);
    }
    return;
  }
  if (type != "get" && type != "set") {
    reply_error(s, StanzaError::bad_request("An iq must be of type get or set"), fx);
    return;
  }
  if (s.attr("id") == nullptr) {
    reply_error(s, StanzaError::bad_request("An iq must carry an id"), fx);
    return;
  }
  // RFC 6120 8.2.3: a get or set carries exactly one payload element.
  std::vector<const xml::Element*> payload = s.elements();
  if (payload.size() != 1) {
    reply_error(s, StanzaError::bad_request("An iq get or set carries exactly one child"), fx);
    return;
  }
  // Every iq gets exactly one reply: handlers return an answer, only this sends it (a
  // relayed iq is answered by its target, through the room).
  IqAnswer answer = answer_iq(s, *payload.front(), from, to, fx);
  if (std::holds_alternative<Relayed>(answer)) return;
  if (auto* error = std::get_if<StanzaError>(&answer)) {
    if (error->condition == "service-unavailable" && error->text.empty()) {
      // RFC 6120 8.3.3.19 is the answer to an unknown payload; a hint helps the person
      // who copied a misspelt namespace from a tutorial.
      if (auto meant = xmpp::near_miss_namespace(payload.front()->ns())) {
        error->text = "Unknown namespace '" + payload.front()->ns() + "'; did you mean '" +
                      std::string(*meant) + "'?";
      }
    }
    reply_error(s, *error, fx);
    return;
  }
  xml::Element result = xmpp::iq_result(s);
  if (auto& body = std::get<std::optional<xml::Element>>(answer)) result.add(std::move(*body));
  fx.send(result);
}

IqAnswer Service::answer_iq(const xml::Element& iq, const xml::Element& payload, const Jid& from,
                            const Jid& to, Effects& fx) {
  if (!to.has_local()) return service_iq(iq, payload);
  Room* room = room_for(to);
  if (room == nullptr) return StanzaError::item_not_found("No such room");
  if (to.has_resource()) {
    if (room->locked()) return StanzaError::item_not_found("No such room");
    if (auto error = room->on_occupant_iq(from, to.resource(), iq, fx)) return *error;
    return Relayed{};
  }
  IqAnswer answer = room_iq(*room, iq, payload, from, fx);
  drop_if_finished(to.local());
  return answer;
}

IqAnswer Service::service_iq(const xml::Element& iq, const xml::Element& payload) const {
  std::string_view type = iq.attr_or("type");
  if (type == "get" && payload.is("query", ns::kDiscoInfo)) {
    const std::string info(ns::kDiscoInfo);
    xml::Element q("query", info);
    q.add("identity", info)
        .set_attr("category", "conference")
        .set_attr("type", "text")
        .set_attr("name", config_.name);
    for (std::string_view f : service_features()) {
      q.add("feature", info).set_attr("var", std::string(f));
    }
    return std::optional<xml::Element>(std::move(q));
  }
  if (type == "get" && payload.is("query", ns::kDiscoItems)) {
    // XEP-0045 6.3: public rooms; locked and hidden ones stay out of the list.
    const std::string items(ns::kDiscoItems);
    xml::Element q("query", items);
    for (const auto& [local, room] : rooms_) {
      if (room->locked() || !room->config().public_room) continue;
      xml::Element& item = q.add("item", items);
      item.set_attr("jid", room->jid().str());
      item.set_attr("name", room->config().name.empty() ? local : room->config().name);
    }
    return std::optional<xml::Element>(std::move(q));
  }
  if (type == "get" && payload.is("ping", ns::kPing)) return std::optional<xml::Element>();
  return StanzaError::service_unavailable();
}

IqAnswer Service::room_iq(Room& room, const xml::Element& iq, const xml::Element& payload,
                          const Jid& from, Effects& fx) {
  std::string_view type = iq.attr_or("type");
  bool owner = room.affiliation_of(from) == Affiliation::owner;
  if (room.locked() && !owner) return StanzaError::item_not_found("No such room");
  if (payload.is("query", ns::kDiscoInfo) && type == "get") {
    if (payload.attr_or("node") == "x-roomuser-item") return room.on_reserved_nick_query(from);
    return room.on_disco_info(from);
  }
  if (payload.is("query", ns::kRegister)) {
    if (type == "get") return room.on_register_get(from);
    auto decided = room.decide_register(from, payload);
    if (auto* error = std::get_if<StanzaError>(&decided)) return *error;
    room.apply_register(std::get<RegistrationChange>(decided), fx);
    return std::optional<xml::Element>();
  }
  if (payload.is("query", ns::kDiscoItems) && type == "get") {
    // XEP-0045 6.5 lets a room list its occupants; we keep nicks private to occupants.
    return std::optional<xml::Element>(xml::Element("query", std::string(ns::kDiscoItems)));
  }
  if (payload.is("query", ns::kMucAdmin)) {
    if (type == "get") return room.on_admin_get(from, payload);
    auto decided = room.decide_admin_set(from, payload);
    if (auto* error = std::get_if<StanzaError>(&decided)) return *error;
    room.apply_admin(std::get<AdminChange>(decided), fx);
    return std::optional<xml::Element>();
  }
  if (payload.is("query", ns::kMucOwner)) {
    if (type == "get") return room.on_owner_get(from);
    auto decided = room.decide_owner_set(from, payload);
    if (auto* error = std::get_if<StanzaError>(&decided)) return *error;
    room.apply_owner(std::get<OwnerChange>(decided), fx);
    return std::optional<xml::Element>();
  }
  if (payload.is("ping", ns::kPing) && type == "get") return std::optional<xml::Element>();
  return StanzaError::service_unavailable();
}

}  // namespace muc
