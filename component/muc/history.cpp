#include "muc/history.hpp"

#include <algorithm>

namespace muc {

void History::add(Entry e, std::size_t keep) {
  entries_.push_back(std::move(e));
  trim(keep);
}

void History::trim(std::size_t keep) {
  while (entries_.size() > keep) entries_.pop_front();
}

void History::forget(const std::shared_ptr<const xml::Prepared>& stanza) {
  std::erase_if(entries_, [&](const Entry& e) { return e.stanza == stanza; });
}

void History::replace(const std::string& stanza_id, std::shared_ptr<const xml::Prepared> tombstone,
                      std::size_t chars) {
  if (stanza_id.empty()) return;
  for (Entry& e : entries_) {
    if (e.stanza_id != stanza_id) continue;
    e.stanza = std::move(tombstone);
    e.chars = chars;
    return;
  }
}

std::vector<const History::Entry*> History::select(const HistoryRequest& req, Clock::time_point now,
                                                   std::size_t max_bytes) const {
  std::vector<const Entry*> out;
  std::size_t chars = 0;
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (req.max_stanzas && out.size() >= *req.max_stanzas) break;
    if (req.max_chars && chars + it->chars > *req.max_chars) break;
    if (max_bytes != 0 && chars + it->chars > max_bytes) break;
    if (req.seconds && it->stamp < now - *req.seconds) break;
    if (req.since && it->stamp < *req.since) break;
    chars += it->chars;
    out.push_back(&*it);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace muc
