// The configuration's keys: read from a TOML document (the config file, or the environment
// as one) and printed back as the effective configuration (--check-config). Every key is
// here, once, with its validation; config.cpp merges the sources and the command line.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/config.hpp"

namespace app::keys {

// A string setting and where it came from, so that an error names its origin
// ("--server", "config file 'muc.toml', key 'server'", "environment variable MUC_SERVER").
struct Setting {
  std::string value;
  std::string origin;
};

// The top-level string settings, which later sources override; validated by config.cpp.
struct StringSettings {
  std::optional<Setting> server;
  std::optional<Setting> domain;
  std::optional<Setting> secret;
  std::optional<Setting> secret_file;  // read only when no secret is given
  std::optional<Setting> db;
  std::optional<Setting> log_level;
  std::optional<Setting> log_format;
};

// Reads `path`: its top-level keys into `strings`, its tables into `config`. The one-line
// error when the file is unreadable or invalid.
std::optional<std::string> load_config_file(const std::string& path, StringSettings& strings,
                                            Config& config);

// Every key has an environment variable (for containers): MUC_ and the key in capitals, a
// table's keys prefixed with the table's name (MUC_SERVER, MUC_SERVICE_MAX_ROOMS,
// MUC_LINK_STALL_TIMEOUT). A table key's value is read as a TOML value when it is one
// (60, true, ["a@b"]) and as a string otherwise; an array of strings may also be given
// comma-separated. An empty variable is as if unset. A MUC_SERVICE_..., MUC_LIMITS_...,
// MUC_LINK_... or MUC_METRICS_... variable that names no key of its table is an error; other
// MUC_ variables (MUC_IQ_AUDIT, the tests' own) are not settings and are left alone.
std::optional<std::string> read_environment(const Environment& env, StringSettings& strings,
                                            Config& config);

// The effective configuration as a config file would say it, every key, secrets masked.
std::string effective_config(const Config& config);

// A connection URI or keyword string with its password replaced by "********".
std::string mask_password(const std::string& db_uri);

}  // namespace app::keys
