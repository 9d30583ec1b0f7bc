// Start-up against PostgreSQL: the schema is brought to this build's version before the
// component attaches (docs/architecture.md, Persistence: refuse to run on a schema we do not know).
#pragma once

#include <optional>
#include <string>

namespace app {

// Applies pending migrations from MUC_MIGRATIONS_DIR (environment) or the build's default.
// Returns a one-line reason when the database is unreachable or the schema is refused.
std::optional<std::string> migrate_database(const std::string& uri);

}  // namespace app
