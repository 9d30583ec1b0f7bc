// The MUC service: the component's domain. It decodes each inbound stanza into a typed
// request (or a stanza error), routes it to the room it names, creates, loads and drops
// rooms, and answers the service's own disco. Like the room it holds no sockets: stanzas
// come in, effects go out. With a Store, it commits a room's changes before applying them
// and holds the room's output behind each commit, so a client is told of a change only
// once it is durable, and in the order the room decided.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "muc/effects.hpp"
#include "muc/requests.hpp"
#include "muc/room.hpp"
#include "muc/stanza_id.hpp"
#include "muc/store.hpp"
#include "xml/element.hpp"
#include "xml/framer.hpp"

namespace muc {

enum class CreationPolicy { anyone, domains, admins };

struct ServiceConfig {
  std::string domain = "conference.localhost";
  std::string name = "Chatrooms";
  std::uint32_t history_default = 20;
  bool archiving_default = true;  // muc#roomconfig_enablearchiving of new rooms (with a store)
  std::vector<std::string> service_admins;  // bare JIDs, owners of every room
  CreationPolicy creation = CreationPolicy::anyone;
  std::vector<std::string> creation_domains;  // with CreationPolicy::domains
  ServiceLimits limits;
  StanzaIdSource stanza_ids = uuid_v7_source();  // XEP-0359 ids of groupchat messages
  // XEP-0421: the key of every occupant id (muc/occupant_id.hpp); kept in the database, or
  // new for each process without one. Empty: no occupant ids.
  std::string occupant_id_secret;
};

class Service {
 public:
  // Output produced later, when a store operation completes.
  using Emit = std::function<void(Effects&)>;

  // Without a store, rooms live in memory only and changes apply at once. With a store,
  // `emit` is required (std::invalid_argument otherwise): it is where every answer decided
  // after a store operation goes, so none can be dropped.
  explicit Service(ServiceConfig config, Store* store = nullptr, Emit emit = {});
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // One stanza from the XMPP server; whatever must be sent now is appended to `fx`.
  void handle(const xml::Element& stanza, Clock::time_point now, Effects& fx);
  // A stanza the stream refused for a fault of its own (over a limit, bad UTF-8...): its
  // sender gets a stanza error when there is someone to answer.
  void handle_fault(const xml::StanzaFault& fault, Effects& fx) const;

  // The service is shutting down: every relayed iq still waiting is answered, every iq
  // waiting for its room is refused, every occupant is told (XEP-0045 status 332), and the
  // rooms are dropped. A commit still in flight answers its iq when it completes; stanzas
  // that arrive later are refused (iq) or ignored.
  void shut_down(Effects& fx);
  // Answers the relayed iqs whose time is up (ServiceLimits::iq_relay_timeout) and destroys
  // the new rooms still locked after ServiceLimits::locked_room_timeout. The core reads no
  // clock: the caller passes the time, e.g. from a timer every second. Costs O(rooms with
  // something due), not O(rooms).
  void expire(Clock::time_point now, Effects& fx);
  // The link to the server was down: nobody knows who is still online. Every occupant's
  // session is checked with an XEP-0199 ping from its room, a few at a time
  // (check_sessions); a session whose server answers that it is gone is removed (333).
  void queue_session_checks();
  // Sends up to `n` queued checks; returns how many are still queued.
  std::size_t check_sessions(std::size_t n, Effects& fx);

  std::size_t room_count() const;
  const Room* find_room(const std::string& local) const;
  // Every loaded room, for tests and fuzzing.
  std::vector<const Room*> rooms() const;

 private:
  // A room's place in the service: the room (null while loading or when absent), the
  // stanzas waiting for it, and its output held behind commits.
  struct Held {
    std::uint64_t barrier = 0;  // 0: plain output, released in turn
    bool done = true;
    std::vector<Outbound> out;
  };
  struct Waiting {
    xml::Element stanza;
    Clock::time_point at;
  };
  struct Slot {
    std::unique_ptr<Room> room;
    bool loading = false;
    bool busy = false;  // a change is being committed: later stanzas wait
    // A logged temporary room emptied: its row must be marked destroyed before the name is
    // used again, or a later load would bring the old room back. Kept until committed.
    std::optional<DestroyRoom> retiring;
    std::deque<Waiting> waiting;
    std::deque<Held> held;
    // The key this slot has in room_timers_: when its room next has something due (a relay
    // to time out, a held presence change to send; Room::next_due).
    std::optional<Clock::time_point> timer;
    // When the room in it was created locked: its key in lock_deadlines_. A later room of
    // the same name gets its own, so an old entry that no longer matches is ignored.
    std::optional<Clock::time_point> lock_deadline;
  };

  void dispatch(Slot& slot, const xml::Element& s, const xmpp::Jid& from, const xmpp::Jid& to,
                Clock::time_point now, Effects& fx);
  void handle_presence(Slot& slot, const xml::Element& s, const xmpp::Jid& from,
                       const xmpp::Jid& to, Clock::time_point now, Effects& fx);
  void handle_message(Slot& slot, const xml::Element& s, const xmpp::Jid& from, const xmpp::Jid& to,
                      Clock::time_point now, Effects& fx);
  std::optional<xmpp::StanzaError> room_message(Slot& slot, const xml::Element& s,
                                                const xmpp::Jid& from, Clock::time_point now,
                                                Effects& fx);
  void handle_iq(Slot* slot, const xml::Element& s, const xmpp::Jid& from, const xmpp::Jid& to,
                 Clock::time_point now, Effects& fx);
  // The one place an answer to a request is built and sent: the dispatcher (handle_iq), the
  // commit path (on_committed), loading and the deferred disco#items all answer through it.
  // An iq get/set gets its result or error; another stanza only an error, and never an
  // error or an iq result (RFC 6120 8.3.1). Later sends nothing: someone answers later.
  static void answer(const xml::Element& request, IqAnswer reply, Effects& fx);
  IqAnswer answer_iq(Slot* slot, const xml::Element& iq, const xml::Element& payload,
                     const xmpp::Jid& from, const xmpp::Jid& to, Clock::time_point now,
                     Effects& fx);
  IqAnswer service_iq(const xml::Element& iq, const xml::Element& payload) const;
  // The service's disco#items: loaded public rooms, and `stored` ones not loaded.
  xml::Element room_items(const std::vector<RoomListing>& stored, const PageRequest& page) const;
  IqAnswer room_iq(Slot& slot, const xml::Element& iq, const xml::Element& payload,
                   const xmpp::Jid& from, Clock::time_point now, Effects& fx);
  // XEP-0313 on the room's JID (service_archive.cpp): the query form, the metadata, and
  // queries, answered once the store has read the page.
  IqAnswer archive_iq(const Room& room, const xml::Element& iq, const xml::Element& payload,
                      const xmpp::Jid& from);
  bool may_create(const xmpp::Jid& who) const;
  // ServiceLimits max_rooms and rooms_per_user_per_hour; counts the creation when allowed.
  std::optional<xmpp::StanzaError> creation_quota(const xmpp::Jid& who, Clock::time_point now);

  // service_rooms.cpp: loading, commits, held output.
  void route(const std::string& local, const xml::Element& s, const xmpp::Jid& from,
             const xmpp::Jid& to, Clock::time_point now, Effects& fx);
  void start_load(const std::string& local, const xmpp::Jid& room_jid);
  void remember_absent(const std::string& local);
  // Gives a new or loaded room what it borrows from the service (limits, occupant-id key).
  void bind(Room& room) const;
  // A room its owner destroyed leaves its tombstone (ServiceLimits::tombstone_time).
  void bury(const std::string& local, Tombstone t);
  void remember_tombstone(const std::string& local, Tombstone t);
  // The tombstone that answers `s` at `local`, if any: not for its former owners (whose
  // join creates the room again) nor for stanzas no room would answer.
  const Tombstone* tombstone_for(const std::string& local, const xml::Element& s,
                                 const xmpp::Jid& from);
  void on_loaded(const std::string& local, const xmpp::Jid& room_jid,
                 std::optional<RoomSnapshot> found, bool ok);
  // Applies `change` now, or commits it first when the room is stored. `request` is
  // answered (iq result, or the wait error on failure) once the outcome is known; returns
  // true when the answer is deferred.
  bool submit(Slot& slot, Change change, const xml::Element& request, Clock::time_point now,
              Effects& fx);
  void on_committed(const std::string& local, std::uint64_t barrier, bool ok, const Change& change,
                    const xml::Element& request);
  // The room's later stanzas wait and its output is held from here (a barrier)...
  std::uint64_t begin_commit(Slot& slot);
  // ...until the commit's outcome is known: `done` takes the barrier's place, in order.
  void finish_commit(const std::string& local, std::uint64_t barrier, Effects& done);
  // XEP-0424/0425: the store retracts, then the room broadcasts (or `request` is refused).
  void submit_retraction(Slot& slot, Retraction retraction, const xml::Element& request);
  void output(Slot& slot, Effects& room_fx, const xml::Element& request, Effects& fx);
  // A room's stanzas that need no commit: out now, or behind the output it holds.
  void pass(Slot& slot, std::vector<Outbound>& out, Effects& fx);
  // Keeps the slot's entry in room_timers_ at its room's next_due(), after the room changed.
  void watch_timer(Slot& slot);
  // Destroys the rooms whose lock_deadline is due and that are still locked.
  void expire_locked(Clock::time_point now, Effects& fx);
  // Takes the slot `local` out of room_timers_.
  void forget_timer(const std::string& local, Slot& slot);
  void hold(Slot& slot, std::vector<Outbound> out);
  void release(Slot& slot, Effects& fx);
  void drain(const std::string& local, Effects& fx);
  void drop_if_finished(const std::string& local);
  // A finished room (emptied temporary, or destroyed) leaves its slot; output it held stays.
  void retire_if_finished(const std::string& local, Slot& slot);
  void commit_retirement(const std::string& local, Slot& slot);

  ServiceConfig config_;
  Store* store_;
  Emit emit_;
  std::map<std::string, Slot> slots_;  // by prepared room localpart
  std::uint64_t next_barrier_ = 1;
  struct SessionCheck {
    std::string room;  // localpart
    xmpp::Jid session;
  };
  std::deque<SessionCheck> session_checks_;
  std::uint64_t next_check_ = 1;
  std::map<std::string, std::deque<Clock::time_point>> created_by_;  // bare JID -> creations
  // Names the database was asked for and has no live room of (remember_absent).
  std::unordered_set<std::string> absent_;
  std::deque<std::string> absent_order_;
  static constexpr std::size_t kMaxAbsent = 100000;
  // Rooms their owners destroyed, by name (tombstone.hpp), oldest forgotten first.
  std::unordered_map<std::string, Tombstone> tombstones_;
  std::deque<std::pair<std::string, Clock::time_point>> tombstone_order_;  // name, destroyed_at
  static constexpr std::size_t kMaxTombstones = 100000;
  std::size_t loading_ = 0;       // loads in flight
  Clock::time_point last_now_{};  // the latest time handle() was given (the core reads no clock)
  // Rooms with something due (Room::next_due), by when: at most one entry per slot
  // (Slot::timer), so expire() looks only at the rooms due.
  std::set<std::pair<Clock::time_point, std::string>> room_timers_;
  // New rooms by the time they are destroyed if still locked (Slot::lock_deadline).
  std::set<std::pair<Clock::time_point, std::string>> lock_deadlines_;
  bool stopped_ = false;  // shut_down() was called
};

}  // namespace muc
