#include "app/metrics_server.hpp"

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "base/log.hpp"

namespace app {

struct MetricsServer::Impl {
  uv_loop_t* loop;
  std::function<std::string()> render;
  // Heap-allocated: freed by its close callback, which may run after this Impl is gone.
  uv_async_t* async = nullptr;
  httplib::Server server;
  std::thread thread;
  std::atomic<bool> listen_returned{false};

  std::mutex mu;
  std::condition_variable rendered_cv;
  std::uint64_t asked = 0;     // scrapes that asked the loop for the text
  std::uint64_t rendered = 0;  // the last scrape the text answers
  std::string text;
  bool stopping = false;

  // Loop thread.
  void on_async() {
    std::uint64_t answers = 0;
    {
      std::lock_guard<std::mutex> lock(mu);
      answers = asked;  // the scrapes that asked before this render began
    }
    std::string fresh = render();
    std::lock_guard<std::mutex> lock(mu);
    text = std::move(fresh);
    rendered = answers;
    rendered_cv.notify_all();
  }

  // HTTP thread.
  void scrape(const httplib::Request&, httplib::Response& res) {
    std::unique_lock<std::mutex> lock(mu);
    const std::uint64_t mine = ++asked;
    if (!stopping) uv_async_send(async);
    const bool answered = rendered_cv.wait_for(lock, std::chrono::seconds(1),
                                               [&] { return rendered >= mine || stopping; });
    if (!answered || stopping) {
      res.status = 503;
      res.set_content("the component is busy or stopping\n", "text/plain");
      return;
    }
    res.set_content(text, "text/plain; version=0.0.4; charset=utf-8");
  }
};

MetricsServer::MetricsServer(uv_loop_t* loop, std::function<std::string()> render)
    : impl_(std::make_unique<Impl>()) {
  impl_->loop = loop;
  impl_->render = std::move(render);
}

MetricsServer::~MetricsServer() {
  stop();
}

std::optional<std::string> MetricsServer::start(const std::string& host, std::uint16_t port) {
  Impl& m = *impl_;
  m.async = new uv_async_t;
  m.async->data = &m;
  uv_async_init(m.loop, m.async, [](uv_async_t* h) { static_cast<Impl*>(h->data)->on_async(); });
  // One request at a time is plenty for a scraper (two HTTP threads: the listener and one
  // worker); short timeouts, so that an idle or slow client holds neither the next scrape
  // nor the shutdown, which joins these threads on the loop.
  m.server.new_task_queue = [] { return new httplib::ThreadPool(1); };
  m.server.set_read_timeout(1);
  m.server.set_keep_alive_max_count(1);
  m.server.set_keep_alive_timeout(1);
  m.server.Get("/metrics",
               [&m](const httplib::Request& req, httplib::Response& res) { m.scrape(req, res); });
  if (!m.server.bind_to_port(host, port)) {
    stop();
    return fmt::format("cannot listen for metrics on {}:{}", host, port);
  }
  m.thread = std::thread([&m] {
    m.server.listen_after_bind();
    m.listen_returned = true;
  });
  // Server::stop() does nothing until the thread is in its accept loop, so a stop that came
  // sooner would leave the join waiting forever: start() returns once it is there.
  while (!m.server.is_running() && !m.listen_returned) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (m.listen_returned) {
    m.thread.join();
    stop();
    return fmt::format("cannot serve metrics on {}:{}", host, port);
  }
  base::log_info("metrics: serving http://{}:{}/metrics", host, port);
  return std::nullopt;
}

void MetricsServer::stop() {
  Impl& m = *impl_;
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (m.stopping) return;
    m.stopping = true;
    m.rendered_cv.notify_all();  // a scrape waiting for the loop gives up
  }
  m.server.stop();
  if (m.thread.joinable()) m.thread.join();
  if (m.async != nullptr) {
    m.async->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(m.async),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_async_t*>(h); });
    m.async = nullptr;
  }
}

}  // namespace app
