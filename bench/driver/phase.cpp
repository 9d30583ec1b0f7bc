#include "phase.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace bench {

std::vector<Watch> watches_from_args(const Args& a) {
  std::vector<Watch> watches;
  for (const std::string& w : a.all("watch")) {
    auto eq = w.find('=');
    if (eq == std::string::npos) die("--watch wants name=PID");
    watches.push_back({w.substr(0, eq), static_cast<pid_t>(std::stol(w.substr(eq + 1)))});
  }
  return watches;
}

PhaseResult run_phase(Loop& loop, Tracker& tracker, const std::function<void(std::uint64_t)>& send,
                      const std::function<std::uint64_t()>& bytes_now, const PhaseOptions& o,
                      const std::vector<Watch>& watches) {
  PhaseResult r;
  const std::int64_t start = now_ns();
  const std::int64_t t0 = start + static_cast<std::int64_t>(o.warmup_s * 1e9);
  const std::int64_t t1 = t0 + static_cast<std::int64_t>(o.measure_s * 1e9);
  tracker.record_between(t0, t1);
  std::uint64_t sent_here = 0;
  bool measuring = false;
  std::uint64_t copies0 = 0, completed0 = 0, sent0 = 0, bytes0 = 0;
  double cpu0 = 0;
  std::vector<double> wcpu0(watches.size());
  std::int64_t mt0 = 0;

  auto snapshot = [&](std::uint64_t& c, std::uint64_t& done, std::uint64_t& s, std::uint64_t& b,
                      double& cpu, std::vector<double>& w) {
    c = tracker.copies;
    done = tracker.completed;
    s = tracker.sent_count();
    b = bytes_now();
    cpu = self_cpu_seconds();
    for (std::size_t i = 0; i < watches.size(); ++i) w[i] = proc_cpu_seconds(watches[i].pid);
  };

  for (;;) {
    std::int64_t now = now_ns();
    if (!measuring && now >= t0) {
      measuring = true;
      mt0 = now;
      snapshot(copies0, completed0, sent0, bytes0, cpu0, wcpu0);
    }
    if (now >= t1) break;
    int timeout = 5;
    const std::uint64_t cap = std::min<std::uint64_t>(o.window, Tracker::kRing / 2);
    if (o.rate <= 0) {
      while (tracker.in_flight() < cap) {
        send(tracker.sent(now));
        ++sent_here;
      }
    } else {
      auto due = static_cast<std::uint64_t>(o.rate * static_cast<double>(now - start) / 1e9);
      while (sent_here < due && tracker.in_flight() < cap) {
        send(tracker.sent(now));
        ++sent_here;
      }
      // Next message due in: 1/rate seconds; epoll has millisecond resolution.
      timeout = 1;
      if (sent_here < due) timeout = 1;  // window full: wait for completions
    }
    loop.poll(timeout);
  }
  std::uint64_t copies1 = 0, completed1 = 0, sent1 = 0, bytes1 = 0;
  double cpu1 = 0;
  std::vector<double> wcpu1(watches.size());
  snapshot(copies1, completed1, sent1, bytes1, cpu1, wcpu1);
  r.seconds = static_cast<double>(now_ns() - mt0) / 1e9;
  r.copies = copies1 - copies0;
  r.completed = completed1 - completed0;
  r.sent = sent1 - sent0;
  r.bytes = bytes1 - bytes0;
  r.driver_cpu_s = cpu1 - cpu0;
  for (std::size_t i = 0; i < watches.size(); ++i) r.watch_cpu_s.push_back(wcpu1[i] - wcpu0[i]);

  // Drain, so that the next phase starts from an empty pipe and every message sent in the
  // window has its latency.
  const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(o.drain_timeout_s * 1e9);
  while (tracker.in_flight() > 0 && now_ns() < deadline) loop.poll(5);
  r.drained = tracker.in_flight() == 0;
  r.latencies_ms = tracker.latencies_ms;
  return r;
}

void describe(Json& j, const std::string& p, const PhaseResult& r,
              const std::vector<Watch>& watches) {
  std::vector<double> lat = r.latencies_ms;
  j.num(p + "seconds", r.seconds);
  j.num(p + "msgs_in_per_s", r.sent / r.seconds);
  j.num(p + "msgs_done_per_s", r.completed_per_s());
  j.num(p + "stanzas_out_per_s", r.copies_per_s());
  j.num(p + "mbytes_out_per_s", r.bytes / r.seconds / 1e6);
  j.num(p + "driver_cpu_pct", 100.0 * r.driver_cpu_s / r.seconds);
  for (std::size_t i = 0; i < watches.size(); ++i) {
    j.num(p + watches[i].name + "_cpu_pct", 100.0 * r.watch_cpu_s[i] / r.seconds);
    if (r.copies > 0) {
      j.num(p + watches[i].name + "_cpu_ms_per_1000_stanzas",
            1e3 * r.watch_cpu_s[i] / (static_cast<double>(r.copies) / 1000.0));
    }
  }
  j.integer(p + "latency_samples", static_cast<long long>(lat.size()));
  j.num(p + "p50_ms", percentile(lat, 50));
  j.num(p + "p99_ms", percentile(lat, 99));
  j.num(p + "max_ms", lat.empty() ? NAN : lat.back());
  j.integer(p + "drained", r.drained ? 1 : 0);
}

void wait_for(Loop& loop, const std::function<bool()>& pred, double timeout_s,
              const std::string& what) {
  const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(timeout_s * 1e9);
  while (!pred()) {
    if (now_ns() > deadline)
      die(fmt::format("timed out after {} s waiting for {}", timeout_s, what));
    loop.poll(5);
  }
}

}  // namespace bench
