// iq routing: every get/set gets exactly one reply, built and sent by answer() only.
#include <map>

#include "base/log.hpp"
#include "muc/decode.hpp"
#include "muc/features.hpp"
#include "muc/occupant_id.hpp"
#include "muc/privileges.hpp"
#include "muc/service.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::Jid;
using xmpp::StanzaError;

void Service::handle_iq(Slot* slot, const xml::Element& s, const Jid& from, const Jid& to,
                        Clock::time_point now, Effects& fx) {
  std::string_view type = s.attr_or("type");
  if (type == "result" || type == "error") {
    // The iq we send are relayed ones, whose answers come back to room/nick, and the
    // session checks (check_sessions), whose errors come back to the room: a bounce.
    if (slot == nullptr || !slot->room) return;
    if (to.has_resource()) {
      if (auto answer_in = decode_occupant_iq_answer(s, from, to.resource())) {
        slot->room->on_occupant_iq_response(*answer_in, fx);
      }
    } else if (type == "error") {
      slot->room->on_bounce(BounceIn{from, error_condition(s)}, fx);
    }
    return;
  }
  if (type != "get" && type != "set") {
    answer(s, StanzaError::bad_request("An iq must be of type get or set"), fx);
    return;
  }
  if (s.attr("id") == nullptr) {
    answer(s, StanzaError::bad_request("An iq must carry an id"), fx);
    return;
  }
  // RFC 6120 8.2.3: a get or set carries exactly one payload element.
  std::vector<const xml::Element*> payload = s.elements();
  if (payload.size() != 1) {
    answer(s, StanzaError::bad_request("An iq get or set carries exactly one child"), fx);
    return;
  }
  // Every iq gets exactly one reply: handlers return an answer, answer() sends it (or
  // Later: a relayed iq is answered through the room's relay, a stored change after its
  // commit, the service's disco#items after the database listed its rooms).
  answer(s, answer_iq(slot, s, *payload.front(), from, to, now, fx), fx);
}

void Service::answer(const xml::Element& request, IqAnswer reply, Effects& fx) {
  if (std::holds_alternative<Later>(reply)) return;
  const bool iq = request.name() == "iq";
  if (auto* error = std::get_if<StanzaError>(&reply)) {
    // RFC 6120 8.3.1: never answer an error (or an iq result) with an error.
    if (xmpp::must_not_answer(request)) return;
    std::vector<const xml::Element*> payload;
    if (iq && error->condition == "service-unavailable" && error->text.empty()) {
      payload = request.elements();
    }
    if (payload.size() == 1) {
      // RFC 6120 8.3.3.19 is the answer to an unknown payload; a hint helps the person
      // who copied a misspelt namespace from a tutorial.
      if (auto meant = xmpp::near_miss_namespace(payload.front()->ns())) {
        error->text = "Unknown namespace '" + payload.front()->ns() + "'; did you mean '" +
                      std::string(*meant) + "'?";
      }
    }
    fx.send(xmpp::error_reply(request, *error));
    return;
  }
  // A result answers an iq get or set; a message (a subject change, an invitation) that
  // succeeded has nothing to be answered with.
  std::string_view type = request.attr_or("type");
  if (!iq || (type != "get" && type != "set")) return;
  xml::Element result = xmpp::iq_result(request);
  if (auto& body = std::get<std::optional<xml::Element>>(reply)) result.add(std::move(*body));
  if (auto at = std::exchange(fx.answer_at, std::nullopt); at && *at <= fx.out.size()) {
    Effects one;
    one.send(result);
    fx.out.insert(fx.out.begin() + static_cast<std::ptrdiff_t>(*at), std::move(one.out.front()));
    return;
  }
  fx.send(result);
}

IqAnswer Service::answer_iq(Slot* slot, const xml::Element& iq, const xml::Element& payload,
                            const Jid& from, const Jid& to, Clock::time_point now, Effects& fx) {
  if (slot == nullptr && store_ != nullptr && iq.attr_or("type") == "get" &&
      payload.is("query", ns::kDiscoItems)) {
    // XEP-0045 6.3: public rooms include stored ones not loaded since the start; the list
    // comes from the database and the answer follows it.
    // The store calls back exactly once, failure included, and emit_ is set whenever a
    // store is (the constructor checks): the answer cannot be dropped.
    auto request = std::make_shared<xml::Element>(iq);
    PageRequest page = decode_page(payload);
    store_->list_public(
        config_.domain, [this, request, page](const std::vector<RoomListing>& stored, bool ok) {
          if (!ok)
            base::log_warn("could not list stored rooms; disco#items shows loaded rooms only");
          Effects out;
          answer(*request, std::optional<xml::Element>(room_items(stored, page)), out);
          emit_(out);
        });
    return Later{};
  }
  if (slot == nullptr) return service_iq(iq, payload);
  if (!slot->room) return StanzaError::item_not_found("No such room");
  Room& room = *slot->room;
  if (to.has_resource()) {
    if (auto hidden = room.hidden_from(from)) return *hidden;
    // XEP-0045 7.5: relayed to the occupant; its answer, or the error the room gives for
    // it (it left, it took too long), is the asker's answer.
    if (auto error = room.on_occupant_iq(decode_occupant_iq(iq, from, to.resource()), now, fx)) {
      return *error;
    }
    return Later{};
  }
  return room_iq(*slot, iq, payload, from, now, fx);
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
    // XEP-0421 4: occupant ids are on in every room, so the service says so too.
    if (gives_occupant_ids(config_.occupant_id_secret)) {
      q.add("feature", info).set_attr("var", std::string(ns::kOccupantId));
    }
    return std::optional<xml::Element>(std::move(q));
  }
  if (type == "get" && payload.is("query", ns::kDiscoItems)) {
    return room_items({}, decode_page(payload));
  }
  if (type == "get" && payload.is("ping", ns::kPing)) return std::optional<xml::Element>();
  return StanzaError::service_unavailable();
}

namespace {

// XEP-0059: one page of `items` (by JID, in order), at most `limit` long whatever the client
// asks, with the <set/> that says where it is in the whole list. Without a request, the
// first page; the <set/> is added only when the list does not fit in it.
xml::Element disco_items_page(const std::map<std::string, std::string>& items,
                              const PageRequest& page, std::size_t limit) {
  const bool asked = page.max || page.after || page.before;
  std::size_t max = limit == 0 ? items.size() : limit;
  if (page.max) max = std::min(max, *page.max);
  auto first = items.begin();
  auto last = items.end();
  if (page.after) first = items.upper_bound(*page.after);
  if (page.before) {
    last = page.before->empty() ? items.end() : items.lower_bound(*page.before);
    first = last;
    for (std::size_t n = 0; n < max && first != items.begin(); ++n) --first;
  }
  const std::string items_ns(ns::kDiscoItems);
  xml::Element q("query", items_ns);
  std::size_t shown = 0;
  auto it = first;
  for (; it != last && shown < max; ++it, ++shown) {
    q.add("item", items_ns).set_attr("jid", it->first).set_attr("name", it->second);
  }
  if (!asked && shown == items.size()) return q;
  const std::string rsm(ns::kRsm);
  xml::Element& set = q.add("set", rsm);
  if (shown > 0) {
    xml::Element& f = set.add("first", rsm);
    f.set_attr("index", std::to_string(std::distance(items.begin(), first)));
    f.add_text(first->first);
    set.add_text_child("last", rsm, std::prev(it)->first);
  }
  set.add_text_child("count", rsm, std::to_string(items.size()));
  return q;
}

}  // namespace

xml::Element Service::room_items(const std::vector<RoomListing>& stored,
                                 const PageRequest& page) const {
  // XEP-0045 6.3: public rooms; locked and hidden ones stay out of the list. A loaded room
  // is listed as it is now; a stored one not loaded, as the database has it.
  std::map<std::string, std::string> items;  // room JID -> name
  for (const RoomListing& r : stored) {
    std::string local = r.room.substr(0, r.room.find('@'));
    if (find_room(local) != nullptr) continue;
    items[r.room] = r.name.empty() ? local : r.name;
  }
  for (const auto& [local, slot] : slots_) {
    const Room* room = slot.room.get();
    if (room == nullptr || room->locked() || !room->config().public_room) continue;
    items[room->jid().str()] = room->config().name.empty() ? local : room->config().name;
  }
  return disco_items_page(items, page, config_.limits.disco_items_max);
}

IqAnswer Service::room_iq(Slot& slot, const xml::Element& iq, const xml::Element& payload,
                          const Jid& from, Clock::time_point now, Effects& fx) {
  Room& room = *slot.room;
  std::string_view type = iq.attr_or("type");
  if (auto hidden = room.hidden_from(from)) return *hidden;
  auto submitted = [&](auto decided) -> IqAnswer {
    if (auto* error = std::get_if<StanzaError>(&decided)) return *error;
    using ChangeType = std::variant_alternative_t<0, decltype(decided)>;
    if (submit(slot, std::get<ChangeType>(std::move(decided)), iq, now, fx)) return Later{};
    return std::optional<xml::Element>();
  };
  if (payload.is("query", ns::kDiscoInfo) && type == "get") {
    if (payload.attr_or("node") == "x-roomuser-item") return room.on_reserved_nick_query(from);
    return room.on_disco_info(from);
  }
  if (payload.is("query", ns::kDiscoItems) && type == "get") {
    // XEP-0045 6.5 lets a room list its occupants; we keep nicks private to occupants.
    return std::optional<xml::Element>(xml::Element("query", std::string(ns::kDiscoItems)));
  }
  if (payload.is("query", ns::kMucAdmin)) {
    if (type == "get") {
      auto request = decode_admin_get(payload);
      if (auto* malformed = std::get_if<StanzaError>(&request)) return *malformed;
      return room.on_admin_get(from, std::get<AdminGetIn>(request));
    }
    auto request = decode_admin_set(payload, config_.limits);
    if (auto* malformed = std::get_if<StanzaError>(&request)) return *malformed;
    return submitted(room.decide_admin_set(from, std::get<AdminSetIn>(request)));
  }
  if (payload.is("query", ns::kMucOwner)) {
    if (type == "get") return room.on_owner_get(from);
    // Who may ask comes before what is asked: a non-owner is told it may not, whatever
    // its form holds (XEP-0045 10.2).
    if (auto refused = check_owner_action(room.affiliation_of(from))) return *refused;
    auto request = decode_owner_set(payload, config_.limits);
    if (auto* malformed = std::get_if<StanzaError>(&request)) return *malformed;
    return submitted(room.decide_owner_set(from, std::get<OwnerSetIn>(request)));
  }
  if (payload.is("query", ns::kRegister)) {
    if (type == "get") return room.on_register_get(from);
    auto request = decode_register_set(payload, config_.limits);
    if (auto* malformed = std::get_if<StanzaError>(&request)) return *malformed;
    return submitted(room.decide_register(from, std::get<RegisterSetIn>(request)));
  }
  if (payload.is("vCard", ns::kVcardTemp)) {
    if (type == "get") return room.on_vcard_get();
    auto request = decode_vcard_set(payload, config_.limits);
    if (auto* malformed = std::get_if<StanzaError>(&request)) return *malformed;
    return submitted(room.decide_vcard(from, std::get<VcardSetIn>(std::move(request))));
  }
  if (payload.ns() == ns::kMam) return archive_iq(room, iq, payload, from);
  if (payload.is("moderate", ns::kMessageModerate) && type == "set") {
    auto request = decode_moderate(payload, config_.limits);
    if (auto* malformed = std::get_if<StanzaError>(&request)) return *malformed;
    auto decided =
        room.decide_moderation(from, std::get<ModerateIn>(request), config_.stanza_ids(now), now);
    if (auto* refused = std::get_if<StanzaError>(&decided)) return *refused;
    submit_retraction(slot, std::get<Retraction>(std::move(decided)), iq);
    return Later{};
  }
  if (payload.is("ping", ns::kPing) && type == "get") return std::optional<xml::Element>();
  return StanzaError::service_unavailable();
}

}  // namespace muc
