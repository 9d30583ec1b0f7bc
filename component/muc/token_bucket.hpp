// A token bucket, the rate limit of one occupant's messages and of its presence changes
// (ServiceLimits::message_rate, presence_rate): `burst` at once, then `rate` per second.
// Prosody's mod_muc_limits and ejabberd's shapers limit the same way.
#pragma once

#include <algorithm>
#include <chrono>

namespace muc {

class TokenBucket {
 public:
  using Clock = std::chrono::system_clock;

  // Takes one token if there is one. A bucket never used before starts full.
  bool take(double rate, double burst, Clock::time_point now) {
    refill(rate, burst, now);
    if (tokens_ < 1.0) return false;
    tokens_ -= 1.0;
    return true;
  }

  // When the next token is there, for a bucket found empty at `now` (rate > 0).
  [[nodiscard]] Clock::time_point next_token(double rate, double burst, Clock::time_point now) {
    refill(rate, burst, now);
    if (tokens_ >= 1.0) return now;
    const std::chrono::duration<double> wait((1.0 - tokens_) / rate);
    return now + std::chrono::ceil<Clock::duration>(wait);
  }

 private:
  void refill(double rate, double burst, Clock::time_point now) {
    if (filled_ == Clock::time_point{}) {
      tokens_ = burst;
    } else if (now > filled_) {
      const double elapsed = std::chrono::duration<double>(now - filled_).count();
      tokens_ = std::min(burst, tokens_ + elapsed * rate);
    }
    filled_ = std::max(filled_, now);
  }

  double tokens_ = 0;
  Clock::time_point filled_{};  // as of when tokens_ holds; the epoch: never used
};

}  // namespace muc
