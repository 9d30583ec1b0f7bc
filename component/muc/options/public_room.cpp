// muc#roomconfig_publicroom (XEP-0045 10.2): a public room is listed in the service's
// disco#items (6.3); disco shows muc_public or muc_hidden (6.4).
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor public_room() {
  OptionDescriptor d = boolean("muc#roomconfig_publicroom", "Make room publicly searchable",
                               &RoomConfig::public_room, "public_room");
  d.features = [](const RoomConfig& c) {
    return std::vector<std::string_view>{c.public_room ? "muc_public" : "muc_hidden"};
  };
  return d;
}

}  // namespace muc::options
