// The room options, one factory per file of this directory. registry.cpp lists them in the
// order of the configuration form, which is also the order of the entry checks.
#pragma once

#include <vector>

#include "muc/options/option.hpp"

namespace muc::options {

std::vector<OptionDescriptor> identity();  // identity.cpp: roomname, roomdesc, lang
OptionDescriptor persistent();             // persistent.cpp
OptionDescriptor public_room();            // public_room.cpp
OptionDescriptor change_subject();         // change_subject.cpp
OptionDescriptor allow_invites();          // allow_invites.cpp
OptionDescriptor allow_pm();               // allow_pm.cpp
OptionDescriptor members_only();           // members_only.cpp
OptionDescriptor moderated();              // moderated.cpp
std::vector<OptionDescriptor> password();  // password.cpp: passwordprotectedroom, roomsecret
OptionDescriptor max_users();              // max_users.cpp
OptionDescriptor enable_archiving();       // enable_archiving.cpp
OptionDescriptor whois();                  // whois.cpp
OptionDescriptor presence_broadcast();     // presence_broadcast.cpp
OptionDescriptor get_member_list();        // get_member_list.cpp
OptionDescriptor history_length();         // history_length.cpp
OptionDescriptor enable_logging();         // enable_logging.cpp
OptionDescriptor allow_register();         // allow_register.cpp

}  // namespace muc::options
