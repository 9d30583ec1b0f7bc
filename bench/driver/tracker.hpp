// Groupchat messages in flight: each message carries its sequence number in its id
// ("m<seq>"), each copy that comes back is counted against it, and the message completes
// when its last expected copy has arrived. Completions give the in-flight window and, for
// messages sent inside the recording window, the latency from send to last copy.
#pragma once

#include <charconv>
#include <cstdint>
#include <string_view>
#include <vector>

#include "util.hpp"

namespace bench {

class Tracker {
 public:
  static constexpr std::uint64_t kRing = 1u << 16;

  explicit Tracker(std::uint32_t copies_per_message)
      : expected_(copies_per_message), count_(kRing, 0), sent_ns_(kRing, 0) {}

  // Registers message `seq` as sent now; returns its seq.
  std::uint64_t sent(std::int64_t t_ns) {
    std::uint64_t seq = next_++;
    count_[seq & (kRing - 1)] = 0;
    sent_ns_[seq & (kRing - 1)] = t_ns;
    return seq;
  }

  // A copy whose id is `id` arrived at t_ns; false if the id is not one of ours.
  bool copy(std::string_view id, std::int64_t t_ns) {
    if (id.size() < 2 || id[0] != 'm') return false;
    std::uint64_t seq = 0;
    auto [p, ec] = std::from_chars(id.data() + 1, id.data() + id.size(), seq);
    if (ec != std::errc() || seq >= next_ || next_ - seq > kRing) {
      ++unknown;
      return true;
    }
    ++copies;
    std::uint32_t& c = count_[seq & (kRing - 1)];
    if (++c == expected_) {
      ++completed;
      std::int64_t s = sent_ns_[seq & (kRing - 1)];
      if (record_from_ <= s && s < record_to_) latencies_ms.push_back((t_ns - s) / 1e6);
    } else if (c > expected_) {
      ++extra;
    }
    return true;
  }

  std::uint64_t in_flight() const { return next_ - completed; }
  std::uint64_t sent_count() const { return next_; }
  void record_between(std::int64_t from_ns, std::int64_t to_ns) {
    record_from_ = from_ns;
    record_to_ = to_ns;
    latencies_ms.clear();
  }

  std::uint64_t copies = 0;     // copies of our messages received
  std::uint64_t completed = 0;  // messages with all their copies in
  std::uint64_t unknown = 0;    // ids that look like ours but are not in flight
  std::uint64_t extra = 0;      // copies beyond the expected count
  std::vector<double> latencies_ms;

 private:
  std::uint32_t expected_;
  std::uint64_t next_ = 0;
  std::vector<std::uint32_t> count_;
  std::vector<std::int64_t> sent_ns_;
  std::int64_t record_from_ = 0, record_to_ = 0;
};

// The body of message `seq`: its number, then 'x' up to `bytes` characters.
inline std::string make_body(std::uint64_t seq, std::size_t bytes) {
  std::string b = "seq " + std::to_string(seq) + " ";
  if (b.size() < bytes) b.append(bytes - b.size(), 'x');
  return b;
}

}  // namespace bench
