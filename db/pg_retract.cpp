// XEP-0424/0425 in the archive: a message gives way to its tombstone (muc/retraction.hpp),
// the retraction is archived and the audit log says who retracted what and why, in the
// caller's transaction. The message's row is locked first, so two retractions of one
// message are decided one after the other. A subject change is not a message to retract
// (0011_archived_subjects.sql): its id is not found.
#include <fmt/format.h>

#include "base/log.hpp"
#include "db/pg_sql.hpp"
#include "muc/retraction.hpp"

namespace db::sql {

void prepare_retract(pqxx::connection_base& c) {
  c.prepare("retract_find", R"(
    SELECT m.id, m.sender_jid, m.stanza_xml, m.retracted_at IS NOT NULL,
           (extract(epoch FROM m.sent_at) * 1000000)::bigint
    FROM messages m JOIN rooms r ON r.id = m.room_id
    WHERE r.jid = $1 AND r.destroyed_at IS NULL AND m.stanza_id = $2 AND m.subject IS NULL
    FOR UPDATE OF m)");
  // The body goes (NULL: nothing is kept of what it said); stanza_xml is the tombstone.
  c.prepare("retract_apply", fmt::format(R"(
    UPDATE messages SET body = NULL, stanza_xml = $2, retracted_at = {}, retracted_by = $4,
      retract_reason = $5
    WHERE id = $1)",
                                         timestamp_param(3)));
}

muc::RetractResult retract_message(pqxx::transaction_base& t, const muc::RetractMessage& op) {
  using Outcome = muc::RetractResult::Outcome;
  muc::RetractResult result;
  auto found = t.exec_prepared("retract_find", op.room, op.stanza_id);
  if (found.empty()) {
    result.outcome = Outcome::not_found;
  } else if (!op.author.empty() && found[0][1].as<std::string>() != op.author) {
    return {Outcome::not_author, {}, {}};  // nothing is written
  } else if (found[0][3].as<bool>()) {
    // With what it holds, so that a room that never heard of the first (its COMMIT was in
    // doubt) puts the tombstone in its history now.
    result = {Outcome::already, found[0][2].as<std::string>(),
              from_micros(found[0][4].as<std::int64_t>())};
  } else {
    const auto row = found[0][0].as<std::int64_t>();
    auto tombstone = muc::tombstone_of(found[0][2].as<std::string>(), op.room, op.retracted_xml);
    // What the room archived parses; a row that does not is not the room's to repair.
    if (!tombstone) throw OpError(fmt::format("archived message {} does not parse", op.stanza_id));
    t.exec_prepared("retract_apply", row, *tombstone, to_micros(op.at), op.actor,
                    op.reason.empty() ? std::optional<std::string>() : op.reason);
    apply(t, muc::Audit{op.room,
                        op.actor,
                        "retract",
                        found[0][1].as<std::string>(),
                        {},
                        op.stanza_id,
                        op.reason,
                        op.at});
    result = {Outcome::retracted, std::move(*tombstone),
              from_micros(found[0][4].as<std::int64_t>())};
  }
  // XEP-0424 7: the retraction itself is archived, so that clients that were away learn of
  // it; a moderator's only when it retracted something (else the iq is refused).
  if (result.outcome == Outcome::retracted || !op.author.empty()) apply(t, op.retraction);
  return result;
}

}  // namespace db::sql
