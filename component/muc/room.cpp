#include "muc/room.hpp"

#include <algorithm>
#include <cassert>

#include "muc/options/members_only.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/nickname.hpp"

namespace muc {

Room::Room(xmpp::Jid room_jid, RoomConfig config, const xmpp::Jid& creator,
           const std::vector<std::string>& service_admins)
    : jid_(std::move(room_jid)),
      jid_str_(jid_.str()),
      service_admins_(&service_admins),
      config_(std::move(config)),
      creator_(creator.bare_str()) {
  // XEP-0045 10.1.1: the creator is the room's first owner.
  affiliations_[creator_] = Affiliation::owner;
}

Affiliation Room::affiliation_of(const xmpp::Jid& jid) const {
  std::string bare = jid.bare_str();
  // Service administrators own every room (issue: service-level policy).
  if (std::find(service_admins_->begin(), service_admins_->end(), bare) != service_admins_->end()) {
    return Affiliation::owner;
  }
  auto it = affiliations_.find(bare);
  if (it != affiliations_.end()) return it->second;
  // XEP-0045 9.1: an item whose jid is a domain (<item affiliation='outcast'
  // jid='evil.example'/>) applies to every user of that domain, as in Prosody.
  it = affiliations_.find(jid.domain());
  return it == affiliations_.end() ? Affiliation::none : it->second;
}

std::optional<xmpp::StanzaError> Room::hidden_from(const xmpp::Jid& who) const {
  return check_locked_room(locked_, affiliation_of(who));
}

std::string Room::invariant_violation() const {
  // 10.7: a room always has an owner (service admins own every room besides).
  bool owner = std::any_of(affiliations_.begin(), affiliations_.end(),
                           [](const auto& a) { return a.second == Affiliation::owner; });
  if (!owner && service_admins_->empty()) return "no owner";
  std::size_t sessions = 0;
  for (const auto& [nick, o] : occupants_) {
    if (o.nick != nick) return "occupant " + nick + " is filed under another nick";
    if (o.sessions.empty() || o.sessions.size() != o.addresses.size()) {
      return "occupant " + nick + " has no sessions or stale addresses";
    }
    sessions += o.sessions.size();
    for (const xmpp::Jid& s : o.sessions) {
      auto it = nick_by_session_.find(s.str());
      if (it == nick_by_session_.end() || it->second != nick) {
        return "session " + s.str() + " is not indexed under " + nick;
      }
    }
    const Affiliation effective = affiliation_of(o.bare);
    if (o.affiliation != effective) return "occupant " + nick + " holds a stale affiliation";
    if (effective == Affiliation::outcast) return "outcast " + nick + " is an occupant";  // 9.1
    if (o.role == Role::none) return "occupant " + nick + " has role none";
    // 5.1.2: admins and owners are moderators while they are in the room.
    if (effective >= Affiliation::admin && o.role != Role::moderator) {
      return "admin or owner " + nick + " is not a moderator";
    }
    if (!options::members_only_admits(config_, effective)) {
      return "non-member " + nick + " is in a members-only room";
    }
  }
  if (sessions != nick_by_session_.size()) return "sessions index has extra entries";
  return {};
}

Party Room::party_of(const xmpp::Jid& from) const {
  const Occupant* o = occupant_by_session(from);
  return Party{o ? o->role : Role::none, affiliation_of(from)};
}

Occupant* Room::occupant_by_session(const xmpp::Jid& session) {
  auto it = nick_by_session_.find(session.str());
  if (it == nick_by_session_.end()) return nullptr;
  return &occupants_.at(it->second);
}

const Occupant* Room::occupant_by_session(const xmpp::Jid& session) const {
  auto it = nick_by_session_.find(session.str());
  if (it == nick_by_session_.end()) return nullptr;
  return &occupants_.at(it->second);
}

Occupant* Room::occupant_by_nick(const std::string& nick) {
  auto it = occupants_.find(nick);
  return it == occupants_.end() ? nullptr : &it->second;
}

const Occupant* Room::occupant_like(const std::string& nick) const {
  auto key = nick_by_key_.find(xmpp::nick_key(nick));
  if (key == nick_by_key_.end()) return nullptr;
  auto it = occupants_.find(key->second);
  assert(it != occupants_.end());
  return &it->second;
}

void Room::index_nick(const std::string& nick) {
  [[maybe_unused]] bool fresh = nick_by_key_.emplace(xmpp::nick_key(nick), nick).second;
  assert(fresh);  // callers check occupant_like first
}

void Room::unindex_nick(const std::string& nick) {
  [[maybe_unused]] auto erased = nick_by_key_.erase(xmpp::nick_key(nick));
  assert(erased == 1);
}

std::string Room::occupant_jid(const std::string& nick) const {
  std::string out;
  out.reserve(jid_str_.size() + 1 + nick.size());
  out += jid_str_;
  out += '/';
  out += nick;
  return out;
}

void Room::send_to_all(const std::shared_ptr<const xml::Prepared>& stanza, Effects& fx) const {
  if (occupants_.empty()) return;
  if (!everyone_) {
    auto list = std::make_shared<xml::Recipients>();
    for (const auto& [nick, o] : occupants_) {
      for (const xmpp::Jid& s : o.sessions) list->add(s.str());
    }
    everyone_ = std::move(list);
  }
  fx.broadcast(stanza, everyone_);
}

}  // namespace muc
