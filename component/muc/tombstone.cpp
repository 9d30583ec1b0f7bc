#include "muc/tombstone.hpp"

#include <fmt/format.h>

namespace muc {

namespace {
// RFC 5122 section 2.2 / RFC 3986: the JID in an xmpp: URI, every byte outside the
// unreserved set (and the '@' between local part and domain) percent-encoded. Local parts
// may hold '?', '#', '%' or non-ASCII, which would otherwise break the URI.
std::string uri_encoded(std::string_view jid) {
  std::string out;
  for (char ch : jid) {
    const auto c = static_cast<unsigned char>(ch);
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '@';
    if (keep) {
      out.push_back(ch);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}
}  // namespace

xmpp::StanzaError gone_error(const Tombstone& t) {
  xmpp::StanzaError e{"cancel", "gone", t.reason.empty() ? "This room was destroyed" : t.reason};
  if (!t.alternate.empty()) e.condition_text = "xmpp:" + uri_encoded(t.alternate) + "?join";
  return e;
}

}  // namespace muc
