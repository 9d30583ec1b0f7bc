// muc#roomconfig_getmemberlist (XEP-0045 9.5 note, 10.2, 16.5.3): the roles that may read
// the member list. The privilege table (check_affiliation_list) reads it.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor get_member_list() {
  return roles("muc#roomconfig_getmemberlist", "Roles that may retrieve member list",
               &RoomConfig::get_member_list, "get_member_list");
}

}  // namespace muc::options
