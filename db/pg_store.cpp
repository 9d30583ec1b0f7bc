#include "db/pg_store.hpp"

#include <cassert>
#include <thread>
#include <utility>

#include "db/job_queue.hpp"
#include "db/pg_worker.hpp"

namespace db {

struct PgStore::Impl {
  uv_loop_t* loop;
  // On the heap and freed by its close callback, which runs on a later loop turn, possibly
  // after this Impl is gone.
  uv_async_t* async = nullptr;
  JobQueue queue;
  WorkerCounters counters;
  std::unique_ptr<PgWorker> worker;
  std::thread thread;
  bool closed = false;
  std::uint64_t submitted = 0;  // loop thread only, as is delivered
  std::uint64_t delivered = 0;

  // Loop thread: run the callbacks of finished jobs, in the order the jobs were queued.
  void deliver() {
    for (auto& job : queue.take_done()) {
      ++delivered;
      complete(*job);
    }
  }

  static void complete(Job& job) {
    if (job.kind == Job::Kind::commit) {
      if (job.commit_done) job.commit_done(job.ok);
    } else if (job.kind == Job::Kind::list) {
      if (job.list_done) job.list_done(std::move(job.listing), job.ok);
    } else if (job.kind == Job::Kind::archive) {
      if (job.archive_done) job.archive_done(std::move(job.page), job.ok);
    } else if (job.kind == Job::Kind::ends) {
      if (job.ends_done) job.ends_done(std::move(job.ends), job.ok);
    } else if (job.kind == Job::Kind::retract) {
      if (job.retract_done) job.retract_done(std::move(job.retract_result), job.ok);
    } else if (job.kind == Job::Kind::counts) {
      if (job.counts_done) job.counts_done(job.counts, job.ok);
    } else if (job.load_done) {
      job.load_done(std::move(job.snapshot), job.ok, std::move(job.tombstone));
    }
  }

  void submit(JobPtr job) {
    ++submitted;
    // After close() there is no worker and no handle to come back through: fail now.
    if (closed || !queue.push(job)) {
      ++delivered;
      job->ok = false;
      job->snapshot.reset();
      job->listing.clear();
      job->page = {};
      job->ends = {};
      job->retract_result = {};
      complete(*job);
    }
  }
};

PgStore::PgStore(uv_loop_t* loop, std::string uri, PgStoreOptions options)
    : impl_(std::make_unique<Impl>()) {
  impl_->loop = loop;
  impl_->async = new uv_async_t;
  impl_->async->data = impl_.get();
  int rc = uv_async_init(loop, impl_->async,
                         [](uv_async_t* handle) { static_cast<Impl*>(handle->data)->deliver(); });
  // uv_async_init cannot fail on Linux (it reuses the loop's eventfd) short of memory.
  assert(rc == 0);
  (void)rc;
  uv_async_t* async = impl_->async;
  impl_->worker = std::make_unique<PgWorker>(std::move(uri), options, impl_->queue, impl_->counters,
                                             [async] { uv_async_send(async); });
  impl_->thread = std::thread([worker = impl_->worker.get()] { worker->run(); });
}

PgStore::~PgStore() {
  close();
}

void PgStore::commit(const std::string& room, std::vector<muc::StoreOp> ops, CommitDone done) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::commit;
  job->room = room;
  job->ops = std::move(ops);
  job->commit_done = std::move(done);
  impl_->submit(std::move(job));
}

void PgStore::load(const std::string& room, LoadDone done) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::load;
  job->room = room;
  job->load_done = std::move(done);
  impl_->submit(std::move(job));
}

void PgStore::list_public(const std::string& domain, ListDone done) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::list;
  job->room = domain;  // the service's domain: its rooms only
  job->list_done = std::move(done);
  impl_->submit(std::move(job));
}

void PgStore::query_archive(muc::ArchiveQuery query, ArchiveDone done) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::archive;
  job->room = query.room;
  job->archive_query = std::move(query);
  job->archive_done = std::move(done);
  impl_->submit(std::move(job));
}

void PgStore::archive_ends(const std::string& room, ArchiveEndsDone done) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::ends;
  job->room = room;
  job->ends_done = std::move(done);
  impl_->submit(std::move(job));
}

void PgStore::retract(muc::RetractMessage op, RetractDone done) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::retract;
  job->room = op.room;
  job->retract_op = std::move(op);
  job->retract_done = std::move(done);
  impl_->submit(std::move(job));
}

void PgStore::count_stored(const std::string& domain,
                           std::function<void(StoredCounts, bool)> done) {
  auto job = std::make_unique<Job>();
  job->kind = Job::Kind::counts;
  job->room = domain;
  job->counts_done = std::move(done);
  impl_->submit(std::move(job));
}

void PgStore::close() {
  if (!impl_ || impl_->closed) return;
  impl_->queue.stop();
  impl_->thread.join();
  impl_->worker.reset();
  impl_->closed = true;
  // Jobs finished since the last wake-up (the async callback will not run again).
  impl_->deliver();
  impl_->async->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(impl_->async),
           [](uv_handle_t* handle) { delete reinterpret_cast<uv_async_t*>(handle); });
  impl_->async = nullptr;
}

PgStore::Stats PgStore::stats() const {
  const WorkerCounters& c = impl_->counters;
  Stats s{c.jobs.load(), c.failed.load(), c.transactions.load(), c.connects.load(),
          c.in_doubt.load()};
  s.archived = c.archived.load();
  s.queued = impl_->submitted - impl_->delivered;
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kCommitBuckets.size(); ++i) {
    cumulative += c.commit_in[i].load(std::memory_order_relaxed);
    s.commit_le[i] = cumulative;
  }
  s.commit_count = cumulative + c.commit_in.back().load(std::memory_order_relaxed);
  s.commit_seconds = static_cast<double>(c.commit_micros.load()) / 1e6;
  return s;
}

void WorkerCounters::commit_took(std::chrono::microseconds took) {
  const double seconds = static_cast<double>(took.count()) / 1e6;
  std::size_t bucket = 0;
  while (bucket < kCommitBuckets.size() && seconds > kCommitBuckets[bucket]) ++bucket;
  commit_in[bucket].fetch_add(1, std::memory_order_relaxed);
  commit_micros.fetch_add(static_cast<std::uint64_t>(took.count()), std::memory_order_relaxed);
}

}  // namespace db
