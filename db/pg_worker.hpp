// The PgStore worker thread: owns the one pqxx connection, runs queued jobs in order,
// groups archive-only commits, and reconnects after a failure. Only the thread it runs on
// touches the connection (libpqxx: one connection per thread).
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "db/job_queue.hpp"
#include "db/pg_store.hpp"

namespace db {

struct WorkerCounters {
  std::atomic<std::uint64_t> jobs{0};
  std::atomic<std::uint64_t> failed{0};
  std::atomic<std::uint64_t> transactions{0};
  std::atomic<std::uint64_t> connects{0};
  std::atomic<std::uint64_t> in_doubt{0};
  std::atomic<std::uint64_t> archived{0};  // ArchiveMessage rows committed
  // How long commit transactions took, an in-doubt COMMIT's resolution included: one count
  // per bucket (not cumulative, so that a reader's sums are monotonic whatever it races
  // with), the last for longer than every bound (PgStore::Stats::commit_le).
  std::array<std::atomic<std::uint64_t>, kCommitBuckets.size() + 1> commit_in{};
  std::atomic<std::uint64_t> commit_micros{0};

  void commit_took(std::chrono::microseconds took);
};

class PgWorker {
 public:
  // `notify` wakes the loop thread after finished jobs were handed back (uv_async_send).
  PgWorker(std::string uri, PgStoreOptions options, JobQueue& queue, WorkerCounters& counters,
           std::function<void()> notify);
  PgWorker(const PgWorker&) = delete;
  PgWorker& operator=(const PgWorker&) = delete;

  // The thread's body: returns once the queue is stopped and drained.
  void run();

 private:
  using Clock = std::chrono::steady_clock;
  enum class Outcome { ok, rejected, unavailable };

  bool try_connect();
  bool connected();
  void lose_connection(std::string_view what, std::string_view why);
  // `xid`: where a commit's body puts its transaction id, so that an in-doubt COMMIT can be
  // resolved (pg_in_doubt.hpp); null for work that changes nothing.
  template <typename Body>
  Outcome attempt(std::string_view what, bool log_rejection, Body&& body,
                  const std::optional<std::int64_t>* xid = nullptr);
  // After an in-doubt COMMIT of `xid`: reconnects (a few tries, with the backoff) and asks
  // what became of it. ok when it committed; unavailable when it did not, or nobody knows.
  Outcome resolve_in_doubt(std::string_view what, std::int64_t xid);
  Outcome commit_jobs(JobPtr* first, JobPtr* last, bool log_rejection);
  void run_commits(std::vector<JobPtr>& jobs);
  void run_load(Job& job);
  void run_list(Job& job);
  void run_archive(Job& job);  // Kind::archive and Kind::ends
  void run_retract(Job& job);
  void run_counts(Job& job);

  std::string uri_;
  PgStoreOptions options_;
  JobQueue& queue_;
  WorkerCounters& counters_;
  std::function<void()> notify_;

  std::unique_ptr<pqxx::connection> conn_;
  // While disconnected: when the next connection attempt may be made. Capped exponential
  // backoff between failed attempts; the first attempt after a loss is immediate.
  std::optional<Clock::time_point> next_attempt_;
  std::chrono::milliseconds next_delay_;
  std::uint32_t failed_attempts_ = 0;
};

}  // namespace db
