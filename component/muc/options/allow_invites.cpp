// muc#roomconfig_allowinvites (XEP-0045 7.8, 10.2): may participants invite others?
// Moderators always may; the privilege table (privileges.cpp) reads this flag.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor allow_invites() {
  return boolean("muc#roomconfig_allowinvites", "Allow occupants to invite others",
                 &RoomConfig::allow_invites, "allow_invites");
}

}  // namespace muc::options
