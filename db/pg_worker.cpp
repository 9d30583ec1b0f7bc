#include "db/pg_worker.hpp"

#include <algorithm>
#include <thread>
#include <variant>

#include "base/log.hpp"
#include "db/pg_in_doubt.hpp"
#include "db/pg_sql.hpp"

namespace db {
namespace {

// libpq messages span lines (ERROR, DETAIL, a trailing newline); a log entry is one line.
std::string trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.remove_suffix(1);
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\t') c = ' ';
  }
  return out;
}

// SQLSTATEs that mean the session is gone rather than the statement refused: class 08
// (connection exception) and 57P01..57P03 (the server shut down or killed our backend,
// e.g. pg_terminate_backend).
bool connection_state(const std::string& state) {
  return state.starts_with("08") || state == "57P01" || state == "57P02" || state == "57P03";
}

// Group commit takes only commits whose every operation is ArchiveMessage: the hot path
// (one job per groupchat message), where a transaction per message would cap throughput
// at the rate of commits.
bool archive_only(const Job& job) {
  return job.kind == Job::Kind::commit && !job.ops.empty() &&
         std::all_of(job.ops.begin(), job.ops.end(), [](const muc::StoreOp& op) {
           return std::holds_alternative<muc::ArchiveMessage>(op);
         });
}

}  // namespace

PgWorker::PgWorker(std::string uri, PgStoreOptions options, JobQueue& queue,
                   WorkerCounters& counters, std::function<void()> notify)
    : uri_(std::move(uri)),
      options_(options),
      queue_(queue),
      counters_(counters),
      notify_(std::move(notify)),
      next_attempt_(Clock::now()),  // connect as soon as the thread starts
      next_delay_(options.backoff_initial) {
  // A zero delay would spin while the database is down; a zero group would take no job.
  options_.backoff_initial = std::max(options_.backoff_initial, std::chrono::milliseconds(1));
  options_.backoff_max = std::max(options_.backoff_max, options_.backoff_initial);
  options_.max_group = std::max<std::size_t>(options_.max_group, 1);
  next_delay_ = options_.backoff_initial;
}

void PgWorker::run() {
  std::vector<JobPtr> jobs;
  for (;;) {
    // While disconnected and idle, wake up for the next attempt anyway, so that the
    // connection is back before a job needs it.
    std::optional<Clock::time_point> deadline;
    if (!conn_) deadline = next_attempt_;
    auto wake = queue_.next(deadline, options_.max_group, archive_only, jobs);
    if (wake == JobQueue::Wake::stopped) break;
    if (wake == JobQueue::Wake::deadline) {
      try_connect();
      continue;
    }
    if (jobs.front()->kind == Job::Kind::load) {
      run_load(*jobs.front());
    } else if (jobs.front()->kind == Job::Kind::list) {
      run_list(*jobs.front());
    } else if (jobs.front()->kind == Job::Kind::archive || jobs.front()->kind == Job::Kind::ends) {
      run_archive(*jobs.front());
    } else if (jobs.front()->kind == Job::Kind::retract) {
      run_retract(*jobs.front());
    } else if (jobs.front()->kind == Job::Kind::counts) {
      run_counts(*jobs.front());
    } else {
      run_commits(jobs);
    }
    for (const auto& j : jobs) {
      counters_.jobs.fetch_add(1, std::memory_order_relaxed);
      if (!j->ok) counters_.failed.fetch_add(1, std::memory_order_relaxed);
    }
    queue_.finish(std::move(jobs));
    jobs.clear();
    notify_();
  }
  conn_.reset();
}

bool PgWorker::try_connect() {
  try {
    auto conn = std::make_unique<pqxx::connection>(uri_);
    sql::prepare(*conn);
    conn_ = std::move(conn);
  } catch (const std::exception& e) {
    ++failed_attempts_;
    next_attempt_ = Clock::now() + next_delay_;
    // The URI is not logged: it may hold a password.
    base::log_warn("PostgreSQL: connection attempt {} failed: {}; next attempt in {} ms",
                   failed_attempts_, trim(e.what()), next_delay_.count());
    next_delay_ = std::min(next_delay_ * 2, options_.backoff_max);
    return false;
  }
  const bool again = counters_.connects.fetch_add(1) > 0;
  if (again || failed_attempts_ > 0) {
    base::log_info("PostgreSQL: {} after {} failed attempt(s)", again ? "reconnected" : "connected",
                   failed_attempts_);
  }
  failed_attempts_ = 0;
  next_delay_ = options_.backoff_initial;
  next_attempt_.reset();
  return true;
}

// Jobs never wait for the backoff: while it runs they fail at once, and the room answers
// with a wait error instead of holding the client.
bool PgWorker::connected() {
  if (conn_) return true;
  if (next_attempt_ && Clock::now() < *next_attempt_) return false;
  return try_connect();
}

void PgWorker::lose_connection(std::string_view what, std::string_view why) {
  base::log_warn("PostgreSQL: connection lost during {}: {}; reconnecting", what, trim(why));
  // A fresh connection rather than libpqxx 6's silent reactivation, which would also
  // hide the loss from us (recipes.md, libpqxx gotchas).
  conn_.reset();
  next_attempt_ = Clock::now();
}

template <typename Body>
PgWorker::Outcome PgWorker::attempt(std::string_view what, bool log_rejection, Body&& body,
                                    const std::optional<std::int64_t>* xid) {
  if (!connected()) return Outcome::unavailable;
  try {
    body(*conn_);
    return Outcome::ok;
  } catch (const pqxx::in_doubt_error& e) {
    // The connection broke during COMMIT: the transaction may or may not have been applied.
    lose_connection(what, e.what());
    if (xid != nullptr && xid->has_value()) return resolve_in_doubt(what, **xid);
    base::log_error("PostgreSQL: {} is IN DOUBT (connection lost during COMMIT): {}", what,
                    trim(e.what()));
    return Outcome::unavailable;
  } catch (const pqxx::broken_connection& e) {
    lose_connection(what, e.what());
    return Outcome::unavailable;
  } catch (const pqxx::sql_error& e) {
    if (connection_state(e.sqlstate()) || !conn_->is_open()) {
      lose_connection(what, e.what());
      return Outcome::unavailable;
    }
    if (log_rejection) {
      base::log_error("PostgreSQL: {} failed: {} (SQLSTATE {})", what, trim(e.what()),
                      e.sqlstate());
    }
    return Outcome::rejected;
  } catch (const std::exception& e) {
    // sql::OpError (no live room, ...) or a conversion error: the job itself is wrong.
    if (log_rejection) base::log_error("PostgreSQL: {} failed: {}", what, trim(e.what()));
    return Outcome::rejected;
  }
}

PgWorker::Outcome PgWorker::resolve_in_doubt(std::string_view what, std::int64_t xid) {
  // The jobs behind this one wait meanwhile: the room must not answer before it knows.
  counters_.in_doubt.fetch_add(1, std::memory_order_relaxed);
  // Asked until PostgreSQL answers or patience runs out: a server restarting takes seconds,
  // and until it is back only a guess could be given.
  const auto deadline = Clock::now() + options_.in_doubt_patience;
  while (Clock::now() < deadline) {
    if (!conn_ && next_attempt_) std::this_thread::sleep_until(std::min(*next_attempt_, deadline));
    if (!connected()) continue;
    try {
      const CommitFate fate = commit_fate(*conn_, xid);
      if (fate == CommitFate::unknown) {
        std::this_thread::sleep_for(options_.backoff_initial);  // still in progress
        continue;
      }
      base::log_warn("PostgreSQL: {} was in doubt (connection lost during COMMIT): it {}", what,
                     fate == CommitFate::committed ? "committed" : "did not commit");
      return fate == CommitFate::committed ? Outcome::ok : Outcome::unavailable;
    } catch (const std::exception& e) {
      lose_connection("the in-doubt check of " + std::string(what), e.what());
    }
  }
  base::log_error(
      "PostgreSQL: {} is IN DOUBT (connection lost during COMMIT; transaction {} may have been "
      "applied, and its client was told it failed)",
      what, xid);
  return Outcome::unavailable;
}

PgWorker::Outcome PgWorker::commit_jobs(JobPtr* first, JobPtr* last, bool log_rejection) {
  const auto count = static_cast<std::size_t>(last - first);
  std::string what = count == 1 ? "commit for room " + (*first)->room
                                : "group commit of " + std::to_string(count) + " jobs";
  std::optional<std::int64_t> xid;
  const auto started = Clock::now();
  bool ran = false;  // false: no connection, nothing was tried (not a commit to time)
  Outcome outcome = attempt(
      what, log_rejection,
      [&](pqxx::connection& conn) {
        ran = true;
        counters_.transactions.fetch_add(1, std::memory_order_relaxed);
        pqxx::work t(conn);
        xid = transaction_id(t);
        for (JobPtr* j = first; j != last; ++j) {
          for (const auto& op : (*j)->ops) sql::apply(t, op);
        }
        t.commit();
      },
      &xid);
  if (ran) {
    counters_.commit_took(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - started));
  }
  for (JobPtr* j = first; j != last; ++j) {
    (*j)->ok = outcome == Outcome::ok;
    if (!(*j)->ok) continue;
    for (const auto& op : (*j)->ops) {
      if (std::holds_alternative<muc::ArchiveMessage>(op)) {
        counters_.archived.fetch_add(1, std::memory_order_relaxed);
      }
    }
  }
  return outcome;
}

void PgWorker::run_commits(std::vector<JobPtr>& jobs) {
  JobPtr* first = jobs.data();
  JobPtr* last = first + jobs.size();
  if (jobs.size() == 1) {
    commit_jobs(first, last, true);
    return;
  }
  if (commit_jobs(first, last, false) == Outcome::rejected) {
    // The grouped jobs are independent commits: redo them one transaction each, so that
    // only the bad one fails (and is logged).
    base::log_debug("PostgreSQL: group commit of {} jobs refused; retrying one by one",
                    jobs.size());
    for (JobPtr* j = first; j != last; ++j) commit_jobs(j, j + 1, true);
  }
}

void PgWorker::run_load(Job& job) {
  Outcome outcome = attempt("load of room " + job.room, true, [&](pqxx::connection& conn) {
    // One consistent snapshot across the five reads.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(conn);
    job.tombstone.reset();  // from an attempt that failed
    job.snapshot = sql::load_room(t, job.room);
    if (!job.snapshot) job.tombstone = sql::load_tombstone(t, job.room);
    t.commit();
  });
  job.ok = outcome == Outcome::ok;
  if (!job.ok) {
    job.snapshot.reset();
    job.tombstone.reset();
  }
}

void PgWorker::run_list(Job& job) {
  Outcome outcome = attempt("list of public rooms", true, [&](pqxx::connection& conn) {
    pqxx::read_transaction t(conn);
    job.listing = sql::list_public_rooms(t, job.room);
    t.commit();
  });
  job.ok = outcome == Outcome::ok;
  if (!job.ok) job.listing.clear();
}

// A page (Kind::archive) or the archive's ends (Kind::ends), each in one snapshot: the ids
// a query's bounds name and the page they bound are read together.
void PgWorker::run_archive(Job& job) {
  const bool page = job.kind == Job::Kind::archive;
  const std::string what = (page ? "archive query in " : "archive metadata of ") + job.room;
  Outcome outcome = attempt(what, true, [&](pqxx::connection& conn) {
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(conn);
    if (page) {
      job.page = sql::read_archive_page(t, job.archive_query);
    } else {
      job.ends = sql::read_archive_ends(t, job.room);
    }
    t.commit();
  });
  job.ok = outcome == Outcome::ok;
  if (!job.ok) {
    job.page = {};
    job.ends = {};
  }
}

// A retraction decides as it writes (its outcome depends on the row it finds), so it is a
// commit of its own, with the same care for a COMMIT in doubt as any other.
void PgWorker::run_retract(Job& job) {
  std::optional<std::int64_t> xid;
  Outcome outcome = attempt(
      "retraction in room " + job.room, true,
      [&](pqxx::connection& conn) {
        counters_.transactions.fetch_add(1, std::memory_order_relaxed);
        pqxx::work t(conn);
        xid = transaction_id(t);
        job.retract_result = sql::retract_message(t, *job.retract_op);
        t.commit();
      },
      &xid);
  job.ok = outcome == Outcome::ok;
  if (!job.ok) job.retract_result = {};
}

void PgWorker::run_counts(Job& job) {
  Outcome outcome = attempt("count of stored rooms", true, [&](pqxx::connection& conn) {
    pqxx::read_transaction t(conn);
    // reltuples: the planner's estimate, kept by VACUUM and ANALYZE (-1 before the first);
    // counting 10 million rows for a metric would be a scan every scrape.
    auto r = t.exec_params(R"(
      SELECT (SELECT count(*) FROM rooms
              WHERE destroyed_at IS NULL AND split_part(jid, '@', 2) = $1),
             (SELECT greatest(reltuples, 0)::bigint FROM pg_class
              WHERE oid = 'messages'::regclass))",
                           job.room);
    job.counts.rooms = r[0][0].as<std::uint64_t>();
    job.counts.messages = r[0][1].as<std::uint64_t>();
    t.commit();
  });
  job.ok = outcome == Outcome::ok;
  if (!job.ok) job.counts = {};
}

}  // namespace db
