// Join storms: N clients send their join presence to one room at once. StormCounter keeps
// what came back per client: the presences from the room (one per occupant, including the
// client's own, is N) and whether its self-presence (status 110) has arrived.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util.hpp"

namespace bench {

class StormCounter {
 public:
  // n clients; room_jid is the room's bare JID.
  StormCounter(std::size_t n, std::string room_jid);

  // The storm starts now: times are measured from here.
  void start(std::int64_t t_ns) { t0_ = t_ns; }
  // A presence for client i arrived at t_ns. Needs Event::whole for the 110 check.
  void presence(std::size_t i, const Event& e, std::int64_t t_ns);

  bool is_in(std::size_t i) const { return in_[i] != 0; }
  bool all_in() const { return clients_in_ == n_; }
  bool all_delivered() const { return clients_delivered_ == n_; }
  std::uint64_t presences() const { return presences_; }
  std::uint64_t errors() const { return errors_; }
  // "in 512/1000, presences 123456/1000000"
  std::string progress() const;

  // Adds the storm_* figures to j: clients in and delivered, presences, the times until all
  // were in (storm_in_s) and until all presences arrived (storm_delivered_s), null if never.
  void describe(Json& j) const;

 private:
  std::size_t n_;
  std::string room_prefix_;  // "room@service/"
  std::vector<std::uint32_t> got_;
  std::vector<char> in_;
  std::size_t clients_in_ = 0, clients_delivered_ = 0;
  std::uint64_t presences_ = 0, errors_ = 0, unavailable_ = 0, extra_ = 0, foreign_ = 0;
  std::int64_t t0_ = 0, last_in_ = 0, last_delivered_ = 0, last_presence_ = 0;
  std::string first_error_;
};

// muc-bench-driver component --scenario storm: the component alone against a slow reader.
int run_component_storm(const Args& a, Json& j);
// muc-bench-driver c2s --scenario storm: N c2s clients through a real server.
int run_c2s_storm(const Args& a);

}  // namespace bench
