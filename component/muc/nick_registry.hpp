// A room's reserved nicks (XEP-0045 7.10, 7.12): one per bare JID, one holder per look of a
// nick (xmpp::nick_key: "Alice" reserves "alice" too), both ways indexed, so that the check
// on every join is a lookup and not a scan of every registration.
#pragma once

#include <map>
#include <string>

#include "xmpp/nickname.hpp"

namespace muc {

class NickRegistry {
 public:
  NickRegistry() = default;
  explicit NickRegistry(const std::map<std::string, std::string>& by_jid) {
    for (const auto& [jid, nick] : by_jid) set(jid, nick);
  }

  // The nick `jid` reserved, or null.
  const std::string* nick_of(const std::string& jid) const {
    auto it = by_jid_.find(jid);
    return it == by_jid_.end() ? nullptr : &it->second;
  }
  // The bare JID that reserved `nick` or a nick that looks like it, or empty.
  std::string holder_of(const std::string& nick) const {
    auto it = by_key_.find(xmpp::nick_key(nick));
    return it == by_key_.end() ? std::string() : it->second;
  }
  // Reserves `nick` for `jid`, releasing the nick it held before.
  void set(const std::string& jid, const std::string& nick) {
    erase(jid);
    by_jid_[jid] = nick;
    by_key_[xmpp::nick_key(nick)] = jid;
  }
  void erase(const std::string& jid) {
    auto it = by_jid_.find(jid);
    if (it == by_jid_.end()) return;
    auto key = by_key_.find(xmpp::nick_key(it->second));
    // Rows stored before nicks were compared by look may share one; keep the other's.
    if (key != by_key_.end() && key->second == jid) by_key_.erase(key);
    by_jid_.erase(it);
  }
  std::size_t size() const { return by_jid_.size(); }
  const std::map<std::string, std::string>& by_jid() const { return by_jid_; }

 private:
  std::map<std::string, std::string> by_jid_;  // bare JID -> nick
  std::map<std::string, std::string> by_key_;  // nick_key -> bare JID
};

}  // namespace muc
