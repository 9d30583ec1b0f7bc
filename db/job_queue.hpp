// The hand-off between the loop thread and the PgStore worker: a FIFO of jobs to run and
// a FIFO of finished jobs whose callbacks the loop thread calls. A job carries its
// callback both ways, so the callback (and what it captured) is created, called and
// destroyed on the loop thread only.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "db/pg_store.hpp"
#include "muc/store.hpp"

namespace db {

struct Job {
  enum class Kind { commit, load, list, archive, ends, retract, counts };
  Kind kind = Kind::commit;
  std::string room;
  std::vector<muc::StoreOp> ops;  // commit only
  muc::Store::CommitDone commit_done;
  muc::Store::LoadDone load_done;
  muc::Store::ListDone list_done;
  muc::ArchiveQuery archive_query;  // archive only
  muc::Store::ArchiveDone archive_done;
  muc::Store::ArchiveEndsDone ends_done;
  std::optional<muc::RetractMessage> retract_op;  // retract only
  muc::Store::RetractDone retract_done;
  std::function<void(StoredCounts, bool)> counts_done;  // counts only
  // Results, set by the worker.
  bool ok = false;
  std::optional<muc::RoomSnapshot> snapshot;
  std::optional<muc::Tombstone> tombstone;
  std::vector<muc::RoomListing> listing;
  muc::ArchivePage page;
  muc::ArchiveEnds ends;
  muc::RetractResult retract_result;
  StoredCounts counts;
};

using JobPtr = std::unique_ptr<Job>;

class JobQueue {
 public:
  // Loop thread: queue a job for the worker. False once stopping (the job is not taken).
  bool push(JobPtr& job) {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return false;
      pending_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
  }

  // Loop thread: the worker finishes what is queued, then returns from wait().
  void stop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
  }

  enum class Wake { work, deadline, stopped };

  // Worker: waits for work, until `deadline` if there is one. On Wake::work, `out` holds
  // the oldest pending job and the jobs right behind it that `joins` accepts (at most
  // `max` in all). Wake::stopped only once stopping with nothing left to run.
  template <typename Pred>
  Wake next(const std::optional<std::chrono::steady_clock::time_point>& deadline, std::size_t max,
            Pred joins, std::vector<JobPtr>& out) {
    std::unique_lock lock(mu_);
    auto ready = [&] { return !pending_.empty() || stopping_; };
    if (deadline) {
      if (!cv_.wait_until(lock, *deadline, ready)) return Wake::deadline;
    } else {
      cv_.wait(lock, ready);
    }
    if (pending_.empty()) return Wake::stopped;
    out.clear();
    out.push_back(std::move(pending_.front()));
    pending_.pop_front();
    if (joins(*out.front())) {
      while (out.size() < max && !pending_.empty() && joins(*pending_.front())) {
        out.push_back(std::move(pending_.front()));
        pending_.pop_front();
      }
    }
    return Wake::work;
  }

  bool stopping() const {
    std::lock_guard lock(mu_);
    return stopping_;
  }

  // Worker: hand finished jobs back, in order.
  void finish(std::vector<JobPtr> jobs) {
    std::lock_guard lock(mu_);
    for (auto& j : jobs) done_.push_back(std::move(j));
  }

  // Loop thread: everything finished so far.
  std::deque<JobPtr> take_done() {
    std::lock_guard lock(mu_);
    return std::exchange(done_, {});
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<JobPtr> pending_;
  std::deque<JobPtr> done_;
  bool stopping_ = false;
};

}  // namespace db
