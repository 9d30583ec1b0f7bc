// The component's configuration: built once at start-up from, in rising precedence, the
// defaults below, an optional TOML file (--config FILE), the environment (MUC_SECRET,
// MUC_SERVICE_MAX_ROOMS, ...: one variable per key) and the command line. Everything is
// validated here, so the rest of the program can trust a Config: addresses parse, the domain
// is a prepared JID, limits are positive.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/log.hpp"
#include "muc/service_limits.hpp"
#include "xmpp/component_link.hpp"
#include "xmpp/jid.hpp"

namespace app {

// Who may create a room by joining it (XEP-0045 10.1 leaves the policy to the service).
enum class RoomCreation {
  anyone,   // every user
  domains,  // users whose bare JID's domain is listed in creation_domains
  admins,   // service administrators only
};

struct Config {
  // host/port from --server, domain from --domain (prepared), secret, [limits] and [link].
  xmpp::LinkConfig link;
  // Where the secret was read from (--secret-file), for --check-config; empty otherwise.
  std::string secret_file;
  // Database connection URI (libpq syntax); empty when none was given.
  std::string db_uri;
  base::LogLevel log_level = base::LogLevel::info;
  base::LogFormat log_format = base::LogFormat::text;

  // [metrics] listen: the Prometheus endpoint's address; empty host = off (the default).
  std::string metrics_host;
  std::uint16_t metrics_port = 0;

  // [service]
  std::size_t history_default = 20;       // messages of history sent on join (XEP-0045 7.2.15)
  bool archiving_default = true;          // new rooms keep an archive (XEP-0313)
  muc::ServiceLimits limits;              // every bound of ServiceLimits, one [service] key each
  std::vector<xmpp::Jid> service_admins;  // bare JIDs with full power over every room
  RoomCreation room_creation = RoomCreation::anyone;
  std::vector<std::string> creation_domains;  // prepared domains, for RoomCreation::domains
};

// Parsing ends the program instead of yielding a Config: `code` is the process exit status.
//   code 0: --help was asked; `message` is the help text, for stdout.
//   code 2: a usage or configuration error; `message` is ONE line saying what is wrong
//           (no trailing newline), for stderr.
struct ConfigExit {
  int code = 2;
  std::string message;
};

using ConfigResult = std::variant<Config, ConfigExit>;

// The process environment as (name, value) pairs; the caller reads it, so that parsing stays
// pure.
using Environment = std::vector<std::pair<std::string, std::string>>;
Environment environment_of(char** envp);

// Parses `muc-component [--config FILE] [--server HOST:PORT] [--domain DOMAIN]
// [--secret SECRET] [--db URI] [--log-level LEVEL] [--log-format FORMAT] [--check-config]`,
// with the MUC_* variables of `env` (config_toml.hpp) between the file and the flags.
// --check-config ends with code 0 and the effective configuration, secrets masked.
ConfigResult parse_config(int argc, char** argv, const Environment& env);

// "HOST:PORT" -> host and port; IPv6 literals in brackets ("[::1]:5347", host becomes "::1").
// False when the host is empty or the port is not a number in 1..65535.
bool parse_host_port(std::string_view text, std::string& host, std::uint16_t& port);

}  // namespace app
