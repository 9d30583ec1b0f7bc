// muc#roomconfig_enablelogging (XEP-0045 10.2): the room's conversation is archived in the
// database; 170 on entering (7.2.12) and 170/171 when it changes (10.2.1).
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor enable_logging() {
  OptionDescriptor d = boolean("muc#roomconfig_enablelogging", "Log room conversations",
                               &RoomConfig::enable_logging, "enable_logging");
  d.announce = [](const RoomConfig& after) { return after.enable_logging ? 170 : 171; };
  return d;
}

}  // namespace muc::options
