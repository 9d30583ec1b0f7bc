// muc#roomconfig_persistentroom (XEP-0045 10.2): a persistent room outlives its last
// occupant and the service's restarts; disco shows muc_persistent or muc_temporary (6.4).
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor persistent() {
  OptionDescriptor d = boolean("muc#roomconfig_persistentroom", "Make room persistent",
                               &RoomConfig::persistent, "persistent");
  d.features = [](const RoomConfig& c) {
    return std::vector<std::string_view>{c.persistent ? "muc_persistent" : "muc_temporary"};
  };
  return d;
}

}  // namespace muc::options
