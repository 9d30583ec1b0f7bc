// UTF-8 and XML 1.0 character checks shared by the framer, the parser and the writer.
// RFC 6120 section 11.6: XMPP streams are UTF-8 only; XML 1.0 section 2.2 says which code
// points may appear at all. Neither RapidXML nor the element type checks either.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace xml {

// XML 1.0 section 2.2 production [2] Char.
constexpr bool is_xml_char(std::uint32_t cp) {
  return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
         (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

// Validates UTF-8 one byte at a time, so that a sequence may be split across reads.
// Rejects overlong forms, surrogates (RFC 3629 section 3), code points above U+10FFFF and
// code points that are not XML Chars (control characters, U+FFFE, U+FFFF).
class Utf8Validator {
 public:
  // False when `b` makes the input invalid; the validator must then be reset.
  bool feed(unsigned char b) {
    if (need_ == 0) {
      if (b < 0x80) return is_xml_char(b);
      if (b >= 0xC2 && b <= 0xDF) return start(b & 0x1Fu, 1, 0x80);
      if (b >= 0xE0 && b <= 0xEF) return start(b & 0x0Fu, 2, 0x800);
      if (b >= 0xF0 && b <= 0xF4) return start(b & 0x07u, 3, 0x10000);
      return false;  // a stray continuation byte, or C0, C1, F5..FF which never occur
    }
    if ((b & 0xC0u) != 0x80u) return false;  // truncated sequence
    cp_ = (cp_ << 6) | (b & 0x3Fu);
    if (--need_ > 0) return true;
    return cp_ >= min_ && is_xml_char(cp_);  // is_xml_char excludes surrogates and > 10FFFF
  }
  // True between code points (no sequence half read).
  bool at_boundary() const { return need_ == 0; }
  void reset() { need_ = 0; }

 private:
  bool start(std::uint32_t bits, int need, std::uint32_t min) {
    cp_ = bits;
    need_ = need;
    min_ = min;
    return true;
  }
  std::uint32_t cp_ = 0;
  std::uint32_t min_ = 0;
  int need_ = 0;
};

// True when the whole of `s` is valid UTF-8 made of XML Chars.
bool is_valid_xml_text(std::string_view s);

// Appends `cp` encoded as UTF-8.
void append_utf8(std::uint32_t cp, std::string& out);

}  // namespace xml
