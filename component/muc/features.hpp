// The protocols this service supports, declared once: the service's disco#info features
// and the README's feature table both come from this list, so the claims cannot drift
// from the code (a unit test compares the README's table with features_markdown()).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace muc {

struct ProtocolSupport {
  std::string_view spec;                             // "XEP-0045"
  std::string_view name;                             // "Multi-User Chat"
  std::string_view version;                          // version implemented
  std::string_view status;                           // "complete", or what is partial
  std::vector<std::string_view> features;            // disco#info features of the service
  std::vector<std::string_view> room_features = {};  // ... and of every room (XEP-0045 6.4)
};

const std::vector<ProtocolSupport>& supported_protocols();

// Every feature to advertise on the service's disco#info, in list order.
std::vector<std::string_view> service_features();

// Every protocol feature to advertise on a room's disco#info, in list order; the room adds
// the muc_* features of its options (room_features in room_options.hpp).
std::vector<std::string_view> room_protocol_features();

// The README's table (between its "<!-- features -->" markers).
std::string features_markdown();

}  // namespace muc
