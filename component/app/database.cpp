#include "app/database.hpp"

#include <cstdlib>
#include <exception>
#include <pqxx/pqxx>

#include "base/log.hpp"
#include "db/migrator.hpp"
#include "db/service_secret.hpp"
#include "muc/occupant_id.hpp"

namespace app {

std::optional<std::string> migrate_database(const std::string& uri) {
  const char* env_dir = std::getenv("MUC_MIGRATIONS_DIR");
  std::string dir = env_dir != nullptr ? env_dir : MUC_MIGRATIONS_DIR;
  try {
    pqxx::connection conn(uri);
    db::MigrationReport report = db::migrate(conn, dir);
    for (const std::string& name : report.applied) base::log_info("applied migration {}", name);
    base::log_info("database schema at version {}", report.version);
    return std::nullopt;
  } catch (const db::MigrationError& e) {
    return std::string("the database schema was refused: ") + e.what();
  } catch (const std::exception& e) {
    return std::string("cannot use the database: ") + e.what();
  }
}

std::variant<std::string, DatabaseError> occupant_id_secret(const std::string& uri,
                                                            const std::string& domain) {
  try {
    pqxx::connection conn(uri);
    return db::load_or_create_secret(conn, domain, "occupant-id", muc::new_occupant_id_secret());
  } catch (const std::exception& e) {
    return DatabaseError{std::string("cannot read the occupant-id secret: ") + e.what()};
  }
}

}  // namespace app
