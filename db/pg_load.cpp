// Reading a room back into memory (docs/architecture.md, Persistence: rooms load on first use). The
// caller runs these in one repeatable-read transaction, so the snapshot is consistent even while
// other connections write.
#include <fmt/format.h>

#include <sstream>

#include "db/pg_sql.hpp"

namespace db::sql {

void prepare_load(pqxx::connection_base& c) {
  c.prepare("load_room",
            fmt::format("SELECT id, creator{} FROM rooms WHERE jid = $1 AND destroyed_at IS NULL",
                        room_columns_select()));
  // XEP-0045 6.3: the service lists its public rooms; only persistent ones outlive a
  // restart. The partial unique index on live JIDs is walked in order and the domain
  // filtered on each: live rooms only, and a service's domain is most of a database's.
  c.prepare("list_public_rooms", fmt::format(R"(
    SELECT jid, name FROM rooms
    WHERE destroyed_at IS NULL AND public_room AND persistent AND split_part(jid, '@', 2) = $1
    ORDER BY jid LIMIT {})",
                                             muc::Store::kMaxListed));
  // The newest life of the name (there is no live one when this runs), if an owner's
  // destroy ended it; a later life that ended otherwise leaves the name free.
  c.prepare("load_tombstone", R"(
    SELECT id, alternate_venue, destroy_reason,
      (extract(epoch FROM destroyed_at) * 1000000)::bigint, tombstone FROM rooms
    WHERE jid = $1 AND destroyed_at IS NOT NULL
    ORDER BY destroyed_at DESC, id DESC LIMIT 1)");
  c.prepare("load_owners",
            "SELECT jid FROM affiliations WHERE room_id = $1 AND affiliation = 'owner' "
            "ORDER BY jid");
  c.prepare("load_affiliations",
            "SELECT jid, affiliation, reason FROM affiliations WHERE room_id = $1");
  c.prepare("load_nicks", "SELECT jid, nick FROM registered_nicks WHERE room_id = $1");
  c.prepare(
      "load_subject",
      "SELECT text, nick, (extract(epoch FROM set_at) * 1000000)::bigint, set_by FROM subjects "
      "WHERE room_id = $1");
  c.prepare("load_vcard",
            "SELECT vcard_xml, array_to_string(avatar_hashes, ' ') FROM room_vcards "
            "WHERE room_id = $1");
  // The newest $2 messages (index messages_by_room_time, read backwards), oldest first.
  // Subject changes are archived but are not history (0011_archived_subjects.sql).
  c.prepare("load_history", R"(
    SELECT sender_nick, stanza_xml, (extract(epoch FROM sent_at) * 1000000)::bigint FROM (
      SELECT id, sender_nick, stanza_xml, sent_at FROM messages
      WHERE room_id = $1 AND subject IS NULL
      ORDER BY sent_at DESC, id DESC LIMIT $2) newest
    ORDER BY sent_at, id)");
}

std::vector<muc::RoomListing> list_public_rooms(pqxx::transaction_base& t,
                                                const std::string& domain) {
  std::vector<muc::RoomListing> out;
  for (const auto& r : t.exec_prepared("list_public_rooms", domain)) {
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
  decode_room_columns(r, 2, s.config);

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
    s.subject_at = from_micros(subject[0][2].as<std::int64_t>());
    s.subject_by = subject[0][3].as<std::string>("");
  }
  auto vcard = t.exec_prepared("load_vcard", id);
  if (!vcard.empty()) {
    s.vcard_xml = vcard[0][0].as<std::string>();
    std::istringstream hashes(vcard[0][1].as<std::string>());
    for (std::string h; hashes >> h;) s.avatar_hashes.push_back(h);
  }
  if (s.config.history_length > 0) {
    auto history =
        t.exec_prepared("load_history", id, static_cast<std::int64_t>(s.config.history_length));
    s.history.reserve(history.size());
    for (const auto& m : history) {
      s.history.push_back(
          {m[0].as<std::string>(), m[1].as<std::string>(), from_micros(m[2].as<std::int64_t>())});
    }
  }
  return s;
}

std::optional<muc::Tombstone> load_tombstone(pqxx::transaction_base& t, const std::string& room) {
  auto rows = t.exec_prepared("load_tombstone", room);
  if (rows.empty() || !rows[0][4].as<bool>()) return std::nullopt;
  const auto& r = rows[0];
  muc::Tombstone tomb;
  tomb.alternate = r[1].as<std::string>("");
  tomb.reason = r[2].as<std::string>("");
  tomb.destroyed_at = from_micros(r[3].as<std::int64_t>());
  for (const auto& o : t.exec_prepared("load_owners", r[0].as<std::int64_t>())) {
    tomb.owners.push_back(o[0].as<std::string>());
  }
  return tomb;
}

}  // namespace db::sql
