// muc#roomconfig_maxusers (XEP-0045 10.2): a full room refuses newcomers with
// wait/service-unavailable (7.2.9), except those the privilege table lets in (admins and
// owners MUST still get in), and a further session of an occupant already inside (it adds no
// occupant).
#include "muc/options/all.hpp"
#include "muc/privileges.hpp"

namespace muc::options {

OptionDescriptor max_users() {
  OptionDescriptor d =
      number("muc#roomconfig_maxusers", "list-single", "Maximum number of occupants",
             &RoomConfig::max_users, 1000000, "none",
             {{"10", "10"},
              {"20", "20"},
              {"30", "30"},
              {"50", "50"},
              {"100", "100"},
              {"none", "No limit"}},
             "max_users");
  d.admit = [](const RoomConfig& c, const EntryFacts& f) -> std::optional<xmpp::StanzaError> {
    bool full = (c.max_users != 0 && f.occupants >= c.max_users) ||
                (f.occupant_cap != 0 && f.occupants >= f.occupant_cap);
    if (!full || f.joins_own_occupant || may_exceed_max_users(f.affiliation)) return std::nullopt;
    return xmpp::StanzaError{"wait", "service-unavailable", "This room is full"};
  };
  return d;
}

}  // namespace muc::options
