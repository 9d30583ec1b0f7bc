// x-muc#roomconfig_allowregister: may users without affiliation register a nick (XEP-0045
// 7.10), and so become members? XEP-0045 allows it (MAY) and lets a service restrict it;
// off by default, as Prosody's allow_unaffiliated_register, because a registration that
// makes anyone a member would give a visitor of a moderated room its voice back and undo an
// admin's removal of a member. Members, admins and owners may always reserve their nick.
// The privilege table (check_registration) reads the flag. Not a registered muc#roomconfig
// field, hence the "x-" prefix (XEP-0068 section 5).
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor allow_register() {
  return boolean("x-muc#roomconfig_allowregister",
                 "Allow users without affiliation to register a nickname (and become members)",
                 &RoomConfig::allow_register, "allow_register");
}

}  // namespace muc::options
