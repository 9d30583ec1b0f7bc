// muc#roomconfig_moderatedroom (XEP-0045 10.2): in a moderated room newcomers without
// affiliation enter as visitors (5.1.1, default_role in affiliation.cpp); disco shows
// muc_moderated or muc_unmoderated (6.4). Turning it on leaves present participants their
// voice, as the XEP's role chart does not take it away.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor moderated() {
  OptionDescriptor d = boolean("muc#roomconfig_moderatedroom", "Make room moderated",
                               &RoomConfig::moderated, "moderated");
  d.features = [](const RoomConfig& c) {
    return std::vector<std::string_view>{c.moderated ? "muc_moderated" : "muc_unmoderated"};
  };
  return d;
}

}  // namespace muc::options
