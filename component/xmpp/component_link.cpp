// The protocol half of the component link (XEP-0114 over RFC 6120 streams) and the public
// API. The transport half (sockets, writes, closing) is in link_transport.cpp.
#include "xmpp/component_link.hpp"

#include <cassert>
#include <utility>

#include "base/log.hpp"
#include "xmpp/link_impl.hpp"
#include "xmpp/link_protocol.hpp"

namespace xmpp {

void ComponentLink::Impl::connected() {
  framer.reset();
  batch.clear();
  out.clear();
  state = LinkState::awaiting_header;
  queue(stream_header(cfg.domain));
}

void ComponentLink::Impl::received(std::string_view bytes) {
  Conn* c = conn;
  after_feed(c, framer.feed(bytes, *this));
}

void ComponentLink::Impl::after_feed(Conn* c, const std::optional<xml::StreamError>& error) {
  // A handler may have dropped this connection (stream error, stop() from a listener).
  if (c != conn) return;
  if (!error) {
    // Paused at a stanza: what is left waits in the framer, and the kernel holds the rest,
    // so TCP pushes back on the server until the output drains.
    if (framer.pending() > 0) stop_reading();
    return;
  }
  // RFC 6120 4.9.1: we found the server's XML unacceptable; say why, then start over.
  base::log_warn("link: the server sent bad XML ({}{}{}); closing the stream", error->condition,
                 error->text.empty() ? "" : ": ", error->text);
  lose("stream error " + error->condition, stream_error(error->condition, error->text));
}

void ComponentLink::Impl::on_stream_open(const xml::Element& header) {
  if (state != LinkState::awaiting_header) return;
  const std::string* id = header.attr("id");
  if (id == nullptr || id->empty()) {
    // XEP-0114 3: the handshake digest is computed over the server's stream id.
    lose("the server's stream header has no id", kStreamFooter);
    return;
  }
  state = LinkState::awaiting_handshake;
  queue("<handshake>");
  queue(handshake_digest(*id, cfg.secret));
  queue("</handshake>");
}

void ComponentLink::Impl::on_stanza(xml::Element stanza) {
  if (conn == nullptr) return;  // this connection is being dropped: ignore the rest
  if (is_stream_error(stanza)) {
    const ReceivedStreamError e = read_stream_error(stanza);
    base::log_warn("link: the server sent a stream error: {}{}{}", e.condition,
                   e.text.empty() ? "" : ": ", e.text);
    // XEP-0114 3: a refused handshake is answered with <not-authorized/>. Retrying with the
    // same secret cannot succeed, so this ends the link instead of hammering the server.
    if (e.condition == "not-authorized" && state == LinkState::awaiting_handshake) {
      fail_fatally("the server refused the component secret (not-authorized)");
      return;
    }
    // RFC 6120 4.9.1.1: the server closes its stream after the error; we close ours.
    lose("stream error " + e.condition, kStreamFooter);
  } else if (state == LinkState::up) {
    listener.on_stanza(std::move(stanza));
  } else if (state == LinkState::awaiting_handshake && stanza.is("handshake", xml::kComponentNs)) {
    // XEP-0114 3: an empty <handshake/> from the server accepts our credentials.
    link_up();
  } else {
    base::log_warn("link: ignoring <{}> received before the handshake completed", stanza.name());
  }
}

void ComponentLink::Impl::on_stanza_fault(xml::StanzaFault fault) {
  if (conn == nullptr) return;
  ++stats.stanza_faults;
  // One stanza's fault costs that stanza, never the stream: the listener answers it.
  base::log_info({fault.head ? fault.head->attr_or("to") : std::string_view(),
                  fault.head ? fault.head->attr_or("id") : std::string_view()},
                 "link: refused a stanza from {} ({}: {})",
                 fault.head ? fault.head->attr_or("from", "?") : std::string_view("?"),
                 fault.condition, fault.text);
  if (state == LinkState::up) listener.on_stanza_fault(fault);
}

void ComponentLink::Impl::on_stream_close() {
  if (conn == nullptr) return;
  lose("the server closed the stream", kStreamFooter);
}

void ComponentLink::Impl::link_up() {
  state = LinkState::up;
  backoff.reset();
  base::log_info("link: up as {} via {}:{}", cfg.domain, cfg.host, cfg.port);
  if (dropped > 0) base::log_debug("link: {} stanzas dropped while down so far", dropped);
  arm_keepalive();
  start_stall_timer();
  listener.on_link_up();  // last: the listener may send, or stop()
}

// The connection failed or ended: close it and try again later.
void ComponentLink::Impl::lose(const std::string& reason, std::string_view farewell) {
  const bool was_up = state == LinkState::up;
  if (was_up) ++stats.reconnects;
  drop_conn(farewell);
  retry(reason);
  if (was_up) listener.on_link_down();  // last: the listener may call stop()
}

void ComponentLink::Impl::fail_fatally(const std::string& reason) {
  base::log_error("link: {}; not retrying", reason);
  state = LinkState::fatal;
  drop_conn(kStreamFooter);
  uv_timer_stop(&retry_timer);
  listener.on_fatal(reason);
}

bool ComponentLink::Impl::accept_send() {
  if (state == LinkState::up) return true;
  // The room layer keeps its state; what it says while the link is down is lost, as it would
  // be if the server were down. Counted so that it shows in the logs.
  ++dropped;
  base::log_debug("link: down, stanza dropped ({} so far)", dropped);
  return false;
}

void ComponentLink::Impl::arm_keepalive() {
  const auto ms = static_cast<std::uint64_t>(cfg.keepalive.count());
  if (ms == 0) return;
  // Restarted by every flush, so it fires only after `keepalive` without a write.
  uv_timer_start(
      &keepalive_timer,
      [](uv_timer_t* t) {
        auto* self = static_cast<Impl*>(t->data);
        // RFC 6120 4.6.1: whitespace between stanzas keeps NATs and idle timers content.
        if (self->state == LinkState::up) self->queue(" ");
      },
      ms, 0);
}

// ---- the public API

ComponentLink::ComponentLink(uv_loop_t* loop, LinkConfig config, Listener& listener)
    : impl_(std::make_unique<Impl>(loop, std::move(config), listener)) {}

// Destroying a link that was not stopped closes everything at once; the Impl frees itself
// when libuv has finished with its handles (they cannot be freed before), and neither the
// listener nor a pending `done` is called any more.
ComponentLink::~ComponentLink() {
  if (!impl_ || impl_->state == Impl::LinkState::stopped) return;
  Impl* impl = impl_.release();
  impl->detached = true;
  if (impl->state != Impl::LinkState::stopping) {
    impl->stop(nullptr);
  } else {
    impl->on_stopped = nullptr;
    impl->close_stopping_conn();
  }
}

void ComponentLink::start() {
  assert(impl_->state == Impl::LinkState::idle);  // start() is called once
  impl_->attempt();
}

void ComponentLink::stop(std::function<void()> done) {
  impl_->stop(std::move(done));
}

void ComponentLink::send(const xml::Element& stanza) {
  if (!impl_->accept_send()) return;
  impl_->queue(xml::to_string(stanza));
}

void ComponentLink::send(const xml::Prepared& stanza, std::string_view to) {
  if (!impl_->accept_send()) return;
  Impl& i = *impl_;
  if (!i.deferred.empty()) {
    i.queue(xml::render(stanza, to));
    return;
  }
  i.batch.add_copy(stanza, to);
  i.arm_flush();
}

void ComponentLink::send(std::shared_ptr<const xml::Prepared> stanza,
                         std::shared_ptr<const xml::Recipients> to) {
  if (!impl_->accept_send()) return;
  impl_->queue_broadcast(std::move(stanza), std::move(to));
}

bool ComponentLink::up() const {
  return impl_->state == Impl::LinkState::up;
}

std::size_t ComponentLink::queued_bytes() const {
  return impl_->backlog();
}

const LinkStats& ComponentLink::stats() const {
  return impl_->stats;
}

}  // namespace xmpp
