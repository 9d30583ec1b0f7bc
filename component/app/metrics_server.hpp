// The Prometheus endpoint ([metrics] listen, off by default): GET /metrics over HTTP/1.1 on
// a local port, served by cpp-httplib (Debian's libcpp-httplib) on a thread of its own. The
// numbers live on the loop thread, so a scrape asks the loop for the text (uv_async) and
// waits for it, at most a second; a loop too busy to answer in that time gets a 503, and the
// loop never waits for HTTP.
#pragma once

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace app {

class MetricsServer {
 public:
  // `render` runs on the loop thread. Nothing listens until start().
  MetricsServer(uv_loop_t* loop, std::function<std::string()> render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds host:port and starts serving; the error, when the address cannot be bound.
  std::optional<std::string> start(const std::string& host, std::uint16_t port);
  // On the loop thread: stops serving, joins the thread, closes the uv handle.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace app
