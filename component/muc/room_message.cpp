// Groupchat messages, subject changes and private messages (XEP-0045 7.4, 7.5, 8.1).
#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cassert>

#include "muc/occupant_id.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
using xmpp::StanzaError;

std::string delay_stamp(Clock::time_point t) {
  // XEP-0082 DateTime in UTC, whole seconds (enough for ordering by people).
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}Z", std::chrono::floor<std::chrono::seconds>(t));
}

std::string Room::occupant_id_of(const xmpp::Jid& bare) const {
  if (occupant_id_secret_ == nullptr) return {};
  return occupant_id(*occupant_id_secret_, jid_str_, bare.bare_str());
}

void Room::add_occupant_id(const Occupant& o, xml::Element& stanza) {
  // XEP-0421 3.2: on every message the room sends on the occupant's behalf. Any the sender
  // put there itself was removed when it was decoded.
  if (o.occupant_id.empty()) return;
  stanza.add("occupant-id", std::string(ns::kOccupantId)).set_attr("id", o.occupant_id);
}

std::optional<StanzaError> Room::on_groupchat(const GroupchatIn& m, Clock::time_point now,
                                              Effects& fx) {
  auto spoke = speaker(m.from, now);
  if (auto* refused = std::get_if<StanzaError>(&spoke)) return *refused;
  Occupant* o = std::get<Occupant*>(spoke);
  xml::Element out = groupchat_broadcast(*o, m);
  auto broadcast = xml::prepare(out);
  send_to_all(broadcast, fx);

  if (!m.body) return std::nullopt;
  if (keeps_messages()) {
    // Logged or archived: the broadcast waits for the commit (README "Durability").
    fx.archive.push_back(archive_row(*o, m, *broadcast, now));
  }
  auto remembered = remember_message(std::move(out), now);
  if (!fx.archive.empty()) fx.forget_on_failure = std::move(remembered);
  return std::nullopt;
}

std::variant<Occupant*, StanzaError> Room::speaker(const xmpp::Jid& from, Clock::time_point now) {
  if (destroyed_) return StanzaError::item_not_found();
  if (auto refused = check_speak(party_of(from))) return *refused;
  Occupant* o = occupant_by_session(from);
  if (auto refused = take_token(*o, now)) return *refused;
  return o;
}

xml::Element Room::groupchat_broadcast(const Occupant& o, const GroupchatIn& m) const {
  xml::Element out = m.message;
  out.set_attr("from", occupant_jid(o.nick));
  out.set_attr("type", "groupchat");
  // XEP-0359: the room's id, in every copy, the history and the archive. A stanza-id the
  // sender claimed in this room's or this service's name was removed when it was decoded.
  assert(!m.stanza_id.empty());
  out.add("stanza-id", std::string(ns::kStanzaId))
      .set_attr("id", m.stanza_id)
      .set_attr("by", jid_str_);
  add_occupant_id(o, out);
  return out;
}

ArchiveMessage Room::archive_row(const Occupant& o, const GroupchatIn& m,
                                 const xml::Prepared& broadcast, Clock::time_point now) const {
  return ArchiveMessage{jid_str_,
                        o.nick,
                        o.bare.bare_str(),
                        m.id,
                        m.stanza_id,
                        m.body.value_or(std::string()),
                        xml::render_without_to(broadcast),
                        now,
                        std::nullopt};
}

std::shared_ptr<const xml::Prepared> Room::remember_message(xml::Element out,
                                                            Clock::time_point at) {
  if (config_.history_length == 0) return nullptr;
  History::Entry entry = history_entry(std::move(out), at);
  auto stanza = entry.stanza;
  remember(std::move(entry));
  return stanza;
}

std::optional<StanzaError> Room::take_token(Occupant& o, Clock::time_point now) const {
  const double rate = limits_->message_rate;
  if (rate <= 0 || o.role == Role::moderator) return std::nullopt;
  if (!o.message_tokens.take(rate, limits_->message_burst, now)) {
    // Nothing is broadcast; the sender may retry in a moment (RFC 6120 8.3.3.12, type wait).
    return StanzaError{"wait", "policy-violation", "You are sending messages too fast"};
  }
  return std::nullopt;
}

std::variant<SubjectChange, StanzaError> Room::decide_subject(const xmpp::Jid& from,
                                                              std::string text, std::string id,
                                                              Clock::time_point now) const {
  if (destroyed_) return StanzaError::item_not_found();
  if (auto refused = check_subject(party_of(from), config_)) return *refused;
  const Occupant* o = occupant_by_session(from);
  return SubjectChange{from, o->nick, std::move(text), std::move(id), {}, now};
}

void Room::apply_subject(const SubjectChange& change, Effects& fx) {
  subject_ = change.text;
  subject_nick_ = change.nick;
  subject_at_ = change.at;
  subject_by_ = change.actor.bare_str();
  send_to_all(xml::prepare(subject_broadcast(change)), fx);
}

xml::Element Room::subject_broadcast(const SubjectChange& change) const {
  return subject_element(change.text, change.nick, change.actor.bare_str(), change.id,
                         change.stanza_id);
}

ArchiveMessage Room::subject_row(const SubjectChange& change, StoreTime now) const {
  ArchiveMessage row{jid_str_,
                     change.nick,
                     change.actor.bare_str(),
                     change.id,
                     change.stanza_id,
                     {},
                     xml::render_without_to(*xml::prepare(subject_broadcast(change))),
                     now,
                     change.text};
  return row;
}

void Room::add_room_delay(xml::Element& stanza, Clock::time_point at) const {
  // 7.2.15 (and XEP-0203): what the room sends from its history, and the subject on
  // entering, says when it was sent, in the room's name.
  stanza.add("delay", std::string(ns::kDelay))
      .set_attr("from", jid_str_)
      .set_attr("stamp", delay_stamp(at));
}

History::Entry Room::history_entry(xml::Element stanza, Clock::time_point at) const {
  // The stored copy keeps the original sender and says when it was sent.
  add_room_delay(stanza, at);
  auto prepared = xml::prepare(stanza);
  std::size_t chars = prepared->head.size() + prepared->tail.size();
  // The room's XEP-0359 id is the last <stanza-id/>: it is added after whatever the sender
  // sent (groupchat_broadcast), and one in the room's name was removed on decoding.
  std::string stanza_id;
  for (const xml::Element* c : stanza.children("stanza-id", ns::kStanzaId)) {
    stanza_id = std::string(c->attr_or("id"));
  }
  return {at, std::move(prepared), chars, std::move(stanza_id)};
}

void Room::forget(const std::shared_ptr<const xml::Prepared>& stanza) {
  history_.forget(stanza);
}

void Room::remember(History::Entry entry) {
  history_.add(std::move(entry), config_.history_length);
}

xml::Element Room::subject_element(std::string_view text, std::string_view nick,
                                   std::string_view by, std::string_view id,
                                   std::string_view stanza_id) const {
  // 7.2.16: a groupchat message with <subject/> and no body; empty when none is set.
  xml::Element m("message", std::string(ns::kComponent));
  m.set_attr("from", nick.empty() ? jid_str_ : occupant_jid(std::string(nick)));
  m.set_attr("type", "groupchat");
  if (!id.empty()) m.set_attr("id", std::string(id));
  m.add_text_child("subject", std::string(ns::kComponent), std::string(text));
  // XEP-0359: a change has the room's id, as a message has; it names it in the archive.
  if (!stanza_id.empty()) {
    m.add("stanza-id", std::string(ns::kStanzaId))
        .set_attr("id", std::string(stanza_id))
        .set_attr("by", jid_str_);
  }
  // XEP-0421 3.2: a subject an occupant set carries the setter's occupant id, as its
  // messages do, also when it is replayed on entering.
  if (!nick.empty() && !by.empty() && occupant_id_secret_ != nullptr) {
    m.add("occupant-id", std::string(ns::kOccupantId))
        .set_attr("id", occupant_id(*occupant_id_secret_, jid_str_, by));
  }
  return m;
}

std::shared_ptr<const xml::Prepared> Room::subject_on_entering() const {
  xml::Element m = subject_element(subject_, subject_nick_, subject_by_, {}, {});
  // On entering it says when the subject was set (XEP-0203, as Prosody does), so a client
  // does not take an old subject for a new one.
  if (!subject_.empty()) add_room_delay(m, subject_at_);
  return xml::prepare(m);
}

std::optional<StanzaError> Room::on_private_message(const PrivateMessageIn& m, Effects& fx) {
  if (destroyed_) return StanzaError::item_not_found();
  const Party party = party_of(m.from);
  if (party.role == Role::none) return check_private_message(party, config_);
  auto target = occupants_.find(m.nick);
  if (target == occupants_.end()) {
    return StanzaError::item_not_found("No occupant has that nickname");
  }
  if (auto refused = check_private_message(party, config_)) return refused;
  const Occupant* sender = occupant_by_session(m.from);
  // The recipient sees only the sender's occupant JID, never the real one; the empty
  // muc#user <x/> tells its client this came through a room (7.5).
  xml::Element out = m.message;
  out.set_attr("from", occupant_jid(sender->nick));
  out.add("x", std::string(ns::kMucUser));
  add_occupant_id(*sender, out);
  auto prepared = xml::prepare(out);
  for (const xmpp::Jid& s : target->second.sessions) fx.send(prepared, s.str());
  return std::nullopt;
}

}  // namespace muc
