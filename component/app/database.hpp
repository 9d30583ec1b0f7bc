// Start-up against PostgreSQL: the schema is brought to this build's version before the
// component attaches (docs/architecture.md, Persistence: refuse to run on a schema we do not know).
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace app {

// Applies pending migrations from MUC_MIGRATIONS_DIR (environment) or the build's default.
// Returns a one-line reason when the database is unreachable or the schema is refused.
std::optional<std::string> migrate_database(const std::string& uri);

struct DatabaseError {
  std::string reason;  // one line
};
// The service's XEP-0421 secret for `domain` (db/service_secret.hpp): created by the first
// start, the same for every later start and every instance serving that domain.
std::variant<std::string, DatabaseError> occupant_id_secret(const std::string& uri,
                                                            const std::string& domain);

}  // namespace app
