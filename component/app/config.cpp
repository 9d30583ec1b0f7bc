#include "app/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>

#include <toml++/toml.h>
#include <CLI/CLI.hpp>

namespace app {
namespace {

// A string setting and where it came from, so that an error names its origin
// ("--server" or "config file 'muc.toml', key 'server'").
struct Setting {
  std::string value;
  std::string origin;
};

// The settings that the command line may override; the file fills them in first.
struct StringSettings {
  std::optional<Setting> server;
  std::optional<Setting> domain;
  std::optional<Setting> secret;
  std::optional<Setting> db;
  std::optional<Setting> log_level;
};

// ---- the config file (TOML)

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

// Collects the first error found while walking the document; later checks are skipped.
class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {}

  const std::optional<std::string>& error() const { return error_; }

  void fail(std::string_view key, std::string_view what) {
    if (!error_) error_ = fmt::format("config file '{}': {}: {}", path_, key, what);
  }

  std::string origin(std::string_view key) const {
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
    if (!d || *d < 0) {
      fail(key, "expected a number >= 0");
      return std::nullopt;
    }
    return d;
  }

  std::vector<std::string> strings(const toml::node& node, std::string_view key) {
    std::vector<std::string> out;
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
  const std::string& path_;
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
        link.stall_timeout = std::chrono::seconds(static_cast<std::int64_t>(*n));
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
      if (s->value == "anyone") {
        config.room_creation = RoomCreation::anyone;
      } else if (s->value == "domains") {
        config.room_creation = RoomCreation::domains;
      } else if (s->value == "admins") {
        config.room_creation = RoomCreation::admins;
      } else {
        r.fail(qualified, "expected \"anyone\", \"domains\" or \"admins\"");
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

// Reads `path`, fills `strings` with its top-level keys and `config` with [limits] and
// [service]. Returns the one-line error when the file is unreadable or invalid.
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
  for (const auto& [k, v] : doc) {
    const std::string_view key = k.str();
    std::optional<Setting>* target = key == "server"      ? &strings.server
                                     : key == "domain"    ? &strings.domain
                                     : key == "secret"    ? &strings.secret
                                     : key == "db"        ? &strings.db
                                     : key == "log_level" ? &strings.log_level
                                                          : nullptr;
    if (target) {
      *target = r.string(v, key);
    } else if (key == "limits" || key == "service" || key == "link") {
      const auto* table = v.as_table();
      if (!table) {
        r.fail(key, "expected a table");
      } else if (key == "limits") {
        read_limits(*table, r, config.link.limits);
      } else if (key == "link") {
        read_link(*table, r, config.link);
      } else {
        read_service(*table, r, config);
      }
    } else {
      // A misspelt key would otherwise be ignored silently and its default used.
      r.fail(key, "unknown key");
    }
    if (r.error()) break;
  }
  return r.error();
}

// ---- the command line

constexpr const char* kFooter =
    R"(Precedence: command-line flags, then MUC_SECRET (secret only), then the config file,
then the defaults.

Environment:
  MUC_SECRET              the component secret, instead of --secret (keeps it out of `ps`)

Config file (TOML), every key optional:
  server = "127.0.0.1:5347"       domain = "conference.localhost"
  secret = "..."                  db = "postgresql://..."
  log_level = "info"              # debug | info | warn | error
  [limits]
  max_stanza_bytes = 262144       # bytes per stanza received from the server
  max_depth = 32                  # element nesting below the stream
  max_attributes = 64             # attributes per element
  [link]
  stall_timeout = 60              # seconds the server may read nothing before the link drops
  [service]
  history_default = 20            # messages of history sent on join
  history_max_bytes = 262144      # bytes of history sent on join, whole stanzas
  max_users_presence = 1000       # above this, plain presence of non-moderators goes to
                                  # moderators only (0: always to everyone)
  nick_max_bytes = 128            # longer nicks: policy-violation (0: no bound, here and below)
  subject_max_bytes = 4096        # longer subjects: policy-violation
  reason_max_bytes = 1024         # kick, ban, destroy, invitation and decline reasons
  presence_max_bytes = 16384      # presence children a room rebroadcasts (status, caps...)
  max_occupants = 10000           # occupants of any one room (admins and owners still enter)
  max_rooms = 10000               # live rooms; more: resource-constraint (service admins exempt)
  rooms_per_user_per_hour = 10    # rooms one bare JID may create per hour (admins exempt)
  max_waiting = 1000              # stanzas queued for a room that is loading or committing
  max_loading = 100               # rooms loading from the database at once
  disco_items_max = 100           # rooms per disco#items answer; XEP-0059 pages the rest
  archive_page_max = 250          # messages per archive (XEP-0313) page; 50 unless asked
  avatar_max_bytes = 131072       # a room's vCard with its avatar (XEP-0486), as serialised
  archiving_default = true        # new rooms keep an archive (muc#roomconfig_enablearchiving)
  registrations_per_room = 10000  # nicks reserved in one room (one per user)
  pending_invitations = 1000      # invitations a room keeps pending (for their declines)
  message_rate = 2.0              # groupchat messages per second per occupant (0: no limit;
  message_burst = 10.0            # moderators exempt), and how many at once
  presence_rate = 0.5             # presence changes per second per occupant; more are held
  presence_burst = 5.0            # and only the latest is sent (0: no limit; moderators exempt)
  iq_relay_timeout = 30           # seconds an occupant has to answer an iq relayed to it
  locked_room_timeout = 300       # seconds a new room may stay unconfigured, then destroyed
  voice_request_interval = 60     # seconds between one visitor's voice requests
  tombstone_seconds = 2592000     # how long a destroyed room's address answers "gone" (0: not)
  service_admins = ["admin@localhost"]
  room_creation = "anyone"        # anyone | domains | admins
  creation_domains = ["localhost"]  # who may create rooms when room_creation = "domains"

Exit status: 0 on --help, 2 on a usage or configuration error.)";

ConfigExit usage_error(std::string message) {
  // One line, always: CLI11 messages are single-line, but make sure.
  std::replace(message.begin(), message.end(), '\n', ' ');
  return ConfigExit{2, std::move(message)};
}

// Overrides `slot` with the flag's value when the flag was given.
void take_flag(const CLI::Option* opt, const std::string& value, std::optional<Setting>& slot) {
  if (opt->count() > 0) slot = Setting{value, opt->get_name()};
}

// Validates the merged string settings into `config`; the first problem is the error.
std::optional<std::string> apply(const StringSettings& s, Config& config) {
  if (s.server && !parse_host_port(s.server->value, config.link.host, config.link.port)) {
    return fmt::format("{} '{}': expected HOST:PORT with PORT in 1..65535 ([ADDR]:PORT for IPv6)",
                       s.server->origin, s.server->value);
  }
  if (s.domain) {
    // The component's own address is a bare domain JID (XEP-0114: the stream's 'to').
    auto jid = xmpp::Jid::parse(s.domain->value);
    if (!jid || jid->has_local() || jid->has_resource()) {
      return fmt::format("{} '{}': not a valid domain JID", s.domain->origin, s.domain->value);
    }
    config.link.domain = jid->domain();
  }
  if (s.log_level) {
    auto level = base::parse_log_level(s.log_level->value);
    if (!level) {
      return fmt::format("{} '{}': expected one of debug, info, warn, error", s.log_level->origin,
                         s.log_level->value);
    }
    config.log_level = *level;
  }
  if (s.db) config.db_uri = s.db->value;
  if (!s.secret || s.secret->value.empty()) {
    return "no component secret: give --secret, set MUC_SECRET, or set 'secret' in the config "
           "file";
  }
  config.link.secret = s.secret->value;
  if (config.room_creation == RoomCreation::domains && config.creation_domains.empty()) {
    return "room_creation = \"domains\" needs a non-empty creation_domains list";
  }
  return std::nullopt;
}

}  // namespace

bool parse_host_port(std::string_view text, std::string& host, std::uint16_t& port) {
  std::string_view h;
  std::string_view p;
  if (text.starts_with('[')) {
    // RFC 3986 3.2.2: an IPv6 literal is bracketed so that its colons are not the port's.
    auto close = text.find("]:");
    if (close == std::string_view::npos) return false;
    h = text.substr(1, close - 1);
    p = text.substr(close + 2);
    if (h.find(':') == std::string_view::npos) return false;
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return false;
    h = text.substr(0, colon);
    p = text.substr(colon + 1);
    if (h.find(':') != std::string_view::npos) return false;  // unbracketed IPv6: ambiguous
  }
  if (h.empty() || p.empty() || p.size() > 5) return false;
  auto bad_host_char = [](char c) {
    return static_cast<unsigned char>(c) <= ' ' || c == '/' || c == '[' || c == ']' || c == '@';
  };
  if (std::any_of(h.begin(), h.end(), bad_host_char)) return false;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
  if (ec != std::errc() || end != p.data() + p.size() || value < 1 || value > 65535) return false;
  host = std::string(h);
  port = static_cast<std::uint16_t>(value);
  return true;
}

ConfigResult parse_config(int argc, char** argv, const char* env_secret) {
  CLI::App cli{
      "An XMPP multi-user chat service (XEP-0045), run as an external component "
      "(XEP-0114) of an XMPP server.",
      "muc-component"};
  cli.footer(kFooter);
  std::string config_path, server, domain, secret, db, log_level;
  auto* config_opt = cli.add_option("--config", config_path, "Read settings from this TOML file")
                         ->option_text("FILE");
  auto* server_opt =
      cli.add_option("--server", server,
                     "The XMPP server's component port (default 127.0.0.1:5347; IPv6: [::1]:5347)")
          ->option_text("HOST:PORT");
  auto* domain_opt =
      cli.add_option("--domain", domain, "The component's domain (default conference.localhost)")
          ->option_text("DOMAIN");
  auto* secret_opt =
      cli.add_option("--secret", secret, "The shared component secret (or MUC_SECRET)")
          ->option_text("SECRET");
  auto* db_opt =
      cli.add_option("--db", db, "PostgreSQL connection URI, e.g. postgresql://user@host/muc")
          ->option_text("URI");
  auto* log_opt =
      cli.add_option("--log-level", log_level, "debug, info, warn or error (default info)")
          ->option_text("LEVEL");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    return ConfigExit{0, cli.help()};
  } catch (const CLI::ParseError& e) {
    return usage_error(fmt::format("{} (see --help)", e.what()));
  }

  Config config;
  StringSettings settings;
  if (config_opt->count() > 0) {
    if (auto err = load_config_file(config_path, settings, config)) {
      return usage_error(*err);
    }
  }
  if (env_secret != nullptr && *env_secret != '\0') {
    settings.secret = Setting{env_secret, "MUC_SECRET"};
  }
  take_flag(server_opt, server, settings.server);
  take_flag(domain_opt, domain, settings.domain);
  take_flag(secret_opt, secret, settings.secret);
  take_flag(db_opt, db, settings.db);
  take_flag(log_opt, log_level, settings.log_level);
  if (auto err = apply(settings, config)) return usage_error(*err);
  return config;
}

}  // namespace app
