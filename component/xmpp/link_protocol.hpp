// The XEP-0114 wire pieces of the component link, as pure functions so that they are tested
// without a socket: the stream header we open with, the handshake digest, and the stream
// errors we send or receive (RFC 6120 4.9).
#pragma once

#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xmpp/namespaces.hpp"

namespace xmpp {

// XEP-0114 3: the component opens the stream, naming itself in 'to'.
std::string stream_header(std::string_view domain);

// XEP-0114 3: lowercase hex SHA-1 of the stream id followed by the shared secret.
std::string handshake_digest(std::string_view stream_id, std::string_view secret);

// A stream error followed by the closing tag (RFC 6120 4.9.1.1: the sender of a stream error
// closes the stream). `text` is optional human-readable detail (4.9.2).
std::string stream_error(std::string_view condition, std::string_view text = {});

inline constexpr std::string_view kStreamFooter = "</stream:stream>";

// A <stream:error/> element received from the server, read back.
struct ReceivedStreamError {
  std::string condition;  // "undefined-condition" when the server named none
  std::string text;
};
bool is_stream_error(const xml::Element& e);
ReceivedStreamError read_stream_error(const xml::Element& e);

}  // namespace xmpp
