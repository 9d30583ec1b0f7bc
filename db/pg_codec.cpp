// Conversions between muc:: values and their column representations (see pg_sql.hpp).
#include <fmt/format.h>

#include "db/pg_sql.hpp"

namespace db::sql {

std::int64_t to_micros(muc::StoreTime t) {
  return std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count();
}

muc::StoreTime from_micros(std::int64_t us) {
  return muc::StoreTime(
      std::chrono::duration_cast<muc::StoreTime::duration>(std::chrono::microseconds(us)));
}

std::string timestamp_param(int n) {
  return fmt::format("(timestamptz 'epoch' + ${}::bigint * interval '1 microsecond')", n);
}

}  // namespace db::sql
