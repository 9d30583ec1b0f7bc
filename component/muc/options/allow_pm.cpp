// muc#roomconfig_allowpm (XEP-0045 7.5, 16.5.3): which roles may send private messages.
// The privilege table (privileges.cpp) reads the value.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor allow_pm() {
  return choice<AllowPm>("muc#roomconfig_allowpm", "Who may send private messages",
                         {{"anyone", "Anyone"},
                          {"participants", "Participants"},
                          {"moderators", "Moderators"},
                          {"none", "Nobody"}},
                         &RoomConfig::allow_pm, "allow_pm");
}

}  // namespace muc::options
