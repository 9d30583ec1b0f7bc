// Capped exponential backoff for reconnecting the XEP-0114 link: the first retry comes after
// `initial`, each further failed attempt doubles the delay up to `max`, and a successful
// handshake resets it. No jitter: there is exactly one client (us) per server port, so there
// is no herd to spread, and a deterministic delay keeps tests and logs exact.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace xmpp {

class Backoff {
 public:
  using ms = std::chrono::milliseconds;

  Backoff(ms initial, ms max)
      : initial_(std::max(initial, ms{1})), max_(std::max(max, initial_)), next_(initial_) {}

  // The delay before the next attempt; advances the schedule.
  ms next() {
    ms delay = next_;
    next_ = std::min(next_ * 2, max_);
    ++attempt_;
    return delay;
  }
  void reset() {
    next_ = initial_;
    attempt_ = 0;
  }
  // How many delays were handed out since the last reset (1 for the first retry).
  std::uint32_t attempt() const { return attempt_; }

 private:
  ms initial_;
  ms max_;
  ms next_;
  std::uint32_t attempt_ = 0;
};

}  // namespace xmpp
