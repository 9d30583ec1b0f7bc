#include "db/pg_in_doubt.hpp"

namespace db {

std::int64_t transaction_id(pqxx::work& t) {
  return t.exec1("SELECT txid_current()")[0].as<std::int64_t>();
}

CommitFate commit_fate(pqxx::connection& conn, std::int64_t xid) {
  pqxx::nontransaction n(conn);
  pqxx::result r = n.exec_params("SELECT txid_status($1)", xid);
  if (r.empty() || r[0][0].is_null()) return CommitFate::unknown;
  const std::string status = r[0][0].as<std::string>();
  if (status == "committed") return CommitFate::committed;
  if (status == "aborted") return CommitFate::aborted;
  return CommitFate::unknown;  // "in progress"
}

}  // namespace db
