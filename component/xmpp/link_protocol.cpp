#include "xmpp/link_protocol.hpp"

#include <openssl/evp.h>

#include <cassert>

#include "xml/writer.hpp"

namespace xmpp {

std::string stream_header(std::string_view domain) {
  std::string out =
      "<stream:stream xmlns='jabber:component:accept' "
      "xmlns:stream='http://etherx.jabber.org/streams' to='";
  xml::escape_attr(domain, out);
  out += "'>";
  return out;
}

std::string handshake_digest(std::string_view stream_id, std::string_view secret) {
  // XEP-0114 3 also says characters that map to predefined entities "MUST be escaped" before
  // hashing, but the servers we talk to (Prosody, ejabberd) hash the raw concatenation, and
  // a digest the server does not compute is useless, so we hash the raw bytes as they do.
  std::string input;
  input.reserve(stream_id.size() + secret.size());
  input.append(stream_id).append(secret);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const int ok = EVP_Digest(input.data(), input.size(), md, &len, EVP_sha1(), nullptr);
  // Only fails on allocation failure or a missing SHA-1 implementation: nothing to recover.
  assert(ok == 1 && len == 20);
  (void)ok;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(std::size_t{2} * len);
  for (unsigned i = 0; i < len; ++i) {
    hex.push_back(kHex[md[i] >> 4]);
    hex.push_back(kHex[md[i] & 0x0f]);
  }
  return hex;
}

std::string stream_error(std::string_view condition, std::string_view text) {
  std::string out = "<stream:error><";
  out.append(condition).append(" xmlns='").append(ns::kStreamErrors).append("'/>");
  if (!text.empty()) {
    out.append("<text xmlns='").append(ns::kStreamErrors).append("'>");
    xml::escape_text(text, out);
    out.append("</text>");
  }
  out.append("</stream:error>").append(kStreamFooter);
  return out;
}

bool is_stream_error(const xml::Element& e) {
  return e.is("error", ns::kStreams);
}

ReceivedStreamError read_stream_error(const xml::Element& e) {
  ReceivedStreamError out;
  for (const xml::Element* c : e.elements()) {
    if (c->ns() != ns::kStreamErrors) continue;  // application-specific conditions are extra
    if (c->name() == "text") {
      out.text = c->text();
    } else if (out.condition.empty()) {
      out.condition = c->name();
    }
  }
  if (out.condition.empty()) out.condition = "undefined-condition";
  return out;
}

}  // namespace xmpp
