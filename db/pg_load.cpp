// Reading a room back into memory (docs/architecture.md, Persistence: rooms load on first use). The
// caller runs these in one repeatable-read transaction, so the snapshot is consistent even while
// other connections write.
#include <fmt/format.h>

#include "db/pg_sql.hpp"

namespace db::sql {
namespace {

std::uint32_t as_u32(const pqxx::field& f) {
  // rooms' CHECKs keep these in 0..2^32-1.
  return static_cast<std::uint32_t>(f.as<std::int64_t>());
}

}  // namespace

void prepare_load(pqxx::connection_base& c) {
  c.prepare("load_room", R"(
    SELECT id, creator, name, description, language, persistent, public_room, change_subject,
      allow_invites, allow_pm, members_only, moderated, password_protected, password,
      max_users, whois,
      'moderator' = ANY(presence_broadcast), 'participant' = ANY(presence_broadcast),
      'visitor' = ANY(presence_broadcast),
      'moderator' = ANY(get_member_list), 'participant' = ANY(get_member_list),
      'visitor' = ANY(get_member_list),
      history_length, enable_logging
    FROM rooms WHERE jid = $1 AND destroyed_at IS NULL)");
  // XEP-0045 6.3: the service lists public rooms; only persistent ones outlive a restart,
  // and the partial unique index on live JIDs keeps this a scan of live rooms only.
  c.prepare("list_public_rooms", fmt::format(R"(
    SELECT jid, name FROM rooms
    WHERE destroyed_at IS NULL AND public_room AND persistent
    ORDER BY jid LIMIT {})",
                                             muc::Store::kMaxListed));
  c.prepare("load_affiliations",
            "SELECT jid, affiliation, reason FROM affiliations WHERE room_id = $1");
  c.prepare("load_nicks", "SELECT jid, nick FROM registered_nicks WHERE room_id = $1");
  c.prepare("load_subject", "SELECT text, nick FROM subjects WHERE room_id = $1");
  // The newest $2 messages (index messages_by_room_time, read backwards), oldest first.
  c.prepare("load_history", R"(
    SELECT sender_nick, stanza_xml, (extract(epoch FROM sent_at) * 1000000)::bigint FROM (
      SELECT id, sender_nick, stanza_xml, sent_at FROM messages WHERE room_id = $1
      ORDER BY sent_at DESC, id DESC LIMIT $2) newest
    ORDER BY sent_at, id)");
}

std::vector<muc::RoomListing> list_public_rooms(pqxx::transaction_base& t) {
  std::vector<muc::RoomListing> out;
  for (const auto& r : t.exec_prepared("list_public_rooms")) {
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>()});
  }
  return out;
}

std::optional<muc::RoomSnapshot> load_room(pqxx::transaction_base& t, const std::string& room) {
  auto rows = t.exec_prepared("load_room", room);
  if (rows.empty()) return std::nullopt;
  const auto& r = rows[0];

  muc::RoomSnapshot s;
  s.room = room;
  const auto id = r[0].as<std::int64_t>();
  s.creator = r[1].as<std::string>();
  muc::RoomConfig& c = s.config;
  c.name = r[2].as<std::string>();
  c.description = r[3].as<std::string>();
  c.language = r[4].as<std::string>();
  c.persistent = r[5].as<bool>();
  c.public_room = r[6].as<bool>();
  c.change_subject = r[7].as<bool>();
  c.allow_invites = r[8].as<bool>();
  c.allow_pm = parse_allow_pm(r[9].as<std::string>());
  c.members_only = r[10].as<bool>();
  c.moderated = r[11].as<bool>();
  c.password_protected = r[12].as<bool>();
  c.password = r[13].as<std::string>();
  c.max_users = as_u32(r[14]);
  c.whois = parse_whois(r[15].as<std::string>());
  c.presence_broadcast = {r[16].as<bool>(), r[17].as<bool>(), r[18].as<bool>()};
  c.get_member_list = {r[19].as<bool>(), r[20].as<bool>(), r[21].as<bool>()};
  c.history_length = as_u32(r[22]);
  c.enable_logging = r[23].as<bool>();

  for (const auto& a : t.exec_prepared("load_affiliations", id)) {
    auto affiliation = muc::parse_affiliation(a[1].as<std::string>());
    if (!affiliation) {
      throw OpError(
          fmt::format("affiliations.affiliation holds unknown value '{}'", a[1].as<std::string>()));
    }
    s.affiliations[a[0].as<std::string>()] = {*affiliation, a[2].as<std::string>("")};
  }
  for (const auto& n : t.exec_prepared("load_nicks", id)) {
    s.registered_nicks[n[0].as<std::string>()] = n[1].as<std::string>();
  }
  auto subject = t.exec_prepared("load_subject", id);
  if (!subject.empty()) {
    s.subject = subject[0][0].as<std::string>();
    s.subject_nick = subject[0][1].as<std::string>("");
  }
  if (c.history_length > 0) {
    auto history = t.exec_prepared("load_history", id, static_cast<std::int64_t>(c.history_length));
    s.history.reserve(history.size());
    for (const auto& m : history) {
      s.history.push_back(
          {m[0].as<std::string>(), m[1].as<std::string>(), from_micros(m[2].as<std::int64_t>())});
    }
  }
  return s;
}

}  // namespace db::sql
