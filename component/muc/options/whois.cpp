// muc#roomconfig_whois (XEP-0045 10.2): who sees occupants' real JIDs. Moderators only
// (semi-anonymous) or anyone (non-anonymous: 100 on entering, 7.2.4); a change is announced
// with 172 or 173 (10.2.1); disco shows muc_nonanonymous or muc_semianonymous (6.4). The
// privilege table (privileges.cpp) decides who sees JIDs from this value.
#include "muc/options/all.hpp"

namespace muc::options {

OptionDescriptor whois() {
  OptionDescriptor d = choice<WhoIs>("muc#roomconfig_whois", "Who may discover real JIDs",
                                     {{"moderators", "Moderators only"}, {"anyone", "Anyone"}},
                                     &RoomConfig::whois, "whois");
  d.announce = [](const RoomConfig& after) { return after.whois == WhoIs::anyone ? 172 : 173; };
  d.features = [](const RoomConfig& c) {
    return std::vector<std::string_view>{c.whois == WhoIs::anyone ? "muc_nonanonymous"
                                                                  : "muc_semianonymous"};
  };
  return d;
}

}  // namespace muc::options
