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
  // Output backpressure, held at the stanza: once more than `high_water` bytes wait for the
  // server, no further inbound stanza is decoded (the rest stays in the framer and the
  // kernel, so TCP pushes back on the server) until output is under `low_water`. Output
  // memory stays within the high-water mark plus one stanza's fan-out, and a fan-out larger
  // than that is expanded progressively as the server reads, never built in one buffer.
  std::size_t high_water = std::size_t{4} * 1024 * 1024;
  std::size_t low_water = std::size_t{1024} * 1024;
  // A slow server is not a dead one: the link is dropped only when output waits and the
  // server has read none of it for this long ([link] stall_timeout).
  std::chrono::milliseconds stall_timeout{60000};
};

// What the link has seen since it started, for logs and the benchmark.
struct LinkStats {
  std::size_t peak_queue_bytes = 0;  // the most output ever waiting for the server
  std::size_t reconnects = 0;        // connections lost after the handshake succeeded
  std::size_t stanza_faults = 0;     // inbound stanzas refused for a fault of their own
};

class ComponentLink {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_link_up() = 0;                    // handshake accepted
    virtual void on_stanza(xml::Element stanza) = 0;  // every stanza after the handshake
    // A stanza refused for a fault of its own (over a limit, bad UTF-8...): answer it if
    // possible; the stream goes on.
    virtual void on_stanza_fault(const xml::StanzaFault& fault) = 0;
    virtual void on_link_down() = 0;  // was up, now lost (a retry follows)
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
  // Queue one copy per recipient of a room-wide broadcast, addresses already escaped. A
  // large fan-out is kept as the shared stanza and list and expanded as the server reads.
  void send(std::shared_ptr<const xml::Prepared> stanza, std::shared_ptr<const xml::Recipients> to);

  bool up() const;
  std::size_t queued_bytes() const;  // output waiting for the server: a metric
  const LinkStats& stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xmpp
