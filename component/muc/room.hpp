// One multi-user chat room: a pure state machine. It takes decoded requests and the
// current time and appends the stanzas to send to an Effects; errors come back as values
// for the service to send. No sockets, no database, no clock of its own.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <variant>

#include "muc/admin_change.hpp"
#include "muc/affiliation.hpp"
#include "muc/archive.hpp"
#include "muc/change.hpp"
#include "muc/effects.hpp"
#include "muc/history.hpp"
#include "muc/nick_registry.hpp"
#include "muc/occupant.hpp"
#include "muc/owner_change.hpp"
#include "muc/privileges.hpp"
#include "muc/requests.hpp"
#include "muc/retraction.hpp"
#include "muc/room_config.hpp"
#include "muc/service_limits.hpp"
#include "muc/store.hpp"
#include "muc/tombstone.hpp"
#include "xmpp/jid.hpp"
#include "xmpp/stanza_error.hpp"

namespace muc {

struct ItemDetail;

// An iq handler's answer: the payload of the result (nullopt = empty result), an error, or
// Later: the answer comes later (a relayed iq answered by an occupant, or a change answered
// once the store has committed it).
struct Later {};
using IqAnswer = std::variant<std::optional<xml::Element>, xmpp::StanzaError, Later>;

class Room {
 public:
  // A new room, created by `creator` (who becomes its owner) and locked until configured
  // (XEP-0045 10.1).
  // `service_admins` (bare JIDs, owners of every room) is borrowed from the service,
  // which outlives its rooms.
  Room(xmpp::Jid room_jid, RoomConfig config, const xmpp::Jid& creator,
       const std::vector<std::string>& service_admins);
  // A stored room brought back from the database (rooms load on first use).
  Room(xmpp::Jid room_jid, const RoomSnapshot& snapshot,
       const std::vector<std::string>& service_admins);
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  // The service's bounds (borrowed: the service outlives its rooms); none until set.
  void use_limits(const ServiceLimits& limits) { limits_ = &limits; }
  // The service's XEP-0421 secret (borrowed likewise); without one no occupant-id is sent.
  void use_occupant_id_secret(const std::string& secret) { occupant_id_secret_ = &secret; }
  // Whether the service has an archive (a database) to keep this room's messages in;
  // without one, a configuration that turns archiving on is not acceptable.
  void use_archive(bool available) { archive_available_ = available; }
  const xmpp::Jid& jid() const { return jid_; }
  const RoomConfig& config() const { return config_; }
  bool locked() const { return locked_; }
  bool destroyed() const { return destroyed_; }
  // Set when an owner destroyed the room (10.9), not when a new room was abandoned: what
  // its address keeps answering for a while (tombstone.hpp; the service stamps the time).
  const std::optional<Tombstone>& tombstone() const { return tombstone_; }
  std::size_t occupant_count() const { return occupants_.size(); }
  // A temporary room with nobody in it, or a destroyed one, is dropped by the service.
  bool finished() const { return destroyed_ || (occupants_.empty() && !config_.persistent); }
  // Kept in the database: persistent rooms, and rooms whose conversations are logged.
  bool stored() const { return config_.persistent || config_.recorded(); }
  // Has rows in the database: stored, and past its initial configuration (a new room is
  // locked, and written, with its owner, only once configured: XEP-0045 10.1).
  bool has_rows() const { return stored() && !locked_; }
  // Its groupchat messages and subject changes go to the `messages` table (logged or
  // archived, and stored).
  bool keeps_messages() const { return config_.recorded() && has_rows(); }
  // A new room still locked after ServiceLimits::locked_room_timeout is destroyed, as when
  // its initial configuration is cancelled (10.1.3); its occupants get the 10.9 presence,
  // whose reason says why. Never stored, so nothing is committed.
  void destroy_unconfigured(Effects& fx);

  // Applies a decided change (after its store operations committed, for a stored room).
  void apply(const Change& change, Effects& fx);
  // The store operations that make `change` durable, computed against the current state
  // (before apply): the rows to write and the audit log entries.
  std::vector<StoreOp> store_ops(const Change& change, StoreTime now) const;
  // Everything needed to create this room's rows (when it becomes stored).
  std::vector<StoreOp> snapshot_ops(StoreTime now) const;
  // Adds a message to the history; forget() takes it back (its archive commit failed).
  void remember(History::Entry entry);
  void forget(const std::shared_ptr<const xml::Prepared>& stanza);
  // XEP-0045 8.1: may this occupant set the subject?
  std::variant<SubjectChange, xmpp::StanzaError> decide_subject(const xmpp::Jid& from,
                                                                std::string text, std::string id,
                                                                Clock::time_point now) const;

  // Presence without type: enter, resync, update or change nick.
  std::optional<xmpp::StanzaError> on_presence(const PresenceIn& p, Clock::time_point now,
                                               Effects& fx, bool creating = false);
  void on_leave(const LeaveIn& p, Effects& fx);
  std::optional<xmpp::StanzaError> on_groupchat(const GroupchatIn& m, Clock::time_point now,
                                                Effects& fx);
  std::optional<xmpp::StanzaError> on_private_message(const PrivateMessageIn& m, Effects& fx);
  // XEP-0424 and XEP-0425 (room_retraction.cpp). Retractions are kept as tombstones in the
  // archive, so they are decided here only where the room keeps one (retracts_in_archive);
  // elsewhere a self-retraction is a plain groupchat message and moderation is refused.
  bool retracts_in_archive() const;
  std::variant<Retraction, xmpp::StanzaError> decide_moderation(const xmpp::Jid& from,
                                                                const ModerateIn& in,
                                                                const std::string& stanza_id,
                                                                Clock::time_point now) const;
  std::variant<Retraction, xmpp::StanzaError> decide_self_retraction(const GroupchatIn& m,
                                                                     Clock::time_point now);
  // Once the store has answered: the retraction is broadcast and kept in the history, and
  // the message it retracts gives way to its tombstone in the history too. The answer to
  // the request, error or result, is the service's.
  void apply_retraction(const Retraction& r, const RetractResult& result, Effects& fx);
  void on_bounce(const BounceIn& b, Effects& fx);
  // The service is shutting down: every session is told it left (110 + 332).
  void shut_down(Effects& fx) const;
  // Every session's full JID, for the liveness check after the link was down.
  std::vector<xmpp::Jid> sessions() const;

  IqAnswer on_disco_info(const xmpp::Jid& from) const;
  // XEP-0313 (room_archive.cpp): what an archive query of `from` may read, or why not.
  std::variant<ArchiveRead, xmpp::StanzaError> decide_archive_query(const xmpp::Jid& from,
                                                                    const ArchiveQueryIn& in) const;
  // XEP-0313 5 and 4.1.5: metadata and the query form; the same readers as the archive.
  std::optional<xmpp::StanzaError> check_archive_access(const xmpp::Jid& from) const;
  IqAnswer on_owner_get(const xmpp::Jid& from) const;
  std::variant<OwnerChange, xmpp::StanzaError> decide_owner_set(const xmpp::Jid& from,
                                                                const OwnerSetIn& request) const;
  void apply_owner(const OwnerChange& change, Effects& fx);

  // muc#admin (XEP-0045 8.5, 9.2, 9.4, 9.5, 10.5, 10.8): read a role or affiliation list.
  IqAnswer on_admin_get(const xmpp::Jid& from, const AdminGetIn& request) const;
  // muc#admin set: decide (pure, against the current state), then apply. The service may
  // commit the change to the store between the two.
  std::variant<AdminChange, xmpp::StanzaError> decide_admin_set(const xmpp::Jid& from,
                                                                const AdminSetIn& request) const;
  void apply_admin(const AdminChange& change, Effects& fx);

  // jabber:iq:register (XEP-0045 7.10) and the reserved-nick query (7.12).
  IqAnswer on_register_get(const xmpp::Jid& from) const;
  std::variant<RegistrationChange, xmpp::StanzaError> decide_register(
      const xmpp::Jid& from, const RegisterSetIn& request) const;
  void apply_register(const RegistrationChange& change, Effects& fx);
  IqAnswer on_reserved_nick_query(const xmpp::Jid& from) const;
  // XEP-0486 (room_vcard.cpp): anyone the room is not hidden from reads its vCard (XEP-0054:
  // an empty one when none is set); owners set and clear it, announced with 104.
  IqAnswer on_vcard_get() const;
  std::variant<VcardChange, xmpp::StanzaError> decide_vcard(const xmpp::Jid& from,
                                                            VcardSetIn in) const;
  void apply_vcard(const VcardChange& change, Effects& fx);

  // Messages of type normal to the room: invitations and declines (7.8), voice requests
  // and their approval (7.13, 8.6).
  std::variant<InviteChange, xmpp::StanzaError> decide_invite(const xmpp::Jid& from,
                                                              const InviteIn& request,
                                                              Clock::time_point now) const;
  void apply_invite(const InviteChange& change, Effects& fx);
  // 7.8.3: relayed only from an invitee, to its inviter, while the invitation is pending.
  std::optional<xmpp::StanzaError> on_decline(const xmpp::Jid& from, const DeclineIn& request,
                                              Clock::time_point now, Effects& fx);
  // 7.13: a visitor asks at most once a minute (each request reaches every moderator).
  std::optional<xmpp::StanzaError> on_voice_request(const xmpp::Jid& from,
                                                    const VoiceRequestIn& request,
                                                    Clock::time_point now, Effects& fx);

  // iq to room@service/nick (XEP-0045 7.5, RFC 6121 8.5.3 style): relayed to the occupant's
  // real JID with the id rewritten, and the answer relayed back to the asker. Each relay is
  // answered exactly once: by the target's answer, or by the room with an error from the
  // target's occupant JID when the target leaves (wait/recipient-unavailable) or has not
  // answered by `now` + ServiceLimits::iq_relay_timeout (wait/remote-server-timeout). Over
  // kMaxPendingIqs pending, a new one is refused at once (wait/resource-constraint).
  std::optional<xmpp::StanzaError> on_occupant_iq(const OccupantIqIn& in, Clock::time_point now,
                                                  Effects& fx);
  void on_occupant_iq_response(const OccupantIqAnswerIn& in, Effects& fx);
  // What is due by `now`: relays answered with wait/remote-server-timeout (RFC 6120
  // 8.3.3.16), and held presence changes sent (ServiceLimits::presence_rate).
  void expire(Clock::time_point now, Effects& fx);
  // When expire() next has something to do; nullopt when nothing is pending.
  std::optional<Clock::time_point> next_due() const;
  // Answers every pending relay with `error` (the service is shutting down).
  void fail_relays(const xmpp::StanzaError& error, Effects& fx);
  static constexpr std::size_t kMaxPendingIqs = 1024;

  Affiliation affiliation_of(const xmpp::Jid& jid) const;
  // What must always hold, for tests and fuzzing: the room has an owner, no outcast is an
  // occupant, every occupant's role is one its affiliation allows and its cached
  // affiliation is its effective one, and sessions and nicks agree. Empty when all hold.
  std::string invariant_violation() const;
  // XEP-0045 10.1.1: item-not-found for anyone but an owner while the room is locked.
  std::optional<xmpp::StanzaError> hidden_from(const xmpp::Jid& who) const;
  // The bare JID that reserved `nick`, or empty.
  std::string reserved_by(const std::string& nick) const;

 private:
  struct Facts;
  Facts facts_for(const PresenceIn& p) const;
  std::optional<xmpp::StanzaError> check_entry(const Facts& f) const;
  void enter(const PresenceIn& p, Clock::time_point now, Effects& fx, bool creating);
  void send_join_sequence(const Occupant& o, const xmpp::Jid& session, const PresenceIn& p,
                          Clock::time_point now, Effects& fx, bool creating);
  void update_presence(Occupant& o, const PresenceIn& p, Clock::time_point now, Effects& fx);
  std::optional<xmpp::StanzaError> change_nick(Occupant& o, const PresenceIn& p,
                                               Clock::time_point now, Effects& fx);
  // Presence changes over ServiceLimits::presence_rate (room_held_presence.cpp). `o` has its
  // new payload: others get it now, or, when its bucket is empty, once it has a token again
  // (only the latest is sent). `to_self`: its sessions get it too.
  void share_presence(Occupant& o, Clock::time_point now, bool to_self, Effects& fx);
  void show_presence_change(const Occupant& o, bool to_self, Effects& fx) const;
  // ServiceLimits::presence_rate: true when `o` may change its presence now (a token was
  // taken, or it is not limited).
  bool take_presence_token(Occupant& o, Clock::time_point now) const;
  bool holds_presence(const Occupant& o) const;
  void hold_presence(Occupant& o, Clock::time_point now);
  void release_presences(Clock::time_point now, Effects& fx);
  void expire_relays(Clock::time_point now, Effects& fx);
  std::optional<xmpp::StanzaError> split_nick(Occupant& o, const PresenceIn& p, Effects& fx);
  void remove_session(const xmpp::Jid& session, std::vector<int> codes,
                      const std::string& payload_xml, Effects& fx);
  void apply_subject(const SubjectChange& change, Effects& fx);
  // ServiceLimits::message_rate: takes one message's token, or the error to answer.
  std::optional<xmpp::StanzaError> take_token(Occupant& o, Clock::time_point now) const;
  // `from` as the privilege table sees it: its role (none when not an occupant) and its
  // effective affiliation.
  Party party_of(const xmpp::Jid& from) const;
  void destroy(const DestroyRequest& request, Effects& fx);
  std::optional<xmpp::StanzaError> decide_owner_lists(const std::vector<FormField>& fields,
                                                      OwnerChange& change) const;
  void announce_config_change(const std::vector<int>& codes, Effects& fx);
  std::optional<xmpp::StanzaError> decide_role_item(const xmpp::Jid& from, const Party& me,
                                                    const RoleItem& item,
                                                    AdminChange& change) const;
  std::optional<xmpp::StanzaError> decide_affiliation_item(const xmpp::Jid& from, const Party& me,
                                                           const AffiliationItem& item,
                                                           AdminChange& change) const;
  void apply_role(const RoleChange& c, const AdminChange& change, Effects& fx);
  void reveal_jids(const Occupant& o, Effects& fx) const;
  void remember_invitation(std::string invitee, const xmpp::Jid& inviter,
                           Clock::time_point expires);
  // `raise_role`: the role may rise with the new affiliation (a member gains voice); false
  // when the service grants the affiliation on the user's own request.
  void apply_affiliation(const AffiliationChange& c, const AdminChange& change, Effects& fx,
                         bool raise_role = true);
  // `answer_between`: the request's answer goes after the removed user's presence, before
  // the others' (a kick or a ban, XEP-0045 8.2 and 9.1).
  void remove_occupant(const std::string& nick, std::vector<int> codes, Affiliation shown,
                       const ItemDetail& detail, Effects& fx, bool answer_between = false);

  // Presence stanzas (presence_builder.cpp).
  struct PresenceSpec;
  std::shared_ptr<const xml::Prepared> build_presence(const Occupant& o, const PresenceSpec& spec,
                                                      bool with_jid, const xmpp::Jid* self) const;
  void broadcast_presence(const Occupant& o, const PresenceSpec& spec, Effects& fx) const;
  // An occupant's current presence as others see it (cached in the occupant).
  std::shared_ptr<const xml::Prepared> shown_presence(const Occupant& o, bool with_jid) const;
  void send_self_presence(const Occupant& o, const xmpp::Jid& session, const PresenceSpec& spec,
                          Effects& fx) const;
  bool sees_jids(const Occupant& viewer) const;
  // muc#roomconfig_presencebroadcast: is the presence of occupants with this role broadcast?
  bool presence_broadcast_for(Role role) const;
  // Over ServiceLimits::max_users_presence: plain presence of non-moderators goes to
  // moderators only.
  bool crowded() const;
  void send_to_all(const std::shared_ptr<const xml::Prepared>& stanza, Effects& fx) const;
  // Call whenever a session enters or leaves: the broadcast list is stale.
  void sessions_changed() { everyone_.reset(); }
  // The subject as a message (7.2.16): from the setter's occupant JID (or the room's), with
  // the request's id and the room's stanza-id when it is a change being sent.
  xml::Element subject_element(std::string_view text, std::string_view nick, std::string_view by,
                               std::string_view id, std::string_view stanza_id) const;
  xml::Element subject_broadcast(const SubjectChange& change) const;
  // The subject change as archived, with the broadcast (XEP-0313 "MUC Archives").
  ArchiveMessage subject_row(const SubjectChange& change, StoreTime now) const;
  // The current subject for a newcomer, after the history, saying when it was set.
  std::shared_ptr<const xml::Prepared> subject_on_entering() const;
  // The room's <delay/> on what it replays (7.2.15).
  void add_room_delay(xml::Element& stanza, Clock::time_point at) const;
  // A stanza as the history keeps it: with the room's <delay/> saying when it was sent.
  History::Entry history_entry(xml::Element stanza, Clock::time_point at) const;
  // XEP-0045 7.4: the occupant who may send a groupchat message now (voice, and a message
  // token: ServiceLimits::message_rate), or the error to answer.
  std::variant<Occupant*, xmpp::StanzaError> speaker(const xmpp::Jid& from, Clock::time_point now);
  // A groupchat message as the room broadcasts it: from the sender's occupant JID, with the
  // room's stanza-id and the sender's occupant-id.
  xml::Element groupchat_broadcast(const Occupant& o, const GroupchatIn& m) const;
  ArchiveMessage archive_row(const Occupant& o, const GroupchatIn& m,
                             const xml::Prepared& broadcast, Clock::time_point now) const;
  // Keeps a broadcast message in the history with its <delay/> (7.2.15); the entry, or null
  // when the room keeps no history.
  std::shared_ptr<const xml::Prepared> remember_message(xml::Element out, Clock::time_point at);

  Occupant* occupant_by_session(const xmpp::Jid& session);
  const Occupant* occupant_by_session(const xmpp::Jid& session) const;
  Occupant* occupant_by_nick(const std::string& nick);
  // The occupant whose nick looks like `nick` (the same xmpp::nick_key), or null: only one
  // nick of a look is in use at a time. index_nick/unindex_nick keep the index with
  // occupants_, at every insert and erase.
  const Occupant* occupant_like(const std::string& nick) const;
  void index_nick(const std::string& nick);
  void unindex_nick(const std::string& nick);
  std::string occupant_jid(const std::string& nick) const;  // room@service/nick
  // XEP-0421: the id of `bare` in this room (empty without the service's secret).
  std::string occupant_id_of(const xmpp::Jid& bare) const;
  // Appends <occupant-id/> for `o`, when it has one (presences and messages on its behalf).
  static void add_occupant_id(const Occupant& o, xml::Element& stanza);

  xmpp::Jid jid_;
  std::string jid_str_;
  const std::vector<std::string>* service_admins_;
  static constexpr ServiceLimits kNoLimits{.max_users_presence = 0,
                                           .history_max_bytes = 0,
                                           .nick_max_bytes = 0,
                                           .subject_max_bytes = 0,
                                           .reason_max_bytes = 0,
                                           .presence_max_bytes = 0,
                                           .max_occupants = 0,
                                           .max_rooms = 0,
                                           .rooms_per_user_per_hour = 0,
                                           .max_waiting = 0,
                                           .max_loading = 0,
                                           .disco_items_max = 0,
                                           .registrations_per_room = 0,
                                           .message_rate = 0,
                                           .message_burst = 0,
                                           .presence_rate = 0,
                                           .presence_burst = 0};
  const ServiceLimits* limits_ = &kNoLimits;
  const std::string* occupant_id_secret_ = nullptr;
  bool archive_available_ = false;
  RoomConfig config_;
  bool locked_ = true;
  bool destroyed_ = false;
  std::optional<Tombstone> tombstone_;
  std::map<std::string, Affiliation> affiliations_;  // bare JID -> affiliation (not none)
  std::map<std::string, Occupant> occupants_;        // by nick
  // Every session's address, for broadcasts; rebuilt lazily after sessions change.
  mutable std::shared_ptr<const xml::Recipients> everyone_;
  std::unordered_map<std::string, std::string> nick_by_session_;  // full JID -> nick
  std::unordered_map<std::string, std::string> nick_by_key_;      // nick_key -> nick
  NickRegistry registered_nicks_;
  History history_;
  // Relayed iq requests awaiting an answer, by our id. Ids grow with time, so the oldest,
  // first in the map, is the first due: expiry costs O(expired). Bounded (kMaxPendingIqs):
  // an answer that never comes must not grow the room, and none is dropped unanswered.
  struct PendingIq {
    std::string asker;            // full JID
    std::string id;               // the asker's id
    std::string asker_nick;       // the occupant JID the target answers to
    std::string target_nick;      // the occupant JID the answer comes from
    xmpp::Jid target;             // bare JID of the target: only it may answer
    std::uint64_t target_serial;  // Occupant::serial of the target
    Clock::time_point deadline;   // answered with remote-server-timeout from then on
  };
  using PendingIqs = std::map<std::uint64_t, PendingIq>;
  // Answers the asker of `it` with `error`, from the target's occupant JID, and forgets it.
  void fail_relay(PendingIqs::iterator it, const xmpp::StanzaError& error, Effects& fx);
  // The occupant `o` has left the room (its last session went, it was kicked or banned):
  // whatever was relayed to it is answered with wait/recipient-unavailable.
  void relay_target_left(const Occupant& o, Effects& fx);
  PendingIqs pending_iqs_;
  std::set<std::pair<std::uint64_t, std::uint64_t>> relays_by_target_;  // (serial, our id)
  std::uint64_t next_iq_ = 1;
  // Invitations sent (7.8.2) whose decline the room will relay: (invitee bare JID, inviter
  // bare JID) -> inviter and expiry. Bounded; see remember_invitation.
  struct PendingInvitation {
    xmpp::Jid inviter;  // full JID, as it invited
    Clock::time_point expires;
  };
  std::map<std::pair<std::string, std::string>, PendingInvitation> invitations_;
  static constexpr std::chrono::hours kInvitationLifetime{24};
  std::string subject_;
  std::string subject_nick_;        // who set it; empty = the room itself
  Clock::time_point subject_at_{};  // when it was set
  // XEP-0486: the room's vCard as served (empty: none) and its avatar hashes.
  std::string vcard_xml_;
  std::vector<std::string> avatar_hashes_;
  std::string subject_by_;  // the setter's real bare JID (its occupant-id); may be empty
  std::string creator_;     // bare JID
  // Held presence changes by when they go out, and the nick they were held for. An entry
  // whose occupant left or was renamed, or whose time is not its Occupant::held_until, is
  // stale and skipped; there is one live entry per occupant at most.
  std::set<std::pair<Clock::time_point, std::string>> held_presences_;
};

}  // namespace muc
