// One timed phase of groupchat traffic: saturation (keep `window` messages in flight) or
// paced (a fixed rate of messages in), with warm-up, a measured window and a drain.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "tracker.hpp"
#include "util.hpp"

namespace bench {

struct Watch {
  std::string name;
  pid_t pid;
};

// From --watch name=PID (repeatable).
std::vector<Watch> watches_from_args(const Args& a);

struct PhaseOptions {
  double warmup_s = 0.5;
  double measure_s = 2.0;
  std::uint64_t window = 16;  // messages in flight at most
  double rate = 0;            // messages in per second; 0 = saturate
  double drain_timeout_s = 30;
};

struct PhaseResult {
  double seconds = 0;
  std::uint64_t copies = 0;     // copies of our messages received in the measured window
  std::uint64_t completed = 0;  // messages completed in the measured window
  std::uint64_t sent = 0;       // messages sent in the measured window
  std::uint64_t bytes = 0;      // bytes received in the measured window
  double driver_cpu_s = 0;
  std::vector<double> watch_cpu_s;   // per Watch
  std::vector<double> latencies_ms;  // of messages sent in the measured window
  bool drained = true;

  double copies_per_s() const { return copies / seconds; }
  double completed_per_s() const { return completed / seconds; }
};

// `send(seq)` queues message seq on the loop; `bytes_now()` returns total bytes received.
PhaseResult run_phase(Loop& loop, Tracker& tracker, const std::function<void(std::uint64_t)>& send,
                      const std::function<std::uint64_t()>& bytes_now, const PhaseOptions& o,
                      const std::vector<Watch>& watches);

// Adds the phase's figures to `j` with the given key prefix ("sat_", "lat_").
void describe(Json& j, const std::string& prefix, const PhaseResult& r,
              const std::vector<Watch>& watches);

// Polls until pred() is true; dies with `what` after timeout_s.
void wait_for(Loop& loop, const std::function<bool()>& pred, double timeout_s,
              const std::string& what);

}  // namespace bench
