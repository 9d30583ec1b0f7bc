// Secrets the service keeps for good (service_secrets, migrations/0006_service_secrets.sql).
#pragma once

#include <pqxx/pqxx>
#include <string>

namespace db {

// The secret of `domain` for `purpose`: the stored one, or `fresh`, stored now, when there is
// none yet. Two instances starting at once agree on one (the first insert wins).
std::string load_or_create_secret(pqxx::connection_base& conn, const std::string& domain,
                                  const std::string& purpose, const std::string& fresh);

}  // namespace db
