// Small pieces shared by the driver's modes: clocks, /proc readers, an epoll loop over
// non-blocking TCP connections with per-connection Scanner, percentiles, JSON output.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "scan.hpp"

namespace bench {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

// Resident set size of a process in KiB (VmRSS), -1 if unreadable.
long rss_kib(pid_t pid);
// Peak resident set size of a process in KiB (VmHWM), -1 if unreadable.
long hwm_kib(pid_t pid);
// user+sys CPU seconds of a process (all threads) from /proc/PID/stat.
double proc_cpu_seconds(pid_t pid);
// user+sys CPU seconds of this process.
double self_cpu_seconds();
// Pins the calling thread (pid 0) or a process to one CPU; false if that failed.
bool pin_to_cpu(pid_t pid, int cpu);

std::string sha1_hex(std::string_view data);
std::string base64(std::string_view data);

// Percentile (0..100) of an unsorted sample, nearest-rank; NaN when empty.
double percentile(std::vector<double>& v, double p);

// A flat JSON object built in insertion order.
class Json {
 public:
  Json& num(const std::string& key, double v);
  Json& integer(const std::string& key, long long v);
  Json& str(const std::string& key, const std::string& v);
  Json& raw(const std::string& key, const std::string& json);
  std::string dump() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// One non-blocking TCP connection in the loop.
struct Conn {
  int fd = -1;
  int index = 0;  // the owner's number for it
  Scanner scan;
  std::string out;
  std::size_t out_off = 0;
  bool dirty = false;  // has unsent bytes queued since the last flush
  bool writable_armed = false;
  bool closed = false;
};

// Level-triggered epoll over Conns. Callbacks get (Conn&, const Event&).
class Loop {
 public:
  using OnEvent = std::function<void(Conn&, const Event&)>;
  Loop();
  ~Loop();
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  void add(Conn& c);
  void queue(Conn& c, std::string_view bytes);
  // Writes what is queued on every dirty connection (EPOLLOUT for what the kernel refuses).
  void flush();
  // Waits up to timeout_ms for I/O, reads and scans what arrived. Returns the number of
  // bytes read. Stanza events go to on_event. Timestamps: last_read_ns() is taken once per
  // recv, before scanning, so an event's arrival time is known to one recv batch.
  std::size_t poll(int timeout_ms);
  std::int64_t last_read_ns() const { return read_ns_; }
  OnEvent on_event;
  std::function<void(Conn&)> on_close;

 private:
  void write_some(Conn& c);
  int ep_;
  std::vector<Conn*> dirty_;
  std::vector<char> buf_;
  std::int64_t read_ns_ = 0;
};

int tcp_listen_loopback(int& port_out);
int tcp_accept(int lfd, int timeout_ms);
int tcp_connect_loopback(int port);
void set_nonblocking(int fd);

// Argument parsing: --key value and --flag.
class Args {
 public:
  Args(int argc, char** argv, int first);
  std::string get(const std::string& key, const std::string& def) const;
  long long num(const std::string& key, long long def) const;
  double real(const std::string& key, double def) const;
  bool flag(const std::string& key) const;
  std::vector<std::string> all(const std::string& key) const;

 private:
  std::multimap<std::string, std::string> kv_;
};

[[noreturn]] void die(const std::string& why);
void note(const std::string& what);  // progress to stderr

}  // namespace bench
