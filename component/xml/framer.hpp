// Cuts an endless XMPP stream into its parts: the stream header, one complete top-level
// element (stanza) at a time, and the stream footer. RapidXML only parses whole documents,
// so the framer tracks tags, quotes and depth itself, enforces the limits, and rejects what
// RFC 6120 section 11 forbids before anything is parsed.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xml/element.hpp"

namespace xml {

struct Limits {
  std::size_t max_stanza_bytes = 256 * 1024;  // one top-level element, tags and text
  std::size_t max_depth = 32;                 // nesting below the stream element
  std::size_t max_attributes = 64;            // per element
};

// An RFC 6120 section 4.9.3 stream error: `condition` is the element name, e.g.
// "not-well-formed", "restricted-xml", "policy-violation", "invalid-namespace".
struct StreamError {
  std::string condition;
  std::string text;
};

class StreamFramer {
 public:
  class Handler {
   public:
    virtual ~Handler() = default;
    // The <stream:stream> opening tag, as an element with its attributes and no children
    // (name "stream", namespace "http://etherx.jabber.org/streams").
    virtual void on_stream_open(const Element& header) = 0;
    // One complete top-level element, namespaces resolved against the stream header's
    // declarations (so a bare <message/> has ns "jabber:component:accept").
    virtual void on_stanza(Element stanza) = 0;
    // </stream:stream>
    virtual void on_stream_close() = 0;
  };

  explicit StreamFramer(Limits limits = {});
  StreamFramer(const StreamFramer&) = delete;
  StreamFramer& operator=(const StreamFramer&) = delete;

  // Consumes bytes, calling the handler for every complete part, in order. On the first
  // violation returns the stream error to send; the framer then refuses further input
  // until reset(). An XML declaration before the header is accepted.
  std::optional<StreamError> feed(std::string_view bytes, Handler& handler);

  // Forget everything: a new stream starts (after a reconnect).
  void reset();

 private:
  struct Impl;
  Limits limits_;
  std::vector<char> pending_;  // placeholder; the implementation may change private state
};

}  // namespace xml
