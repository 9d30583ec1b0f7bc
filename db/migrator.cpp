#include "db/migrator.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <pqxx/pqxx>
#include <regex>
#include <sstream>

namespace db {
namespace {

// Any fixed key will do: it only has to differ from other users of advisory locks in the
// same database. "muc_migr" in ASCII.
constexpr long long kLockKey = 0x6d75635f6d696772;

constexpr const char* kCreateTable = R"(
CREATE TABLE IF NOT EXISTS schema_migrations (
  version    integer PRIMARY KEY,
  name       text NOT NULL,
  checksum   text NOT NULL,  -- lowercase hex SHA-256 of the file's bytes
  applied_at timestamptz NOT NULL DEFAULT now()
))";

// Edits to applied migrations that changed comments only, reviewed one by one: the database
// recorded `before`, the file now hashes to `after`. Only that exact pair is accepted, and
// migrate() then records `after`; any other edit is still refused.
struct CommentRevision {
  int version;
  const char* before;
  const char* after;
};
constexpr CommentRevision kCommentRevisions[] = {
    // The design reference moved into the repository (docs/architecture.md).
    {1, "d9eeab1e6003f5e6097dd43893512e79008d820671af1f15e077e367cfe10222",
     "750493863e0d5a924f08790d125a8d4fb21494c90594da2cc8bf83201fdac589"},
    {2, "9bc8e5f07b4f81a8f17ead4f60cbcfb78e72aad8c0e4eec768162b2a7d8098bd",
     "a3d3554067eb45e974676ae56fb5cec5696abab905b8a6e04541e9e626083bf8"},
};

bool is_comment_revision(int version, const std::string& recorded, const std::string& file) {
  return std::any_of(std::begin(kCommentRevisions), std::end(kCommentRevisions),
                     [&](const CommentRevision& r) {
                       return r.version == version && recorded == r.before && file == r.after;
                     });
}

struct Applied {
  int version = 0;
  std::string name;
  std::string checksum;
};

std::vector<Applied> read_applied(pqxx::transaction_base& t) {
  std::vector<Applied> out;
  // to_regclass resolves through search_path like the migrations themselves do.
  if (t.exec1("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].as<bool>()) {
    for (const auto& row : t.exec("SELECT version, name, checksum FROM schema_migrations "
                                  "ORDER BY version")) {
      out.push_back({row[0].as<int>(), row[1].as<std::string>(), row[2].as<std::string>()});
    }
  }
  return out;
}

// Checks what the database recorded against the files and returns what is left to apply.
std::vector<const Migration*> plan(const std::vector<Migration>& files,
                                   const std::vector<Applied>& applied) {
  std::map<int, const Migration*> by_version;
  for (const auto& m : files) by_version[m.version] = &m;
  const int newest_known = files.empty() ? 0 : files.back().version;

  int newest_applied = 0;
  for (const auto& a : applied) {
    auto it = by_version.find(a.version);
    if (it == by_version.end()) {
      throw MigrationError(fmt::format(
          "the database has migration {} ({}) that this build does not know (newest known: "
          "{}): it was migrated by a newer build; run that build, or restore a backup",
          a.version, a.name, newest_known));
    }
    const Migration& file = *it->second;
    const bool same =
        file.checksum == a.checksum || is_comment_revision(a.version, a.checksum, file.checksum);
    if (file.name != a.name || !same) {
      throw MigrationError(fmt::format(
          "migration {} was changed after it was applied (recorded as {} with sha256 {}, the "
          "file is {} with sha256 {}): restore the file and put the change in a new migration",
          a.version, a.name, a.checksum, file.name, file.checksum));
    }
    newest_applied = std::max(newest_applied, a.version);
  }

  std::vector<const Migration*> pending;
  for (const auto& m : files) {
    bool done = std::any_of(applied.begin(), applied.end(),
                            [&](const Applied& a) { return a.version == m.version; });
    if (done) continue;
    if (m.version < newest_applied) {
      // Applying it now would run it against a schema its author never saw.
      throw MigrationError(fmt::format(
          "migration {} is pending but the later migration {} is already applied: give it a "
          "version above {}",
          m.name, newest_applied, newest_applied));
    }
    pending.push_back(&m);
  }
  return pending;
}

// Holds a session-level advisory lock, so that two processes starting at once do not both
// apply the same migration.
class MigrationLock {
 public:
  explicit MigrationLock(pqxx::connection_base& conn) : conn_(conn) {
    pqxx::nontransaction t(conn_);
    t.exec_params("SELECT pg_advisory_lock($1)", kLockKey);
  }
  ~MigrationLock() {
    try {
      pqxx::nontransaction t(conn_);
      t.exec_params("SELECT pg_advisory_unlock($1)", kLockKey);
    } catch (const std::exception&) {
      // The connection is gone, and the lock with it.
    }
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  pqxx::connection_base& conn_;
};

// After plan() accepted them: the recorded checksums of reviewed comment-only revisions
// become the files' own, so the next start compares like with like.
void record_comment_revisions(pqxx::connection_base& conn, const std::vector<Migration>& files) {
  pqxx::work t(conn);
  for (const auto& r : kCommentRevisions) {
    for (const auto& m : files) {
      if (m.version != r.version || m.checksum != r.after) continue;
      t.exec_params0(
          "UPDATE schema_migrations SET checksum = $1 WHERE version = $2 AND checksum = $3",
          m.checksum, m.version, std::string(r.before));
    }
  }
  t.commit();
}

}  // namespace

std::string sha256_hex(const std::string& bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md, &n, EVP_sha256(), nullptr) != 1) {
    throw MigrationError("SHA-256 failed (OpenSSL)");
  }
  std::string hex;
  hex.reserve(std::size_t{2} * n);
  for (unsigned int i = 0; i < n; ++i) hex += fmt::format("{:02x}", md[i]);
  return hex;
}

std::vector<Migration> read_migrations(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw MigrationError(fmt::format("migrations directory {} does not exist", dir.string()));
  }
  static const std::regex kName(R"(([0-9]{4})_[A-Za-z0-9_]+\.sql)");
  std::vector<Migration> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string file = entry.path().filename().string();
    if (!entry.is_regular_file() || entry.path().extension() != ".sql") continue;
    std::smatch m;
    if (!std::regex_match(file, m, kName)) {
      // Refuse rather than skip: a skipped migration would silently never run.
      throw MigrationError(
          fmt::format("{}: a migration must be named NNNN_name.sql", entry.path().string()));
    }
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) throw MigrationError(fmt::format("cannot read {}", entry.path().string()));
    Migration mig;
    mig.version = std::stoi(m[1].str());
    mig.name = entry.path().stem().string();
    mig.sql = bytes.str();
    mig.checksum = sha256_hex(mig.sql);
    if (mig.version == 0) throw MigrationError(fmt::format("{}: versions start at 0001", file));
    out.push_back(std::move(mig));
  }
  std::sort(out.begin(), out.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i) {
    if (out[i].version == out[i - 1].version) {
      throw MigrationError(
          fmt::format("{} and {} have the same version", out[i - 1].name, out[i].name));
    }
  }
  return out;
}

std::vector<std::string> pending_migrations(pqxx::connection_base& conn,
                                            const std::filesystem::path& dir) {
  const auto files = read_migrations(dir);
  pqxx::read_transaction t(conn);
  std::vector<std::string> names;
  for (const Migration* m : plan(files, read_applied(t))) names.push_back(m->name);
  return names;
}

MigrationReport migrate(pqxx::connection_base& conn, const std::filesystem::path& dir) {
  const auto files = read_migrations(dir);
  MigrationLock lock(conn);
  {
    pqxx::work t(conn);
    t.exec0(kCreateTable);
    t.commit();
  }
  std::vector<const Migration*> pending;
  MigrationReport report;
  {
    pqxx::read_transaction t(conn);
    const auto applied = read_applied(t);
    pending = plan(files, applied);
    for (const auto& a : applied) report.version = std::max(report.version, a.version);
  }
  record_comment_revisions(conn, files);
  for (const Migration* m : pending) {
    // One transaction per migration: PostgreSQL's DDL is transactional, so a failing
    // migration leaves nothing behind and is not recorded.
    try {
      pqxx::work t(conn);
      t.exec(m->sql);
      t.exec_params0("INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                     m->version, m->name, m->checksum);
      t.commit();
    } catch (const pqxx::sql_error& e) {
      throw MigrationError(
          fmt::format("migration {} failed and was rolled back: {}", m->name, e.what()));
    }
    report.applied.push_back(m->name);
    report.version = m->version;
  }
  return report;
}

}  // namespace db
