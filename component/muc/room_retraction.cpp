// Retractions (XEP-0424, XEP-0425 v0.3): who may retract what, the stanzas that say so, and
// the history once the store has put the tombstone in the archive (retraction.hpp).
#include <cassert>

#include "muc/room.hpp"
#include "xml/parser.hpp"
#include "xml/writer.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
using xmpp::StanzaError;

namespace {

// XEP-0425 3: who moderated, as the retraction and the tombstone both name them: the
// occupant JID, and the occupant id that stays with them across nicks (XEP-0421).
xml::Element moderated_by(const std::string& occupant_jid, const std::string& occupant_id) {
  xml::Element m("moderated", std::string(ns::kMessageModerate));
  m.set_attr("by", occupant_jid);
  if (!occupant_id.empty()) {
    m.add("occupant-id", std::string(ns::kOccupantId)).set_attr("id", occupant_id);
  }
  return m;
}

}  // namespace

bool Room::retracts_in_archive() const {
  return config_.enable_archiving && archive_available_ && has_rows();
}

std::variant<Retraction, StanzaError> Room::decide_moderation(const xmpp::Jid& from,
                                                              const ModerateIn& in,
                                                              const std::string& stanza_id,
                                                              Clock::time_point now) const {
  if (destroyed_) return StanzaError::item_not_found();
  if (auto refused = check_moderate_message(party_of(from))) return *refused;
  // Without an archive there is nothing to retract a message from, nor a tombstone to keep.
  if (!retracts_in_archive()) {
    return StanzaError::feature_not_implemented("This room keeps no archive to retract from");
  }
  const Occupant* moderator = occupant_by_session(from);
  assert(moderator != nullptr);  // a moderator is an occupant
  const std::string by = occupant_jid(moderator->nick);
  // XEP-0425 3.1: from the room, type groupchat, a <retract/> naming the message by the
  // room's stanza-id, <moderated/> inside it, and the reason. It is archived like a message,
  // so it has a stanza-id of its own, which is also its id. It is the room's message (its
  // sender in the archive is the room), so no occupant retracts it as their own.
  xml::Element m("message", std::string(ns::kComponent));
  m.set_attr("from", jid_str_).set_attr("type", "groupchat").set_attr("id", stanza_id);
  xml::Element& retract = m.add("retract", std::string(ns::kMessageRetract));
  retract.set_attr("id", in.stanza_id);
  retract.add(moderated_by(by, moderator->occupant_id));
  if (!in.reason.empty())
    retract.add_text_child("reason", std::string(ns::kMessageRetract), in.reason);
  m.add("stanza-id", std::string(ns::kStanzaId)).set_attr("id", stanza_id).set_attr("by", jid_str_);
  // XEP-0425 5: the tombstone says it was retracted, when, by whom and why.
  xml::Element retracted("retracted", std::string(ns::kMessageRetract));
  retracted.set_attr("id", stanza_id).set_attr("stamp", delay_stamp(now));
  retracted.add(moderated_by(by, moderator->occupant_id));
  if (!in.reason.empty()) {
    retracted.add_text_child("reason", std::string(ns::kMessageRetract), in.reason);
  }
  Retraction r;
  r.moderated = true;
  const std::string actor = moderator->bare.bare_str();
  r.op = RetractMessage{jid_str_,
                        in.stanza_id,
                        {},
                        actor,
                        in.reason,
                        xml::to_string(retracted),
                        ArchiveMessage{jid_str_,
                                       {},
                                       jid_str_,
                                       stanza_id,
                                       stanza_id,
                                       {},
                                       xml::render_without_to(*xml::prepare(m)),
                                       now,
                                       std::nullopt},
                        now};
  r.message = std::move(m);
  return r;
}

std::variant<Retraction, StanzaError> Room::decide_self_retraction(const GroupchatIn& m,
                                                                   Clock::time_point now) {
  assert(m.retracts && retracts_in_archive());
  auto spoke = speaker(m.from, now);
  if (auto* refused = std::get_if<StanzaError>(&spoke)) return *refused;
  const Occupant* o = std::get<Occupant*>(spoke);
  // XEP-0424 4: the retraction is a groupchat message like any, broadcast as its author
  // sent it (clients check its occupant-id against the message's); the tombstone's
  // <retracted/> names it by its id.
  Retraction r;
  r.message = groupchat_broadcast(*o, m);
  // XEP-0424 6: the tombstone names the retraction by its id, so it must have one.
  if (m.id.empty()) r.message.set_attr("id", m.stanza_id);
  xml::Element retracted("retracted", std::string(ns::kMessageRetract));
  retracted.set_attr("id", std::string(r.message.attr_or("id")))
      .set_attr("stamp", delay_stamp(now));
  const std::string author = o->bare.bare_str();
  r.op = RetractMessage{jid_str_,
                        *m.retracts,
                        author,
                        author,
                        {},
                        xml::to_string(retracted),
                        archive_row(*o, m, *xml::prepare(r.message), now),
                        now};
  return r;
}

void Room::apply_retraction(const Retraction& r, const RetractResult& result, Effects& fx) {
  using Outcome = RetractResult::Outcome;
  if (result.outcome == Outcome::not_author) return;
  // A moderator's second retraction of a message tells nobody (and was not archived).
  if (!r.moderated || result.outcome == Outcome::retracted) {
    send_to_all(xml::prepare(r.message), fx);
    remember_message(r.message, r.op.at);
  }
  if (result.tombstone_xml.empty()) return;
  // XEP-0424 7: not replayed to newcomers either; they get the tombstone in its place.
  auto parsed = xml::parse_stanza(result.tombstone_xml,
                                  xml::NamespaceContext{std::string(ns::kComponent), {}});
  auto* tombstone = std::get_if<xml::Element>(&parsed);
  if (tombstone == nullptr) return;  // built by tombstone_of: cannot happen
  History::Entry entry = history_entry(std::move(*tombstone), result.sent_at);
  history_.replace(r.op.stanza_id, std::move(entry.stanza), entry.chars);
}

}  // namespace muc
