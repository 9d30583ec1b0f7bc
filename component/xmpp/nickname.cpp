#include "xmpp/nickname.hpp"

#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cassert>

namespace xmpp {
namespace {

// RFC 8266 2.2, the additional mapping rule: every space separator (general category Zs)
// becomes U+0020; spaces at either end go; a run of them inside becomes one.
icu::UnicodeString map_spaces(const icu::UnicodeString& in) {
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < in.length(); i = in.moveIndex32(i, 1)) {
    const UChar32 c = in.char32At(i);
    if (u_charType(c) == U_SPACE_SEPARATOR) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (pending_space) out.append(static_cast<UChar>(0x20));
    pending_space = false;
    out.append(c);
  }
  return out;
}

}  // namespace

std::string nick_key(std::string_view nick) {
  icu::UnicodeString s = map_spaces(icu::UnicodeString::fromUTF8(
      icu::StringPiece(nick.data(), static_cast<int32_t>(nick.size()))));
  s.toLower(icu::Locale::getRoot());  // RFC 8266 2.2, the case mapping rule
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(status);
  // ICU's own data, linked in: failing to find it is a broken installation, not input.
  assert(U_SUCCESS(status) && nfkc != nullptr);
  icu::UnicodeString normalized = nfkc->normalize(s, status);
  assert(U_SUCCESS(status));
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

bool has_bidi_control(std::string_view nick) {
  icu::UnicodeString s = icu::UnicodeString::fromUTF8(
      icu::StringPiece(nick.data(), static_cast<int32_t>(nick.size())));
  for (int32_t i = 0; i < s.length(); i = s.moveIndex32(i, 1)) {
    if (u_hasBinaryProperty(s.char32At(i), UCHAR_BIDI_CONTROL)) return true;
  }
  return false;
}

}  // namespace xmpp
