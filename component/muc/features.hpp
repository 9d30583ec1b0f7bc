// The protocols this service supports, declared once: the service's disco#info features
// and the README's feature table both come from this list, so the claims cannot drift
// from the code (a unit test compares the README's table with features_markdown()).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace muc {

struct ProtocolSupport {
  std::string_view spec;                   // "XEP-0045"
  std::string_view name;                   // "Multi-User Chat"
  std::string_view version;                // version implemented
  std::string_view status;                 // "complete", or what is partial
  std::vector<std::string_view> features;  // disco#info features of the service
};

const std::vector<ProtocolSupport>& supported_protocols();

// Every feature to advertise on the service's disco#info, in list order.
std::vector<std::string_view> service_features();

// The README's table (between its "<!-- features -->" markers).
std::string features_markdown();

}  // namespace muc
