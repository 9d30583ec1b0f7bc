// The transport half of the component link: name resolution, connecting, reading into the
// framer, coalesced writes, closing connections and stopping. Everything here runs on the
// loop thread; the only memory freed asynchronously is freed in libuv close callbacks.
#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <utility>

#include "base/log.hpp"
#include "xmpp/link_impl.hpp"
#include "xmpp/link_protocol.hpp"

namespace xmpp {
namespace {

// stop(): how long the closing tag and queued stanzas may take to leave before we close
// anyway (a server that stopped reading must not keep the process from exiting).
constexpr std::uint64_t kStopGuardMs = 2000;

std::string uv_error(int status) {
  return std::string(uv_err_name(status));
}

uv_handle_t* as_handle(auto* h) {
  return reinterpret_cast<uv_handle_t*>(h);
}
uv_stream_t* as_stream(uv_tcp_t* t) {
  return reinterpret_cast<uv_stream_t*>(t);
}

}  // namespace

ComponentLink::Impl::Impl(uv_loop_t* l, LinkConfig c, Listener& li)
    : loop(l),
      cfg(std::move(c)),
      listener(li),
      framer(cfg.limits),
      backoff(cfg.backoff_initial, cfg.backoff_max) {
  for (uv_timer_t* t : {&retry_timer, &keepalive_timer, &stall_timer}) {
    uv_timer_init(loop, t);
    t->data = this;
  }
  uv_prepare_init(loop, &flush_prepare);
  flush_prepare.data = this;
  open = 4;
}

// ---- connecting

void ComponentLink::Impl::attempt() {
  state = LinkState::connecting;
  base::log_debug("link: connecting to {}:{}", cfg.host, cfg.port);
  addrs.clear();
  next_addr = 0;
  sockaddr_storage ss{};
  if (uv_ip4_addr(cfg.host.c_str(), cfg.port, reinterpret_cast<sockaddr_in*>(&ss)) == 0 ||
      uv_ip6_addr(cfg.host.c_str(), cfg.port, reinterpret_cast<sockaddr_in6*>(&ss)) == 0) {
    addrs.push_back(ss);
    connect_next("no address");
    return;
  }
  auto* req = new uv_getaddrinfo_t{};
  req->data = this;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  const std::string service = std::to_string(cfg.port);
  const int rc = uv_getaddrinfo(loop, req, &on_resolved, cfg.host.c_str(), service.c_str(), &hints);
  if (rc != 0) {
    delete req;
    retry(fmt::format("cannot resolve {}: {}", cfg.host, uv_strerror(rc)));
    return;
  }
  resolving = req;
  ++open;
}

void ComponentLink::Impl::on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* res) {
  auto* self = static_cast<Impl*>(req->data);
  const bool current = self->resolving == req;
  delete req;
  --self->open;
  if (!current || self->state != LinkState::connecting) {  // cancelled by stop()
    if (res) uv_freeaddrinfo(res);
    self->check_finished();
    return;
  }
  self->resolving = nullptr;
  if (status < 0) {
    self->retry(fmt::format("cannot resolve {}: {}", self->cfg.host, uv_strerror(status)));
    return;
  }
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    sockaddr_storage ss{};
    std::memcpy(&ss, ai->ai_addr, ai->ai_addrlen);
    self->addrs.push_back(ss);
  }
  uv_freeaddrinfo(res);
  self->connect_next("no address");
}

// Tries the resolved addresses in order ("localhost" may be ::1 then 127.0.0.1); the attempt
// fails when none accepts.
void ComponentLink::Impl::connect_next(const std::string& last_error) {
  if (next_addr >= addrs.size()) {
    retry(fmt::format("cannot connect to {}:{}: {}", cfg.host, cfg.port, last_error));
    return;
  }
  const sockaddr_storage& addr = addrs[next_addr++];
  auto* c = new Conn{};
  c->owner = this;
  uv_tcp_init(loop, &c->tcp);
  c->tcp.data = c;
  c->connect_req.data = c;
  ++open;
  conn = c;
  // We coalesce writes ourselves; Nagle would only delay each turn's single write.
  uv_tcp_nodelay(&c->tcp, 1);
  const int rc = uv_tcp_connect(&c->connect_req, &c->tcp, reinterpret_cast<const sockaddr*>(&addr),
                                &on_connect);
  if (rc != 0) {
    close_conn(std::exchange(conn, nullptr));
    connect_next(uv_error(rc));
  }
}

void ComponentLink::Impl::on_connect(uv_connect_t* req, int status) {
  auto* c = static_cast<Conn*>(req->data);
  Impl* self = c->owner;
  if (c != self->conn) return;  // closed meanwhile (by stop())
  if (status < 0) {
    self->close_conn(std::exchange(self->conn, nullptr));
    self->connect_next(uv_error(status));
    return;
  }
  c->connected = true;
  self->reading_paused = false;
  uv_read_start(as_stream(&c->tcp), &on_alloc, &on_read);
  self->connected();
}

// ---- reading

// One buffer serves every read: only the current connection reads, and the framer copies what
// it keeps before feed() returns.
void ComponentLink::Impl::on_alloc(uv_handle_t* h, std::size_t, uv_buf_t* buf) {
  Impl* self = static_cast<Conn*>(h->data)->owner;
  *buf = uv_buf_init(self->read_buf.data(), static_cast<unsigned>(self->read_buf.size()));
}

void ComponentLink::Impl::on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Conn*>(s->data);
  Impl* self = c->owner;
  if (c != self->conn || nread == 0) return;
  if (nread < 0) {
    self->lose(nread == UV_EOF ? std::string("the server closed the connection")
                               : "read failed: " + uv_error(static_cast<int>(nread)));
    return;
  }
  self->received(std::string_view(buf->base, static_cast<std::size_t>(nread)));
}

// ---- writing

void ComponentLink::Impl::queue(std::string_view text) {
  if (deferred.empty()) {
    batch.add_raw(text);
  } else {
    deferred.push_back(Deferred{nullptr, nullptr, 0, std::string(text)});
    deferred_bytes += text.size();
  }
  arm_flush();
}

// A fan-out up to the low-water mark is built at once (the common case, one pass); a larger
// one waits as its shared stanza and list, expanded as the server reads.
void ComponentLink::Impl::queue_broadcast(std::shared_ptr<const xml::Prepared> stanza,
                                          std::shared_ptr<const xml::Recipients> to) {
  const std::size_t bytes = xml::fan_out_bytes(*stanza, *to);
  if (deferred.empty() && bytes <= cfg.low_water) {
    batch.add_fan_out(std::move(stanza), std::move(to));
  } else {
    deferred.push_back(Deferred{std::move(stanza), std::move(to), 0, {}});
    deferred_bytes += bytes;
  }
  arm_flush();
}

// Expands this turn's batch into `out`, then deferred output until `out` holds `up_to`
// bytes or nothing is deferred. The batch came before anything deferred behind it.
void ComponentLink::Impl::refill(std::size_t up_to) {
  batch.drain(out);
  while (!deferred.empty() && out.size() < up_to) {
    Deferred& d = deferred.front();
    if (d.stanza == nullptr) {
      out.append(d.text);
      deferred_bytes -= d.text.size();
      deferred.pop_front();
      continue;
    }
    const std::size_t before = out.size();
    while (d.next < d.to->size() && out.size() < up_to) {
      out += d.stanza->head;
      out += d.to->escaped(d.next++);
      out += d.stanza->tail;
    }
    deferred_bytes -= std::min(deferred_bytes, out.size() - before);
    if (d.next == d.to->size()) deferred.pop_front();
  }
  if (deferred.empty()) deferred_bytes = 0;  // the estimate counted escaped bytes once
}

void ComponentLink::Impl::arm_flush() {
  if (!uv_is_active(as_handle(&flush_prepare))) uv_prepare_start(&flush_prepare, &on_flush);
  pause_reading_if_busy();
}

std::size_t ComponentLink::Impl::kernel_queue() const {
  if (conn == nullptr) return 0;
  return uv_stream_get_write_queue_size(reinterpret_cast<const uv_stream_t*>(&conn->tcp));
}

// Everything that waits for the server: handed to libuv, in `out`, and deferred.
std::size_t ComponentLink::Impl::backlog() const {
  return batch.bytes() + out.size() + kernel_queue() + deferred_bytes;
}

void ComponentLink::Impl::pause_reading_if_busy() {
  if (backlog() > cfg.high_water) stop_reading();
}

void ComponentLink::Impl::stop_reading() {
  if (reading_paused || conn == nullptr || !conn->connected) return;
  uv_read_stop(as_stream(&conn->tcp));
  reading_paused = true;
}

// Called when a write finished: under the low-water mark, the framer goes on with the
// input it kept, and once that is all decoded, reading from the server resumes.
void ComponentLink::Impl::resume_reading_if_drained() {
  if (!reading_paused || conn == nullptr || backlog() >= cfg.low_water) return;
  if (framer.pending() > 0) {
    Conn* c = conn;
    after_feed(c, framer.resume(*this));
    if (c != conn || framer.pending() > 0 || backlog() > cfg.high_water) return;
  }
  reading_paused = false;
  uv_read_start(as_stream(&conn->tcp), &on_alloc, &on_read);
}

void ComponentLink::Impl::on_flush(uv_prepare_t* p) {
  auto* self = static_cast<Impl*>(p->data);
  uv_prepare_stop(p);
  if (self->conn == nullptr || !self->conn->connected) return;
  // Deferred fan-out is expanded only while the kernel has little of ours: what waits then
  // costs a shared stanza and a list, not its copies.
  self->batch.drain(self->out);
  if (self->kernel_queue() < self->cfg.low_water) self->refill(self->cfg.low_water);
  self->stats.peak_queue_bytes = std::max(self->stats.peak_queue_bytes, self->backlog());
  if (self->out.empty()) return;
  std::string next = std::move(self->spare);
  next.clear();
  self->write(self->conn, std::exchange(self->out, std::move(next)));
  if (self->conn == nullptr) return;  // the write failed and the connection is being dropped
  if (self->state == LinkState::up) self->arm_keepalive();
}

void ComponentLink::Impl::write(Conn* c, std::string data) {
  auto* w = new WriteReq{uv_write_t{}, std::move(data), this, c};
  w->req.data = w;
  uv_buf_t buf = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  const int rc = uv_write(&w->req, as_stream(&c->tcp), &buf, 1, &on_written);
  if (rc != 0) {
    delete w;
    if (c == conn) lose("write failed: " + uv_error(rc));
  }
}

void ComponentLink::Impl::on_written(uv_write_t* req, int status) {
  auto* w = static_cast<WriteReq*>(req->data);
  Impl* self = w->owner;
  Conn* c = w->conn;
  if (w->data.capacity() <= kMaxSpare && w->data.capacity() > self->spare.capacity()) {
    self->spare = std::move(w->data);
  }
  delete w;
  if (c != self->conn) return;
  if (status < 0 && status != UV_ECANCELED) {
    self->lose("write failed: " + uv_error(status));
    return;
  }
  ++self->writes_done;
  if (!self->deferred.empty()) self->arm_flush();
  self->resume_reading_if_drained();
}

// ---- stalls

void ComponentLink::Impl::start_stall_timer() {
  const auto timeout = static_cast<std::uint64_t>(cfg.stall_timeout.count());
  if (timeout == 0) return;
  last_progress_ms = uv_now(loop);
  last_kernel_queue = 0;
  const std::uint64_t every = std::clamp<std::uint64_t>(timeout / 4, 1, 1000);
  uv_timer_start(
      &stall_timer, [](uv_timer_t* t) { static_cast<Impl*>(t->data)->check_stall(); }, every,
      every);
}

// A slow server is not a dead one: the link is dropped only when output waits and none of
// it has been taken for cfg.stall_timeout. Meanwhile the log says what is happening.
void ComponentLink::Impl::check_stall() {
  if (conn == nullptr || !conn->connected) return;
  const std::uint64_t now = uv_now(loop);
  const std::size_t queued = kernel_queue();
  if (queued == 0 || queued < last_kernel_queue || writes_done != writes_seen) {
    last_progress_ms = now;
  }
  last_kernel_queue = queued;
  writes_seen = writes_done;
  const std::size_t waiting = backlog();
  if (waiting > cfg.high_water && now - last_slow_log_ms >= 10000) {
    last_slow_log_ms = now;
    base::log_info(
        "link: {} bytes wait for the server to read them; decoding its input is held "
        "until it catches up",
        waiting);
  }
  const auto timeout = static_cast<std::uint64_t>(cfg.stall_timeout.count());
  if (queued > 0 && now - last_progress_ms >= timeout) {
    lose(fmt::format("the server has read nothing for {} s while {} bytes waited", timeout / 1000,
                     waiting));
  }
}

// ---- closing

// Detaches the current connection and closes it. What is queued plus `farewell` (our closing
// tag or a stream error) is handed to the kernel if it takes it right now: the peer is gone or
// misbehaving, so this is best effort and never waits.
void ComponentLink::Impl::drop_conn(std::string_view farewell) {
  Conn* c = std::exchange(conn, nullptr);
  uv_timer_stop(&keepalive_timer);
  uv_timer_stop(&stall_timer);
  // What the server never read is lost with the connection, as it would be with the server.
  deferred.clear();
  deferred_bytes = 0;
  reading_paused = false;
  batch.drain(out);
  std::string data = std::exchange(out, std::string());
  if (c == nullptr) return;
  if (c->connected && !farewell.empty()) {
    data.append(farewell);
    uv_buf_t buf = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
    uv_try_write(as_stream(&c->tcp), &buf, 1);
  }
  close_conn(c);
}

void ComponentLink::Impl::close_conn(Conn* c) {
  uv_close(as_handle(&c->tcp), &on_conn_closed);
}

void ComponentLink::Impl::on_conn_closed(uv_handle_t* h) {
  auto* c = static_cast<Conn*>(h->data);
  Impl* self = c->owner;
  const bool was_stopping = c == self->stopping_conn;
  delete c;
  --self->open;
  if (was_stopping) {
    self->stopping_conn = nullptr;
    self->close_own_handles();
  }
  self->check_finished();
}

void ComponentLink::Impl::retry(const std::string& reason) {
  state = LinkState::waiting_retry;
  const auto delay = backoff.next();
  // One line per attempt: why it failed and when the next one comes.
  base::log_warn("link: {}; reconnecting in {} ms (attempt {})", reason, delay.count(),
                 backoff.attempt());
  uv_timer_start(
      &retry_timer, [](uv_timer_t* t) { static_cast<Impl*>(t->data)->attempt(); },
      static_cast<std::uint64_t>(delay.count()), 0);
}

// ---- stopping

void ComponentLink::Impl::stop(std::function<void()> done) {
  assert(state != LinkState::stopping && state != LinkState::stopped);  // stop() is called once
  on_stopped = std::move(done);
  state = LinkState::stopping;
  if (resolving) {
    uv_cancel(reinterpret_cast<uv_req_t*>(resolving));  // its callback still comes
    resolving = nullptr;
  }
  uv_timer_stop(&retry_timer);
  uv_timer_stop(&keepalive_timer);
  uv_timer_stop(&stall_timer);
  uv_prepare_stop(&flush_prepare);
  base::log_info("link: stats: peak_queue_bytes={} reconnects={} stanza_faults={}",
                 stats.peak_queue_bytes, stats.reconnects, stats.stanza_faults);
  refill(SIZE_MAX);  // the last words of every room go out before the closing tag
  if (conn == nullptr || !conn->connected || detached) {
    // Nothing to say, or nobody left to wait for it (the destructor): close at once.
    drop_conn(kStreamFooter);
    close_own_handles();
    return;
  }
  // RFC 6120 4.4: close the stream with its closing tag, after what is still queued; the
  // shutdown completes once every write has left, then the socket is closed.
  Conn* c = std::exchange(conn, nullptr);
  uv_read_stop(as_stream(&c->tcp));
  stopping_conn = c;
  write(c, std::exchange(out, std::string()).append(kStreamFooter));
  c->shutdown_req.data = c;
  const int rc = uv_shutdown(&c->shutdown_req, as_stream(&c->tcp), [](uv_shutdown_t* req, int) {
    static_cast<Conn*>(req->data)->owner->close_stopping_conn();
  });
  if (rc != 0) {
    close_stopping_conn();
    return;
  }
  uv_timer_start(
      &retry_timer, [](uv_timer_t* t) { static_cast<Impl*>(t->data)->close_stopping_conn(); },
      kStopGuardMs, 0);
}

void ComponentLink::Impl::close_stopping_conn() {
  if (stopping_conn == nullptr) return;
  uv_handle_t* h = as_handle(&stopping_conn->tcp);
  if (!uv_is_closing(h)) uv_close(h, &on_conn_closed);
}

void ComponentLink::Impl::close_own_handles() {
  for (uv_handle_t* h : {as_handle(&retry_timer), as_handle(&keepalive_timer),
                         as_handle(&stall_timer), as_handle(&flush_prepare)}) {
    if (uv_is_closing(h)) continue;
    uv_close(h, [](uv_handle_t* handle) {
      auto* self = static_cast<Impl*>(handle->data);
      --self->open;
      self->check_finished();
    });
  }
}

// Runs after every close: once nothing is open, the link is stopped. Nothing may touch the
// Impl after this returns: `done` may destroy the ComponentLink, and a detached Impl deletes
// itself here.
void ComponentLink::Impl::check_finished() {
  if (open != 0 || state != LinkState::stopping) return;
  state = LinkState::stopped;
  if (detached) {
    delete this;
    return;
  }
  if (on_stopped) std::exchange(on_stopped, nullptr)();
}

}  // namespace xmpp
