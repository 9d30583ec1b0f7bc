// One prepared statement per store operation (muc/store.hpp). Operations address rooms by
// JID; the statements find the live row through the partial unique index rooms_live_jid.
// Optional strings ("may be empty" in store.hpp) are stored as NULL when empty, so that an
// operator's "reason IS NULL" means "none was given".
#include <fmt/format.h>

#include <optional>
#include <type_traits>

#include "db/pg_sql.hpp"

namespace db::sql {
namespace {

std::string ts(int n) {
  return timestamp_param(n);
}

std::optional<std::string> nullable(const std::string& s) {
  if (s.empty()) return std::nullopt;
  return s;
}

// A text[] literal of hex hashes (no element needs quoting).
std::string text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& i : items) out += (out.size() > 1 ? "," : "") + i;
  return out + "}";
}

void prepare_ops(pqxx::connection_base& c) {
  // Creates the row, or updates every configuration column of the live one. The creator
  // and created_at stay as first saved.
  c.prepare("save_room", save_room_sql());
  c.prepare("set_affiliation", fmt::format(R"(
    INSERT INTO affiliations (room_id, jid, affiliation, reason, granted_by, granted_at)
    SELECT id, $2, $3, $4, $5, {} FROM rooms WHERE jid = $1 AND destroyed_at IS NULL
    ON CONFLICT (room_id, jid) DO UPDATE SET affiliation = EXCLUDED.affiliation,
      reason = EXCLUDED.reason, granted_by = EXCLUDED.granted_by,
      granted_at = EXCLUDED.granted_at)",
                                           ts(6)));
  c.prepare("delete_affiliation", R"(
    DELETE FROM affiliations a USING rooms r
    WHERE a.room_id = r.id AND r.jid = $1 AND r.destroyed_at IS NULL AND a.jid = $2)");
  c.prepare("set_subject", fmt::format(R"(
    INSERT INTO subjects (room_id, text, nick, set_by, set_at)
    SELECT id, $2, $3, $4, {} FROM rooms WHERE jid = $1 AND destroyed_at IS NULL
    ON CONFLICT (room_id) DO UPDATE SET text = EXCLUDED.text, nick = EXCLUDED.nick,
      set_by = EXCLUDED.set_by, set_at = EXCLUDED.set_at)",
                                       ts(5)));
  c.prepare("destroy_room", fmt::format(R"(
    UPDATE rooms SET destroyed_at = {}, destroy_reason = $2, alternate_venue = $3,
      destroyed_by = $4, tombstone = $6
    WHERE jid = $1 AND destroyed_at IS NULL)",
                                        ts(5)));
  c.prepare("register_nick", fmt::format(R"(
    INSERT INTO registered_nicks (room_id, jid, nick, registered_at)
    SELECT id, $2, $3, {} FROM rooms WHERE jid = $1 AND destroyed_at IS NULL
    ON CONFLICT (room_id, jid) DO UPDATE SET nick = EXCLUDED.nick,
      registered_at = EXCLUDED.registered_at)",
                                         ts(4)));
  c.prepare("unregister_nick", R"(
    DELETE FROM registered_nicks n USING rooms r
    WHERE n.room_id = r.id AND r.jid = $1 AND r.destroyed_at IS NULL AND n.jid = $2)");
  c.prepare("archive_message", fmt::format(R"(
    INSERT INTO messages (room_id, sender_nick, sender_jid, message_id, body, stanza_xml,
      sent_at, stanza_id, subject)
    SELECT id, $2, $3, $4, $5, $6, {}, $8, $9 FROM rooms WHERE jid = $1 AND destroyed_at IS NULL)",
                                           ts(7)));
  c.prepare("set_vcard", fmt::format(R"(
    INSERT INTO room_vcards (room_id, vcard_xml, avatar_hashes, set_by, set_at)
    SELECT id, $2, $3::text[], $4, {} FROM rooms WHERE jid = $1 AND destroyed_at IS NULL
    ON CONFLICT (room_id) DO UPDATE SET vcard_xml = EXCLUDED.vcard_xml,
      avatar_hashes = EXCLUDED.avatar_hashes, set_by = EXCLUDED.set_by,
      set_at = EXCLUDED.set_at)",
                                     ts(5)));
  c.prepare("delete_vcard", R"(
    DELETE FROM room_vcards v USING rooms r
    WHERE v.room_id = r.id AND r.jid = $1 AND r.destroyed_at IS NULL)");
  // The audit trail outlives rooms and covers rooms that never had a row: room_id is the
  // live room if there is one, else its latest life, else NULL.
  c.prepare("audit", fmt::format(R"(
    INSERT INTO audit_log (room_id, room_jid, actor, action, target, old_value, new_value,
      reason, at)
    VALUES ((SELECT id FROM rooms WHERE jid = $1
             ORDER BY destroyed_at IS NULL DESC, id DESC LIMIT 1),
            $1, $2, $3, $4, $5, $6, $7, {}))",
                                 ts(8)));
}

// Throws unless the statement touched a row: only a missing live room makes it touch none.
void expect_room(const pqxx::result& r, const std::string& room, std::string_view op) {
  if (r.affected_rows() == 0) {
    throw OpError(fmt::format("{}: no live room {} (SaveRoom must come first)", op, room));
  }
}

struct Apply {
  pqxx::transaction_base& t;

  void operator()(const muc::SaveRoom& op) const {
    std::vector<std::string> values = room_column_values(op.config);
    t.exec_prepared("save_room", op.room, op.creator, to_micros(op.at),
                    pqxx::prepare::make_dynamic_params(values));
  }

  void operator()(const muc::SetAffiliation& op) const {
    // XEP-0045: "none" is the absence of an affiliation, so it deletes the row.
    if (op.affiliation == muc::Affiliation::none) {
      t.exec_prepared("delete_affiliation", op.room, op.jid);
      return;
    }
    auto r = t.exec_prepared("set_affiliation", op.room, op.jid,
                             std::string(muc::to_string(op.affiliation)), nullable(op.reason),
                             nullable(op.actor), to_micros(op.at));
    expect_room(r, op.room, "SetAffiliation");
  }

  void operator()(const muc::SetSubject& op) const {
    auto r = t.exec_prepared("set_subject", op.room, op.text, nullable(op.nick), nullable(op.actor),
                             to_micros(op.at));
    expect_room(r, op.room, "SetSubject");
  }

  void operator()(const muc::DestroyRoom& op) const {
    auto r = t.exec_prepared("destroy_room", op.room, nullable(op.reason), nullable(op.alternate),
                             nullable(op.actor), to_micros(op.at), op.tombstone);
    expect_room(r, op.room, "DestroyRoom");
  }

  void operator()(const muc::RegisterNick& op) const {
    // XEP-0045 7.10: an empty nick cancels the registration.
    if (op.nick.empty()) {
      t.exec_prepared("unregister_nick", op.room, op.jid);
      return;
    }
    auto r = t.exec_prepared("register_nick", op.room, op.jid, op.nick, to_micros(op.at));
    expect_room(r, op.room, "RegisterNick");
  }

  void operator()(const muc::ArchiveMessage& op) const {
    // A subject change has no body (0011_archived_subjects.sql).
    std::optional<std::string> body;
    if (!op.subject) body = op.body;
    auto r =
        t.exec_prepared("archive_message", op.room, op.nick, op.sender_jid, nullable(op.message_id),
                        body, op.stanza_xml, to_micros(op.at), op.stanza_id, op.subject);
    expect_room(r, op.room, "ArchiveMessage");
  }

  void operator()(const muc::SetVcard& op) const {
    // XEP-0486 4.2: an empty vCard clears the room's.
    if (op.xml.empty()) {
      t.exec_prepared("delete_vcard", op.room);
      return;
    }
    auto r = t.exec_prepared("set_vcard", op.room, op.xml, text_array(op.hashes),
                             nullable(op.actor), to_micros(op.at));
    expect_room(r, op.room, "SetVcard");
  }

  void operator()(const muc::Audit& op) const {
    t.exec_prepared("audit", op.room, nullable(op.actor), op.action, nullable(op.target),
                    nullable(op.old_value), nullable(op.new_value), nullable(op.reason),
                    to_micros(op.at));
  }
};

}  // namespace

void prepare(pqxx::connection_base& conn) {
  prepare_ops(conn);
  prepare_load(conn);
  prepare_archive(conn);
  prepare_retract(conn);
}

void apply(pqxx::transaction_base& t, const muc::StoreOp& op) {
  std::visit(Apply{t}, op);
}

}  // namespace db::sql
