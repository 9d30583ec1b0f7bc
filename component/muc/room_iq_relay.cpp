// Relaying iq between occupants through their occupant JIDs (XEP-0045 7.5 and 18.2 notes:
// the asker never learns the target's real JID, and answers find their way back). Every
// relayed iq is answered exactly once (docs/architecture.md, Every iq answered exactly once): by
// the target's answer, or by the room when the target leaves or does not answer in time.

#include "muc/relay_id.hpp"
#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"
#include "xmpp/stanza_error.hpp"

namespace muc {

using xmpp::StanzaError;

std::optional<StanzaError> Room::on_occupant_iq(const OccupantIqIn& in, Clock::time_point now,
                                                Effects& fx) {
  const Occupant* asker = occupant_by_session(in.from);
  if (in.ping) {
    // XEP-0410 3.1: a client pings its own occupant JID to learn whether it is still
    // joined. The room knows, so it answers (self-ping optimization): not-acceptable is
    // "not joined, join again", of type cancel as the XEP shows it.
    if (asker == nullptr) {
      return StanzaError{"cancel", "not-acceptable", "You are not in this room"};
    }
    if (asker->nick == in.nick) {
      xml::Element result = xmpp::iq_result(in.iq);
      result.set_attr("from", occupant_jid(in.nick));
      result.set_attr("to", in.from.str());
      fx.send(result);
      return std::nullopt;
    }
  }
  // 6.7: a non-occupant's query to an occupant JID is a bad request.
  if (asker == nullptr) return StanzaError::bad_request("Only occupants may query occupants");
  auto target = occupants_.find(in.nick);
  if (target == occupants_.end()) return StanzaError::item_not_found("No occupant has that nick");
  if (pending_iqs_.size() >= kMaxPendingIqs) {
    // RFC 6120 8.3.3.18: busy, try again later. Refusing the new one keeps every earlier
    // one answerable; dropping the oldest would leave its asker waiting for nothing.
    return StanzaError::resource_constraint(
        "Too many queries in this room are waiting for their answers; try again later");
  }
  std::uint64_t n = next_iq_++;
  const Occupant& t = target->second;
  pending_iqs_.emplace(n, PendingIq{in.from.str(), in.id, asker->nick, in.nick, t.bare, t.serial,
                                    now + limits_->iq_relay_timeout});
  relays_by_target_.emplace(t.serial, n);
  xml::Element out = in.iq;
  out.set_attr("from", occupant_jid(asker->nick));
  out.set_attr("to", in.for_account ? t.bare.str() : t.sessions.back().str());
  out.set_attr("id", relay_id(n));
  fx.send(out);
  return std::nullopt;
}

void Room::on_occupant_iq_response(const OccupantIqAnswerIn& in, Effects& fx) {
  auto it = pending_iqs_.find(in.relay);
  // The answer comes from the occupant we asked (any of its sessions, or its account), to
  // the occupant JID we asked from. One that comes after the room answered for it (the
  // target left, or took too long) finds nothing: the asker has had its one answer.
  if (it == pending_iqs_.end() || it->second.asker_nick != in.nick ||
      it->second.target != in.from.bare()) {
    return;
  }
  PendingIq pending = std::move(it->second);
  pending_iqs_.erase(it);
  relays_by_target_.erase({pending.target_serial, in.relay});
  xml::Element out = in.iq;
  out.set_attr("from", occupant_jid(pending.target_nick));
  out.set_attr("to", pending.asker);
  out.set_attr("id", pending.id);
  fx.send(out);
}

void Room::fail_relay(PendingIqs::iterator it, const StanzaError& error, Effects& fx) {
  const PendingIq& p = it->second;
  // The error the target would have sent through us: from its occupant JID, to the asker,
  // with the asker's id (the request itself is not kept; RFC 6120 8.3.1 lets an error
  // carry it, it does not require it).
  xml::Element request("iq", std::string(xml::kComponentNs));
  request.set_attr("from", p.asker);
  request.set_attr("to", occupant_jid(p.target_nick));
  request.set_attr("id", p.id);
  fx.send(xmpp::error_reply(request, error));
  relays_by_target_.erase({p.target_serial, it->first});
  pending_iqs_.erase(it);
}

void Room::relay_target_left(const Occupant& o, Effects& fx) {
  // RFC 6120 8.3.3.13: the intended recipient is unavailable; the type SHOULD be wait (it
  // may come back). It was an occupant the asker saw, so nothing is revealed.
  const StanzaError gone{"wait", "recipient-unavailable",
                         "The occupant left the room before answering"};
  auto first = relays_by_target_.lower_bound({o.serial, 0});
  while (first != relays_by_target_.end() && first->first == o.serial) {
    auto it = pending_iqs_.find(first->second);
    ++first;  // fail_relay erases the entry `first` was on
    fail_relay(it, gone, fx);
  }
}

void Room::expire_relays(Clock::time_point now, Effects& fx) {
  // RFC 6120 8.3.3.16: the recipient could not be reached in a reasonable time; wait.
  const StanzaError timeout{"wait", "remote-server-timeout", "The occupant did not answer in time"};
  while (!pending_iqs_.empty() && pending_iqs_.begin()->second.deadline <= now) {
    fail_relay(pending_iqs_.begin(), timeout, fx);
  }
}

void Room::fail_relays(const StanzaError& error, Effects& fx) {
  while (!pending_iqs_.empty()) fail_relay(pending_iqs_.begin(), error, fx);
}

}  // namespace muc
