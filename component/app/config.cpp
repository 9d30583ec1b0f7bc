#include "app/config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "app/config_toml.hpp"

namespace app {
namespace {

using keys::Setting;
using keys::StringSettings;

// ---- the command line

constexpr const char* kFooter =
    R"(Precedence: command-line flags, then the environment, then the config file, then the
defaults.

Config file (TOML): every key, its default and its meaning are in
packaging/muc-component.conf.example; --check-config prints the effective value of each.

Environment: one variable per key, MUC_ and the key in capitals, a table's keys prefixed
with the table's name: MUC_SECRET (keeps the secret out of `ps`), MUC_SERVER, MUC_DB,
MUC_SERVICE_MAX_ROOMS=500, MUC_LINK_STALL_TIMEOUT=120, MUC_SERVICE_SERVICE_ADMINS=a@x,b@x.
MUC_MIGRATIONS_DIR names the directory of the SQL migrations (default: the source tree's).

Exit status: 0 on --help and on a valid --check-config, 2 on a usage or configuration
error.)";

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
  if (s.log_format) {
    auto format = base::parse_log_format(s.log_format->value);
    if (!format) {
      return fmt::format("{} '{}': expected text or json", s.log_format->origin,
                         s.log_format->value);
    }
    config.log_format = *format;
  }
  if (s.db) config.db_uri = s.db->value;
  if ((!s.secret || s.secret->value.empty()) && s.secret_file) {
    // A file of its own (systemd's LoadCredential=, a mounted container secret): only its
    // first line, without the line break, so that `echo secret > file` works.
    std::ifstream in(s.secret_file->value);
    std::string first;
    if (!in || !std::getline(in, first)) {
      return fmt::format("{} '{}': cannot read the secret from it", s.secret_file->origin,
                         s.secret_file->value);
    }
    if (!first.empty() && first.back() == '\r') first.pop_back();
    if (first.empty()) {
      return fmt::format("{} '{}': its first line is empty", s.secret_file->origin,
                         s.secret_file->value);
    }
    config.link.secret = std::move(first);
    config.secret_file = s.secret_file->value;
  } else if (!s.secret || s.secret->value.empty()) {
    return "no component secret: give --secret, set MUC_SECRET, set 'secret' in the config "
           "file, or name a file with --secret-file";
  } else {
    config.link.secret = s.secret->value;
  }
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

Environment environment_of(char** envp) {
  Environment env;
  for (char** e = envp; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace_back(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
  }
  return env;
}

ConfigResult parse_config(int argc, char** argv, const Environment& env) {
  CLI::App cli{
      "An XMPP multi-user chat service (XEP-0045), run as an external component "
      "(XEP-0114) of an XMPP server.",
      "muc-component"};
  cli.footer(kFooter);
  std::string config_path, server, domain, secret, secret_file, db, log_level, log_format;
  bool check = false;
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
  auto* secret_file_opt =
      cli.add_option("--secret-file", secret_file,
                     "Read the secret from this file's first line (when no secret is given)")
          ->option_text("FILE");
  auto* db_opt =
      cli.add_option("--db", db, "PostgreSQL connection URI, e.g. postgresql://user@host/muc")
          ->option_text("URI");
  auto* log_opt =
      cli.add_option("--log-level", log_level, "debug, info, warn or error (default info)")
          ->option_text("LEVEL");
  auto* format_opt =
      cli.add_option("--log-format", log_format, "text (default) or json, one object per line")
          ->option_text("FORMAT");
  cli.add_flag("--check-config", check,
               "Validate the configuration, print it with secrets masked, and exit (0 or 2)");

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
    if (auto err = keys::load_config_file(config_path, settings, config)) {
      return usage_error(*err);
    }
  }
  if (auto err = keys::read_environment(env, settings, config)) return usage_error(*err);
  take_flag(server_opt, server, settings.server);
  take_flag(domain_opt, domain, settings.domain);
  take_flag(secret_opt, secret, settings.secret);
  take_flag(secret_file_opt, secret_file, settings.secret_file);
  take_flag(db_opt, db, settings.db);
  take_flag(log_opt, log_level, settings.log_level);
  take_flag(format_opt, log_format, settings.log_format);
  if (auto err = apply(settings, config)) return usage_error(*err);
  if (check) return ConfigExit{0, keys::effective_config(config)};
  return config;
}

}  // namespace app
