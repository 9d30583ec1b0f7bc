// A room's reserved nicks (XEP-0045 7.10, 7.12): one per bare JID, one holder per nick, both
// ways indexed, so that the check on every join is a lookup and not a scan of every
// registration.
#pragma once

#include <map>
#include <string>

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
  // The bare JID that reserved `nick`, or empty.
  std::string holder_of(const std::string& nick) const {
    auto it = by_nick_.find(nick);
    return it == by_nick_.end() ? std::string() : it->second;
  }
  // Reserves `nick` for `jid`, releasing the nick it held before.
  void set(const std::string& jid, const std::string& nick) {
    erase(jid);
    by_jid_[jid] = nick;
    by_nick_[nick] = jid;
  }
  void erase(const std::string& jid) {
    auto it = by_jid_.find(jid);
    if (it == by_jid_.end()) return;
    by_nick_.erase(it->second);
    by_jid_.erase(it);
  }
  std::size_t size() const { return by_jid_.size(); }
  const std::map<std::string, std::string>& by_jid() const { return by_jid_; }

 private:
  std::map<std::string, std::string> by_jid_;   // bare JID -> nick
  std::map<std::string, std::string> by_nick_;  // nick -> bare JID
};

}  // namespace muc
