#include "xml/stanza_skipper.hpp"

namespace xml {

void StanzaSkipper::start(At at, std::size_t depth, char quote) {
  at_ = at;
  depth_ = depth;
  quote_ = quote;
  run_ = 0;
  in_comment_ = false;
}

bool StanzaSkipper::step(unsigned char c) {
  switch (at_) {
    case At::text:
      if (c == '<') at_ = At::lt;
      return false;
    case At::lt:
      if (c == '/') {
        at_ = At::end_tag;
      } else if (c == '!') {
        at_ = At::bang;
      } else if (c == '?') {
        run_ = 0;
        at_ = At::pi;
      } else {
        at_ = At::start_tag;
      }
      return false;
    case At::start_tag:
    case At::start_slash:
      if (c == '>') {
        if (at_ == At::start_slash) {  // an empty element: the depth does not change
          at_ = At::text;
          return depth_ == 0;
        }
        ++depth_;
        at_ = At::text;
      } else if (c == '\'' || c == '"') {
        quote_ = static_cast<char>(c);
        at_ = At::quoted;
      } else {
        at_ = c == '/' ? At::start_slash : At::start_tag;
      }
      return false;
    case At::quoted:
      if (c == static_cast<unsigned char>(quote_)) at_ = At::start_tag;
      return false;
    case At::end_tag:
      if (c != '>') return false;
      at_ = At::text;
      if (depth_ > 0) --depth_;
      return depth_ == 0;
    case At::bang:
      if (c == '-') {
        in_comment_ = false;
        at_ = At::comment;
      } else if (c == '[') {
        run_ = 0;
        at_ = At::cdata;
      } else {
        at_ = At::declaration;
      }
      return false;
    case At::comment:
      if (!in_comment_) {
        // "<!-" must be followed by '-'; anything else is skipped like a declaration.
        in_comment_ = c == '-';
        run_ = 0;
        if (!in_comment_) at_ = c == '>' ? At::text : At::declaration;
      } else if (c == '-') {
        ++run_;
      } else {
        if (c == '>' && run_ >= 2) at_ = At::text;
        run_ = 0;
      }
      return false;
    case At::cdata:
      if (c == ']') {
        ++run_;
      } else {
        if (c == '>' && run_ >= 2) at_ = At::text;
        run_ = 0;
      }
      return false;
    case At::declaration:
      if (c == '>') at_ = At::text;
      return false;
    case At::pi:
      if (c == '>' && run_ != 0) at_ = At::text;
      run_ = c == '?' ? 1 : 0;
      return false;
  }
  return false;
}

}  // namespace xml
