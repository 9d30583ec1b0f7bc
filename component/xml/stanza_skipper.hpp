// Finds the end of a stanza that the framer has given up on (over a limit, bad UTF-8,
// forbidden markup), without keeping any of it. It tracks only what can move the end of
// an element: tags and their depth, quoted attribute values (which may hold '>' and '/'),
// CDATA sections, comments and processing instructions. Memory is constant, whatever the
// stanza's size or depth, so one hostile stanza costs one error reply and never the stream.
#pragma once

#include <cstddef>

namespace xml {

class StanzaSkipper {
 public:
  // Where in the markup the skip begins: the framer's lexer maps its own state onto these.
  enum class At : unsigned char {
    text,         // character data (also: inside a reference in text)
    lt,           // just after '<'
    start_tag,    // inside a start tag, outside quotes
    quoted,       // inside a quoted attribute value (the quote is given)
    start_slash,  // after '/' in a start tag: '>' ends an empty element
    end_tag,      // inside an end tag
    bang,         // just after "<!"
    comment,      // after "<!-": one more '-' opens a comment
    cdata,        // inside <![CDATA[ ... ]]>
    declaration,  // <!DOCTYPE ...>: skipped to its '>'
    pi            // <? ... ?>
  };

  // `depth`: elements of the stanza open at this point, counting the top-level one once its
  // start tag has ended (0 while the top-level start tag is still being read).
  void start(At at, std::size_t depth, char quote = '"');
  // One byte; true when it ended the stanza.
  bool step(unsigned char c);

 private:
  At at_ = At::text;
  std::size_t depth_ = 0;
  char quote_ = '"';
  unsigned run_ = 0;  // consecutive ']' in CDATA or '-' in a comment, '?' seen in a PI
  bool in_comment_ = false;
};

}  // namespace xml
