// muc-bench-driver: the load driver of scripts/bench.
//
//   muc-bench-driver component --component BIN --scenario one-room|many-rooms|persist|storm
//                    [--n N] [--duration S] [--warmup S] [--window K] [--rate-frac F | --rate R]
//                    [--body BYTES] [--db URI] [--component-cpu C] [--driver-cpu C]
//                    storm: [--read-rate MBPS] [--timeout S] [--component-log FILE]
//   muc-bench-driver c2s --port P --domain HOST --muc MUCDOMAIN [--n N] [--sasl anonymous|plain]
//                    [--duration S] [--window K] [--rate R] [--watch name=PID]...
//                    [--scenario storm [--timeout S] [--component BIN --component-server
//                    HOST:PORT --secret S [--component-log FILE]]]
//
// Prints one JSON object with the figures on stdout; progress goes to stderr.
#include <cstdio>
#include <string>

#include "util.hpp"

namespace bench {
int run_component_mode(const Args& a);
int run_c2s_mode(const Args& a);
}  // namespace bench

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: muc-bench-driver component|c2s [--options]\n");
    return 2;
  }
  std::string mode = argv[1];
  bench::Args args(argc, argv, 2);
  if (mode == "component") return bench::run_component_mode(args);
  if (mode == "c2s") return bench::run_c2s_mode(args);
  std::fprintf(stderr, "muc-bench-driver: unknown mode %s\n", mode.c_str());
  return 2;
}
