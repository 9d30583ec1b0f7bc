// A COMMIT whose connection broke before its answer came is "in doubt": PostgreSQL may or
// may not have applied it. Each commit takes its transaction id first, so that a new
// connection can ask what became of it (txid_status, PostgreSQL 10+) and the client is told
// the truth: success only when it committed, a wait error only when it did not.
#pragma once

#include <cstdint>
#include <pqxx/pqxx>

namespace db {

enum class CommitFate { committed, aborted, unknown };

// The id of the transaction `t` runs in (it gets one now, if it had none).
std::int64_t transaction_id(pqxx::work& t);

// What became of transaction `xid`, asked on a live connection. Unknown while it is still
// in progress, or when the id is too old for the server to remember.
CommitFate commit_fate(pqxx::connection& conn, std::int64_t xid);

}  // namespace db
