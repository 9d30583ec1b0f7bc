// Logging c2s clients in on one epoll loop: stream header, SASL ANONYMOUS or PLAIN (no TLS,
// loopback only), stream restart, resource binding.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "util.hpp"

namespace bench {

enum class Login { header_sent, auth_sent, restarted, bind_sent, ready };

class C2sLogin {
 public:
  // host: the server's domain (to=); sasl: "anonymous" or "plain" (user <prefix><index>,
  // password <prefix><index>pw).
  C2sLogin(std::string host, std::string sasl, std::string prefix);

  // Connects c to 127.0.0.1:port as client `index`, adds it to the loop and sends the stream
  // header. Dies if the connection is refused.
  void open(Loop& loop, Conn& c, int index, int port);

  // One event of c while it logs in (stream features, SASL outcome, the bind result).
  // Returns true if the event was one of these; `st` advances, and `ready` counts clients
  // bound. Dies on a SASL failure.
  bool step(Loop& loop, Conn& c, Login& st, const Event& e);

  // Opens n clients (conn_of(i) is client i's Conn, which must stay where it is) and waits,
  // polling the loop, until all are bound; dies after timeout_s. Returns the seconds taken.
  // The loop's on_event must hand login events to step().
  double open_all(Loop& loop, std::size_t n, const std::function<Conn&(std::size_t)>& conn_of,
                  int port, double timeout_s);

  std::size_t ready = 0;

 private:
  std::string host_, sasl_, prefix_, header_;
};

// What a client sends to a room: its join presence as nick n<i> (`x_children` inside the
// muc <x/>, e.g. "<history maxstanzas='0'/>"), and the owner's instant-room form.
std::string c2s_join(const std::string& room_jid, std::size_t i, std::string_view x_children = {});
std::string c2s_instant_room(const std::string& room_jid, const std::string& id);

}  // namespace bench
