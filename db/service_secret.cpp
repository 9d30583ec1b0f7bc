#include "db/service_secret.hpp"

namespace db {

std::string load_or_create_secret(pqxx::connection_base& conn, const std::string& domain,
                                  const std::string& purpose, const std::string& fresh) {
  pqxx::work t(conn);
  t.exec_params(
      "INSERT INTO service_secrets (domain, purpose, secret) VALUES ($1, $2, $3) "
      "ON CONFLICT (domain, purpose) DO NOTHING",
      domain, purpose, fresh);
  pqxx::row r = t.exec_params1(
      "SELECT secret FROM service_secrets WHERE domain = $1 AND purpose = $2", domain, purpose);
  std::string secret = r[0].as<std::string>();
  t.commit();
  return secret;
}

}  // namespace db
