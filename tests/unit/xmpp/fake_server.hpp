// An in-process fake XMPP server for the component link tests: a libuv TCP server on
// 127.0.0.1, port 0, on the test's loop, playing the server side of XEP-0114.
#pragma once

#include <uv.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "xmpp/link_protocol.hpp"

namespace xmpp::test_support {

inline constexpr const char* kSecret = "s3cr&t";
// The id the server announces (sent escaped as abc&apos;123).
inline constexpr const char* kStreamId = "abc'123";

// What the server does on its side of the protocol; each test picks the parts it changes.
struct ServerScript {
  bool accept_handshake = true;  // false: <not-authorized/> and close
};

class FakeServer {
 public:
  struct Client {
    uv_tcp_t tcp;
    FakeServer* server;
    std::string received;
    std::size_t reads = 0;
    bool header_sent = false;
    bool handshake_answered = false;
    bool eof = false;
    bool closed = false;
  };

  explicit FakeServer(uv_loop_t* loop) : loop_(loop) {
    uv_tcp_init(loop_, &listener_);
    listener_.data = this;
    sockaddr_in addr{};
    uv_ip4_addr("127.0.0.1", 0, &addr);
    EXPECT_EQ(uv_tcp_bind(&listener_, reinterpret_cast<const sockaddr*>(&addr), 0), 0);
    EXPECT_EQ(uv_listen(reinterpret_cast<uv_stream_t*>(&listener_), 8, &FakeServer::on_conn), 0);
    sockaddr_storage ss{};
    int len = sizeof ss;
    uv_tcp_getsockname(&listener_, reinterpret_cast<sockaddr*>(&ss), &len);
    port_ = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }

  // Stops reading from a client: its bytes pile up in the kernel, then in its sender.
  void stop_reading(Client& c) { uv_read_stop(reinterpret_cast<uv_stream_t*>(&c.tcp)); }
  static void start_reading(Client& c) {
    uv_read_start(
        reinterpret_cast<uv_stream_t*>(&c.tcp),
        [](uv_handle_t*, std::size_t size, uv_buf_t* buf) {
          *buf = uv_buf_init(new char[size], static_cast<unsigned>(size));
        },
        &FakeServer::on_read);
  }

  // Closes every handle; the loop must run afterwards for the close callbacks.
  void close() {
    if (closed_) return;
    closed_ = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&listener_), nullptr);
    for (auto& c : clients_) close_client(*c);
  }

  std::uint16_t port() const { return port_; }
  ServerScript script;
  std::vector<std::unique_ptr<Client>>& clients() { return clients_; }
  Client& last() { return *clients_.back(); }
  std::size_t connections() const { return clients_.size(); }

  void send(Client& c, std::string text) {
    struct Req {
      uv_write_t req;
      std::string data;
    };
    auto* r = new Req{uv_write_t{}, std::move(text)};
    uv_buf_t buf = uv_buf_init(r->data.data(), static_cast<unsigned>(r->data.size()));
    uv_write(&r->req, reinterpret_cast<uv_stream_t*>(&c.tcp), &buf, 1,
             [](uv_write_t* req, int) { delete reinterpret_cast<Req*>(req); });
  }

  void close_client(Client& c) {
    if (c.closed) return;
    c.closed = true;
    uv_close(reinterpret_cast<uv_handle_t*>(&c.tcp), nullptr);
  }

  // Closes after what was written has left (a plain close would cancel pending writes).
  void shutdown_client(Client& c) {
    auto* req = new uv_shutdown_t{};
    req->data = &c;
    uv_shutdown(req, reinterpret_cast<uv_stream_t*>(&c.tcp), [](uv_shutdown_t* r, int) {
      auto* client = static_cast<Client*>(r->data);
      client->server->close_client(*client);
      delete r;
    });
  }

 private:
  static void on_conn(uv_stream_t* s, int status) {
    ASSERT_EQ(status, 0);
    auto* self = static_cast<FakeServer*>(s->data);
    auto c = std::make_unique<Client>();
    c->server = self;
    uv_tcp_init(self->loop_, &c->tcp);
    c->tcp.data = c.get();
    ASSERT_EQ(uv_accept(s, reinterpret_cast<uv_stream_t*>(&c->tcp)), 0);
    uv_tcp_nodelay(&c->tcp, 1);  // no Nagle delay between the server's small writes
    start_reading(*c);
    self->clients_.push_back(std::move(c));
  }

  static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    auto* c = static_cast<Client*>(s->data);
    if (n > 0) {
      ++c->reads;
      c->received.append(buf->base, static_cast<std::size_t>(n));
      c->server->react(*c);
    } else if (n < 0) {
      c->eof = true;
      c->server->close_client(*c);
    }
    delete[] buf->base;
  }

  // The server side of XEP-0114 3: answer the header with ours, check the handshake.
  void react(Client& c) {
    if (!c.header_sent && c.received.find("<stream:stream ") != std::string::npos &&
        c.received.find('>') != std::string::npos) {
      c.header_sent = true;
      send(c,
           "<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
           "xmlns='jabber:component:accept' from='conference.localhost' id='abc&apos;123'>");
    }
    const std::string expected =
        "<handshake>" + handshake_digest(kStreamId, kSecret) + "</handshake>";
    if (!c.handshake_answered && c.received.find("</handshake>") != std::string::npos) {
      c.handshake_answered = true;
      if (script.accept_handshake && c.received.find(expected) != std::string::npos) {
        send(c, "<handshake/>");
      } else {
        send(c,
             "<stream:error><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
             "</stream:error></stream:stream>");
        shutdown_client(c);
      }
    }
  }

  uv_loop_t* loop_;
  uv_tcp_t listener_;
  std::uint16_t port_ = 0;
  bool closed_ = false;
  std::vector<std::unique_ptr<Client>> clients_;
};

}  // namespace xmpp::test_support
