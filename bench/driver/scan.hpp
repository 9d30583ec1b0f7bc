// A stanza boundary counter for an XMPP stream, not a parser: it follows tags, quotes and
// depth byte by byte (text runs are skipped with memchr) and reports each top-level element
// (depth 1 -> 2 -> 1, e.g. <message>...</message> or <handshake/>) with its name and id
// attribute, plus the stream header. Server output has no comments, CDATA or DTDs, and text
// and attribute values never hold a raw '<' (it is escaped), so this is exact on a
// well-formed stream; '>' inside quoted attribute values is handled. With keep_whole set,
// each stanza event also carries the whole element's bytes (for checks on its children).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace bench {

struct Event {
  enum Kind { header, stanza, footer } kind;
  std::string_view name;        // element name as written ("message", "stream:features")
  std::string_view id;          // value of its id attribute, empty if none
  std::string_view head;        // the whole opening tag (for the few checks that need more)
  std::string_view whole = {};  // the whole element; only with Scanner::keep_whole
};

// The value of attribute `name` in an opening tag as the Scanner captured it (not
// unescaped), empty if absent.
inline std::string_view attribute(std::string_view head, std::string_view name) {
  for (std::size_t pos = head.find(name); pos != std::string_view::npos;
       pos = head.find(name, pos + 1)) {
    const std::size_t eq = pos + name.size();
    if (pos == 0 || eq + 1 >= head.size() || head[eq] != '=') continue;
    const char before = head[pos - 1];
    if (before != ' ' && before != '\t' && before != '\n' && before != '\r') continue;
    const char q = head[eq + 1];
    const std::size_t close = head.find(q, eq + 2);
    if (close == std::string_view::npos) return {};
    return head.substr(eq + 2, close - eq - 2);
  }
  return {};
}

class Scanner {
 public:
  std::uint64_t bytes = 0;
  bool keep_whole = false;  // fill Event::whole (copies stanzas split across feeds)

  // Calls on(const Event&) for each header, completed top-level element and footer.
  template <class F>
  void feed(const char* p, std::size_t n, F&& on) {
    bytes += n;
    const char* end = p + n;
    chunk_ = p;
    mark_ = p;
    while (p < end) {
      switch (st_) {
        case text: {
          const void* lt = std::memchr(p, '<', static_cast<std::size_t>(end - p));
          if (lt == nullptr) {
            p = end;
            break;
          }
          p = static_cast<const char*>(lt) + 1;
          st_ = tag_start;
          break;
        }
        case tag_start: {
          char c = *p++;
          closing_ = c == '/';
          special_ = c == '?' || c == '!';
          prev_slash_ = false;
          capture_ = !closing_ && !special_ && depth_ <= 1;
          if (capture_) {
            head_.clear();
            head_ += '<';
            head_ += c;
          }
          if (keep_whole && capture_ && depth_ == 1) start_whole(p - 1);
          st_ = in_tag;
          break;
        }
        case in_tag: {
          const char* start = p;
          bool done = false;
          while (p < end) {
            char c = *p++;
            if (c == '>') {
              done = true;
              break;
            }
            if (c == '\'' || c == '"') {
              quote_ = c;
              st_ = in_quote;
              break;
            }
            prev_slash_ = c == '/';
          }
          if (capture_) head_.append(start, static_cast<std::size_t>(p - start));
          if (done) end_of_tag(on, p);
          break;
        }
        case in_quote: {
          const void* q = std::memchr(p, quote_, static_cast<std::size_t>(end - p));
          const char* stop = q == nullptr ? end : static_cast<const char*>(q) + 1;
          if (capture_) head_.append(p, static_cast<std::size_t>(stop - p));
          p = stop;
          if (q != nullptr) st_ = in_tag;
          break;
        }
      }
    }
    if (in_whole_) {  // the rest of this feed belongs to the stanza being kept
      whole_.append(mark_, static_cast<std::size_t>(end - mark_));
      direct_ = false;
    }
  }

  int depth() const { return depth_; }

 private:
  enum State { text, tag_start, in_tag, in_quote };

  // A kept stanza starts at `c` (the byte after its '<').
  void start_whole(const char* c) {
    in_whole_ = true;
    whole_.clear();
    direct_ = c > chunk_;  // its '<' is in this feed too
    if (direct_) {
      mark_ = c - 1;
    } else {
      whole_ += '<';
      mark_ = c;
    }
  }

  // The kept stanza ending just before `p`.
  std::string_view end_whole(const char* p) {
    if (!in_whole_) return {};
    in_whole_ = false;
    if (direct_) return {mark_, static_cast<std::size_t>(p - mark_)};
    whole_.append(mark_, static_cast<std::size_t>(p - mark_));
    return whole_;
  }

  template <class F>
  void end_of_tag(F& on, const char* p) {
    st_ = text;
    if (special_) return;
    if (closing_) {
      --depth_;
      if (depth_ == 1) {
        on(Event{Event::stanza, name_, id_, head_, end_whole(p)});
      } else if (depth_ == 0) {
        on(Event{Event::footer, "stream:stream", {}, {}});
      }
      return;
    }
    if (capture_) split_head();
    if (capture_ && name_ == "stream:stream") {  // a stream (re)start, e.g. after SASL
      in_whole_ = false;
      depth_ = 1;
      on(Event{Event::header, name_, id_, head_});
      return;
    }
    if (prev_slash_) {  // <x .../>: no depth change
      if (depth_ == 1) on(Event{Event::stanza, name_, id_, head_, end_whole(p)});
      return;
    }
    ++depth_;
  }

  // Name and id of the captured opening tag, as views into head_.
  void split_head() {
    std::string_view h = head_;
    std::size_t e = h.find_first_of(" \t\r\n/>", 1);
    name_ = h.substr(1, e == std::string_view::npos ? h.size() - 1 : e - 1);
    id_ = {};
    for (std::size_t pos = e; pos != std::string_view::npos && pos < h.size();) {
      pos = h.find("id=", pos);
      if (pos == std::string_view::npos || pos + 4 > h.size()) break;
      char before = h[pos - 1];
      if (before == ' ' || before == '\t' || before == '\n' || before == '\r') {
        char q = h[pos + 3];
        std::size_t close = h.find(q, pos + 4);
        if (close == std::string_view::npos) break;
        id_ = h.substr(pos + 4, close - pos - 4);
        break;
      }
      pos += 3;
    }
  }

  State st_ = text;
  char quote_ = 0;
  int depth_ = 0;
  bool closing_ = false, special_ = false, prev_slash_ = false, capture_ = false;
  std::string head_;
  // keep_whole: the stanza being kept so far (whole_), where this feed's part of it starts
  // (mark_), and whether it lies entirely in the current feed (direct_: no copy).
  bool in_whole_ = false, direct_ = false;
  const char* chunk_ = nullptr;
  const char* mark_ = nullptr;
  std::string whole_;
  std::string_view name_, id_;
};

}  // namespace bench
