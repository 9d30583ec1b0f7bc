// libFuzzer target: JID preparation (xmpp/jid.hpp). Invariants: a parsed JID's text parses
// back to the same JID (preparation is idempotent), its bare and domain forms parse too, a
// prepared nick prepares to itself, and no part exceeds 1023 bytes (RFC 7622 3.1).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "xmpp/jid.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto jid = xmpp::Jid::parse(text)) {
    auto again = xmpp::Jid::parse(jid->str());
    if (!again || again->str() != jid->str()) std::abort();
    if (jid->local().size() > 1023 || jid->domain().size() > 1023 ||
        jid->resource().size() > 1023) {
      std::abort();
    }
    auto bare = xmpp::Jid::parse(jid->bare_str());
    if (!bare || bare->str() != jid->bare_str() || !(bare->bare() == jid->bare())) std::abort();
    if (!xmpp::Jid::parse(jid->domain())) std::abort();
  }
  if (auto nick = xmpp::Jid::prepare_nick(text)) {
    auto again = xmpp::Jid::prepare_nick(*nick);
    if (!again || *again != *nick) std::abort();
  }
  return 0;
}
