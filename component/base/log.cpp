#include "base/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>

#include <fmt/chrono.h>

namespace base {
namespace {
// Atomic because the database worker thread logs too.
std::atomic<LogLevel> g_level{LogLevel::info};
constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};
}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  for (int i = 0; i < 4; ++i) {
    if (text == kNames[i]) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

void set_log_level(LogLevel level) {
  g_level.store(level);
}
LogLevel log_level() {
  return g_level.load(std::memory_order_relaxed);
}

void log_line(LogLevel level, std::string_view message) {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  std::string line =
      fmt::format("{:%Y-%m-%dT%H:%M:%S}Z {:5} {}\n", now, kNames[static_cast<int>(level)], message);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace base
