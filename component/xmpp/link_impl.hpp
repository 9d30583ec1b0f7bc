// Private to the component link: the state shared by its two halves, the transport
// (link_transport.cpp: resolve, connect, coalesced writes, closing, stop) and the XEP-0114
// protocol (component_link.cpp: stream header, handshake, stream errors, the public API).
#pragma once

#include <uv.h>

#include <array>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "xml/framer.hpp"
#include "xml/recipient_batch.hpp"
#include "xmpp/backoff.hpp"
#include "xmpp/component_link.hpp"

namespace xmpp {

struct ComponentLink::Impl final : xml::StreamFramer::Handler {
  // A connection attempt goes connecting -> awaiting_header -> awaiting_handshake -> up; a
  // failure goes to waiting_retry (or fatal), and stop() ends in stopping -> stopped once
  // every libuv handle is closed.
  enum class LinkState {
    idle,
    connecting,
    awaiting_header,
    awaiting_handshake,
    up,
    waiting_retry,
    fatal,
    stopping,
    stopped
  };

  // One TCP connection. Heap-allocated because libuv closes asynchronously: a connection being
  // closed outlives the moment the link moves on to its next attempt.
  struct Conn {
    uv_tcp_t tcp;
    uv_connect_t connect_req;
    uv_shutdown_t shutdown_req;
    Impl* owner = nullptr;
    bool connected = false;
  };
  struct WriteReq {
    uv_write_t req;
    std::string data;
    Impl* owner;
    Conn* conn;
  };

  Impl(uv_loop_t* loop, LinkConfig config, Listener& listener);
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  uv_loop_t* loop;
  LinkConfig cfg;
  Listener& listener;
  xml::StreamFramer framer;
  Backoff backoff;
  LinkState state = LinkState::idle;

  Conn* conn = nullptr;           // the current connection; closing ones are not referenced
  Conn* stopping_conn = nullptr;  // stop(): the connection whose last bytes are leaving
  uv_getaddrinfo_t* resolving = nullptr;
  std::vector<sockaddr_storage> addrs;
  std::size_t next_addr = 0;

  uv_timer_t retry_timer;      // next attempt; during stop(), the guard for the last flush
  uv_timer_t keepalive_timer;  // whitespace ping after cfg.keepalive without a write
  uv_timer_t stall_timer;      // is the server still reading what waits for it?
  // Writes are coalesced: send() only appends to `out` and arms this prepare handle, which
  // libuv runs once per loop turn right before it blocks for I/O. By then every callback of
  // the turn (reads, timers, database completions) has queued its stanzas, so a turn costs at
  // most one uv_write. A check handle would run after the poll and leave what timer callbacks
  // queued waiting for the next wake-up; an idle handle would keep the loop from blocking.
  uv_prepare_t flush_prepare;
  // What this turn's callbacks sent, grouped by recipient when the turn ends (on_flush), so
  // the server hands each session its stanzas in one run (xml/recipient_batch.hpp).
  xml::RecipientBatch batch;
  std::string out;  // what the next uv_write takes
  // The buffer of the last finished write, cleared but with its capacity, reused as the next
  // `out`: a busy link then grows no buffer and touches no fresh pages per loop turn.
  std::string spare;
  // Output queued behind a fan-out too large to build at once: expanded into `out` as the
  // server reads (refill()). While it is not empty everything sent queues behind it, so the
  // order of what the rooms said holds.
  struct Deferred {
    std::shared_ptr<const xml::Prepared> stanza;  // a broadcast: one copy per recipient
    std::shared_ptr<const xml::Recipients> to;
    std::size_t next = 0;  // the next recipient
    std::string text;      // or one stanza, already serialised
  };
  std::deque<Deferred> deferred;
  std::size_t deferred_bytes = 0;  // what expanding `deferred` will still write
  // Backpressure (cfg.high_water, cfg.low_water): while more than the high-water mark waits,
  // the framer is paused after the stanza that crossed it and reading stops; both resume when
  // a finished write brings the backlog under the low-water mark.
  static constexpr std::size_t kMaxSpare = std::size_t{16} * 1024 * 1024;
  bool reading_paused = false;
  // Stall detection: the last time the server took any of our output, or had none waiting.
  std::uint64_t last_progress_ms = 0;
  std::size_t last_kernel_queue = 0;
  std::size_t writes_done = 0, writes_seen = 0;
  std::uint64_t last_slow_log_ms = 0;
  LinkStats stats;

  std::size_t open = 0;  // handles not yet closed + getaddrinfo requests outstanding
  std::size_t dropped = 0;
  bool detached = false;  // the ComponentLink is gone: free ourselves once all is closed
  std::function<void()> on_stopped;
  std::array<char, std::size_t{64} * 1024> read_buf{};

  // ---- transport (link_transport.cpp)
  void attempt();
  void connect_next(const std::string& last_error);
  void queue(std::string_view text);
  void queue_broadcast(std::shared_ptr<const xml::Prepared> stanza,
                       std::shared_ptr<const xml::Recipients> to);
  void refill(std::size_t up_to);
  void arm_flush();
  std::size_t kernel_queue() const;
  std::size_t backlog() const;
  void pause_reading_if_busy();
  void stop_reading();
  void resume_reading_if_drained();
  void start_stall_timer();
  void check_stall();
  void write(Conn* c, std::string data);
  void drop_conn(std::string_view farewell);
  void close_conn(Conn* c);
  void retry(const std::string& reason);
  void stop(std::function<void()> done);
  void close_stopping_conn();
  void close_own_handles();
  void check_finished();
  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* res);
  static void on_connect(uv_connect_t* req, int status);
  static void on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf);
  static void on_flush(uv_prepare_t* p);
  static void on_written(uv_write_t* req, int status);
  static void on_conn_closed(uv_handle_t* h);

  // ---- protocol (component_link.cpp)
  void connected();                       // TCP is up: open the stream
  void received(std::string_view bytes);  // bytes from the current connection
  void after_feed(Conn* c, const std::optional<xml::StreamError>& error);
  void on_stream_open(const xml::Element& header) override;
  void on_stanza(xml::Element stanza) override;
  void on_stanza_fault(xml::StanzaFault fault) override;
  void on_stream_close() override;
  bool paused() const override { return backlog() > cfg.high_water; }
  void link_up();
  void lose(const std::string& reason, std::string_view farewell = {});
  void fail_fatally(const std::string& reason);
  bool accept_send();
  void arm_keepalive();
};

}  // namespace xmpp
