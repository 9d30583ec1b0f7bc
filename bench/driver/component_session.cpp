#include "component_session.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "phase.hpp"

namespace bench {

std::string user_jid(std::size_t i) {
  return fmt::format("u{}@{}/r", i, kUserDomain);
}

ComponentOptions ComponentOptions::from_args(const Args& a) {
  ComponentOptions o;
  o.binary = a.get("component", o.binary);
  o.domain = a.get("domain", o.domain);
  o.log_level = a.get("log-level", o.log_level);
  o.log_file = a.get("component-log", o.log_file);
  o.db = a.get("db", "");
  o.cpu = static_cast<int>(a.num("component-cpu", -1));
  return o;
}

void ComponentProcess::start(const ComponentOptions& o, const std::string& server) {
  std::vector<std::string> argv = {o.binary,   "--server", server,        "--domain", o.domain,
                                   "--secret", o.secret,   "--log-level", o.log_level};
  if (!o.db.empty()) {
    argv.push_back("--db");
    argv.push_back(o.db);
  }
  // The benchmark measures capacity, so the flood bounds that would throttle its senders
  // and its many rooms are off ([service] message_rate and the room quotas, README
  // "Limits and floods").
  const std::string config = fmt::format("/tmp/muc-bench-{}.toml", getpid());
  if (FILE* c = std::fopen(config.c_str(), "w")) {
    std::fputs("[service]\nmessage_rate = 0\nrooms_per_user_per_hour = 0\nmax_rooms = 0\n", c);
    std::fclose(c);
    argv.push_back("--config");
    argv.push_back(config);
  }
  pid_ = fork();
  if (pid_ == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the driver, even when it dies
    FILE* f = std::fopen(o.log_file.c_str(), "a");
    if (f != nullptr) {
      dup2(fileno(f), 1);
      dup2(fileno(f), 2);
    }
    if (o.cpu >= 0) pin_to_cpu(0, o.cpu);
    std::vector<char*> av;
    av.reserve(argv.size() + 1);
    for (auto& s : argv) av.push_back(s.data());
    av.push_back(nullptr);
    execv(av[0], av.data());
    std::perror("execv");
    _exit(127);
  }
}

bool ComponentProcess::exited(int* status) {
  if (pid_ <= 0) return true;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) != pid_) return false;
  pid_ = -1;
  if (status != nullptr) *status = st;
  return true;
}

bool ComponentProcess::stop(double grace_s) {
  if (pid_ <= 0) return true;
  kill(pid_, SIGTERM);
  const auto rounds = static_cast<int>(grace_s * 100);
  for (int i = 0; i < rounds; ++i) {
    if (exited()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  return false;
}

Session::Session(const ComponentOptions& o) : domain_(o.domain) {
  int port = 0;
  lfd_ = tcp_listen_loopback(port);
  comp_.start(o, fmt::format("127.0.0.1:{}", port));
  int fd = tcp_accept(lfd_, 10000);
  if (fd < 0) {
    int st = 0;
    bool gone = comp_.exited(&st);
    die(gone ? fmt::format("component exited (status {}) before connecting", st)
             : "component did not connect within 10 s");
  }
  conn_.fd = fd;
  loop_.add(conn_);
  loop_.on_event = [this](Conn&, const Event& e) { on_event(e); };
  loop_.on_close = [](Conn&) { die("the component closed the connection"); };
  handshake();
}

void Session::handshake() {
  bool got_header = false, got_handshake = false;
  loop_.on_event = [&](Conn&, const Event& e) {
    if (e.kind == Event::header) {
      got_header = true;
    } else if (e.kind == Event::stanza && e.name == "handshake") {
      got_handshake = true;
    }
  };
  wait_for(
      loop_, [&] { return got_header; }, 10, "the component's stream header");
  const std::string id = "benchstream1";
  send(
      fmt::format("<?xml version='1.0'?><stream:stream xmlns='jabber:component:accept' "
                  "xmlns:stream='http://etherx.jabber.org/streams' from='{}' id='{}'>",
                  domain_, id));
  wait_for(
      loop_, [&] { return got_handshake; }, 10, "the component's handshake");
  // The digest is the element's text, which the Scanner does not keep; the component's
  // own tests check it, so only its presence matters here.
  send("<handshake/>");
  loop_.on_event = [this](Conn&, const Event& e) { on_event(e); };
  loop_.flush();
}

void Session::on_event(const Event& e) {
  if (e.kind != Event::stanza) {
    if (e.kind == Event::footer) die("the component closed its stream");
    return;
  }
  switch (e.name.empty() ? ' ' : e.name[0]) {
    case 'm':
      ++messages;
      if (tracker == nullptr || !tracker->copy(e.id, loop_.last_read_ns())) ++other_messages;
      break;
    case 'p':
      ++presences;
      if (on_presence) on_presence(e);
      break;
    case 'i':
      ++iqs;
      if (on_iq) on_iq(e);
      break;
    default:
      ++others;
  }
}

std::string presence_join(std::size_t user, const std::string& room, const std::string& domain,
                          std::string_view x_children) {
  const std::string x =
      x_children.empty()
          ? std::string("<x xmlns='http://jabber.org/protocol/muc'/>")
          : fmt::format("<x xmlns='http://jabber.org/protocol/muc'>{}</x>", x_children);
  return fmt::format("<presence from='{}' to='{}@{}/n{}'>{}</presence>", user_jid(user), room,
                     domain, user, x);
}

std::string owner_submit(std::size_t user, const std::string& room, const std::string& domain,
                         const std::string& id, const std::string& fields) {
  return fmt::format(
      "<iq type='set' id='{}' from='{}' to='{}@{}'><query "
      "xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
      "type='submit'>{}</x></query></iq>",
      id, user_jid(user), room, domain, fields);
}

std::pair<double, bool> iq_roundtrip(Session& s, const std::string& iq, const std::string& id,
                                     double timeout_s) {
  bool done = false, ok = false;
  s.on_iq = [&](const Event& e) {
    if (e.id == id) {
      done = true;
      ok = e.head.find("type='result'") != std::string_view::npos ||
           e.head.find("type=\"result\"") != std::string_view::npos;
    }
  };
  std::int64_t t0 = now_ns();
  s.send(iq);
  wait_for(
      s.loop(), [&] { return done; }, timeout_s, "iq " + id);
  double ms = static_cast<double>(s.loop().last_read_ns() - t0) / 1e6;
  s.on_iq = nullptr;
  return {ms, ok};
}

}  // namespace bench
