// muc#roomconfig_historylength (XEP-0045 7.2.15, 16.5.3): how many past messages a newcomer
// gets at most, before its own <history/> narrows it. 1000 is ours; the service's byte
// bound (ServiceLimits::history_max_bytes) applies as well.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor history_length() {
  return number("muc#roomconfig_historylength", "text-single",
                "Number of past messages sent to new occupants", &RoomConfig::history_length, 1000,
                {}, {}, "history_length");
}

}  // namespace muc::options
