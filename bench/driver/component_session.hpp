// The driver's side of XEP-0114: muc-component started as a child process and pointed at a
// loopback listener of ours, and the server end of its stream (header, handshake), with
// counters of what the component sends back.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "tracker.hpp"
#include "util.hpp"

namespace bench {

inline constexpr const char* kUserDomain = "bench.localhost";

// The full JID of bench user i: u<i>@bench.localhost/r.
std::string user_jid(std::size_t i);

// How to start muc-component.
struct ComponentOptions {
  std::string binary = "build/release/muc-component";
  std::string domain = "conf.bench";
  std::string secret = "benchsecret";
  std::string log_level = "warn";
  std::string log_file = "/dev/null";  // its stdout and stderr, appended
  std::string db;                      // --db URI; empty: none
  int cpu = -1;                        // pinned to this CPU; -1: not pinned

  // From --component, --domain, --log-level, --component-log, --db, --component-cpu.
  static ComponentOptions from_args(const Args& a);
};

// A muc-component child process; it never outlives the driver.
class ComponentProcess {
 public:
  ComponentProcess() = default;
  ComponentProcess(const ComponentProcess&) = delete;
  ComponentProcess& operator=(const ComponentProcess&) = delete;
  ~ComponentProcess() { stop(); }

  // Starts it with --server `server` (host:port).
  void start(const ComponentOptions& o, const std::string& server);
  pid_t pid() const { return pid_; }
  // True once it has exited (and is reaped); its wait status in *status.
  bool exited(int* status = nullptr);
  // SIGTERM, then SIGKILL after grace_s. True if it exited of itself (no SIGKILL needed).
  bool stop(double grace_s = 2);

 private:
  pid_t pid_ = -1;
};

class Session {
 public:
  explicit Session(const Args& a) : Session(ComponentOptions::from_args(a)) {}
  explicit Session(const ComponentOptions& o);

  pid_t pid() const { return comp_.pid(); }
  ComponentProcess& process() { return comp_; }
  Loop& loop() { return loop_; }
  Conn& conn() { return conn_; }
  // The listening socket: a component that lost its link connects here again.
  int listen_fd() const { return lfd_; }
  const std::string& domain() const { return domain_; }

  void send(std::string_view s) { loop_.queue(conn_, s); }

  // Counters of what came back, by stanza kind.
  std::uint64_t messages = 0, presences = 0, iqs = 0, others = 0;
  std::uint64_t other_messages = 0;  // messages whose id is not one of ours (subjects)
  Tracker* tracker = nullptr;
  std::function<void(const Event&)> on_iq;
  std::function<void(const Event&)> on_presence;

  std::uint64_t stanzas() const { return messages + presences + iqs + others; }

 private:
  void handshake();
  void on_event(const Event& e);

  std::string domain_;
  int lfd_ = -1;
  ComponentProcess comp_;
  Loop loop_;
  Conn conn_;
};

// <presence/> of bench user `user` joining room@domain as n<user>; `x_children` goes inside
// its <x xmlns='http://jabber.org/protocol/muc'/>.
std::string presence_join(std::size_t user, const std::string& room, const std::string& domain,
                          std::string_view x_children = {});

// The room owner's muc#owner form submission (`fields` empty: an instant room).
std::string owner_submit(std::size_t user, const std::string& room, const std::string& domain,
                         const std::string& id, const std::string& fields);

// Sends one iq and waits for the answer with the same id; returns its latency in ms and
// whether it was a result (not an error).
std::pair<double, bool> iq_roundtrip(Session& s, const std::string& iq, const std::string& id,
                                     double timeout_s = 30);

}  // namespace bench
