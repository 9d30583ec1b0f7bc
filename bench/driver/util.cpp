#include "util.hpp"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

namespace bench {

void die(const std::string& why) {
  std::fprintf(stderr, "muc-bench-driver: %s\n", why.c_str());
  std::exit(1);
}

void note(const std::string& what) {
  std::fprintf(stderr, "  [driver] %s\n", what.c_str());
}

namespace {
// The whole of a small /proc file, or "" if unreadable.
std::string slurp(const std::string& path) {
  std::string s;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return s;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return s;
}
}  // namespace

namespace {
// A "Key:   123 kB" line of /proc/PID/status, -1 if unreadable.
long status_kib(pid_t pid, std::string_view key) {
  std::string s = slurp(fmt::format("/proc/{}/status", pid));
  std::size_t p = s.find(key);
  return p == std::string::npos ? -1 : std::strtol(s.c_str() + p + key.size(), nullptr, 10);
}
}  // namespace

long rss_kib(pid_t pid) {
  return status_kib(pid, "VmRSS:");
}

long hwm_kib(pid_t pid) {
  return status_kib(pid, "VmHWM:");
}

double proc_cpu_seconds(pid_t pid) {
  std::string s = slurp(fmt::format("/proc/{}/stat", pid));
  std::size_t rp = s.rfind(')');
  if (rp == std::string::npos) return NAN;
  // After ") " come field 3 (state) onwards; utime is field 14, stime 15.
  const char* p = s.c_str() + rp + 2;
  double ut = 0, st = 0;
  for (int field = 3; field <= 15 && *p != '\0'; ++field) {
    char* e = nullptr;
    double v = std::strtod(p, &e);
    if (field == 14) ut = v;
    if (field == 15) st = v;
    p = std::strchr(p, ' ');
    if (p == nullptr) break;
    ++p;
  }
  return (ut + st) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double self_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto tv = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

bool pin_to_cpu(pid_t pid, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(pid, sizeof set, &set) == 0;
}

std::string sha1_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha1(), nullptr);
  std::string out;
  for (unsigned int i = 0; i < n; ++i) out += fmt::format("{:02x}", md[i]);
  return out;
}

std::string base64(std::string_view data) {
  static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += tbl[v & 63];
  }
  if (i + 1 == data.size()) {
    unsigned v = byte(i) << 16;
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += tbl[(v >> 18) & 63];
    out += tbl[(v >> 12) & 63];
    out += tbl[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

double percentile(std::vector<double>& v, double p) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  if (rank == 0) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

Json& Json::num(const std::string& key, double v) {
  fields_.emplace_back(key, std::isfinite(v) ? fmt::format("{:.6g}", v) : "null");
  return *this;
}
Json& Json::integer(const std::string& key, long long v) {
  fields_.emplace_back(key, std::to_string(v));
  return *this;
}
Json& Json::str(const std::string& key, const std::string& v) {
  std::string esc = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') esc += '\\';
    if (static_cast<unsigned char>(c) < 0x20) {
      esc += fmt::format("\\u{:04x}", static_cast<int>(c));
      continue;
    }
    esc += c;
  }
  esc += '"';
  fields_.emplace_back(key, esc);
  return *this;
}
Json& Json::raw(const std::string& key, const std::string& json) {
  fields_.emplace_back(key, json);
  return *this;
}
std::string Json::dump() const {
  std::string s = "{";
  for (std::size_t i = 0; i < fields_.size(); ++i) {
    if (i) s += ", ";
    s += fmt::format("\"{}\": {}", fields_[i].first, fields_[i].second);
  }
  return s + "}";
}

void set_nonblocking(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int tcp_listen_loopback(int& port_out) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd, 16) != 0) {
    die(fmt::format("listen: {}", std::strerror(errno)));
  }
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port_out = ntohs(a.sin_port);
  return fd;
}

int tcp_accept(int lfd, int timeout_ms) {
  pollfd p{lfd, POLLIN, 0};
  if (poll(&p, 1, timeout_ms) <= 0) return -1;
  return accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC);
}

int tcp_connect_loopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

Loop::Loop() : ep_(epoll_create1(EPOLL_CLOEXEC)), buf_(64 * 1024) {}
Loop::~Loop() {
  close(ep_);
}

void Loop::add(Conn& c) {
  set_nonblocking(c.fd);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &c;
  epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
}

void Loop::queue(Conn& c, std::string_view bytes) {
  c.out.append(bytes);
  if (!c.dirty) {
    c.dirty = true;
    dirty_.push_back(&c);
  }
}

void Loop::write_some(Conn& c) {
  while (c.out_off < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_off += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    c.closed = true;  // reset by peer
    c.out.clear();
    c.out_off = 0;
    return;
  }
  if (c.out_off == c.out.size()) {
    c.out.clear();
    c.out_off = 0;
  }
  bool want = !c.out.empty();
  if (want != c.writable_armed) {
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    c.writable_armed = want;
  }
}

void Loop::flush() {
  for (Conn* c : dirty_) {
    c->dirty = false;
    if (!c->closed) write_some(*c);
  }
  dirty_.clear();
}

std::size_t Loop::poll(int timeout_ms) {
  flush();
  epoll_event evs[256];
  int n = epoll_wait(ep_, evs, 256, timeout_ms);
  std::size_t total = 0;
  for (int i = 0; i < n; ++i) {
    auto* c = static_cast<Conn*>(evs[i].data.ptr);
    if (c->closed) continue;
    if (evs[i].events & EPOLLOUT) write_some(*c);
    if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      // Bounded per connection per turn, so that one busy socket does not starve the rest.
      for (int rounds = 0; rounds < 16; ++rounds) {
        ssize_t r = ::recv(c->fd, buf_.data(), buf_.size(), 0);
        if (r > 0) {
          read_ns_ = now_ns();
          total += static_cast<std::size_t>(r);
          c->scan.feed(buf_.data(), static_cast<std::size_t>(r),
                       [&](const Event& e) { on_event(*c, e); });
          if (static_cast<std::size_t>(r) < buf_.size()) break;
          continue;
        }
        if (r < 0 && errno == EINTR) continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        c->closed = true;
        epoll_ctl(ep_, EPOLL_CTL_DEL, c->fd, nullptr);
        if (on_close) on_close(*c);
        break;
      }
    }
  }
  return total;
}

Args::Args(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) die("unexpected argument " + a);
    a = a.substr(2);
    if (i + 1 < argc && std::string_view(argv[i + 1]).rfind("--", 0) != 0) {
      kv_.emplace(a, argv[++i]);
    } else {
      kv_.emplace(a, "");
    }
  }
}
std::string Args::get(const std::string& key, const std::string& def) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? def : it->second;
}
long long Args::num(const std::string& key, long long def) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? def : std::stoll(it->second);
}
double Args::real(const std::string& key, double def) const {
  auto it = kv_.find(key);
  return it == kv_.end() ? def : std::stod(it->second);
}
bool Args::flag(const std::string& key) const {
  return kv_.count(key) != 0;
}
std::vector<std::string> Args::all(const std::string& key) const {
  std::vector<std::string> v;
  auto [a, b] = kv_.equal_range(key);
  for (auto it = a; it != b; ++it) v.push_back(it->second);
  return v;
}

}  // namespace bench
