// Owner use cases: configuration (XEP-0045 10.1, 10.2), the owner and admin lists carried
// in the configuration form (10.3-10.8), and destruction (10.9).
#include <fmt/format.h>

#include <algorithm>
#include <cassert>

#include "muc/privileges.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "muc/room_options.hpp"
#include "xml/writer.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::StanzaError;

namespace {
constexpr std::string_view kOwnersField = "muc#roomconfig_roomowners";
constexpr std::string_view kAdminsField = "muc#roomconfig_roomadmins";

void add_jid_list(xml::Element& form, std::string_view var, std::string_view label,
                  const std::map<std::string, Affiliation>& affiliations, Affiliation which) {
  const std::string data_ns(ns::kData);
  xml::Element& f = form.add("field", data_ns);
  f.set_attr("var", std::string(var)).set_attr("type", "jid-multi");
  f.set_attr("label", std::string(label));
  for (const auto& [jid, a] : affiliations) {
    if (a == which) f.add_text_child("value", data_ns, jid);
  }
}
}  // namespace

IqAnswer Room::on_owner_get(const xmpp::Jid& from) const {
  if (auto refused = check_owner_action(affiliation_of(from))) return *refused;
  xml::Element query("query", std::string(ns::kMucOwner));
  xml::Element& form = query.add(config_form(config_));
  add_jid_list(form, kAdminsField, "Room admins", affiliations_, Affiliation::admin);
  add_jid_list(form, kOwnersField, "Room owners", affiliations_, Affiliation::owner);
  return std::optional<xml::Element>(std::move(query));
}

std::variant<OwnerChange, StanzaError> Room::decide_owner_set(const xmpp::Jid& from,
                                                              const OwnerSetIn& request) const {
  if (auto refused = check_owner_action(affiliation_of(from))) return *refused;
  OwnerChange change;
  change.actor = from;
  change.kind = request.kind;
  if (request.kind == OwnerSetIn::Kind::destroy) {
    change.destroy = request.destroy;
    return change;
  }
  if (request.kind == OwnerSetIn::Kind::cancel) return change;
  auto next = apply_config_form(config_, request.fields);
  if (auto* refused = std::get_if<StanzaError>(&next)) return *refused;
  change.config = std::get<RoomConfig>(std::move(next));
  if (change.config.enable_archiving && !archive_available_) {
    // 10.1.3: a configuration the service cannot honour (nothing to keep the archive in).
    return StanzaError::not_acceptable("This service keeps no archive");
  }
  change.codes = config_change_codes(config_, change.config);
  if (auto e = decide_owner_lists(request.fields, change)) return *e;
  return change;
}

std::optional<StanzaError> Room::decide_owner_lists(const std::vector<FormField>& fields,
                                                    OwnerChange& change) const {
  // 10.2: roomowners / roomadmins carry the full lists; whoever is missing loses the
  // affiliation (to none), whoever is new gains it.
  change.affiliations.actor = change.actor;
  std::map<std::string, Affiliation> after = affiliations_;
  for (auto [var, which] :
       {std::pair{kOwnersField, Affiliation::owner}, std::pair{kAdminsField, Affiliation::admin}}) {
    const FormField* field = nullptr;
    for (const FormField& f : fields) {
      if (f.var == var) field = &f;
    }
    if (field == nullptr) continue;
    std::vector<std::string> listed;
    for (const std::string& v : field->values) {
      std::optional<xmpp::Jid> j = xmpp::Jid::parse(v);
      if (!j) return StanzaError::jid_malformed("The " + std::string(var) + " list has a bad JID");
      listed.push_back(j->bare_str());
    }
    for (const auto& [jid, a] : affiliations_) {
      bool kept = std::find(listed.begin(), listed.end(), jid) != listed.end();
      if (a == which && !kept) after[jid] = Affiliation::none;
    }
    for (const std::string& jid : listed) after[jid] = which;
  }
  for (const auto& [jid, a] : after) {
    Affiliation before = affiliations_.count(jid) ? affiliations_.at(jid) : Affiliation::none;
    if (a != before) change.affiliations.affiliations.push_back({jid, before, a, {}});
  }
  return check_keeps_owner(after);
}

void Room::apply_owner(const OwnerChange& change, Effects& fx) {
  switch (change.kind) {
    case OwnerChange::Kind::destroy: {
      Tombstone t{{}, change.destroy.alternate, change.destroy.reason, {}};
      for (const auto& [jid, a] : affiliations_) {
        if (a == Affiliation::owner) t.owners.push_back(jid);
      }
      destroy(change.destroy, fx);
      tombstone_ = std::move(t);
      return;
    }
    case OwnerChange::Kind::cancel:
      // 10.1.3: cancelling the initial configuration destroys the new room; cancelling a
      // later one changes nothing.
      if (locked_) destroy(DestroyRequest{}, fx);
      return;
    case OwnerChange::Kind::configure:
      break;
  }
  std::vector<Eviction> evictions = config_evictions(config_, change.config);
  // 10.1.3: the initial configuration creates the room; there is nothing to announce yet.
  bool initial = locked_;
  config_ = change.config;
  history_.trim(config_.history_length);
  // 10.1.2 / 10.1.3: an empty submit accepts the defaults (instant room); either way the
  // room now opens.
  locked_ = false;
  apply_admin(change.affiliations, fx);
  for (const Eviction& e : evictions) {
    // 10.2: e.g. a room turned members-only removes every non-member, with 322.
    std::vector<std::string> outsiders;
    for (const auto& [nick, o] : occupants_) {
      if (o.affiliation < e.below) outsiders.push_back(nick);
    }
    for (const std::string& nick : outsiders) {
      remove_occupant(nick, {e.code}, Affiliation::none, ItemDetail{}, fx);
    }
  }
  if (!change.codes.empty() && !initial) announce_config_change(change.codes, fx);
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

void Room::destroy_unconfigured(Effects& fx) {
  assert(locked_);
  DestroyRequest abandoned;
  abandoned.reason = fmt::format("The room was not configured within {} seconds",
                                 limits_->locked_room_timeout.count());
  destroy(abandoned, fx);
}

void Room::destroy(const DestroyRequest& request, Effects& fx) {
  // 10.9: every occupant gets an unavailable presence with <destroy/> (alternate venue and
  // reason as the owner gave them), then the room is gone and its address free.
  PresenceSpec spec;
  spec.unavailable = true;
  spec.removed_affiliation = Affiliation::none;
  spec.destroyed = &request;
  for (const auto& [nick, o] : occupants_) {
    // As in the XEP's example 201: the item (no jid) and <destroy/>, no 110.
    auto stanza = build_presence(o, spec, false, nullptr);
    for (const xmpp::Jid& s : o.sessions) fx.send(stanza, s.str());
  }
  occupants_.clear();
  nick_by_key_.clear();
  nick_by_session_.clear();
  sessions_changed();
  destroyed_ = true;
}

}  // namespace muc
