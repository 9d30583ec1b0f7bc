// The room's name, description and language (XEP-0045 10.2, muc#roomconfig_roomname,
// _roomdesc, _lang). Limits are ours: long enough for any real name, short enough for a
// disco#items list of many rooms.
#include "muc/options/all.hpp"

namespace muc::options {

std::vector<OptionDescriptor> identity() {
  return {
      text("muc#roomconfig_roomname", "text-single", "Room name", &RoomConfig::name, 256, "name"),
      text("muc#roomconfig_roomdesc", "text-single", "Room description", &RoomConfig::description,
           1024, "description"),
      // RFC 5646 language tags; 35 characters holds any tag in use.
      text("muc#roomconfig_lang", "text-single", "Natural language", &RoomConfig::language, 35,
           "language")};
}

}  // namespace muc::options
