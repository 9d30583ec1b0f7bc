// muc#roomconfig_changesubject (XEP-0045 8.1, 10.2): may participants change the subject?
// Moderators always may; the privilege table (privileges.cpp) reads this flag.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor change_subject() {
  return boolean("muc#roomconfig_changesubject", "Allow occupants to change the subject",
                 &RoomConfig::change_subject, "change_subject");
}

}  // namespace muc::options
