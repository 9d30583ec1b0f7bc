// muc::Store on PostgreSQL (docs/architecture.md, "Data flow" and "Persistence"). The loop thread
// only queues jobs: a worker thread owning one pqxx connection runs them in submission
// order, and their completions come back to the loop through a uv_async_t, in the same
// order. Nothing here ever makes the loop thread wait for PostgreSQL.
//
// Each commit() is one transaction. Runs of consecutive commits that only archive
// messages are grouped into one transaction (group commit: the cost of a commit is paid
// once per run, not per message); if such a group fails for a reason other than the
// connection, its jobs are retried one transaction each, so one bad job fails alone.
//
// When the database is unreachable, jobs fail at once (done(false): the room answers
// with a wait error) while the worker reconnects with capped exponential backoff.
//
// Archive reads (query_archive, archive_ends) are jobs like loads: after every job queued
// before them, each in one read-only transaction (pg_archive.hpp has their SQL).
//
// Every operation but SaveRoom and Audit needs the room's row: SaveRoom must have been
// committed first (or come earlier in the same commit), else the commit fails.
#pragma once

#include <array>

#include <uv.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "muc/store.hpp"

namespace db {

// Upper bounds, in seconds, of the commit latency histogram's buckets (Prometheus "le").
inline constexpr std::array<double, 12> kCommitBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,   0.25,   0.5,   1.0,  2.5,   10.0};

// What the database holds, for metrics (PgStore::count_stored).
struct StoredCounts {
  std::uint64_t rooms = 0;     // live rooms of the service's domain with a row
  std::uint64_t messages = 0;  // archived rows of every service, PostgreSQL's estimate
};

struct PgStoreOptions {
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{5000};
  std::size_t max_group = 256;  // jobs per group commit
  // How long an in-doubt COMMIT is asked after (pg_in_doubt.hpp) before its client is told
  // it failed: long enough to outlast a PostgreSQL restart, so that answer is rarely a guess.
  std::chrono::milliseconds in_doubt_patience{30000};
};

class PgStore : public muc::Store {
 public:
  // Counters for metrics and tests; read from the loop thread, written by the worker.
  struct Stats {
    std::uint64_t jobs = 0;          // commits and loads completed, ok or not
    std::uint64_t failed = 0;        // of which failed
    std::uint64_t transactions = 0;  // commit transactions attempted (a group counts once)
    std::uint64_t connects = 0;      // successful connections, the first included
    std::uint64_t in_doubt = 0;      // COMMITs that lost their connection (pg_in_doubt.hpp)
    std::uint64_t archived = 0;      // archived messages committed
    std::uint64_t queued = 0;        // jobs submitted and not yet delivered back
    // Commit transactions by duration: commit_le[i] took at most kCommitBuckets[i] seconds.
    std::array<std::uint64_t, kCommitBuckets.size()> commit_le{};
    std::uint64_t commit_count = 0;
    double commit_seconds = 0;  // their total duration
  };

  // Starts the worker, which connects at once. `uri` is a libpq connection string. Does
  // not apply migrations: run db::migrate first (on another connection).
  PgStore(uv_loop_t* loop, std::string uri, PgStoreOptions options = {});
  // close() must have been called (the uv handle needs the loop to close).
  ~PgStore() override;
  PgStore(const PgStore&) = delete;
  PgStore& operator=(const PgStore&) = delete;

  void commit(const std::string& room, std::vector<muc::StoreOp> ops, CommitDone done) override;
  void load(const std::string& room, LoadDone done) override;
  void list_public(const std::string& domain, ListDone done) override;
  void query_archive(muc::ArchiveQuery query, ArchiveDone done) override;
  void archive_ends(const std::string& room, ArchiveEndsDone done) override;
  void retract(muc::RetractMessage op, RetractDone done) override;
  // The live rooms of `domain` with a row, and an estimate of the archived rows of the
  // whole database, for metrics; a read job like any other, queued behind them.
  void count_stored(const std::string& domain, std::function<void(StoredCounts, bool)> done);

  // On the loop thread, before the loop ends: lets the worker finish the jobs already
  // queued (failing them without retrying if the database is down), joins it, delivers
  // the last completions, and closes the uv handle. This is the one place that waits for
  // the database, at shutdown. After close(), commit() and load() fail at once
  // (synchronously).
  void close();

  Stats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace db
