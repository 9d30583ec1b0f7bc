#include "muc/service.hpp"

#include <algorithm>
#include <stdexcept>

#include "muc/decode.hpp"
#include "muc/features.hpp"
#include "muc/room_options.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

using xmpp::Jid;
using xmpp::StanzaError;

namespace {

StanzaError shutting_down() {
  // RFC 6120 8.3.3.19: the service no longer provides what was asked.
  return StanzaError::service_unavailable("The service is shutting down");
}

}  // namespace

Service::Service(ServiceConfig config, Store* store, Emit emit)
    : config_(std::move(config)), store_(store), emit_(std::move(emit)) {
  if (store_ != nullptr && !emit_) {
    throw std::invalid_argument("muc::Service: a store needs an emit for the answers it defers");
  }
}

std::size_t Service::room_count() const {
  return static_cast<std::size_t>(
      std::count_if(slots_.begin(), slots_.end(),
                    [](const auto& entry) { return entry.second.room != nullptr; }));
}

std::vector<const Room*> Service::rooms() const {
  std::vector<const Room*> out;
  for (const auto& [local, slot] : slots_) {
    if (slot.room) out.push_back(slot.room.get());
  }
  return out;
}

const Room* Service::find_room(const std::string& local) const {
  auto it = slots_.find(local);
  return it == slots_.end() ? nullptr : it->second.room.get();
}

bool Service::may_create(const Jid& who) const {
  bool admin = std::find(config_.service_admins.begin(), config_.service_admins.end(),
                         who.bare_str()) != config_.service_admins.end();
  switch (config_.creation) {
    case CreationPolicy::anyone:
      return true;
    case CreationPolicy::admins:
      return admin;
    case CreationPolicy::domains:
      return admin || std::find(config_.creation_domains.begin(), config_.creation_domains.end(),
                                who.domain()) != config_.creation_domains.end();
  }
  return false;
}

std::optional<StanzaError> Service::creation_quota(const Jid& who, Clock::time_point now) {
  const ServiceLimits& l = config_.limits;
  if (std::find(config_.service_admins.begin(), config_.service_admins.end(), who.bare_str()) !=
      config_.service_admins.end()) {
    return std::nullopt;  // the operator's own accounts are not limited
  }
  if (l.max_rooms != 0 && room_count() >= l.max_rooms) {
    return StanzaError::resource_constraint("The service holds as many rooms as it may");
  }
  if (l.rooms_per_user_per_hour == 0) return std::nullopt;
  // A sliding hour per bare JID; users who created nothing within it are forgotten, so the
  // bookkeeping is bounded by the rooms created in the last hour.
  std::deque<Clock::time_point>& made = created_by_[who.bare_str()];
  while (!made.empty() && made.front() <= now - std::chrono::hours(1)) made.pop_front();
  if (made.size() >= l.rooms_per_user_per_hour) {
    return StanzaError{
        "wait", "policy-violation",
        "You may create " + std::to_string(l.rooms_per_user_per_hour) + " rooms per hour"};
  }
  made.push_back(now);
  if (created_by_.size() > 4 * l.max_rooms + 1024) {
    std::erase_if(created_by_, [&](const auto& e) {
      return e.second.empty() || e.second.back() <= now - std::chrono::hours(1);
    });
  }
  return std::nullopt;
}

void Service::handle(const xml::Element& stanza, Clock::time_point now, Effects& fx) {
  last_now_ = now;
  std::optional<Jid> from = Jid::parse(stanza.attr_or("from"));
  std::optional<Jid> to = Jid::parse(stanza.attr_or("to"));
  if (!from) return;  // nobody to answer: the server routed something it should not have
  if (stopped_) {
    // After shut_down() there are no rooms, and none may be created: an iq is refused,
    // anything else has nobody to reach.
    if (stanza.name() == "iq") answer(stanza, shutting_down(), fx);
    return;
  }
  if (!to) {
    answer(stanza, StanzaError::jid_malformed("The recipient address is not a valid JID"), fx);
    return;
  }
  if (to->domain() != config_.domain) {
    answer(stanza, StanzaError::item_not_found("This component serves " + config_.domain), fx);
    return;
  }
  if (to->has_local()) {
    route(to->local(), stanza, *from, *to, now, fx);
    return;
  }
  // The service itself: disco and ping; presence to it means nothing.
  if (stanza.name() == "iq") {
    handle_iq(nullptr, stanza, *from, *to, now, fx);
  } else if (stanza.name() == "message" && stanza.attr_or("type") != "error") {
    answer(stanza, StanzaError::service_unavailable("The service itself takes no messages"), fx);
  }
}

void Service::shut_down(Effects& fx) {
  for (auto& [local, slot] : slots_) {
    // Output held behind a commit still in flight goes now, answers among it; what that
    // commit itself decided is answered when it completes (on_committed, without a room).
    for (Held& h : slot.held) {
      if (!h.done) continue;
      fx.out.insert(fx.out.end(), std::make_move_iterator(h.out.begin()),
                    std::make_move_iterator(h.out.end()));
    }
    // An iq waiting for its room (loading, or behind a commit) will not be decided.
    for (const Waiting& w : slot.waiting) {
      if (w.stanza.name() == "iq") answer(w.stanza, shutting_down(), fx);
    }
    if (slot.room) {
      // The relays first: every target is leaving the room, and its asker is told so
      // before it is told that it is leaving too.
      slot.room->fail_relays(
          StanzaError{"wait", "recipient-unavailable", "The service is shutting down"}, fx);
      slot.room->shut_down(fx);
    }
  }
  slots_.clear();
  room_timers_.clear();
  session_checks_.clear();
  stopped_ = true;
}

void Service::expire(Clock::time_point now, Effects& fx) {
  while (!room_timers_.empty() && room_timers_.begin()->first <= now) {
    std::string local = std::move(room_timers_.extract(room_timers_.begin()).value().second);
    auto it = slots_.find(local);
    if (it == slots_.end()) continue;
    Slot& slot = it->second;
    slot.timer.reset();
    if (!slot.room) continue;
    Effects room_fx;
    slot.room->expire(now, room_fx);
    pass(slot, room_fx.out, fx);
    watch_timer(slot);  // what is due next, if anything is still pending
  }
  expire_locked(now, fx);
}

void Service::expire_locked(Clock::time_point now, Effects& fx) {
  while (!lock_deadlines_.empty() && lock_deadlines_.begin()->first <= now) {
    auto [due, local] = std::move(lock_deadlines_.extract(lock_deadlines_.begin()).value());
    auto it = slots_.find(local);
    if (it == slots_.end() || it->second.lock_deadline != due) continue;
    Slot& slot = it->second;
    slot.lock_deadline.reset();
    if (!slot.room || !slot.room->locked()) continue;  // configured in time
    Effects room_fx;
    slot.room->destroy_unconfigured(room_fx);
    pass(slot, room_fx.out, fx);
    drop_if_finished(local);
  }
}

void Service::watch_timer(Slot& slot) {
  if (!slot.room) return;
  std::optional<Clock::time_point> due = slot.room->next_due();
  if (due == slot.timer) return;
  forget_timer(slot.room->jid().local(), slot);
  slot.timer = due;
  if (due) room_timers_.emplace(*due, slot.room->jid().local());
}

void Service::forget_timer(const std::string& local, Slot& slot) {
  if (slot.timer) room_timers_.erase({*slot.timer, local});
  slot.timer.reset();
}

void Service::queue_session_checks() {
  session_checks_.clear();
  for (const auto& [local, slot] : slots_) {
    if (!slot.room) continue;
    for (xmpp::Jid& s : slot.room->sessions()) session_checks_.push_back({local, std::move(s)});
  }
}

std::size_t Service::check_sessions(std::size_t n, Effects& fx) {
  for (; n > 0 && !session_checks_.empty(); --n) {
    SessionCheck c = std::move(session_checks_.front());
    session_checks_.pop_front();
    auto it = slots_.find(c.room);
    if (it == slots_.end() || !it->second.room) continue;
    // XEP-0199 from the room: an error back (handle_iq) is a bounce, and a gone session is
    // removed as a ghost; a result, or no answer from a client that ignores pings, keeps it.
    xml::Element ping("iq", std::string(xml::kComponentNs));
    ping.set_attr("type", "get");
    ping.set_attr("id", "muc-check-" + std::to_string(next_check_++));
    ping.set_attr("from", it->second.room->jid().str());
    ping.set_attr("to", c.session.str());
    ping.add("ping", std::string(ns::kPing));
    fx.send(ping);
  }
  return session_checks_.size();
}

void Service::handle_fault(const xml::StanzaFault& fault, Effects& fx) const {
  if (!fault.head) return;  // not even its name was readable: nobody to answer
  const xml::Element& s = *fault.head;
  const bool stanza = s.ns() == xml::kComponentNs &&
                      (s.name() == "iq" || s.name() == "message" || s.name() == "presence");
  if (!stanza || !Jid::parse(s.attr_or("from"))) return;
  // RFC 6120 8.3.3.12 / 8.3.3.9: a limit broken is a policy violation; bad content (UTF-8,
  // forbidden markup) is not acceptable. Either way the sender may fix it and retry.
  const StanzaError e{"modify",
                      fault.condition == "policy-violation" ? "policy-violation" : "not-acceptable",
                      "The stanza was refused: " + fault.text};
  answer(s, e, fx);
}

void Service::dispatch(Slot& slot, const xml::Element& s, const Jid& from, const Jid& to,
                       Clock::time_point now, Effects& fx) {
  if (slot.room == nullptr) {
    if (const Tombstone* t = tombstone_for(to.local(), s, from)) {
      answer(s, gone_error(*t), fx);
      return;
    }
  }
  if (s.name() == "presence") {
    handle_presence(slot, s, from, to, now, fx);
  } else if (s.name() == "message") {
    handle_message(slot, s, from, to, now, fx);
  } else if (s.name() == "iq") {
    handle_iq(&slot, s, from, to, now, fx);
  }
  // Anything else at the top level of a component stream is not a stanza: nobody to answer.
  watch_timer(slot);  // a relay or a held presence change may be pending now
}

void Service::handle_presence(Slot& slot, const xml::Element& s, const Jid& from, const Jid& to,
                              Clock::time_point now, Effects& fx) {
  std::string_view type = s.attr_or("type");
  Room* room = slot.room.get();
  if (type == "error") {
    if (room != nullptr) room->on_bounce(BounceIn{from, error_condition(s)}, fx);
    return;
  }
  if (type == "unavailable") {
    if (room == nullptr) return;
    // Leaving is never refused; a status over the bound is dropped, not repeated.
    std::string payload = presence_payload(s);
    if (check_size("", payload, config_.limits.presence_max_bytes)) payload.clear();
    room->on_leave(LeaveIn{from, std::move(payload)}, fx);
    return;
  }
  if (!type.empty()) {
    // XEP-0045 7.2: only available presence enters. Subscriptions and probes (RFC 6121
    // 4.7.1) mean nothing to a room and are ignored; any other type is no presence at all
    // (RFC 6120 8.3.3.1).
    constexpr std::string_view kOther[] = {"subscribe", "subscribed", "unsubscribe", "unsubscribed",
                                           "probe"};
    if (std::find(std::begin(kOther), std::end(kOther), type) == std::end(kOther)) {
      answer(s, StanzaError::bad_request("Unknown presence type"), fx);
    }
    return;
  }
  if (!to.has_resource()) {
    answer(s, StanzaError::jid_malformed("Enter a room as room@service/nickname"), fx);
    return;
  }
  std::optional<std::string> nick = Jid::prepare_nick(to.resource());
  if (!nick) {
    answer(s, StanzaError::jid_malformed("That nickname is not allowed"), fx);
    return;
  }
  if (auto e = check_size("The nickname", *nick, config_.limits.nick_max_bytes)) {
    answer(s, *e, fx);
    return;
  }
  PresenceIn p = decode_presence(s, from, *nick);
  if (auto e = check_size("The presence", p.payload_xml, config_.limits.presence_max_bytes)) {
    answer(s, *e, fx);
    return;
  }
  bool creating = false;
  if (room == nullptr) {
    if (!p.has_muc_x) {
      answer(s, StanzaError::item_not_found("No such room"), fx);
      return;
    }
    if (!may_create(from)) {
      answer(s, StanzaError::not_allowed("You are not allowed to create rooms here"), fx);
      return;
    }
    if (auto refused = creation_quota(from, now)) {
      answer(s, *refused, fx);
      return;
    }
    RoomConfig defaults;
    defaults.history_length = config_.history_default;
    defaults.enable_archiving = store_ != nullptr && config_.archiving_default;
    slot.room = std::make_unique<Room>(to.bare(), defaults, from, config_.service_admins);
    bind(*slot.room);
    room = slot.room.get();
    creating = true;
    tombstones_.erase(to.local());  // its former owner created it again (tombstone.hpp)
    slot.lock_deadline = now + config_.limits.locked_room_timeout;
    lock_deadlines_.emplace(*slot.lock_deadline, room->jid().local());
  }
  if (auto error = room->on_presence(p, now, fx, creating)) answer(s, *error, fx);
}

void Service::handle_message(Slot& slot, const xml::Element& s, const Jid& from, const Jid& to,
                             Clock::time_point now, Effects& fx) {
  std::string_view type = s.attr_or("type", "normal");
  Room* room = slot.room.get();
  if (type == "error") {
    if (room != nullptr) room->on_bounce(BounceIn{from, error_condition(s)}, fx);
    return;
  }
  if (room == nullptr) {
    answer(s, StanzaError::item_not_found("No such room"), fx);
    return;
  }
  if (auto hidden = room->hidden_from(from)) {
    answer(s, *hidden, fx);
    return;
  }
  std::optional<StanzaError> error;
  if (!to.has_resource()) {
    if (type != "groupchat") {
      error = room_message(slot, s, from, now, fx);
    } else if (std::optional<std::string> subject = subject_change(s)) {
      if (auto e = check_size("The subject", *subject, config_.limits.subject_max_bytes)) {
        answer(s, *e, fx);
        return;
      }
      auto decided =
          room->decide_subject(from, std::move(*subject), std::string(s.attr_or("id")), now);
      if (auto* e = std::get_if<StanzaError>(&decided)) {
        error = *e;
      } else {
        auto change = std::get<SubjectChange>(std::move(decided));
        change.stanza_id = config_.stanza_ids(now);
        submit(slot, std::move(change), s, now, fx);
      }
    } else {
      GroupchatIn in = decode_groupchat(s, from, room->jid().str());
      in.stanza_id = config_.stanza_ids(now);
      if (in.retracts && room->retracts_in_archive()) {
        auto decided = room->decide_self_retraction(in, now);
        if (auto* e = std::get_if<StanzaError>(&decided)) {
          error = *e;
        } else {
          submit_retraction(slot, std::get<Retraction>(std::move(decided)), s);
        }
      } else {
        error = room->on_groupchat(in, now, fx);
      }
    }
  } else if (type == "groupchat") {
    // XEP-0045 7.5: a private message must not be of type groupchat.
    error = StanzaError::bad_request("Private messages must not be of type groupchat");
  } else {
    error = room->on_private_message(
        PrivateMessageIn{from, to.resource(), message_body(s, room->jid().str())}, fx);
  }
  if (error) answer(s, *error, fx);
}

std::optional<StanzaError> Service::room_message(Slot& slot, const xml::Element& s, const Jid& from,
                                                 Clock::time_point now, Effects& fx) {
  // Messages of type normal to the room carry a muc#user invite or decline (XEP-0045 7.8)
  // or a muc#request form (7.13, 8.6).
  Room& room = *slot.room;
  auto decoded = decode_room_message(s, config_.limits);
  if (auto* malformed = std::get_if<StanzaError>(&decoded)) return *malformed;
  RoomMessageIn& request = std::get<RoomMessageIn>(decoded);
  if (auto* invite = std::get_if<InviteIn>(&request)) {
    auto decided = room.decide_invite(from, *invite, now);
    if (auto* error = std::get_if<StanzaError>(&decided)) return *error;
    submit(slot, std::get<InviteChange>(std::move(decided)), s, now, fx);
    return std::nullopt;
  }
  if (auto* decline = std::get_if<DeclineIn>(&request)) {
    return room.on_decline(from, *decline, now, fx);
  }
  return room.on_voice_request(from, std::get<VoiceRequestIn>(request), now, fx);
}

}  // namespace muc
