#include "c2s_login.hpp"

#include <utility>

#include <fmt/format.h>

namespace bench {

C2sLogin::C2sLogin(std::string host, std::string sasl, std::string prefix)
    : host_(std::move(host)), sasl_(std::move(sasl)), prefix_(std::move(prefix)) {
  header_ = fmt::format(
      "<?xml version='1.0'?><stream:stream xmlns='jabber:client' "
      "xmlns:stream='http://etherx.jabber.org/streams' to='{}' version='1.0'>",
      host_);
}

void C2sLogin::open(Loop& loop, Conn& c, int index, int port) {
  c.fd = tcp_connect_loopback(port);
  if (c.fd < 0) die(fmt::format("client {}: connect to port {} failed", index, port));
  c.index = index;
  loop.add(c);
  loop.queue(c, header_);
}

bool C2sLogin::step(Loop& loop, Conn& c, Login& st, const Event& e) {
  if (e.name == "stream:features") {
    if (st == Login::header_sent) {
      std::string mech = sasl_ == "plain" ? "PLAIN" : "ANONYMOUS";
      std::string resp = "=";  // ANONYMOUS: an empty initial response
      if (sasl_ == "plain") {
        std::string user = prefix_ + std::to_string(c.index);
        resp = base64(std::string(1, '\0') + user + std::string(1, '\0') + user + "pw");
      }
      loop.queue(c, fmt::format("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' "
                                "mechanism='{}'>{}</auth>",
                                mech, resp));
      st = Login::auth_sent;
    } else if (st == Login::restarted) {
      loop.queue(c,
                 "<iq type='set' id='bind'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
                 "</iq>");
      st = Login::bind_sent;
    }
    return true;
  }
  if (e.name == "success") {
    loop.queue(c, header_);
    st = Login::restarted;
    return true;
  }
  if (e.name == "failure") die(fmt::format("client {}: SASL {} failed", c.index, sasl_));
  if (e.name == "iq" && e.id == "bind" && st == Login::bind_sent) {
    st = Login::ready;
    ++ready;
    return true;
  }
  return false;
}

double C2sLogin::open_all(Loop& loop, std::size_t n,
                          const std::function<Conn&(std::size_t)>& conn_of, int port,
                          double timeout_s) {
  std::int64_t t0 = now_ns();
  for (std::size_t i = 0; i < n; ++i) {
    open(loop, conn_of(i), static_cast<int>(i), port);
    if (i % 64 == 63) loop.poll(0);
  }
  const std::int64_t deadline = t0 + static_cast<std::int64_t>(timeout_s * 1e9);
  while (ready < n) {
    if (now_ns() > deadline) {
      die(fmt::format("timed out after {} s: {} of {} clients logged in", timeout_s, ready, n));
    }
    loop.poll(5);
  }
  return static_cast<double>(now_ns() - t0) / 1e9;
}

std::string c2s_join(const std::string& room_jid, std::size_t i, std::string_view x_children) {
  if (x_children.empty()) {
    return fmt::format(
        "<presence to='{}/n{}'><x xmlns='http://jabber.org/protocol/muc'/></presence>", room_jid,
        i);
  }
  return fmt::format(
      "<presence to='{}/n{}'><x xmlns='http://jabber.org/protocol/muc'>{}</x></presence>", room_jid,
      i, x_children);
}

std::string c2s_instant_room(const std::string& room_jid, const std::string& id) {
  return fmt::format(
      "<iq type='set' id='{}' to='{}'><query xmlns='http://jabber.org/protocol/muc#owner'><x "
      "xmlns='jabber:x:data' type='submit'/></query></iq>",
      id, room_jid);
}

}  // namespace bench
