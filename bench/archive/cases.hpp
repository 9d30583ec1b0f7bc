// The archive benchmark's cases (cases.cpp): XEP-0313 queries of room 0, each timed through
// the store's own read (db::sql::read_archive_page) and shown with the plan of its page SQL.
#pragma once

#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "bench/archive/seed.hpp"
#include "muc/store.hpp"

namespace bench_archive {

struct Case {
  std::string name;
  muc::ArchiveQuery query;
};

// Last page; the pages before and after the room's middle message; an hour from it.
std::vector<Case> cases(pqxx::connection& c, const Sizes& s);

// Runs the case `repeat` times, each in its own repeatable-read read-only transaction as the
// store's worker does; throws unless every page has query.max messages. Returns the case's
// JSON object: name, times (median, min, max ms), the page SQL with its parameters and its
// EXPLAIN (ANALYZE, BUFFERS), one string per line.
std::string measure(pqxx::connection& c, const Case& k, int repeat);

}  // namespace bench_archive
