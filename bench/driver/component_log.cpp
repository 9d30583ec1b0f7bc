#include "component_log.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

namespace bench {

ComponentLogStats read_component_log(const std::string& path) {
  ComponentLogStats s;
  std::ifstream in(path);
  if (!in) return s;
  s.readable = true;
  const std::string key = "peak_queue_bytes=";
  std::string line;
  while (std::getline(in, line)) {
    if (line.find("reconnecting") != std::string::npos) ++s.link_drops;
    std::size_t p = line.find(key);
    if (p == std::string::npos) continue;
    char* end = nullptr;
    const char* digits = line.c_str() + p + key.size();
    long long v = std::strtoll(digits, &end, 10);
    if (end != digits) {  // the last such line wins (one per process)
      s.peak_queue_bytes = v;
      s.stats_line = line;
    }
  }
  return s;
}

void describe(Json& j, const ComponentLogStats& s) {
  if (s.peak_queue_bytes >= 0) {
    j.integer("peak_queue_bytes", s.peak_queue_bytes);
  } else {
    j.num("peak_queue_bytes", NAN);  // null: the component did not log it
  }
  j.integer("link_drops", s.link_drops);
  j.integer("component_log_readable", s.readable ? 1 : 0);
  j.str("component_stats_line", s.stats_line);
}

std::string component_log_path(const std::string& path) {
  if (!path.empty() && path != "/dev/null") {
    std::ofstream truncated(path, std::ios::trunc);
    return path;
  }
  char tmpl[] = "/tmp/muc-bench-component-XXXXXX";
  int fd = mkstemp(tmpl);
  if (fd < 0) die("cannot create a component log file in /tmp");
  close(fd);
  return tmpl;
}

}  // namespace bench
