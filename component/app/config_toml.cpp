#include "app/config_toml.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include <toml++/toml.h>

namespace app::keys {
namespace {

// Reads the whole file, or says why not (strerror text: "No such file or directory", ...).
std::optional<std::string> read_file(const std::string& path, std::string& out) {
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) return std::strerror(errno);
  char buf[8192];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) out.append(buf, n);
  // A directory opens fine on Linux; the read then fails with EISDIR.
  if (std::ferror(f.get())) return std::strerror(errno);
  return std::nullopt;
}

// The environment variable of a key: "service.max_rooms" -> MUC_SERVICE_MAX_ROOMS.
std::string env_name(std::string_view key) {
  std::string name = "MUC_";
  for (char c : key) {
    name += c == '.' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return name;
}

// A TOML string literal of `text`, escaped.
std::string quoted(const std::string& text) {
  std::ostringstream out;
  out << toml::value<std::string>(text);
  return out.str();
}

// Collects the first error found while walking a document (the config file, or the
// environment as one); later checks are skipped.
class Reader {
 public:
  // `path` empty: the document is the environment.
  explicit Reader(std::string path) : path_(std::move(path)) {}

  const std::optional<std::string>& error() const { return error_; }
  bool from_environment() const { return path_.empty(); }

  void fail(std::string_view key, std::string_view what) {
    if (error_) return;
    error_ = from_environment() ? fmt::format("{}: {}", origin(key), what)
                                : fmt::format("config file '{}': {}: {}", path_, key, what);
  }

  std::string origin(std::string_view key) const {
    if (from_environment()) return fmt::format("environment variable {}", env_name(key));
    return fmt::format("config file '{}', key '{}'", path_, key);
  }

  std::optional<Setting> string(const toml::node& node, std::string_view key) {
    if (const auto* s = node.as_string()) return Setting{s->get(), origin(key)};
    fail(key, "expected a string");
    return std::nullopt;
  }

  // A count that must be at least `min` (limits must be positive; history may be 0).
  std::optional<std::size_t> count(const toml::node& node, std::string_view key, long long min) {
    const auto* i = node.as_integer();
    if (!i || i->get() < min) {
      fail(key, fmt::format("expected an integer >= {}", min));
      return std::nullopt;
    }
    return static_cast<std::size_t>(i->get());
  }

  std::optional<bool> boolean(const toml::node& node, std::string_view key) {
    if (const auto* b = node.as_boolean()) return b->get();
    fail(key, "expected true or false");
    return std::nullopt;
  }

  // A number (integer or float) of at least 0.
  std::optional<double> rate(const toml::node& node, std::string_view key) {
    std::optional<double> d;
    if (const auto* i = node.as_integer()) d = static_cast<double>(i->get());
    if (const auto* f = node.as_floating_point()) d = f->get();
    if (!d || !std::isfinite(*d) || *d < 0) {
      fail(key, "expected a number >= 0");
      return std::nullopt;
    }
    return d;
  }

  std::vector<std::string> strings(const toml::node& node, std::string_view key) {
    std::vector<std::string> out;
    if (const auto* s = node.as_string(); s != nullptr && from_environment()) {
      // MUC_SERVICE_SERVICE_ADMINS=a@example.org,b@example.org
      std::string_view rest = s->get();
      while (!rest.empty()) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      return out;
    }
    const auto* arr = node.as_array();
    if (!arr) {
      fail(key, "expected an array of strings");
      return out;
    }
    for (const auto& el : *arr) {
      const auto* s = el.as_string();
      if (!s) {
        fail(key, "expected an array of strings");
        return {};
      }
      out.push_back(s->get());
    }
    return out;
  }

 private:
  std::string path_;
  std::optional<std::string> error_;
};

void read_limits(const toml::table& t, Reader& r, xml::Limits& limits) {
  for (const auto& [k, v] : t) {
    const std::string_view key = k.str();
    std::size_t* target = key == "max_stanza_bytes" ? &limits.max_stanza_bytes
                          : key == "max_depth"      ? &limits.max_depth
                          : key == "max_attributes" ? &limits.max_attributes
                                                    : nullptr;
    if (!target) {
      r.fail(fmt::format("limits.{}", key), "unknown key");
      return;
    }
    if (auto n = r.count(v, fmt::format("limits.{}", key), 1)) *target = *n;
  }
}

void read_link(const toml::table& t, Reader& r, xmpp::LinkConfig& link) {
  for (const auto& [k, v] : t) {
    const std::string_view key = k.str();
    const std::string qualified = fmt::format("link.{}", key);
    if (key == "stall_timeout") {
      if (auto n = r.count(v, qualified, 1)) {
        if (*n > 86400) {
          r.fail(qualified, "expected an integer <= 86400");  // a day; longer is no timeout
        } else {
          link.stall_timeout = std::chrono::seconds(static_cast<std::int64_t>(*n));
        }
      }
    } else {
      r.fail(qualified, "unknown key");
      return;
    }
  }
}

// The bounds of muc::ServiceLimits, one [service] key each (documented in kHelp and the
// README's configuration table). 0 means no bound, except where `min` is 1.
struct CountKey {
  std::string_view name;
  std::size_t muc::ServiceLimits::*field;
  long long min;
};
constexpr CountKey kCountKeys[] = {
    {"history_max_bytes", &muc::ServiceLimits::history_max_bytes, 1},
    {"max_users_presence", &muc::ServiceLimits::max_users_presence, 0},
    {"nick_max_bytes", &muc::ServiceLimits::nick_max_bytes, 0},
    {"subject_max_bytes", &muc::ServiceLimits::subject_max_bytes, 0},
    {"reason_max_bytes", &muc::ServiceLimits::reason_max_bytes, 0},
    {"presence_max_bytes", &muc::ServiceLimits::presence_max_bytes, 0},
    {"max_occupants", &muc::ServiceLimits::max_occupants, 0},
    {"max_rooms", &muc::ServiceLimits::max_rooms, 0},
    {"rooms_per_user_per_hour", &muc::ServiceLimits::rooms_per_user_per_hour, 0},
    {"max_waiting", &muc::ServiceLimits::max_waiting, 0},
    {"max_loading", &muc::ServiceLimits::max_loading, 0},
    {"disco_items_max", &muc::ServiceLimits::disco_items_max, 1},
    {"archive_page_max", &muc::ServiceLimits::archive_page_max, 1},
    {"avatar_max_bytes", &muc::ServiceLimits::avatar_max_bytes, 0},
    {"registrations_per_room", &muc::ServiceLimits::registrations_per_room, 0},
    {"pending_invitations", &muc::ServiceLimits::pending_invitations, 0},
};
struct RateKey {
  std::string_view name;
  double muc::ServiceLimits::*field;
};
constexpr RateKey kRateKeys[] = {
    {"message_rate", &muc::ServiceLimits::message_rate},
    {"message_burst", &muc::ServiceLimits::message_burst},
    {"presence_rate", &muc::ServiceLimits::presence_rate},
    {"presence_burst", &muc::ServiceLimits::presence_burst},
};
// Durations in whole seconds, from `min` to `max`: at most a day for what a client waits for
// keeps a deadline far from the clock's range, and longer is no wait anyone sits through;
// a tombstone may last a year, or not at all (0).
struct SecondsKey {
  std::string_view name;
  std::chrono::seconds muc::ServiceLimits::*field;
  std::size_t min;
  std::size_t max;
};
constexpr SecondsKey kSecondsKeys[] = {
    {"iq_relay_timeout", &muc::ServiceLimits::iq_relay_timeout, 1, 86400},
    {"locked_room_timeout", &muc::ServiceLimits::locked_room_timeout, 1, 86400},
    {"voice_request_interval", &muc::ServiceLimits::voice_request_interval, 1, 86400},
    {"tombstone_seconds", &muc::ServiceLimits::tombstone_time, 0, 31536000},
};

// A ServiceLimits key: true when `key` is one (read into `limits`, or an error recorded).
bool read_limit(std::string_view key, const toml::node& v, const std::string& qualified, Reader& r,
                muc::ServiceLimits& limits) {
  for (const CountKey& c : kCountKeys) {
    if (c.name != key) continue;
    if (auto n = r.count(v, qualified, c.min)) limits.*c.field = *n;
    return true;
  }
  for (const RateKey& c : kRateKeys) {
    if (c.name != key) continue;
    if (auto d = r.rate(v, qualified)) limits.*c.field = *d;
    return true;
  }
  for (const SecondsKey& c : kSecondsKeys) {
    if (c.name != key) continue;
    if (auto n = r.count(v, qualified, static_cast<long long>(c.min))) {
      if (*n > c.max) {
        r.fail(qualified, fmt::format("expected an integer <= {}", c.max));
      } else {
        limits.*c.field = std::chrono::seconds(static_cast<std::int64_t>(*n));
      }
    }
    return true;
  }
  return false;
}

// [service] room_creation's values, in RoomCreation's order.
constexpr std::string_view kCreationNames[] = {"anyone", "domains", "admins"};
static_assert(std::size(kCreationNames) == static_cast<std::size_t>(RoomCreation::admins) + 1);

void read_service(const toml::table& t, Reader& r, Config& config) {
  for (const auto& [k, v] : t) {
    const std::string_view key = k.str();
    const std::string qualified = fmt::format("service.{}", key);
    if (read_limit(key, v, qualified, r, config.limits)) continue;
    if (key == "history_default") {
      if (auto n = r.count(v, qualified, 0)) config.history_default = *n;
    } else if (key == "archiving_default") {
      if (auto b = r.boolean(v, qualified)) config.archiving_default = *b;
    } else if (key == "service_admins") {
      config.service_admins.clear();
      for (const auto& text : r.strings(v, qualified)) {
        auto jid = xmpp::Jid::parse(text);
        if (!jid || jid->has_resource()) {
          r.fail(qualified, fmt::format("'{}' is not a valid bare JID", text));
          return;
        }
        config.service_admins.push_back(*jid);
      }
    } else if (key == "room_creation") {
      auto s = r.string(v, qualified);
      if (!s) return;
      const auto* name = std::find(std::begin(kCreationNames), std::end(kCreationNames), s->value);
      if (name == std::end(kCreationNames)) {
        r.fail(qualified, "expected \"anyone\", \"domains\" or \"admins\"");
      } else {
        config.room_creation = static_cast<RoomCreation>(name - std::begin(kCreationNames));
      }
    } else if (key == "creation_domains") {
      config.creation_domains.clear();
      for (const auto& text : r.strings(v, qualified)) {
        auto jid = xmpp::Jid::parse(text);
        if (!jid || jid->has_local() || jid->has_resource()) {
          r.fail(qualified, fmt::format("'{}' is not a valid domain", text));
          return;
        }
        config.creation_domains.push_back(jid->domain());
      }
    } else {
      r.fail(qualified, "unknown key");
    }
  }
}

void read_metrics(const toml::table& t, Reader& r, Config& config) {
  for (const auto& [k, v] : t) {
    const std::string_view key = k.str();
    const std::string qualified = fmt::format("metrics.{}", key);
    if (key != "listen") {
      r.fail(qualified, "unknown key");
      return;
    }
    auto s = r.string(v, qualified);
    if (!s) return;
    if (s->value.empty()) {
      config.metrics_host.clear();  // off
    } else if (!parse_host_port(s->value, config.metrics_host, config.metrics_port)) {
      r.fail(qualified, "expected \"HOST:PORT\" (or \"\" for off)");
    }
  }
}

// The top-level keys, all strings, validated once merged (config.cpp).
struct StringKey {
  std::string_view name;
  std::optional<Setting> StringSettings::*field;
};
constexpr StringKey kStringKeys[] = {
    {"server", &StringSettings::server},
    {"domain", &StringSettings::domain},
    {"secret", &StringSettings::secret},
    {"secret_file", &StringSettings::secret_file},
    {"db", &StringSettings::db},
    {"log_level", &StringSettings::log_level},
    {"log_format", &StringSettings::log_format},
};
constexpr std::string_view kTables[] = {"limits", "link", "service", "metrics"};

void read_table(std::string_view name, const toml::table& t, Reader& r, Config& config) {
  if (name == "limits") {
    read_limits(t, r, config.link.limits);
  } else if (name == "link") {
    read_link(t, r, config.link);
  } else if (name == "service") {
    read_service(t, r, config);
  } else {
    read_metrics(t, r, config);
  }
}

// Walks a whole document: its top-level strings into `strings`, its tables into `config`.
void read_document(const toml::table& doc, Reader& r, StringSettings& strings, Config& config) {
  for (const auto& [k, v] : doc) {
    const std::string_view key = k.str();
    const auto* string_key = std::find_if(std::begin(kStringKeys), std::end(kStringKeys),
                                          [&](const StringKey& s) { return s.name == key; });
    if (string_key != std::end(kStringKeys)) {
      strings.*(string_key->field) = r.string(v, key);
    } else if (std::find(std::begin(kTables), std::end(kTables), key) != std::end(kTables)) {
      const auto* table = v.as_table();
      if (!table) {
        r.fail(key, "expected a table");
      } else {
        read_table(key, *table, r, config);
      }
    } else {
      // A misspelt key would otherwise be ignored silently and its default used.
      r.fail(key, "unknown key");
    }
    if (r.error()) break;
  }
}

// A value as TOML text: itself when it is one TOML value (60, true, ["a@b"]), else the
// string it is, quoted.
std::string env_value(const std::string& text) {
  try {
    toml::table one = toml::parse("v = " + text);
    if (one.size() == 1) return text;
  } catch (const toml::parse_error&) {
    // Not TOML (a bare word, an address): the string itself.
  }
  return quoted(text);
}

}  // namespace

std::optional<std::string> load_config_file(const std::string& path, StringSettings& strings,
                                            Config& config) {
  std::string text;
  if (auto err = read_file(path, text)) {
    return fmt::format("cannot read config file '{}': {}", path, *err);
  }
  toml::table doc;
  try {
    doc = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return fmt::format("config file '{}' line {}: {}", path, e.source().begin.line,
                       e.description());
  }
  Reader r(path);
  read_document(doc, r, strings, config);
  return r.error();
}

namespace {

// MUC_SERVICE_MAX_ROOMS -> "service_max_rooms".
std::string env_key(std::string_view name) {
  std::string key;
  for (char c : name.substr(4))
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return key;
}

// The table a variable's key starts with ("service_max_rooms" -> "service"), if any.
std::optional<std::string_view> table_of(std::string_view key) {
  for (std::string_view table : kTables) {
    if (key.size() > table.size() && key.starts_with(table) && key[table.size()] == '_') {
      return table;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> read_environment(const Environment& env, StringSettings& strings,
                                            Config& config) {
  // The environment as the document a config file would be, read by the same rules.
  std::string top;
  std::map<std::string, std::string, std::less<>> tables;
  for (const auto& [name, value] : env) {
    // An empty variable is as if unset (as MUC_SECRET= has always been).
    if (!name.starts_with("MUC_") || value.empty()) continue;
    const std::string key = env_key(name);
    if (std::any_of(std::begin(kStringKeys), std::end(kStringKeys),
                    [&](const StringKey& s) { return s.name == key; })) {
      top += fmt::format("{} = {}\n", key, quoted(value));  // a secret may look like a number
      continue;
    }
    auto table = table_of(key);
    if (!table) continue;  // not a setting: MUC_IQ_AUDIT, the tests' own variables
    std::string table_key = key.substr(table->size() + 1);
    if (table_key.empty() || !std::all_of(table_key.begin(), table_key.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
        })) {
      return fmt::format("environment variable {}: names no key of [{}]", name, *table);
    }
    tables[std::string(*table)] += fmt::format("{} = {}\n", table_key, env_value(value));
  }
  for (const auto& [table, body] : tables) top += fmt::format("[{}]\n{}", table, body);
  toml::table doc;
  try {
    doc = toml::parse(top);
  } catch (const toml::parse_error& e) {
    return fmt::format("environment: {}", e.description());  // e.g. one key given twice
  }
  Reader r{std::string()};
  read_document(doc, r, strings, config);
  return r.error();
}

std::string mask_password(const std::string& db_uri) {
  constexpr std::string_view kMask = "********";
  std::string out = db_uri;
  if (auto scheme = out.find("://"); scheme != std::string::npos) {
    // postgresql://user:password@host/db (RFC 3986 userinfo)
    auto at = out.find('@', scheme + 3);
    auto slash = out.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
      auto colon = out.find(':', scheme + 3);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, kMask);
    }
  }
  // Keyword form (libpq allows spaces around '=', and a quoted value with \' and \\ inside)
  // and URI parameters (password=... up to '&').
  for (std::size_t p = out.find("password"); p != std::string::npos;
       p = out.find("password", p + 1)) {
    std::size_t eq = p + 8;
    while (eq < out.size() && out[eq] == ' ') ++eq;
    if (eq >= out.size() || out[eq] != '=') continue;
    std::size_t begin = eq + 1;
    while (begin < out.size() && out[begin] == ' ') ++begin;
    std::size_t end = begin;
    if (end < out.size() && out[end] == '\'') {
      for (++end; end < out.size() && out[end] != '\''; ++end) {
        if (out[end] == '\\') ++end;  // an escaped character, a quote included
      }
      end = std::min(end + 1, out.size());
    } else {
      while (end < out.size() && out[end] != ' ' && out[end] != '&') ++end;
    }
    out.replace(begin, end - begin, kMask);
  }
  return out;
}

namespace {

std::string host_port(const std::string& host, std::uint16_t port) {
  if (host.find(':') != std::string::npos) return fmt::format("[{}]:{}", host, port);
  return fmt::format("{}:{}", host, port);
}

std::string strings_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const std::string& s : items) out += (out.size() > 1 ? ", " : "") + quoted(s);
  return out + "]";
}

std::string number(double d) {
  std::string s = fmt::format("{}", d);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

}  // namespace

std::string effective_config(const Config& c) {
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value) {
    out += fmt::format("{} = {}\n", key, value);
  };
  line("server", quoted(host_port(c.link.host, c.link.port)));
  line("domain", quoted(c.link.domain));
  line("secret", quoted(c.link.secret.empty() ? "" : "********"));
  line("secret_file", quoted(c.secret_file));
  line("db", quoted(mask_password(c.db_uri)));
  line("log_level", quoted(std::string(base::to_string(c.log_level))));
  line("log_format", quoted(std::string(base::to_string(c.log_format))));

  out += "\n[limits]\n";
  line("max_stanza_bytes", std::to_string(c.link.limits.max_stanza_bytes));
  line("max_depth", std::to_string(c.link.limits.max_depth));
  line("max_attributes", std::to_string(c.link.limits.max_attributes));

  out += "\n[link]\n";
  line("stall_timeout",
       std::to_string(
           std::chrono::duration_cast<std::chrono::seconds>(c.link.stall_timeout).count()));

  out += "\n[service]\n";
  line("history_default", std::to_string(c.history_default));
  line("archiving_default", c.archiving_default ? "true" : "false");
  for (const CountKey& k : kCountKeys) line(k.name, std::to_string(c.limits.*k.field));
  for (const RateKey& k : kRateKeys) line(k.name, number(c.limits.*k.field));
  for (const SecondsKey& k : kSecondsKeys)
    line(k.name, std::to_string((c.limits.*k.field).count()));
  std::vector<std::string> admins;
  for (const xmpp::Jid& j : c.service_admins) admins.push_back(j.bare_str());
  line("service_admins", strings_array(admins));
  line("room_creation", quoted(std::string(kCreationNames[static_cast<int>(c.room_creation)])));
  line("creation_domains", strings_array(c.creation_domains));

  out += "\n[metrics]\n";
  line("listen", quoted(c.metrics_host.empty() ? "" : host_port(c.metrics_host, c.metrics_port)));
  return out;
}

}  // namespace app::keys
