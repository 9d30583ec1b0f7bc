// What a room destroyed by its owner leaves at its address (XEP-0045 10.9): for
// ServiceLimits::tombstone_time, stanzas to the address are answered cancel/gone, naming the
// alternate venue when the owner gave one (RFC 6120 8.3.3.5: the new address as an XMPP
// URI), so clients move their bookmarks instead of creating the room again; its owners may
// create it again sooner.
#pragma once

#include <string>
#include <vector>

#include "muc/requests.hpp"
#include "xmpp/stanza_error.hpp"

namespace muc {

struct Tombstone {
  Clock::time_point destroyed_at;
  std::string alternate;            // the alternate venue's room JID, may be empty
  std::string reason;               // the owner's, may be empty
  std::vector<std::string> owners;  // bare JIDs that owned the room when it was destroyed
};

// cancel/gone, with xmpp:ALTERNATE?join (RFC 5122) when there is an alternate venue.
xmpp::StanzaError gone_error(const Tombstone& t);

}  // namespace muc
