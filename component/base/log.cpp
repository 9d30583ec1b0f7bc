#include "base/log.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iterator>

#include <fmt/chrono.h>

namespace base {
namespace {
// Atomic because the database worker thread logs too.
std::atomic<LogLevel> g_level{LogLevel::info};
std::atomic<LogFormat> g_format{LogFormat::text};
constexpr std::string_view kNames[] = {"debug", "info", "warn", "error"};
constexpr std::string_view kFormats[] = {"text", "json"};

// A JSON string literal (RFC 8259 7): quotes, backslashes and control characters escaped.
// Bytes are passed through as they are; the component's strings are UTF-8.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += fmt::format("\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// A field's value in a text line: as it is, or quoted (JSON-style) when it holds a space, a
// quote or '=', so that a stanza id of a client's choosing cannot pass for another field.
std::string field_value(std::string_view s) {
  if (s.find_first_of(" \"=\n\r\t") == std::string_view::npos) return std::string(s);
  std::string out;
  append_json_string(out, s);
  return out;
}

// Text lines stay one line whatever a message holds.
std::string one_line(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}
}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  for (int i = 0; i < 4; ++i) {
    if (text == kNames[i]) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

std::optional<LogFormat> parse_log_format(std::string_view text) {
  for (std::size_t i = 0; i < std::size(kFormats); ++i) {
    if (text == kFormats[i]) return static_cast<LogFormat>(i);
  }
  return std::nullopt;
}

std::string_view to_string(LogLevel level) {
  return kNames[static_cast<int>(level)];
}
std::string_view to_string(LogFormat format) {
  return kFormats[static_cast<int>(format)];
}

void set_log_level(LogLevel level) {
  g_level.store(level);
}
void set_log_format(LogFormat format) {
  g_format.store(format);
}
LogLevel log_level() {
  return g_level.load(std::memory_order_relaxed);
}

std::string format_log_line(LogLevel level, std::string_view message, const LogContext& context,
                            LogFormat format) {
  std::string out;
  if (format == LogFormat::json) {
    out += "\"level\":";
    append_json_string(out, to_string(level));
    if (!context.room.empty()) {
      out += ",\"room\":";
      append_json_string(out, context.room);
    }
    if (!context.id.empty()) {
      out += ",\"id\":";
      append_json_string(out, context.id);
    }
    out += ",\"msg\":";
    append_json_string(out, message);
    return out;
  }
  out = fmt::format("{:5}", to_string(level));
  if (!context.room.empty()) out += fmt::format(" room={}", field_value(context.room));
  if (!context.id.empty()) out += fmt::format(" id={}", field_value(context.id));
  out += ' ';
  out += one_line(message);
  return out;
}

void log_line(LogLevel level, std::string_view message, const LogContext& context) {
  auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  const LogFormat format = g_format.load(std::memory_order_relaxed);
  std::string body = format_log_line(level, message, context, format);
  std::string line = format == LogFormat::json
                         ? fmt::format("{{\"time\":\"{:%Y-%m-%dT%H:%M:%S}Z\",{}}}\n", now, body)
                         : fmt::format("{:%Y-%m-%dT%H:%M:%S}Z {}\n", now, body);
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace base
