#include "muc/stanza_id.hpp"

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <random>

namespace muc {

StanzaIdSource uuid_v7_source() {
  std::random_device device;
  const std::uint64_t seed = (std::uint64_t{device()} << 32) | device();
  auto rng = std::make_shared<std::mt19937_64>(seed);
  return [rng](Clock::time_point now) {
    const auto ms = static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count());
    const std::uint64_t a = (*rng)();
    const std::uint64_t b = (*rng)();
    // unix_ts_ms (48) | ver 0111 (4) | rand_a (12) || var 10 (2) | rand_b (62)
    const std::uint64_t hi = ((ms & 0xFFFF'FFFF'FFFFULL) << 16) | 0x7000U | (a & 0x0FFFU);
    const std::uint64_t lo = (b & 0x3FFF'FFFF'FFFF'FFFFULL) | 0x8000'0000'0000'0000ULL;
    return fmt::format("{:08x}-{:04x}-{:04x}-{:04x}-{:012x}", hi >> 32, (hi >> 16) & 0xFFFFU,
                       hi & 0xFFFFU, lo >> 48, lo & 0xFFFF'FFFF'FFFFULL);
  };
}

StanzaIdSource counting_source() {
  auto next = std::make_shared<std::uint64_t>(0);
  return [next](Clock::time_point) { return "s" + std::to_string(++*next); };
}

}  // namespace muc
