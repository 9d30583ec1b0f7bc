#include "muc/tombstone.hpp"

namespace muc {

xmpp::StanzaError gone_error(const Tombstone& t) {
  xmpp::StanzaError e{"cancel", "gone", t.reason.empty() ? "This room was destroyed" : t.reason};
  // RFC 5122 section 2.2: a JID in an XMPP URI is not percent-encoded beyond what the
  // URI syntax needs; room JIDs we accept (prepared, no '?' or '#') need none.
  if (!t.alternate.empty()) e.condition_text = "xmpp:" + t.alternate + "?join";
  return e;
}

}  // namespace muc
