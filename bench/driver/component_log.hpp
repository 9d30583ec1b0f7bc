// What muc-component's own log (its stderr) says about its link: the statistics line it
// writes when it exits on SIGTERM/SIGINT ("... peak_queue_bytes=<N> ...") and how often it
// lost the link ("... reconnecting ...").
#pragma once

#include <string>

#include "util.hpp"

namespace bench {

struct ComponentLogStats {
  long long peak_queue_bytes = -1;  // -1: no statistics line (n/a)
  long long link_drops = 0;         // lines containing "reconnecting"
  std::string stats_line;           // the line peak_queue_bytes came from
  bool readable = false;
};

ComponentLogStats read_component_log(const std::string& path);

// Adds peak_queue_bytes (null when n/a), link_drops and component_stats_line to j.
void describe(Json& j, const ComponentLogStats& s);

// A fresh empty file for a component's log: `path` if given, else a new /tmp file.
std::string component_log_path(const std::string& path);

}  // namespace bench
