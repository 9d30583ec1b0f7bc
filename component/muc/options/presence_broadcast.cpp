// muc#roomconfig_presencebroadcast (XEP-0045 10.2, 16.5.3): the roles whose presence is
// broadcast to the room. Moderators see every occupant whatever it says.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor presence_broadcast() {
  return roles("muc#roomconfig_presencebroadcast", "Roles whose presence is broadcast",
               &RoomConfig::presence_broadcast, "presence_broadcast");
}

}  // namespace muc::options
