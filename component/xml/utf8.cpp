#include "xml/utf8.hpp"

namespace xml {

bool is_valid_xml_text(std::string_view s) {
  Utf8Validator v;
  for (char c : s) {
    if (!v.feed(static_cast<unsigned char>(c))) return false;
  }
  return v.at_boundary();
}

void append_utf8(std::uint32_t cp, std::string& out) {
  auto put = [&](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
}

}  // namespace xml
