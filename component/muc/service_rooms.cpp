// Rooms and the store: loading on first use, committing changes before applying them,
// and holding a room's output behind its commits so that clients see it in order and
// only once it is durable (docs/architecture.md, Decide, then apply).
#include <algorithm>
#include <cassert>

#include "base/log.hpp"
#include "muc/service.hpp"

namespace muc {

using xmpp::Jid;
using xmpp::StanzaError;

namespace {

StanzaError database_unavailable() {
  // Design decision: wait/resource-constraint tells the client to retry later; nothing
  // was changed (README "Durability").
  return StanzaError::resource_constraint(
      "The room's database is unavailable; nothing was changed, try again later");
}

}  // namespace

void Service::route(const std::string& local, const xml::Element& s, const Jid& from, const Jid& to,
                    Clock::time_point now, Effects& fx) {
  auto it = slots_.find(local);
  if (it == slots_.end()) {
    if (store_ != nullptr && !absent_.contains(local)) {
      // Rooms load on first use; the stanza waits for the answer. Loads are bounded: each
      // is a transaction on the one database thread, and any name can be asked for.
      if (config_.limits.max_loading != 0 && loading_ >= config_.limits.max_loading) {
        if (!xmpp::must_not_answer(s)) {
          fx.send(xmpp::error_reply(
              s, StanzaError::resource_constraint("The service is busy; try again shortly")));
        }
        return;
      }
      it = slots_.emplace(local, Slot{}).first;
      it->second.loading = true;
      ++loading_;
      it->second.waiting.push_back({s, now});
      start_load(local, to.bare());
      return;
    }
    it = slots_.emplace(local, Slot{}).first;
  }
  Slot& slot = it->second;
  if (slot.loading || slot.busy || !slot.waiting.empty()) {
    if (config_.limits.max_waiting != 0 && slot.waiting.size() >= config_.limits.max_waiting) {
      // A room that cannot keep up (a slow commit, a load) does not grow without bound.
      if (!xmpp::must_not_answer(s)) {
        fx.send(xmpp::error_reply(
            s, StanzaError::resource_constraint("The room is busy; try again shortly")));
      }
      return;
    }
    slot.waiting.push_back({s, now});
    return;
  }
  retire_if_finished(local, slot);
  if (slot.retiring) {
    // The emptied room's row is not yet marked destroyed: this stanza waits for that.
    slot.waiting.push_back({s, now});
    if (!slot.busy) commit_retirement(local, slot);
    return;
  }
  Effects room_fx;
  dispatch(slot, s, from, to, now, room_fx);
  output(slot, room_fx, s, fx);
  drop_if_finished(local);
}

void Service::pass(Slot& slot, std::vector<Outbound>& out, Effects& fx) {
  if (slot.held.empty() && fx.out.empty()) {
    fx.out.swap(out);  // the common case: no copy of a (possibly large) list
  } else if (slot.held.empty()) {
    fx.out.insert(fx.out.end(), std::make_move_iterator(out.begin()),
                  std::make_move_iterator(out.end()));
  } else {
    hold(slot, std::move(out));
  }
}

void Service::output(Slot& slot, Effects& room_fx, const xml::Element& request, Effects& fx) {
  if (room_fx.archive.empty() || store_ == nullptr) {
    pass(slot, room_fx.out, fx);
    return;
  }
  // A logged message: its broadcast waits for the archive commit; others' output after it
  // waits too, so the room's order holds. The room keeps working meanwhile (no stall).
  std::uint64_t barrier = next_barrier_++;
  slot.held.push_back(Held{barrier, false, std::move(room_fx.out)});
  std::string local = slot.room->jid().local();
  auto unarchived = std::move(room_fx.forget_on_failure);
  auto message = std::make_shared<xml::Element>(request);
  store_->commit(slot.room->jid().str(), std::move(room_fx.archive),
                 [this, local, barrier, unarchived, message](bool ok) {
                   // A message has no answer but an error: after shut_down (no slot) there
                   // is nobody left to broadcast to, and nothing to refuse.
                   auto it = slots_.find(local);
                   if (it == slots_.end()) return;
                   Slot& s = it->second;
                   bool later = false;
                   for (Held& h : s.held) {
                     if (later && !ok && unarchived) {
                       // A newcomer who joined while this committed got the message in its
                       // history; that output is still held, so it is taken back too: the
                       // archive never misses a message anyone saw (README, Durability).
                       std::erase_if(h.out,
                                     [&](const Outbound& o) { return o.stanza == unarchived; });
                     }
                     if (h.barrier != barrier) continue;
                     later = true;
                     h.done = true;
                     if (!ok) {
                       // Not archived, so not broadcast: the sender is told to retry.
                       base::log_warn({local, message->attr_or("id")},
                                      "archive commit failed; message refused");
                       Effects e;
                       answer(*message, database_unavailable(), e);
                       h.out = std::move(e.out);
                       if (s.room && unarchived) s.room->forget(unarchived);
                     }
                   }
                   Effects e;
                   release(s, e);
                   drop_if_finished(local);  // it may have emptied while this committed
                   emit_(e);
                 });
}

void Service::hold(Slot& slot, std::vector<Outbound> out) {
  if (out.empty()) return;
  if (!slot.held.empty() && slot.held.back().barrier == 0) {
    auto& back = slot.held.back().out;
    back.insert(back.end(), std::make_move_iterator(out.begin()),
                std::make_move_iterator(out.end()));
    return;
  }
  slot.held.push_back(Held{0, true, std::move(out)});
}

void Service::release(Slot& slot, Effects& fx) {
  while (!slot.held.empty() && slot.held.front().done) {
    auto& out = slot.held.front().out;
    fx.out.insert(fx.out.end(), std::make_move_iterator(out.begin()),
                  std::make_move_iterator(out.end()));
    slot.held.pop_front();
  }
}

bool Service::submit(Slot& slot, Change change, const xml::Element& request, Clock::time_point now,
                     Effects& fx) {
  Room& room = *slot.room;
  std::vector<StoreOp> ops;
  if (store_ != nullptr) ops = room.store_ops(change, now);
  if (ops.empty()) {
    room.apply(change, fx);
    return false;
  }
  // A stored room's change: commit first, apply after; the room's other stanzas wait so
  // that every later decision sees the committed state.
  const std::uint64_t barrier = begin_commit(slot);
  std::string local = room.jid().local();
  auto shared_change = std::make_shared<Change>(std::move(change));
  auto shared_request = std::make_shared<xml::Element>(request);
  store_->commit(room.jid().str(), std::move(ops),
                 [this, local, barrier, shared_change, shared_request](bool ok) {
                   on_committed(local, barrier, ok, *shared_change, *shared_request);
                 });
  return true;
}

void Service::on_committed(const std::string& local, std::uint64_t barrier, bool ok,
                           const Change& change, const xml::Element& request) {
  auto it = slots_.find(local);
  Slot* slot = it == slots_.end() ? nullptr : &it->second;
  Effects done;
  if (ok) {
    // Durable now: applied if the room is still here, and answered with a result either
    // way (after shut_down the room is gone, but the change is in the database).
    if (slot != nullptr && slot->room) slot->room->apply(change, done);
    answer(request, std::optional<xml::Element>(), done);
  } else {
    base::log_warn({local, request.attr_or("id")},
                   "commit failed; answering the {} with resource-constraint", request.name());
    answer(request, database_unavailable(), done);
  }
  finish_commit(local, barrier, done);
}

void Service::finish_commit(const std::string& local, std::uint64_t barrier, Effects& done) {
  auto it = slots_.find(local);
  if (it == slots_.end()) {
    emit_(done);
    return;
  }
  Slot& slot = it->second;
  for (Held& h : slot.held) {
    if (h.barrier == barrier) {
      h.done = true;
      h.out = std::move(done.out);
    }
  }
  slot.busy = false;
  Effects out;
  release(slot, out);
  drain(local, out);
  drop_if_finished(local);
  emit_(out);
}

std::uint64_t Service::begin_commit(Slot& slot) {
  slot.busy = true;
  std::uint64_t barrier = next_barrier_++;
  slot.held.push_back(Held{barrier, false, {}});
  return barrier;
}

void Service::submit_retraction(Slot& slot, Retraction retraction, const xml::Element& request) {
  // Like a change: the room's later stanzas wait, and nothing is said before the commit.
  assert(store_ != nullptr);
  const std::uint64_t barrier = begin_commit(slot);
  std::string local = slot.room->jid().local();
  auto r = std::make_shared<Retraction>(std::move(retraction));
  auto shared_request = std::make_shared<xml::Element>(request);
  store_->retract(r->op, [this, local, barrier, r, shared_request](const RetractResult& result,
                                                                   bool ok) {
    using Outcome = RetractResult::Outcome;
    Effects done;
    auto it = slots_.find(local);
    Room* room = it == slots_.end() ? nullptr : it->second.room.get();
    if (!ok) {
      base::log_warn({local, shared_request->attr_or("id")},
                     "retraction failed: database unavailable");
      answer(*shared_request, database_unavailable(), done);
    } else if (result.outcome == Outcome::not_author) {
      // XEP-0424 5: only the author retracts their message without moderation.
      answer(*shared_request, StanzaError::forbidden("You may only retract your own messages"),
             done);
    } else if (r->moderated && result.outcome == Outcome::not_found) {
      answer(*shared_request, StanzaError::item_not_found("No such message in the archive"), done);
    } else {
      if (room != nullptr) room->apply_retraction(*r, result, done);
      answer(*shared_request, std::optional<xml::Element>(), done);
    }
    finish_commit(local, barrier, done);
  });
}

void Service::start_load(const std::string& local, const Jid& room_jid) {
  store_->load(room_jid.str(), [this, local, room_jid](std::optional<RoomSnapshot> found, bool ok,
                                                       std::optional<Tombstone> tombstone) {
    // A tombstone from before a restart (the ones of this run are in memory already).
    if (ok && !found && tombstone && !tombstones_.contains(local)) {
      remember_tombstone(local, std::move(*tombstone));
    }
    on_loaded(local, room_jid, std::move(found), ok);
  });
}

void Service::on_loaded(const std::string& local, const Jid& room_jid,
                        std::optional<RoomSnapshot> found, bool ok) {
  auto it = slots_.find(local);
  if (it == slots_.end()) return;
  Slot& slot = it->second;
  slot.loading = false;
  --loading_;
  Effects out;
  if (ok && !found) remember_absent(local);
  if (!ok) {
    // Unknown whether the room exists: creating it now could shadow a stored one. Refuse
    // what waited; the next stanza tries again.
    base::log_warn({room_jid.str(), {}}, "could not load the room: database unavailable");
    for (const Waiting& w : slot.waiting) answer(w.stanza, database_unavailable(), out);
    slots_.erase(it);
  } else {
    if (found) {
      slot.room = std::make_unique<Room>(room_jid, *found, config_.service_admins);
      bind(*slot.room);
    }
    drain(local, out);
    drop_if_finished(local);
  }
  emit_(out);
}

void Service::bind(Room& room) const {
  room.use_limits(config_.limits);
  room.use_occupant_id_secret(config_.occupant_id_secret);
  room.use_archive(store_ != nullptr);
}

void Service::remember_absent(const std::string& local) {
  // The database has no live room of this name, and only this service writes rooms, so it
  // will not have one until a room of that name is stored here, which happens in its slot;
  // the next time the slot is empty there is again no live row (a finished room is either
  // unstored or retired). So later stanzas to the name need no load. Bounded, oldest
  // forgotten first. (If rooms are ever evicted from memory while stored, evicting must
  // take the name out of this set.)
  if (!absent_.insert(local).second) return;
  absent_order_.push_back(local);
  while (absent_order_.size() > kMaxAbsent) {
    absent_.erase(absent_order_.front());
    absent_order_.pop_front();
  }
}

void Service::bury(const std::string& local, Tombstone t) {
  if (config_.limits.tombstone_time.count() == 0) return;
  t.destroyed_at = last_now_;
  remember_tombstone(local, std::move(t));
}

void Service::remember_tombstone(const std::string& local, Tombstone t) {
  tombstone_order_.emplace_back(local, t.destroyed_at);
  tombstones_.insert_or_assign(local, std::move(t));
  // Bounded like every remote-driven set, oldest first; an entry whose tombstone was since
  // removed or replaced (another destroy time) is stale and removes nothing.
  while (tombstone_order_.size() > kMaxTombstones) {
    const auto& [name, at] = tombstone_order_.front();
    auto it = tombstones_.find(name);
    if (it != tombstones_.end() && it->second.destroyed_at == at) tombstones_.erase(it);
    tombstone_order_.pop_front();
  }
}

const Tombstone* Service::tombstone_for(const std::string& local, const xml::Element& s,
                                        const Jid& from) {
  auto it = tombstones_.find(local);
  if (it == tombstones_.end()) return nullptr;
  const Tombstone& t = it->second;
  if (last_now_ >= t.destroyed_at + config_.limits.tombstone_time) {
    tombstones_.erase(it);  // its entry in tombstone_order_ is stale now (bury)
    return nullptr;
  }
  // What gets an answer: a join, a message, an iq get/set. Leaving, errors and results
  // get none, as from any room.
  const std::string_view type = s.attr_or("type");
  const bool join = s.name() == "presence" && type.empty();
  if (xmpp::must_not_answer(s) || (s.name() == "presence" && !join)) return nullptr;
  const std::string bare = from.bare_str();
  const bool owner = std::find(t.owners.begin(), t.owners.end(), bare) != t.owners.end() ||
                     std::find(config_.service_admins.begin(), config_.service_admins.end(),
                               bare) != config_.service_admins.end();
  // Its owners may create the room again before its time is up; the tombstone goes once
  // they have (handle_presence).
  return owner ? nullptr : &t;
}

void Service::drain(const std::string& local, Effects& fx) {
  for (;;) {
    auto it = slots_.find(local);
    if (it == slots_.end()) return;
    Slot& slot = it->second;
    if (slot.loading || slot.busy || slot.waiting.empty()) return;
    retire_if_finished(local, slot);  // a room emptied by an earlier waiting stanza is gone
    if (slot.retiring) {
      if (!slot.busy) commit_retirement(local, slot);
      return;  // the rest waits for the row to be retired
    }
    Waiting w = std::move(slot.waiting.front());
    slot.waiting.pop_front();
    std::optional<Jid> from = Jid::parse(w.stanza.attr_or("from"));
    std::optional<Jid> to = Jid::parse(w.stanza.attr_or("to"));
    if (!from || !to) continue;  // checked on arrival; cannot happen
    Effects room_fx;
    dispatch(slot, w.stanza, *from, *to, w.at, room_fx);
    output(slot, room_fx, w.stanza, fx);
  }
}

void Service::retire_if_finished(const std::string& local, Slot& slot) {
  if (!slot.room || !slot.room->finished()) return;
  if (store_ != nullptr && slot.room->has_rows() && !slot.room->destroyed()) {
    // A logged temporary room ends with its last occupant: its row is marked destroyed so
    // the name is free (its archive stays for the operators).
    std::string jid = slot.room->jid().str();
    slot.retiring = DestroyRoom{jid, "temporary room emptied", {}, {}, last_now_};
  }
  // The next stanza for this name finds no room: a join creates a new one, unless an owner
  // destroyed it (tombstone.hpp).
  if (const std::optional<Tombstone>& t = slot.room->tombstone()) bury(local, *t);
  slot.room.reset();
  if (slot.retiring) commit_retirement(local, slot);
}

void Service::commit_retirement(const std::string& local, Slot& slot) {
  slot.busy = true;
  std::string jid = slot.retiring->room;
  store_->commit(jid, {*slot.retiring}, [this, local, jid](bool ok) {
    auto it = slots_.find(local);
    if (it == slots_.end()) return;
    Slot& s = it->second;
    s.busy = false;
    Effects out;
    if (ok) {
      s.retiring.reset();
      drain(local, out);
    } else {
      // Until the row is retired the name cannot be reused: what waited is refused and the
      // next stanza tries again (the same answer as a room that could not be loaded).
      base::log_warn({jid, {}}, "could not mark the temporary room destroyed; will retry");
      for (const Waiting& w : s.waiting) {
        if (!xmpp::must_not_answer(w.stanza))
          out.send(xmpp::error_reply(w.stanza, database_unavailable()));
      }
      s.waiting.clear();
    }
    drop_if_finished(local);
    if (emit_) emit_(out);
  });
}

void Service::drop_if_finished(const std::string& local) {
  auto it = slots_.find(local);
  if (it == slots_.end()) return;
  Slot& slot = it->second;
  if (slot.loading || slot.busy || !slot.waiting.empty()) return;
  retire_if_finished(local, slot);
  if (slot.room || slot.retiring || slot.busy || !slot.held.empty()) return;
  forget_timer(local, slot);
  slots_.erase(it);
}

}  // namespace muc
