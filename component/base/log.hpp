// Leveled logging to stderr with fmt, one line per event: as text, or as one JSON object
// per line for log shippers (--log-format json). One process-wide threshold and format, set
// once at start-up from the configuration; messages below the threshold cost one comparison.
// What a line may carry: no message bodies and no secrets at info level or above (stanzas
// appear at debug only).
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string_view>

namespace base {

enum class LogLevel { debug = 0, info = 1, warn = 2, error = 3 };
enum class LogFormat { text, json };

std::optional<LogLevel> parse_log_level(std::string_view text);
std::optional<LogFormat> parse_log_format(std::string_view text);
std::string_view to_string(LogLevel level);
std::string_view to_string(LogFormat format);
void set_log_level(LogLevel level);
void set_log_format(LogFormat format);
LogLevel log_level();

// What an event is about, when it is about a room or a stanza: fields of their own in the
// line, so that one room's or one stanza's story can be filtered out.
struct LogContext {
  std::string_view room;
  std::string_view id;  // the stanza's id attribute
};

// The line as written, without its time stamp (for tests).
std::string format_log_line(LogLevel level, std::string_view message, const LogContext& context,
                            LogFormat format);
void log_line(LogLevel level, std::string_view message, const LogContext& context = {});

template <typename... Args>
void log(LogLevel level, const LogContext& context, fmt::format_string<Args...> format,
         Args&&... args) {
  if (level < log_level()) return;
  log_line(level, fmt::format(format, std::forward<Args>(args)...), context);
}
template <typename... Args>
void log(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  log(level, LogContext{}, format, std::forward<Args>(args)...);
}

#define MUC_LOG_AT(name, level)                                                \
  template <typename... Args>                                                  \
  void name(fmt::format_string<Args...> f, Args&&... a) {                      \
    log(level, LogContext{}, f, std::forward<Args>(a)...);                     \
  }                                                                            \
  template <typename... Args>                                                  \
  void name(const LogContext& c, fmt::format_string<Args...> f, Args&&... a) { \
    log(level, c, f, std::forward<Args>(a)...);                                \
  }
MUC_LOG_AT(log_debug, LogLevel::debug)
MUC_LOG_AT(log_info, LogLevel::info)
MUC_LOG_AT(log_warn, LogLevel::warn)
MUC_LOG_AT(log_error, LogLevel::error)
#undef MUC_LOG_AT

}  // namespace base
