// The output of one loop turn, written grouped by recipient.
//
// What the rooms send in one turn goes to the server as one write. The server parses it
// stanza by stanza and hands each to the recipient's session; a session that receives a run
// of stanzas in a row gets them in one socket write, one that receives them scattered gets
// one write each. Prosody, for instance, reads 8 KiB at a time and flushes every session
// it wrote to in between, so a join storm written in the rooms' order (one presence to each
// of N occupants, then the next join's) costs it a system call and its timers per presence.
// Written recipient by recipient, the same bytes cost it one per run.
//
// Only the order between different recipients changes, which nothing defines (RFC 6120
// section 10.1 orders stanzas between one sender and one recipient): every recipient gets
// its own stanzas in the order they were added. Text whose recipient is not known (the
// stream header, whitespace keepalives, a serialised element) is a barrier: what came
// before it is written before it, what came after, after.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "xml/writer.hpp"

namespace xml {

class RecipientBatch {
 public:
  // One copy of `stanza` for `to` (unescaped), rendered now.
  void add_copy(const Prepared& stanza, std::string_view to);
  // One copy of `stanza` per recipient, expanded when drained.
  void add_fan_out(std::shared_ptr<const Prepared> stanza, std::shared_ptr<const Recipients> to);
  // Text with no known recipient: a barrier.
  void add_raw(std::string_view text);

  bool empty() const { return entries_.empty(); }
  // The bytes drain() will append.
  std::size_t bytes() const { return bytes_; }

  // Appends everything to `out`, grouped by recipient between barriers, and empties the
  // batch (keeping its buffers' capacity for the next turn).
  void drain(std::string& out);
  // Forgets everything added (a connection lost with what it had not yet taken).
  void clear();

 private:
  struct Entry {
    std::uint32_t fan_out = kNone;           // index into fan_outs_, or kNone: text in text_
    std::uint32_t begin = 0, end = 0;        // the text, in text_
    std::uint32_t to_begin = 0, to_end = 0;  // its escaped recipient, in text_ (empty: raw)
  };
  struct FanOut {
    std::shared_ptr<const Prepared> stanza;
    std::shared_ptr<const Recipients> to;
  };
  // One copy to write: entry `entry`, recipient `index` of a fan-out.
  struct Copy {
    std::uint32_t bucket;
    std::uint32_t entry;
    std::uint32_t index;
  };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  bool is_raw(const Entry& e) const { return e.fan_out == kNone && e.to_begin == e.to_end; }
  void drain_segment(std::size_t first, std::size_t last, std::string& out);
  void write_copy(const Entry& e, std::uint32_t index, std::string& out) const;
  std::string_view recipient(const Entry& e, std::uint32_t index) const;

  std::vector<Entry> entries_;
  std::vector<FanOut> fan_outs_;
  std::string text_;
  std::size_t bytes_ = 0;
  // Scratch of drain(), kept for its capacity.
  std::unordered_map<std::string_view, std::uint32_t> buckets_;
  std::vector<Copy> copies_, sorted_;
  std::vector<std::uint32_t> starts_;
};

}  // namespace xml
