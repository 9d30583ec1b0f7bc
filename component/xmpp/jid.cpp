#include "xmpp/jid.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stringprep.h>

#include <algorithm>
#include <array>

#include "xmpp/nickname.hpp"

namespace xmpp {
namespace {

// RFC 7622 3.1 / RFC 6122 2.2-2.4: each part is at most 1023 bytes once prepared.
constexpr std::size_t kMaxPartBytes = 1023;
// Preparation may shrink the input (characters mapped to nothing), so the raw input may be a
// little longer than 1023; four times is far beyond any real shrinkage and bounds the buffer.
constexpr std::size_t kMaxRawBytes = 4 * kMaxPartBytes;

// Runs one stringprep profile over `in`. libidn works in place on a NUL-terminated buffer
// and needs room for expansion (case folding can grow a string: U+00DF -> "ss").
std::optional<std::string> run_stringprep(std::string_view in, const Stringprep_profile* profile) {
  if (in.size() > kMaxRawBytes) return std::nullopt;
  // An embedded NUL would silently truncate the C string; U+0000 is prohibited anyway.
  if (in.find('\0') != std::string_view::npos) return std::nullopt;
  std::string buf(in);
  buf.resize(in.size() * 4 + 16, '\0');
  // Flags 0 (unassigned code points allowed) as RFC 3454 7 allows for queries; the macro form
  // of these calls passes an int where C++ needs the enum, hence the explicit call.
  if (stringprep(buf.data(), buf.size(), Stringprep_profile_flags(0), profile) != STRINGPREP_OK) {
    return std::nullopt;
  }
  buf.resize(std::char_traits<char>::length(buf.c_str()));
  if (buf.size() > kMaxPartBytes) return std::nullopt;
  return buf;
}

bool is_ldh(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// RFC 7622 3.2: a domainpart is an IP literal or a DNS name. We apply the STD3 rules that
// IDNA ToASCII with UseSTD3ASCIIRules enforces (RFC 3490 4.1, step 3): every ASCII code point
// of every label is a letter, digit or hyphen, and no label starts or ends with a hyphen;
// an all-ASCII label is at most 63 bytes. Non-ASCII code points are nameprep's, which has
// already refused the prohibited ones. (A label mixing the two, such as "a<b\u00e9", is
// refused for its '<': found by fuzzing, tests/fuzz/regressions/jid/.)
bool valid_dns_name(std::string_view name) {
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    if (dot == std::string_view::npos) dot = name.size();
    std::string_view label = name.substr(start, dot - start);
    if (label.empty()) return false;
    auto is_ascii = [](char c) { return static_cast<unsigned char>(c) < 0x80; };
    for (char c : label) {
      if (is_ascii(c) && !is_ldh(c)) return false;
    }
    if (label.front() == '-' || label.back() == '-') return false;
    if (std::all_of(label.begin(), label.end(), is_ascii) && label.size() > 63) return false;
    start = dot + 1;
  }
  return true;
}

constexpr std::string_view kLabelSeparators[] = {".", "\xE3\x80\x82", "\xEF\xBC\x8E",
                                                 "\xEF\xBD\xA1"};

// RFC 3490 3.1 (1): every label separator is read as a full stop.
std::string with_ascii_dots(std::string_view domain) {
  std::string out;
  out.reserve(domain.size());
  for (std::size_t i = 0; i < domain.size();) {
    bool replaced = false;
    for (std::string_view sep : kLabelSeparators) {
      if (sep.size() > 1 && domain.substr(i).starts_with(sep)) {
        out.push_back('.');
        i += sep.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(domain[i++]);
  }
  return out;
}

std::optional<std::string> prepare_domain(std::string_view domain) {
  // RFC 7622 3.2: one trailing label separator is stripped before any other canonicalisation;
  // RFC 3490 3.1 counts U+3002, U+FF0E and U+FF61 as label separators beside '.'.
  for (std::string_view sep : kLabelSeparators) {
    if (domain.ends_with(sep)) {
      domain.remove_suffix(sep.size());
      break;
    }
  }
  if (domain.empty()) return std::nullopt;
  // IP literals (RFC 7622 3.2): IPv6 in brackets as in RFC 3986, written back in the RFC 5952
  // canonical form so that "[::ABCD]" and "[::abcd]" compare equal; IPv4 dotted-quad as is.
  if (domain.front() == '[') {
    if (domain.size() < 3 || domain.back() != ']') return std::nullopt;
    std::string inner(domain.substr(1, domain.size() - 2));
    in6_addr addr{};
    if (inet_pton(AF_INET6, inner.c_str(), &addr) != 1) return std::nullopt;
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (inet_ntop(AF_INET6, &addr, text.data(), text.size()) == nullptr) return std::nullopt;
    return "[" + std::string(text.data()) + "]";
  }
  std::string ascii(domain);
  if (in_addr addr{}; inet_pton(AF_INET, ascii.c_str(), &addr) == 1) return ascii;
  auto prepared = run_stringprep(with_ascii_dots(domain), stringprep_nameprep);
  if (!prepared || prepared->empty()) return std::nullopt;
  if (!valid_dns_name(*prepared)) return std::nullopt;
  return prepared;
}

std::optional<std::string> prepare_resource(std::string_view resource) {
  auto prepared = run_stringprep(resource, stringprep_xmpp_resourceprep);
  if (!prepared || prepared->empty()) return std::nullopt;
  return prepared;
}

}  // namespace

std::optional<Jid> Jid::parse(std::string_view text) {
  // RFC 7622 3.1: the resourcepart starts at the first '/', and may itself contain '@' and
  // '/'; the localpart ends at the first '@' before that.
  std::string_view rest = text;
  std::optional<std::string_view> resource;
  if (auto slash = rest.find('/'); slash != std::string_view::npos) {
    resource = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (resource->empty()) return std::nullopt;
  }
  std::optional<std::string_view> local;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    local = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (local->empty()) return std::nullopt;
  }
  return from_parts(local.value_or(std::string_view{}), rest,
                    resource.value_or(std::string_view{}));
}

std::optional<Jid> Jid::from_parts(std::string_view local, std::string_view domain,
                                   std::string_view resource) {
  Jid jid;
  if (!local.empty()) {
    auto l = prepare_local(local);
    if (!l) return std::nullopt;
    jid.local_ = std::move(*l);
  }
  auto d = prepare_domain(domain);
  if (!d) return std::nullopt;
  jid.domain_ = std::move(*d);
  if (!resource.empty()) {
    auto r = prepare_resource(resource);
    if (!r) return std::nullopt;
    jid.resource_ = std::move(*r);
  }
  return jid;
}

namespace {

// Code points that show nothing by themselves and that resourceprep lets through: the space,
// combining marks (the main blocks), and the fillers that render blank (Hangul fillers,
// the blank braille pattern). Other invisible ones are mapped away or prohibited by
// resourceprep (RFC 3454 tables B.1, C.1.2, C.2, C.8, C.9).
bool blank(char32_t c) {
  return c == U' ' || (c >= 0x0300 && c <= 0x036F) || (c >= 0x1AB0 && c <= 0x1AFF) ||
         (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE20 && c <= 0xFE2F) || c == 0x115F || c == 0x1160 || c == 0x3164 || c == 0xFFA0 ||
         c == 0x2800;
}

// True when the (valid) UTF-8 `text` holds a code point that is not blank.
bool shows_something(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    const std::size_t n = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = n == 1 ? b : b & (0xFF >> (n + 1));
    for (std::size_t k = 1; k < n && i + k < text.size(); ++k) {
      c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    if (!blank(c)) return true;
    i += n;
  }
  return false;
}

}  // namespace

std::optional<std::string> Jid::prepare_nick(std::string_view nick) {
  auto prepared = prepare_resource(nick);
  if (!prepared) return std::nullopt;
  // XEP-0045 7.2: a nick made only of white space must be refused; so is one that renders as
  // nothing (only combining marks or blank fillers), which others could not tell from none.
  if (!shows_something(*prepared)) return std::nullopt;
  // RFC 8266 6: a bidi control would reorder how the nick, and what follows it, reads.
  if (has_bidi_control(*prepared)) return std::nullopt;
  return prepared;
}

std::optional<std::string> Jid::prepare_local(std::string_view local) {
  auto prepared = run_stringprep(local, stringprep_xmpp_nodeprep);
  if (!prepared || prepared->empty()) return std::nullopt;
  return prepared;
}

Jid Jid::bare() const {
  Jid j = *this;
  j.resource_.clear();
  return j;
}

Jid Jid::with_resource(std::string_view prepared_resource) const {
  Jid j = *this;
  j.resource_ = std::string(prepared_resource);
  return j;
}

std::string Jid::bare_str() const {
  if (local_.empty()) return domain_;
  std::string out;
  out.reserve(local_.size() + 1 + domain_.size());
  out.append(local_).append(1, '@').append(domain_);
  return out;
}

std::string Jid::str() const {
  std::string out = bare_str();
  if (!resource_.empty()) out.append(1, '/').append(resource_);
  return out;
}

}  // namespace xmpp
