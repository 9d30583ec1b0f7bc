// Occupant presence stanzas (XEP-0045 7.2.3 and on): built as text once per variant
// (with or without the real JID) and shared by every recipient of that variant.
#include <algorithm>

#include "muc/privileges.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

std::shared_ptr<const xml::Prepared> Room::build_presence(const Occupant& o,
                                                          const PresenceSpec& spec, bool with_jid,
                                                          const xmpp::Jid* self) const {
  auto p = std::make_shared<xml::Prepared>();
  p->head = "<presence to='";
  std::string& t = p->tail;
  t.reserve(256 + o.payload_xml.size());
  t += "' from='";
  xml::escape_attr(occupant_jid(o.nick), t);
  t += '\'';
  if (self != nullptr && !spec.id.empty()) {
    t += " id='";
    xml::escape_attr(spec.id, t);
    t += '\'';
  }
  if (spec.unavailable) t += " type='unavailable'";
  t += '>';
  if (spec.payload != nullptr) t += *spec.payload;
  t += "<x xmlns='";
  t += ns::kMucUser;
  t += "'><item affiliation='";
  t += to_string(spec.unavailable && spec.removed_affiliation ? *spec.removed_affiliation
                                                              : o.affiliation);
  t += "' role='";
  // XEP-0045 7.6 example 53: a nick change (303) keeps the role; other exits are role none.
  t += to_string(spec.unavailable && spec.new_nick.empty() ? Role::none : o.role);
  t += '\'';
  if (with_jid) {
    t += " jid='";
    xml::escape_attr(self != nullptr ? self->str() : o.sessions.front().str(), t);
    t += '\'';
  }
  if (!spec.new_nick.empty()) {
    t += " nick='";
    xml::escape_attr(spec.new_nick, t);
    t += '\'';
  }
  const ItemDetail& d = spec.detail;
  if (d.actor_nick.empty() && d.reason.empty()) {
    t += "/>";
  } else {
    // XEP-0045 8.2 / 9.1: <actor nick/> and <reason/> inside the item.
    t += '>';
    if (!d.actor_nick.empty()) {
      t += "<actor nick='";
      xml::escape_attr(d.actor_nick, t);
      t += "'/>";
    }
    if (!d.reason.empty()) {
      t += "<reason>";
      xml::escape_text(d.reason, t);
      t += "</reason>";
    }
    t += "</item>";
  }
  std::vector<int> codes = spec.codes;
  if (self != nullptr) {
    codes.insert(codes.end(), spec.self_codes.begin(), spec.self_codes.end());
    codes.push_back(110);
  }
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  for (int code : codes) {
    t += "<status code='";
    t += std::to_string(code);
    t += "'/>";
  }
  if (const DestroyRequest* r = spec.destroyed) {
    // 10.9: the alternate venue, its password and the reason, as the owner gave them.
    t += "<destroy";
    if (!r->alternate.empty()) {
      t += " jid='";
      xml::escape_attr(r->alternate, t);
      t += '\'';
    }
    if (r->password.empty() && r->reason.empty()) {
      t += "/>";
    } else {
      t += '>';
      if (!r->password.empty()) {
        t += "<password>";
        xml::escape_text(r->password, t);
        t += "</password>";
      }
      if (!r->reason.empty()) {
        t += "<reason>";
        xml::escape_text(r->reason, t);
        t += "</reason>";
      }
      t += "</destroy>";
    }
  }
  t += "</x>";
  if (!o.occupant_id.empty()) {
    // XEP-0421 3.1: on every presence the room sends on the occupant's behalf.
    t += "<occupant-id xmlns='";
    t += ns::kOccupantId;
    t += "' id='";
    xml::escape_attr(o.occupant_id, t);
    t += "'/>";
  }
  t += "</presence>";
  return p;
}

bool Room::presence_broadcast_for(Role role) const {
  const RoleSet& pb = config_.presence_broadcast;
  return (role == Role::moderator && pb.moderator) ||
         (role == Role::participant && pb.participant) || (role == Role::visitor && pb.visitor);
}

bool Room::crowded() const {
  return limits_->max_users_presence != 0 && occupants_.size() > limits_->max_users_presence;
}

bool Room::sees_jids(const Occupant& viewer) const {
  return sees_real_jids(Party{viewer.role, viewer.affiliation}, config_);
}

void Room::broadcast_presence(const Occupant& o, const PresenceSpec& spec, Effects& fx) const {
  // XEP-0045 muc#roomconfig_presencebroadcast: only presence of these roles is broadcast;
  // an unavailable presence always goes out, so others never keep a ghost.
  bool broadcast = spec.unavailable || presence_broadcast_for(o.role);
  // A crowded room keeps plain presence of non-moderators among moderators (ServiceLimits).
  if (crowded() && o.role != Role::moderator && spec.codes.empty()) broadcast = false;
  // Two variants at most (with and without the real JID), each built once and sent to one
  // list of addresses: a presence to N occupants allocates nothing per recipient.
  auto plain = std::make_shared<xml::Recipients>();
  auto with_jid = std::make_shared<xml::Recipients>();
  for (const auto& [nick, viewer] : occupants_) {
    if (nick == o.nick) continue;
    if (!broadcast && viewer.role != Role::moderator) continue;
    xml::Recipients& list = sees_jids(viewer) ? *with_jid : *plain;
    for (const std::string& address : viewer.addresses) list.add_escaped(address);
  }
  if (with_jid->size() > 0)
    fx.broadcast(build_presence(o, spec, true, nullptr), std::move(with_jid));
  if (plain->size() > 0) fx.broadcast(build_presence(o, spec, false, nullptr), std::move(plain));
}

std::shared_ptr<const xml::Prepared> Room::shown_presence(const Occupant& o, bool with_jid) const {
  auto& cached = with_jid ? o.shown_jid : o.shown_plain;
  if (!cached) {
    PresenceSpec spec;
    spec.payload = &o.payload_xml;
    cached = build_presence(o, spec, with_jid, nullptr);
  }
  return cached;
}

void Room::send_self_presence(const Occupant& o, const xmpp::Jid& session, const PresenceSpec& spec,
                              Effects& fx) const {
  fx.send(build_presence(o, spec, true, &session), session.str());
}

}  // namespace muc
