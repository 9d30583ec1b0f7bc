// Schema migrations (docs/architecture.md, "Persistence"): migrations/NNNN_name.sql files applied
// in version order, each in its own transaction, recorded in schema_migrations with the SHA-256 of
// the file. The component refuses to run against a schema it does not know: a recorded version with
// no file (the database is newer than this build), or a recorded checksum that differs from the
// file (an applied migration was edited afterwards), unless that edit is one of the reviewed
// comment-only revisions listed in migrator.cpp.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace pqxx {
class connection_base;
}

namespace db {

// Why migrating refused or failed; what() says what to do about it.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Migration {
  int version = 0;       // NNNN of the file name
  std::string name;      // the file name without ".sql", e.g. "0001_initial"
  std::string sql;       // the file's bytes
  std::string checksum;  // lowercase hex SHA-256 of `sql`
};

// Every NNNN_name.sql of `dir`, by version. Throws MigrationError on a missing directory,
// an unreadable file, a .sql file not named NNNN_name.sql, or two files of one version.
std::vector<Migration> read_migrations(const std::filesystem::path& dir);

std::string sha256_hex(const std::string& bytes);

struct MigrationReport {
  std::vector<std::string> applied;  // names applied by this run, in order
  int version = 0;                   // the schema version afterwards (0: empty)
};

// Checks the recorded migrations against `dir`, then applies the pending ones. Safe to run
// concurrently from several processes (an advisory lock serialises them). Throws
// MigrationError when it refuses (see above) or when a migration fails; a failed migration
// leaves no trace (its transaction rolls back) and the ones before it stay applied.
MigrationReport migrate(pqxx::connection_base& conn, const std::filesystem::path& dir);

// The same checks without applying anything: the names still pending.
std::vector<std::string> pending_migrations(pqxx::connection_base& conn,
                                            const std::filesystem::path& dir);

}  // namespace db
