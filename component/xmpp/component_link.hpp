// The XEP-0114 link: one TCP connection to the XMPP server, authenticated with the
// handshake, carrying stanzas both ways. It knows nothing of MUC. Writes are coalesced
// into one uv_write per loop turn; a dropped or refused connection is retried with capped
// exponential backoff; a wrong secret is fatal (retrying cannot fix it).
#pragma once

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "xml/element.hpp"
#include "xml/framer.hpp"
#include "xml/writer.hpp"

namespace xmpp {

struct LinkConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 5347;
  std::string domain = "conference.localhost";  // the component's own name
  std::string secret;
  xml::Limits limits;
  std::chrono::milliseconds keepalive{30000};  // whitespace ping after this much idle
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{10000};
  // Bytes handed to the socket but not yet taken by the kernel: past this the server is not
  // reading (or far too slowly), and the link is dropped and re-established rather than
  // grow without bound.
  std::size_t max_queued_bytes = std::size_t{64} * 1024 * 1024;
};

class ComponentLink {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_link_up() = 0;                    // handshake accepted
    virtual void on_stanza(xml::Element stanza) = 0;  // every stanza after the handshake
    virtual void on_link_down() = 0;                  // was up, now lost (a retry follows)
    // Unrecoverable (the server refused our secret): the link stops retrying.
    virtual void on_fatal(const std::string& reason) = 0;
  };

  ComponentLink(uv_loop_t* loop, LinkConfig config, Listener& listener);
  ~ComponentLink();
  ComponentLink(const ComponentLink&) = delete;
  ComponentLink& operator=(const ComponentLink&) = delete;

  void start();
  // Sends </stream:stream>, flushes what is queued, closes all handles, then calls `done`.
  void stop(std::function<void()> done);

  // Queue one stanza; dropped (and counted) while the link is not up.
  void send(const xml::Element& stanza);
  // Queue one copy of a prepared stanza for `to` (the fan-out path: no re-serialisation).
  void send(const xml::Prepared& stanza, std::string_view to);
  // Queue one copy per recipient of a room-wide broadcast, addresses already escaped.
  void send(const xml::Prepared& stanza, const xml::Recipients& to);

  bool up() const;
  std::size_t queued_bytes() const;  // not yet handed to the kernel: a metric

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xmpp
