// muc-migrate: applies the schema migrations to a PostgreSQL database, as the component
// does at start-up (docs/architecture.md, "Persistence"). Used by scripts/migrate.
//
//   muc-migrate [--dir DIR] [--check] URI
//
// --check applies nothing: it lists pending migrations and exits 1 if there are any.
// Exit status: 0 up to date, 1 pending (--check), 2 refused or failed, 64 bad usage.
#include <cstdio>
#include <exception>
#include <pqxx/pqxx>
#include <string>
#include <string_view>

#include "db/migrator.hpp"

namespace {

int usage() {
  std::fputs("usage: muc-migrate [--dir DIR] [--check] URI\n", stderr);
  return 64;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = MUC_MIGRATIONS_DIR;
  std::string uri;
  bool check = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--check") {
      check = true;
    } else if (arg == "-h" || arg == "--help") {
      usage();
      return 0;
    } else if (!arg.starts_with("-") && uri.empty()) {
      uri = arg;
    } else {
      return usage();
    }
  }
  if (uri.empty()) return usage();

  try {
    pqxx::connection conn(uri);
    if (check) {
      auto pending = db::pending_migrations(conn, dir);
      for (const auto& name : pending) std::printf("pending %s\n", name.c_str());
      if (pending.empty()) std::printf("up to date\n");
      return pending.empty() ? 0 : 1;
    }
    auto report = db::migrate(conn, dir);
    for (const auto& name : report.applied) std::printf("applied %s\n", name.c_str());
    std::printf("schema version %d%s\n", report.version,
                report.applied.empty() ? " (up to date)" : "");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "muc-migrate: %s\n", e.what());
    return 2;
  }
}
