// The discussion history a room replays to newcomers (XEP-0045 7.2.15): the last
// messages, each already serialised with its <delay/>, so a join costs no re-serialisation.
#pragma once

#include <cstddef>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "muc/requests.hpp"
#include "xml/writer.hpp"

namespace muc {

// XEP-0082 DateTime for <delay stamp/>, in history and in archive results.
std::string delay_stamp(Clock::time_point t);

class History {
 public:
  struct Entry {
    Clock::time_point stamp;
    std::shared_ptr<const xml::Prepared> stanza;
    std::size_t chars;      // size of the stanza as sent, for maxchars
    std::string stanza_id;  // the room's XEP-0359 id of the message (empty: none)
  };

  void add(Entry e, std::size_t keep);
  void trim(std::size_t keep);
  // Removes the entry whose stanza this is (if still kept).
  void forget(const std::shared_ptr<const xml::Prepared>& stanza);
  // XEP-0424 6: the message with this stanza-id, if still kept, gives way to its tombstone
  // (the entry's place and time stay).
  void replace(const std::string& stanza_id, std::shared_ptr<const xml::Prepared> tombstone,
               std::size_t chars);
  // The newest entries that satisfy every limit in `req` (XEP-0045 7.2.15: the service
  // sends the least history that satisfies all of them, whole stanzas only), oldest first.
  // `max_bytes` (0: none) is the service's own bound on what one join replays.
  std::vector<const Entry*> select(const HistoryRequest& req, Clock::time_point now,
                                   std::size_t max_bytes = 0) const;
  std::size_t size() const { return entries_.size(); }

 private:
  std::deque<Entry> entries_;
};

}  // namespace muc
