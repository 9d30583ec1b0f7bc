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

std::string_view to_text(muc::AllowPm v) {
  switch (v) {
    case muc::AllowPm::anyone:
      return "anyone";
    case muc::AllowPm::participants:
      return "participants";
    case muc::AllowPm::moderators:
      return "moderators";
    case muc::AllowPm::none:
      return "none";
  }
  throw OpError("invalid AllowPm value");
}

std::string_view to_text(muc::WhoIs v) {
  switch (v) {
    case muc::WhoIs::moderators:
      return "moderators";
    case muc::WhoIs::anyone:
      return "anyone";
  }
  throw OpError("invalid WhoIs value");
}

muc::AllowPm parse_allow_pm(std::string_view text) {
  for (auto v : {muc::AllowPm::anyone, muc::AllowPm::participants, muc::AllowPm::moderators,
                 muc::AllowPm::none}) {
    if (to_text(v) == text) return v;
  }
  // The column's CHECK makes this unreachable unless the schema and the code disagree.
  throw OpError(fmt::format("rooms.allow_pm holds unknown value '{}'", text));
}

muc::WhoIs parse_whois(std::string_view text) {
  for (auto v : {muc::WhoIs::moderators, muc::WhoIs::anyone}) {
    if (to_text(v) == text) return v;
  }
  throw OpError(fmt::format("rooms.whois holds unknown value '{}'", text));
}

std::string to_array(const muc::RoleSet& roles) {
  std::string out = "{";
  auto add = [&](bool on, std::string_view name) {
    if (!on) return;
    if (out.size() > 1) out += ',';
    out += name;
  };
  add(roles.moderator, "moderator");
  add(roles.participant, "participant");
  add(roles.visitor, "visitor");
  return out + "}";
}

}  // namespace db::sql
