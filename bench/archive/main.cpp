// The archive-read benchmark (issue 11; scripts/bench section 5): XEP-0313 pages of 50 from
// a room of --room-rows archived messages among --rows in the table, timed through the
// store's own read (db::sql::read_archive_page), each with the plan of its page SQL.
//
//   muc-bench-archive --db URI [--rows N] [--room-rows N] [--rooms N] [--repeat N]
//
// Applies the migrations, seeds (seed.cpp; skipped when the table is already so), runs the
// cases (cases.cpp), then prints one JSON object on stdout (scripts/bench records it;
// bench/report.py prints it). Progress goes to stderr. Exit status: 0, 1 failed, 64 usage.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <pqxx/pqxx>
#include <stdexcept>
#include <string>

#include "bench/archive/cases.hpp"
#include "bench/archive/seed.hpp"
#include "db/migrator.hpp"
#include "db/pg_sql.hpp"

namespace {

struct Options {
  std::string db;
  bench_archive::Sizes sizes;
  int repeat = 20;
};

bool valid(const Options& o) {
  const bench_archive::Sizes& s = o.sizes;
  return !o.db.empty() && o.repeat > 0 && s.rooms > 0 && s.room_rows > 0 && s.room_rows <= s.rows &&
         (s.rooms > 1 || s.room_rows == s.rows);
}

bool parse(int argc, char** argv, Options& o) {
  try {
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string arg = argv[i];
      const std::string value = argv[i + 1];
      if (arg == "--db")
        o.db = value;
      else if (arg == "--rows")
        o.sizes.rows = std::stol(value);
      else if (arg == "--room-rows")
        o.sizes.room_rows = std::stol(value);
      else if (arg == "--rooms")
        o.sizes.rooms = std::stol(value);
      else if (arg == "--repeat")
        o.repeat = std::stoi(value);
      else
        return false;
    }
  } catch (const std::logic_error&) {  // not a number
    return false;
  }
  return argc % 2 == 1 && valid(o);
}

void run(const Options& o) {
  pqxx::connection c(o.db);
  const auto t0 = std::chrono::steady_clock::now();
  db::migrate(c, MUC_MIGRATIONS_DIR);
  db::sql::prepare(c);
  const bool seeded = bench_archive::seed(c, o.sizes);
  const double seed_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::string results;
  for (const auto& k : bench_archive::cases(c, o.sizes)) {
    std::fprintf(stderr, "case: %s\n", k.name.c_str());
    results += (results.empty() ? "" : ", ") + bench_archive::measure(c, k, o.repeat);
  }
  const auto& s = o.sizes;
  std::printf("%s\n", fmt::format(R"({{"rows": {}, "room_rows": {}, "rooms": {}, )"
                                  R"("seeded": {}, "setup_s": {:.1f}, "cases": [{}]}})",
                                  s.rows, s.room_rows, s.rooms, seeded, seed_s, results)
                          .c_str());
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fputs(
        "usage: muc-bench-archive --db URI [--rows N] [--room-rows N] [--rooms N] "
        "[--repeat N]\n",
        stderr);
    return 64;
  }
  try {
    run(o);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "muc-bench-archive: %s\n", e.what());
    return 1;
  }
  return 0;
}
