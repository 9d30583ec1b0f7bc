// The persistence interface the MUC core declares and db/ implements (PostgreSQL).
// Operations of one room are applied in the order submitted, each commit() in one
// transaction. Completions are delivered on the loop thread; the loop never waits. Every
// callback is called exactly once, failures and shutdown included: the service answers iqs
// from them (docs/architecture.md, Every iq answered exactly once).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "muc/affiliation.hpp"
#include "muc/room_config.hpp"
#include "muc/tombstone.hpp"

namespace muc {

using StoreTime = std::chrono::system_clock::time_point;

// Create the room row, or update its configuration (every column).
struct SaveRoom {
  std::string room;     // room JID, e.g. "lounge@conference.example.org"
  std::string creator;  // bare JID of the creator (kept from the first save)
  RoomConfig config;
  StoreTime at;
};

// Affiliation none deletes the row (XEP-0045: "none" is the absence of an affiliation).
struct SetAffiliation {
  std::string room;
  std::string jid;  // bare JID
  Affiliation affiliation = Affiliation::none;
  std::string reason;
  std::string actor;  // bare JID of who made the change; empty = the service
  StoreTime at;
};

struct SetSubject {
  std::string room;
  std::string text;
  std::string nick;   // occupant nick of the setter; empty = the room
  std::string actor;  // bare JID of the setter
  StoreTime at;
};

// XEP-0045 10.9: the room is marked destroyed (kept for the audit trail) and its name freed.
struct DestroyRoom {
  std::string room;
  std::string reason;
  std::string alternate;  // alternate venue JID, may be empty
  std::string actor;
  StoreTime at;
  bool tombstone = false;  // an owner's destroy: the address answers gone for a while
};

// XEP-0045 7.10 nick registration: empty nick = unregister.
struct RegisterNick {
  std::string room;
  std::string jid;  // bare JID
  std::string nick;
  StoreTime at;
};

// XEP-0486: the room's vCard (with its avatar); empty xml deletes it.
struct SetVcard {
  std::string room;
  std::string xml;                  // the <vCard/> as served
  std::vector<std::string> hashes;  // muc#roominfo_avatarhash
  std::string actor;                // bare JID of the owner who set it
  StoreTime at;
};

struct ArchiveMessage {
  std::string room;
  std::string nick;        // sender's occupant nick
  std::string sender_jid;  // sender's real bare JID
  std::string message_id;  // the client's id attribute, may be empty
  std::string stanza_id;   // the room's XEP-0359 id for it
  std::string body;        // ignored for a subject change
  std::string stanza_xml;  // the message as broadcast (from room/nick, no `to`)
  StoreTime at;
  // Set for a subject change (XEP-0313 "MUC Archives": stored as messages are), which has no body
  // and is not part of the history on entering (XEP-0045 7.2.16 sends it after the history).
  std::optional<std::string> subject;
};

// One row of the audit log: who did what to whom, why, when.
struct Audit {
  std::string room;
  std::string actor;   // bare JID
  std::string action;  // e.g. "affiliation", "role", "config", "destroy", "subject"
  std::string target;  // bare JID or nick, may be empty
  std::string old_value;
  std::string new_value;
  std::string reason;
  StoreTime at;
};

using StoreOp = std::variant<SaveRoom, SetAffiliation, SetSubject, DestroyRoom, RegisterNick,
                             ArchiveMessage, Audit, SetVcard>;

struct StoredAffiliation {
  Affiliation affiliation = Affiliation::none;
  std::string reason;
};

struct StoredMessage {
  std::string nick;
  std::string stanza_xml;  // as archived
  StoreTime at;
};

// What is needed to bring a persistent room back to memory.
struct RoomSnapshot {
  std::string room;
  std::string creator;
  RoomConfig config;
  std::map<std::string, StoredAffiliation> affiliations;  // bare JID -> affiliation
  std::map<std::string, std::string> registered_nicks;    // bare JID -> nick
  std::string subject;
  std::string subject_nick;
  std::string subject_by;              // the setter's real bare JID (may be empty)
  StoreTime subject_at{};              // when it was set (the epoch when there is none)
  std::vector<StoredMessage> history;  // newest config.history_length messages, oldest first
  std::string vcard_xml;               // XEP-0486: the room's vCard, empty when none
  std::vector<std::string> avatar_hashes;
};

// A public persistent room, as disco#items lists it (XEP-0045 6.3).
struct RoomListing {
  std::string room;  // room JID
  std::string name;  // muc#roomconfig_roomname, may be empty
};

// XEP-0313 4: one page of a room's archive, in the order the room sent them (each message's
// row number, not its time: several share a second). A message's archive id is its
// stanza-id (XEP-0359); messages archived before stanza-ids existed have none and are not
// served. Every filter given must hold.
struct ArchiveQuery {
  std::string room;                      // room JID: the archive of its live row
  std::optional<StoreTime> start;        // sent at or after
  std::optional<StoreTime> end;          // sent at or before
  std::vector<std::string> after;        // archived after each of these ids (exclusive)
  std::vector<std::string> before;       // archived before each of these ids (exclusive)
  std::vector<std::string> ids;          // one of these ids (empty: any)
  std::optional<std::string> with_nick;  // sent under this nick
  std::optional<std::string> with_jid;   // sent by this real bare JID
  bool from_end = false;  // the page nearest the newest match (RSM <before/>), else the oldest
  std::size_t max = 50;   // messages in the page; 0: none (with count, only the count)
  bool count = false;     // also count every match (RSM <count/>)
};

struct ArchivedMessage {
  std::string stanza_id;
  std::string nick;        // the sender's nick
  std::string sender_jid;  // the sender's real bare JID
  std::string stanza_xml;  // as archived: the broadcast, without `to`
  StoreTime at;
};

struct ArchivePage {
  std::vector<ArchivedMessage> messages;  // oldest first, whichever end the page is at
  // No match lies beyond the page in its direction (after it, or before it when from_end).
  bool complete = false;
  std::optional<std::uint64_t> count;  // when asked
  // An id of after, before or ids is not in this room's archive: XEP-0313 4.1.3 and 4.3.2
  // answer item-not-found, so nothing else is read.
  bool unknown_id = false;
};

// XEP-0424/0425: one archived message replaced by its tombstone, in one transaction with the
// archiving of the retraction itself and the audit row (action "retract", target the
// author's bare JID, new_value the retracted stanza-id). The store reads the message, checks
// it, and builds the tombstone from it (retraction.hpp), since only the archive holds it.
struct RetractMessage {
  std::string room;
  std::string stanza_id;      // the message retracted: the room's XEP-0359 id for it
  std::string author;         // not empty: only if sent by this real bare JID (XEP-0424)
  std::string actor;          // real bare JID of who retracted it
  std::string reason;         // may be empty
  std::string retracted_xml;  // the <retracted/> element the tombstone carries
  ArchiveMessage retraction;  // the retraction as broadcast, archived with it
  StoreTime at;
};

struct RetractResult {
  enum class Outcome {
    retracted,  // the tombstone replaced it (and the retraction is archived)
    already,    // it was a tombstone already: nothing changed
    not_found,  // no such message in the room's archive: nothing changed, unless `author`
                // was given (a self-retraction is archived like any message then)
    not_author  // `author` did not send it: nothing changed
  };
  Outcome outcome = Outcome::not_found;
  // With retracted and already: the message as the archive now holds it, and when it was sent.
  std::string tombstone_xml;
  StoreTime sent_at{};
};

// XEP-0313 5: the oldest and newest archived message (both empty: an empty archive).
struct ArchiveEnds {
  std::optional<ArchivedMessage> first;
  std::optional<ArchivedMessage> last;
};

class Store {
 public:
  virtual ~Store() = default;
  // ok=false: the database failed (the caller answers with a wait error and changes nothing).
  using CommitDone = std::function<void(bool ok)>;
  // found=nullopt with ok=true: no such (live) room; then `tombstone` is what the newest
  // room of that name its owner destroyed left (tombstone.hpp), if there was one.
  using LoadDone = std::function<void(std::optional<RoomSnapshot> found, bool ok,
                                      std::optional<Tombstone> tombstone)>;

  // Public, persistent, live rooms, by JID (at most kMaxListed).
  using ListDone = std::function<void(std::vector<RoomListing> rooms, bool ok)>;
  // A room without a live row has an empty archive (ok=true, no messages, complete).
  using ArchiveDone = std::function<void(ArchivePage page, bool ok)>;
  using ArchiveEndsDone = std::function<void(ArchiveEnds ends, bool ok)>;
  using RetractDone = std::function<void(RetractResult result, bool ok)>;
  static constexpr std::size_t kMaxListed = 10000;

  virtual void commit(const std::string& room, std::vector<StoreOp> ops, CommitDone done) = 0;
  virtual void load(const std::string& room, LoadDone done) = 0;
  // The public persistent rooms of `domain` (several services may share one database).
  virtual void list_public(const std::string& domain, ListDone done) = 0;
  // Reads see every commit submitted before them (the store runs jobs in order).
  virtual void query_archive(ArchiveQuery query, ArchiveDone done) = 0;
  virtual void archive_ends(const std::string& room, ArchiveEndsDone done) = 0;
  // Applied in order with the room's commits (a message committed before is found).
  virtual void retract(RetractMessage op, RetractDone done) = 0;
};

}  // namespace muc
