// One occupant of a room: a nick, the bare JID behind it, and the sessions (full JIDs)
// that share it (XEP-0045 7.2: several resources of one user may share a nick).
#pragma once

#include <string>
#include <vector>

#include "muc/affiliation.hpp"
#include "xmpp/jid.hpp"

namespace muc {

struct Occupant {
  std::string nick;
  xmpp::Jid bare;
  std::vector<xmpp::Jid> sessions;  // never empty while the occupant is in the room
  Role role = Role::none;
  Affiliation affiliation = Affiliation::none;
  std::string payload_xml;  // latest presence children (show, status, ...), serialised once
};

}  // namespace muc
