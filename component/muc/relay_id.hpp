// The id a room puts on an iq it relays to an occupant (XEP-0045 7.5), so that the answer
// finds its pending entry: one prefix and a decimal number, written and read here only.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace muc {

inline constexpr std::string_view kRelayIdPrefix = "muc-relay-";

inline std::string relay_id(std::uint64_t n) {
  return std::string(kRelayIdPrefix) + std::to_string(n);
}

// The number of a relay id; nullopt for any other id (an answer to something else).
inline std::optional<std::uint64_t> parse_relay_id(std::string_view id) {
  if (id.substr(0, kRelayIdPrefix.size()) != kRelayIdPrefix) return std::nullopt;
  std::string_view digits = id.substr(kRelayIdPrefix.size());
  std::uint64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || digits.empty() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return n;
}

}  // namespace muc
