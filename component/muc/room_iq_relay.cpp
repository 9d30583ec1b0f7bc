// Relaying iq between occupants through their occupant JIDs (XEP-0045 7.5 and 18.2 notes:
// the asker never learns the target's real JID, and answers find their way back).
#include <algorithm>
#include <charconv>

#include "muc/room.hpp"
#include "muc/room_internal.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::StanzaError;

namespace {
constexpr std::size_t kMaxPendingIqs = 1024;
constexpr std::string_view kIdPrefix = "muc-relay-";
constexpr std::string_view kVcardNs = "vcard-temp";
}  // namespace

std::optional<StanzaError> Room::on_occupant_iq(const xmpp::Jid& from, const std::string& nick,
                                                const xml::Element& iq, Effects& fx) {
  const Occupant* asker = occupant_by_session(from);
  // 6.7: a non-occupant's query to an occupant JID is a bad request.
  if (asker == nullptr) return StanzaError::bad_request("Only occupants may query occupants");
  auto target = occupants_.find(nick);
  if (target == occupants_.end()) return StanzaError::item_not_found("No occupant has that nick");
  std::uint64_t n = next_iq_++;
  const Occupant& t0 = target->second;
  pending_iqs_[n] =
      PendingIq{from.str(), std::string(iq.attr_or("id")), asker->nick, nick, t0.bare};
  if (pending_iqs_.size() > kMaxPendingIqs) pending_iqs_.erase(pending_iqs_.begin());
  xml::Element out = iq;
  out.set_attr("from", occupant_jid(asker->nick));
  // A vCard belongs to the account, not to one of its sessions (XEP-0054 is answered by
  // the user's server for the bare JID).
  bool vcard = false;
  for (const xml::Element* c : iq.elements()) vcard = vcard || c->ns() == kVcardNs;
  const Occupant& t = target->second;
  out.set_attr("to", vcard ? t.bare.str() : t.sessions.back().str());
  out.set_attr("id", std::string(kIdPrefix) + std::to_string(n));
  fx.send(out);
  return std::nullopt;
}

void Room::on_occupant_iq_response(const xmpp::Jid& from, const std::string& nick,
                                   const xml::Element& iq, Effects& fx) {
  std::string_view id = iq.attr_or("id");
  if (id.substr(0, kIdPrefix.size()) != kIdPrefix) return;
  std::uint64_t n = 0;
  std::string_view digits = id.substr(kIdPrefix.size());
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || end != digits.data() + digits.size()) return;
  auto it = pending_iqs_.find(n);
  // The answer comes from the occupant we asked (any of its sessions, or its account), to
  // the occupant JID we asked from.
  if (it == pending_iqs_.end() || it->second.asker_nick != nick ||
      it->second.target != from.bare()) {
    return;
  }
  PendingIq pending = std::move(it->second);
  pending_iqs_.erase(it);
  xml::Element out = iq;
  out.set_attr("from", occupant_jid(pending.target_nick));
  out.set_attr("to", pending.asker);
  out.set_attr("id", pending.id);
  fx.send(out);
}

}  // namespace muc
