// One occupant of a room: a nick, the bare JID behind it, and the sessions (full JIDs)
// that share it (XEP-0045 7.2: several resources of one user may share a nick).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "muc/affiliation.hpp"
#include "muc/token_bucket.hpp"
#include "xml/writer.hpp"
#include "xmpp/jid.hpp"

namespace muc {

// A number no other occupant of this process had: an occupant keeps it across nick changes,
// so what waits on it (a relayed iq) knows when it leaves. The loop thread makes occupants.
inline std::uint64_t next_occupant_serial() {
  static std::uint64_t last = 0;
  return ++last;
}

struct Occupant {
  std::uint64_t serial = next_occupant_serial();
  std::string nick;
  xmpp::Jid bare;
  std::string occupant_id;             // XEP-0421, of `bare` in this room (Room::occupant_id_of)
  std::vector<xmpp::Jid> sessions;     // never empty while the occupant is in the room
  std::vector<std::string> addresses;  // sessions[i], escaped for an attribute, in step
  Role role = Role::none;
  Affiliation affiliation = Affiliation::none;
  std::string payload_xml;  // latest presence children (show, status, ...), serialised once
  // This occupant's current presence as others see it, without and with its real JID,
  // built on first need and shared by every join until touch() (its role, affiliation,
  // nick, payload or first session changed): a join into a room of N costs no N builds.
  mutable std::shared_ptr<const xml::Prepared> shown_plain;
  mutable std::shared_ptr<const xml::Prepared> shown_jid;
  // Rate limits (ServiceLimits::message_rate, presence_rate); a new occupant starts full.
  TokenBucket message_tokens;
  TokenBucket presence_tokens;
  // When its held presence change goes out (Room::hold_presence); the epoch: none held.
  std::chrono::system_clock::time_point held_until{};
  std::chrono::system_clock::time_point asked_voice{};  // the last voice request (7.13)

  void touch() {
    shown_plain.reset();
    shown_jid.reset();
  }
  void add_session(const xmpp::Jid& s) {
    sessions.push_back(s);
    std::string escaped;
    xml::escape_attr(s.str(), escaped);
    addresses.push_back(std::move(escaped));
    touch();
  }
  void remove_session(const xmpp::Jid& s) {
    auto it = std::find(sessions.begin(), sessions.end(), s);
    if (it == sessions.end()) return;
    addresses.erase(addresses.begin() + (it - sessions.begin()));
    sessions.erase(it);
    touch();
  }
};

}  // namespace muc
