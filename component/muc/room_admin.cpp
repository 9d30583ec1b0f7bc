// Moderator and admin use cases through muc#admin (XEP-0045 8.2-8.5, 9.1-9.7, 10.3-10.8):
// reading role and affiliation lists, and changing them, all or nothing.
#include "muc/options/members_only.hpp"
#include "muc/privileges.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::StanzaError;

IqAnswer Room::on_admin_get(const xmpp::Jid& from, const AdminGetIn& request) const {
  const Party actor = party_of(from);
  const std::string admin_ns(ns::kMucAdmin);
  xml::Element result("query", admin_ns);
  if (const Role* role = std::get_if<Role>(&request.list)) {
    if (auto e = check_role_list(actor, *role)) return *e;
    bool jids = sees_real_jids(actor, config_);
    for (const auto& [nick, o] : occupants_) {
      if (o.role != *role) continue;
      xml::Element& i = result.add("item", admin_ns);
      i.set_attr("affiliation", std::string(to_string(o.affiliation)));
      if (jids) i.set_attr("jid", o.sessions.front().str());
      i.set_attr("nick", nick).set_attr("role", std::string(to_string(o.role)));
    }
    return std::optional<xml::Element>(std::move(result));
  }
  const Affiliation list = std::get<Affiliation>(request.list);
  if (auto e = check_affiliation_list(actor, list, config_)) return *e;
  for (const auto& [jid, a] : affiliations_) {
    if (a != list) continue;
    result.add("item", admin_ns)
        .set_attr("affiliation", std::string(to_string(a)))
        .set_attr("jid", jid);
  }
  return std::optional<xml::Element>(std::move(result));
}

std::variant<AdminChange, StanzaError> Room::decide_admin_set(const xmpp::Jid& from,
                                                              const AdminSetIn& request) const {
  AdminChange change;
  change.actor = from;
  if (const Occupant* actor = occupant_by_session(from)) change.actor_nick = actor->nick;
  const Party me = party_of(from);
  for (const auto& item : request.items) {
    auto error = std::holds_alternative<RoleItem>(item)
                     ? decide_role_item(from, me, std::get<RoleItem>(item), change)
                     : decide_affiliation_item(from, me, std::get<AffiliationItem>(item), change);
    if (error) return *error;
  }
  // 10.7: after the whole batch the room must still have an owner.
  std::map<std::string, Affiliation> after = affiliations_;
  for (const AffiliationChange& c : change.affiliations) after[c.jid] = c.to;
  if (auto e = check_keeps_owner(after)) return *e;
  return change;
}

std::optional<StanzaError> Room::decide_role_item(const xmpp::Jid& from, const Party& me,
                                                  const RoleItem& item, AdminChange& change) const {
  if (me.role != Role::moderator) return check_role_change(me, Party{}, item.role, false);
  auto target = occupants_.find(item.nick);
  if (target == occupants_.end()) return StanzaError::item_not_found("No occupant has that nick");
  const Occupant& t = target->second;
  // The target's effective affiliation decides (a service admin is an owner everywhere).
  const Party them{t.role, affiliation_of(t.bare)};
  if (auto e = check_role_change(me, them, item.role, t.bare == from.bare())) return e;
  change.roles.push_back({item.nick, item.role, item.reason});
  return std::nullopt;
}

std::optional<StanzaError> Room::decide_affiliation_item(const xmpp::Jid& from, const Party& me,
                                                         const AffiliationItem& item,
                                                         AdminChange& change) const {
  // Affiliations belong to bare JIDs (XEP-0045 5.2): a full JID is reduced.
  std::string bare = item.jid.bare_str();
  Affiliation current = affiliations_.count(bare) ? affiliations_.at(bare) : Affiliation::none;
  // The decision is on the target's effective affiliation: a service admin owns every room
  // whatever its list says, so an admin cannot ban one (ejabberd's can_change_ra agrees).
  if (auto e = check_affiliation_change(me.affiliation, affiliation_of(item.jid), item.affiliation,
                                        bare == from.bare_str())) {
    return e;
  }
  change.affiliations.push_back({bare, current, item.affiliation, item.reason});
  return std::nullopt;
}

void Room::apply_admin(const AdminChange& change, Effects& fx) {
  for (const RoleChange& c : change.roles) apply_role(c, change, fx);
  for (const AffiliationChange& c : change.affiliations) apply_affiliation(c, change, fx);
}

void Room::apply_role(const RoleChange& c, const AdminChange& change, Effects& fx) {
  Occupant* o = occupant_by_nick(c.nick);
  if (o == nullptr) return;  // left since the decision; nothing to change
  const ItemDetail detail{change.actor_nick, c.reason};
  if (c.to == Role::none) {
    remove_occupant(c.nick, {307}, o->affiliation, detail, fx, true);  // 8.2 kick
    return;
  }
  const bool could_see = sees_jids(*o);
  o->role = c.to;
  o->touch();
  PresenceSpec spec;
  spec.payload = &o->payload_xml;
  spec.detail = detail;
  broadcast_presence(*o, spec, fx);
  for (const xmpp::Jid& s : o->sessions) send_self_presence(*o, s, spec, fx);
  if (!could_see) reveal_jids(*o, fx);
}

void Room::reveal_jids(const Occupant& o, Effects& fx) const {
  // An occupant who now sees real JIDs (made moderator in a semi-anonymous room) gets the
  // presence of everyone already here again, with their JIDs (XEP-0045 7.2.4: moderators
  // see them), as Prosody does; otherwise it would know only those who came later.
  if (!sees_jids(o)) return;
  auto me = std::make_shared<xml::Recipients>();
  for (const xmpp::Jid& s : o.sessions) me->add(s.str());
  for (const auto& [nick, other] : occupants_) {
    if (nick != o.nick) fx.broadcast(shown_presence(other, true), me);
  }
}

void Room::apply_affiliation(const AffiliationChange& c, const AdminChange& change, Effects& fx,
                             bool raise_role) {
  if (c.to == Affiliation::none) {
    affiliations_.erase(c.jid);
  } else {
    affiliations_[c.jid] = c.to;
  }
  if (c.to == Affiliation::outcast) registered_nicks_.erase(c.jid);  // XEP-0045 9.1
  const ItemDetail detail{change.actor_nick, c.reason};
  std::vector<std::string> present;
  // A domain's affiliation (its jid has no '@') is every one of its users' that has none of
  // its own (affiliation_of), so it reaches them in the room too.
  const bool domain = c.jid.find('@') == std::string::npos;
  for (const auto& [nick, o] : occupants_) {
    const bool covered = domain
                             ? o.bare.domain() == c.jid && !affiliations_.count(o.bare.bare_str())
                             : o.bare.bare_str() == c.jid;
    if (covered) present.push_back(nick);
  }
  for (const std::string& nick : present) {
    Occupant& o = occupants_.at(nick);
    // What the user is now, effectively: a service admin stays an owner, a user whose own
    // affiliation went away falls back to its domain's.
    const Affiliation before = o.affiliation;
    const Affiliation now = affiliation_of(o.bare);
    if (now == Affiliation::outcast) {
      remove_occupant(nick, {301}, Affiliation::outcast, detail, fx, true);  // 9.1 ban
      continue;
    }
    if (!options::members_only_admits(config_, now)) {
      remove_occupant(nick, {321}, now, detail, fx);  // 9.4 removed from members-only
      continue;
    }
    // 5.2 / 9.3-9.7: the role follows the new affiliation; a member who was a visitor
    // gains voice, a demoted admin loses moderation.
    Role role = default_role(now, config_.moderated);
    if (before < Affiliation::admin && now < Affiliation::admin && (o.role > role || !raise_role)) {
      role = o.role;
    }
    const bool could_see = sees_jids(o);
    o.affiliation = now;
    o.role = role;
    o.touch();
    PresenceSpec spec;
    spec.payload = &o.payload_xml;
    spec.detail = detail;
    broadcast_presence(o, spec, fx);
    for (const xmpp::Jid& s : o.sessions) send_self_presence(o, s, spec, fx);
    if (!could_see) reveal_jids(o, fx);
  }
  if (present.empty()) {
    // 9.3 and on: a user changed while away learns of it by a message with 101.
    std::string x_ns(ns::kMucUser);
    xml::Element m("message", std::string(ns::kComponent));
    m.set_attr("from", jid_str_).set_attr("to", c.jid);
    xml::Element& x = m.add("x", x_ns);
    x.add("item", x_ns)
        .set_attr("affiliation", std::string(to_string(c.to)))
        .set_attr("jid", c.jid);
    x.add("status", x_ns).set_attr("code", "101");
    fx.send(m);
  }
}

void Room::remove_occupant(const std::string& nick, std::vector<int> codes, Affiliation shown,
                           const ItemDetail& detail, Effects& fx, bool answer_between) {
  auto it = occupants_.find(nick);
  if (it == occupants_.end()) return;
  unindex_nick(it->first);
  Occupant gone = std::move(it->second);
  occupants_.erase(it);
  sessions_changed();
  for (const xmpp::Jid& s : gone.sessions) nick_by_session_.erase(s.str());
  PresenceSpec spec;
  spec.unavailable = true;
  spec.codes = std::move(codes);
  spec.removed_affiliation = shown;
  spec.detail = detail;
  // XEP-0045 8.2 / 9.1: the removed user is told first, its copy carrying 110 beside the
  // reason code (as in the XEP's kick example); "then" the actor is told of success (the
  // iq result, placed here: Effects::answer_at), "then" the remaining occupants.
  for (const xmpp::Jid& s : gone.sessions) send_self_presence(gone, s, spec, fx);
  if (answer_between && !fx.answer_at) fx.answer_at = fx.out.size();
  broadcast_presence(gone, spec, fx);
  relay_target_left(gone, fx);  // what was relayed to it will not be answered now
}

}  // namespace muc
