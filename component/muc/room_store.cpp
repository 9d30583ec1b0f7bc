// A room and the database: bringing a stored room back from a snapshot, the store
// operations that make a change durable, and applying a change once it is committed.
#include <variant>

#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xml/parser.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

void affiliation_ops(const AdminChange& change, const std::string& room, StoreTime now,
                     std::vector<StoreOp>& ops, std::string_view why = {}) {
  std::string actor = change.actor.bare_str();
  for (const AffiliationChange& c : change.affiliations) {
    std::string reason = c.reason.empty() ? std::string(why) : c.reason;
    ops.push_back(SetAffiliation{room, c.jid, c.to, reason, actor, now});
    // XEP-0045 9.1: a ban also removes the user's reserved nick (an empty nick unregisters).
    if (c.to == Affiliation::outcast) ops.push_back(RegisterNick{room, c.jid, {}, now});
    ops.push_back(Audit{room, actor, "affiliation", c.jid, std::string(to_string(c.from)),
                        std::string(to_string(c.to)), reason, now});
  }
}

}  // namespace

Room::Room(xmpp::Jid room_jid, const RoomSnapshot& snapshot,
           const std::vector<std::string>& service_admins)
    : jid_(std::move(room_jid)),
      jid_str_(jid_.str()),
      service_admins_(&service_admins),
      config_(snapshot.config),
      locked_(false),
      registered_nicks_(snapshot.registered_nicks),
      subject_(snapshot.subject),
      subject_nick_(snapshot.subject_nick),
      subject_at_(snapshot.subject_at),
      vcard_xml_(snapshot.vcard_xml),
      avatar_hashes_(snapshot.avatar_hashes),
      subject_by_(snapshot.subject_by),
      creator_(snapshot.creator) {
  for (const auto& [jid, a] : snapshot.affiliations) affiliations_[jid] = a.affiliation;
  xml::NamespaceContext scope;
  scope.default_ns = std::string(ns::kComponent);
  for (const StoredMessage& m : snapshot.history) {
    // The archive keeps the message as broadcast; history adds when it was sent.
    auto parsed = xml::parse_stanza(m.stanza_xml, scope);
    if (auto* e = std::get_if<xml::Element>(&parsed)) {
      e->remove_attr("to");
      remember(history_entry(std::move(*e), m.at));
    }
  }
}

void Room::apply(const Change& change, Effects& fx) {
  std::visit(Overloaded{[&](const AdminChange& c) { apply_admin(c, fx); },
                        [&](const OwnerChange& c) { apply_owner(c, fx); },
                        [&](const RegistrationChange& c) { apply_register(c, fx); },
                        [&](const InviteChange& c) { apply_invite(c, fx); },
                        [&](const SubjectChange& c) { apply_subject(c, fx); },
                        [&](const VcardChange& c) { apply_vcard(c, fx); }},
             change);
  if (destroyed_) {
    // XEP-0045 10.9: every occupant left with the room, so nothing relayed to one of them
    // will be answered (RFC 6120 8.3.3.13).
    fail_relays(xmpp::StanzaError{"wait", "recipient-unavailable", "The room was destroyed"}, fx);
  }
}

std::vector<StoreOp> Room::snapshot_ops(StoreTime now) const {
  std::vector<StoreOp> ops;
  ops.push_back(SaveRoom{jid_str_, creator_, config_, now});
  for (const auto& [jid, a] : affiliations_) {
    ops.push_back(SetAffiliation{jid_str_, jid, a, {}, creator_, now});
  }
  for (const auto& [jid, nick] : registered_nicks_.by_jid()) {
    ops.push_back(RegisterNick{jid_str_, jid, nick, now});
  }
  if (!subject_.empty()) {
    ops.push_back(SetSubject{jid_str_, subject_, subject_nick_, subject_by_, subject_at_});
  }
  if (!vcard_xml_.empty()) ops.push_back(SetVcard{jid_str_, vcard_xml_, avatar_hashes_, {}, now});
  return ops;
}

std::vector<StoreOp> Room::store_ops(const Change& change, StoreTime now) const {
  std::vector<StoreOp> ops;
  if (const auto* owner = std::get_if<OwnerChange>(&change)) {
    std::string actor = owner->actor.bare_str();
    switch (owner->kind) {
      case OwnerChange::Kind::configure: {
        bool will_be_stored = owner->config.persistent || owner->config.recorded();
        if (!has_rows() && !will_be_stored) return ops;
        if (has_rows() && !will_be_stored) {
          // No longer persistent nor recorded: the room lives on in memory only, so its row
          // is retired now; a later load must not bring back this state (its trail stays).
          ops.push_back(DestroyRoom{jid_str_, "no longer persistent", {}, actor, now});
          ops.push_back(Audit{jid_str_, actor, "config", {}, "stored", "temporary", {}, now});
          return ops;
        }
        if (!has_rows()) ops = snapshot_ops(now);  // the room's first rows
        ops.push_back(SaveRoom{jid_str_, creator_, owner->config, now});
        affiliation_ops(owner->affiliations, jid_str_, now, ops);
        std::string codes;
        for (int c : owner->codes) codes += (codes.empty() ? "" : " ") + std::to_string(c);
        ops.push_back(Audit{jid_str_, actor, "config", {}, {}, codes, {}, now});
        return ops;
      }
      case OwnerChange::Kind::destroy:
        if (!has_rows()) return ops;
        ops.push_back(DestroyRoom{jid_str_, owner->destroy.reason, owner->destroy.alternate, actor,
                                  now, true});
        ops.push_back(Audit{jid_str_,
                            actor,
                            "destroy",
                            {},
                            {},
                            owner->destroy.alternate,
                            owner->destroy.reason,
                            now});
        return ops;
      case OwnerChange::Kind::cancel:
        return ops;  // only a locked (never stored) room is affected
    }
  }
  if (!has_rows()) return ops;
  std::visit(
      Overloaded{[&](const AdminChange& c) {
                   affiliation_ops(c, jid_str_, now, ops);
                   std::string actor = c.actor.bare_str();
                   for (const RoleChange& r : c.roles) {
                     auto it = occupants_.find(r.nick);
                     std::string old =
                         it == occupants_.end() ? "" : std::string(to_string(it->second.role));
                     ops.push_back(Audit{jid_str_, actor, "role", r.nick, old,
                                         std::string(to_string(r.to)), r.reason, now});
                   }
                 },
                 [&](const RegistrationChange& c) {
                   if (c.unchanged) return;
                   ops.push_back(RegisterNick{jid_str_, c.jid, c.nick, now});
                   if (c.grant_membership) {
                     ops.push_back(SetAffiliation{jid_str_, c.jid, Affiliation::member,
                                                  "nick registration", c.jid, now});
                   }
                   ops.push_back(Audit{jid_str_, c.jid, "register", c.jid, {}, c.nick, {}, now});
                 },
                 [&](const InviteChange& c) {
                   affiliation_ops(c.memberships, jid_str_, now, ops, "invitation");
                 },
                 [&](const SubjectChange& c) {
                   ops.push_back(SetSubject{jid_str_, c.text, c.nick, c.actor.bare_str(), now});
                   if (keeps_messages()) ops.push_back(subject_row(c, now));
                 },
                 [&](const VcardChange& c) {
                   std::string actor = c.actor.bare_str();
                   ops.push_back(SetVcard{jid_str_, c.vcard.xml, c.vcard.hashes, actor, now});
                   std::string hashes;
                   for (const std::string& h : c.vcard.hashes) {
                     hashes += (hashes.empty() ? "" : " ") + h;
                   }
                   ops.push_back(Audit{jid_str_, actor, "avatar", {}, {}, hashes, {}, now});
                 },
                 [&](const OwnerChange&) {}},
      change);
  return ops;
}

}  // namespace muc
