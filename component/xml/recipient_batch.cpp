#include "xml/recipient_batch.hpp"

#include <cassert>
#include <utility>

namespace xml {

namespace {
std::uint32_t offset(const std::string& text) {
  // A turn's output is bounded by the link's high-water mark plus one fan-out.
  assert(text.size() < UINT32_MAX);
  return static_cast<std::uint32_t>(text.size());
}
}  // namespace

void RecipientBatch::add_copy(const Prepared& stanza, std::string_view to) {
  Entry e;
  e.begin = offset(text_);
  text_.append(stanza.head);
  e.to_begin = offset(text_);
  escape_attr(to, text_);
  e.to_end = offset(text_);
  text_.append(stanza.tail);
  e.end = offset(text_);
  // An empty address would read as a barrier; no stanza is sent without one (XEP-0114).
  assert(e.to_end > e.to_begin);
  bytes_ += e.end - e.begin;
  entries_.push_back(e);
}

void RecipientBatch::add_fan_out(std::shared_ptr<const Prepared> stanza,
                                 std::shared_ptr<const Recipients> to) {
  if (to->size() == 0) return;
  bytes_ += fan_out_bytes(*stanza, *to);
  Entry e;
  e.fan_out = static_cast<std::uint32_t>(fan_outs_.size());
  fan_outs_.push_back(FanOut{std::move(stanza), std::move(to)});
  entries_.push_back(e);
}

void RecipientBatch::add_raw(std::string_view text) {
  if (text.empty()) return;
  Entry e;
  e.begin = offset(text_);
  text_.append(text);
  e.end = offset(text_);
  bytes_ += text.size();
  entries_.push_back(e);
}

void RecipientBatch::clear() {
  entries_.clear();
  fan_outs_.clear();
  text_.clear();
  bytes_ = 0;
}

std::string_view RecipientBatch::recipient(const Entry& e, std::uint32_t index) const {
  if (e.fan_out != kNone) return fan_outs_[e.fan_out].to->escaped(index);
  return std::string_view(text_).substr(e.to_begin, e.to_end - e.to_begin);
}

void RecipientBatch::write_copy(const Entry& e, std::uint32_t index, std::string& out) const {
  if (e.fan_out == kNone) {
    out.append(text_, e.begin, e.end - e.begin);
    return;
  }
  const FanOut& f = fan_outs_[e.fan_out];
  out += f.stanza->head;
  out += f.to->escaped(index);
  out += f.stanza->tail;
}

void RecipientBatch::drain(std::string& out) {
  out.reserve(out.size() + bytes_);
  std::size_t first = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (!is_raw(entries_[i])) continue;
    drain_segment(first, i, out);
    out.append(text_, entries_[i].begin, entries_[i].end - entries_[i].begin);
    first = i + 1;
  }
  drain_segment(first, entries_.size(), out);
  clear();
}

// Entries [first, last), none of them a barrier.
void RecipientBatch::drain_segment(std::size_t first, std::size_t last, std::string& out) {
  if (first == last) return;
  auto copies_of = [&](const Entry& e) -> std::uint32_t {
    return e.fan_out == kNone ? 1 : static_cast<std::uint32_t>(fan_outs_[e.fan_out].to->size());
  };
  // One entry (a lone broadcast, the common case in a quiet room): already grouped.
  if (last - first == 1) {
    const Entry& e = entries_[first];
    for (std::uint32_t i = 0; i < copies_of(e); ++i) write_copy(e, i, out);
    return;
  }
  // Broadcasts to one list (messages in a busy room): recipient by recipient, no lookup.
  const Entry& head = entries_[first];
  bool one_list = head.fan_out != kNone;
  for (std::size_t k = first + 1; one_list && k < last; ++k) {
    one_list = entries_[k].fan_out != kNone &&
               fan_outs_[entries_[k].fan_out].to == fan_outs_[head.fan_out].to;
  }
  if (one_list) {
    for (std::uint32_t i = 0; i < copies_of(head); ++i) {
      for (std::size_t k = first; k < last; ++k) write_copy(entries_[k], i, out);
    }
    return;
  }
  // Otherwise each recipient is a bucket, numbered in order of first appearance, and the
  // copies are sorted by bucket with a stable counting sort: order within a bucket holds.
  buckets_.clear();
  copies_.clear();
  for (std::size_t k = first; k < last; ++k) {
    const Entry& e = entries_[k];
    for (std::uint32_t i = 0; i < copies_of(e); ++i) {
      auto [it, added] =
          buckets_.try_emplace(recipient(e, i), static_cast<std::uint32_t>(buckets_.size()));
      copies_.push_back(Copy{it->second, static_cast<std::uint32_t>(k), i});
    }
  }
  starts_.assign(buckets_.size() + 1, 0);
  for (const Copy& c : copies_) ++starts_[c.bucket + 1];
  for (std::size_t b = 1; b < starts_.size(); ++b) starts_[b] += starts_[b - 1];
  sorted_.resize(copies_.size());
  for (const Copy& c : copies_) sorted_[starts_[c.bucket]++] = c;
  for (const Copy& c : sorted_) write_copy(entries_[c.entry], c.index, out);
}

}  // namespace xml
