// Presence changes over an occupant's rate are coalesced (ServiceLimits::presence_rate), and
// the room's timers: what is due at a given time.
#include "muc/room.hpp"
#include "muc/room_internal.hpp"

namespace muc {

bool Room::take_presence_token(Occupant& o, Clock::time_point now) const {
  if (limits_->presence_rate <= 0 || o.role == Role::moderator) return true;  // not limited
  return o.presence_tokens.take(limits_->presence_rate, limits_->presence_burst, now);
}

bool Room::holds_presence(const Occupant& o) const {
  return o.held_until != Clock::time_point{} && held_presences_.contains({o.held_until, o.nick});
}

void Room::share_presence(Occupant& o, Clock::time_point now, bool to_self, Effects& fx) {
  // Already held: the held change goes out with the payload `o` has by then, the latest.
  if (holds_presence(o)) return;
  if (!take_presence_token(o, now)) {
    hold_presence(o, now);
    return;
  }
  show_presence_change(o, to_self, fx);
}

void Room::show_presence_change(const Occupant& o, bool to_self, Effects& fx) const {
  PresenceSpec spec;
  spec.payload = &o.payload_xml;
  broadcast_presence(o, spec, fx);
  if (!to_self) return;
  for (const xmpp::Jid& s : o.sessions) send_self_presence(o, s, spec, fx);
}

void Room::hold_presence(Occupant& o, Clock::time_point now) {
  o.held_until = o.presence_tokens.next_token(limits_->presence_rate, limits_->presence_burst, now);
  held_presences_.emplace(o.held_until, o.nick);
}

void Room::release_presences(Clock::time_point now, Effects& fx) {
  while (!held_presences_.empty() && held_presences_.begin()->first <= now) {
    auto [due, nick] = std::move(held_presences_.extract(held_presences_.begin()).value());
    Occupant* o = occupant_by_nick(nick);
    if (o == nullptr || o->held_until != due) continue;  // stale: it left or was renamed
    o->held_until = {};
    if (!take_presence_token(*o, now)) {
      hold_presence(*o, now);  // the clock moved back: later, never lost
      continue;
    }
    // Its sessions get it too: a held update never echoed to them (a held resync's echo
    // came with its join sequence, and once more is harmless).
    show_presence_change(*o, true, fx);
  }
}

void Room::expire(Clock::time_point now, Effects& fx) {
  expire_relays(now, fx);
  release_presences(now, fx);
}

std::optional<Clock::time_point> Room::next_due() const {
  std::optional<Clock::time_point> due;
  if (!pending_iqs_.empty()) due = pending_iqs_.begin()->second.deadline;
  if (!held_presences_.empty() && (!due || held_presences_.begin()->first < *due)) {
    due = held_presences_.begin()->first;
  }
  return due;
}

}  // namespace muc
