// What the component counts for operators, and its Prometheus text exposition (format
// 0.0.4). Counting is on the loop thread, per stanza and per outbound batch (a broadcast
// counts its copies in one addition), so it costs the hot path a few increments.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "db/pg_store.hpp"
#include "muc/effects.hpp"
#include "xml/element.hpp"

namespace app {

// What is read at the moment of a scrape, besides the counters.
struct Gauges {
  std::size_t rooms_loaded = 0;
  std::size_t occupants = 0;
  bool link_up = false;
  std::size_t queue_bytes = 0;       // output waiting for the server
  std::size_t peak_queue_bytes = 0;  // the most ever
  std::size_t reconnects = 0;
  std::size_t stanza_faults = 0;  // inbound stanzas refused for a fault of their own
  bool database = false;          // false: no database, the db_* series are left out
  db::PgStore::Stats db;
  db::StoredCounts stored;  // as last counted (ComponentApp refreshes it)
};

class Metrics {
 public:
  enum Kind { message, presence, iq, other, kKinds };

  void inbound(const xml::Element& stanza);
  void outbound(const muc::Outbound& o);

  std::string render(const Gauges& g) const;

  // Tests: the counts by kind, and the errors sent by condition.
  std::uint64_t in(Kind k) const { return in_[k]; }
  std::uint64_t out(Kind k) const { return out_[k]; }
  const std::map<std::string, std::uint64_t, std::less<>>& errors() const { return errors_; }

 private:
  std::array<std::uint64_t, kKinds> in_{};
  std::array<std::uint64_t, kKinds> out_{};
  std::map<std::string, std::uint64_t, std::less<>> errors_;  // RFC 6120 8.3.3 condition
};

// The RFC 6120 8.3.3 condition of an error stanza as prepared for sending ("" when it is
// not an error; "other" for a name that is none of them): the first child of its <error/>,
// which is how StanzaError writes it.
std::string error_condition_of(const xml::Prepared& stanza);

}  // namespace app
