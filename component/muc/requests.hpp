// Typed requests: what the service decodes from a stanza before a room sees it
// (docs/architecture.md, Data flow: decode at the edge). A room acts on these, never on raw routing
// XML.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "muc/affiliation.hpp"
#include "xml/element.hpp"
#include "xmpp/jid.hpp"

namespace muc {

using Clock = std::chrono::system_clock;

// XEP-0045 7.2.14: <history/> limits; absent fields impose no limit.
struct HistoryRequest {
  std::optional<std::size_t> max_chars;
  std::optional<std::size_t> max_stanzas;
  std::optional<std::chrono::seconds> seconds;
  std::optional<Clock::time_point> since;
};

// Presence without type, to room@service/nick.
struct PresenceIn {
  xmpp::Jid from;          // full JID of the session
  std::string nick;        // prepared
  std::string id;          // echoed on the self-presence (XEP-0045 7.2.3)
  bool has_muc_x = false;  // carries <x xmlns='...muc'/>: an attempt to enter
  std::optional<std::string> password;
  HistoryRequest history;
  std::string payload_xml;  // children to rebroadcast (show, status, caps...), serialised
};

// Presence type='unavailable'.
struct LeaveIn {
  xmpp::Jid from;
  std::string payload_xml;  // status text to rebroadcast
};

// Message type='groupchat' to the bare room. The message itself is an opaque payload the
// room stamps and reflects (XEP-0045 7.4); what the room decides on is decoded beside it.
struct GroupchatIn {
  xmpp::Jid from;
  xml::Element message;             // as received, `to`/`from` stripped (message_body)
  std::optional<std::string> body;  // <body/> text, when there is one (it is archived)
  std::string id;                   // the client's id, kept in the archive
  std::string stanza_id;            // XEP-0359: the room's id for it, given by the service
  // XEP-0424: the stanza-id of the sender's own message this one retracts (<retract id/>).
  std::optional<std::string> retracts;
};

// XEP-0486 (XEP-0054 on the room's JID): an owner's iq set of <vCard xmlns='vcard-temp'/>,
// as the room will serve it; an empty vCard clears the room's.
struct VcardSetIn {
  std::string xml;                  // the <vCard/> serialised; empty: none
  std::vector<std::string> hashes;  // XEP-0153: SHA-1 (hex) of each <PHOTO/>'s image
};

// XEP-0425 v0.3: an iq set of <moderate id/> with <retract/> to the room: a moderator
// retracts the message whose stanza-id this room gave as `stanza_id`.
struct ModerateIn {
  std::string stanza_id;
  std::string reason;  // may be empty
};

// An iq get/set to room@service/nick (XEP-0045 7.5): relayed to the occupant with the room's
// addresses and id. The iq is an opaque payload; what the room decides on is beside it.
struct OccupantIqIn {
  xmpp::Jid from;
  std::string nick;
  std::string id;            // the asker's id, restored on the answer
  bool for_account = false;  // vcard-temp (XEP-0054): the account answers, not a session
  bool ping = false;         // a get holding only an XEP-0199 ping: XEP-0410 self-ping
  xml::Element iq;
};

// An iq result or error to room@service/nick that answers a relayed iq: `relay` is the
// number the room put in the id it sent (relay_id.hpp).
struct OccupantIqAnswerIn {
  xmpp::Jid from;
  std::string nick;
  std::uint64_t relay = 0;
  xml::Element iq;
};

// Any other message to room@service/nick: a private message.
struct PrivateMessageIn {
  xmpp::Jid from;
  std::string nick;
  xml::Element message;
};

// A submitted XEP-0004 field: its var and values, in order.
struct FormField {
  std::string var;
  std::vector<std::string> values;
};

// XEP-0045 10.9: destroying a room.
struct DestroyRequest {
  std::string reason;
  std::string alternate;  // alternate venue JID
  std::string password;
};

// iq set of muc#owner (XEP-0045 10.1-10.2, 10.9): a configuration form submitted or
// cancelled, or the room destroyed.
struct OwnerSetIn {
  enum class Kind { configure, cancel, destroy } kind = Kind::configure;
  std::vector<FormField> fields;  // configure: the submitted form's fields
  DestroyRequest destroy;         // destroy
};

// muc#admin get (XEP-0045 8.5, 9.2, 9.4, 9.5, 10.5, 10.8): one list, of a role or of an
// affiliation.
struct AdminGetIn {
  std::variant<Role, Affiliation> list;
};

// One <item/> of a muc#admin set: a role changed by nick (8, 9.6-9.7) ...
struct RoleItem {
  std::string nick;
  Role role = Role::none;
  std::string reason;
};
// ... or an affiliation changed by JID (9.1-9.5, 10.3-10.7); a full JID stands for its
// bare JID, a domain for its users.
struct AffiliationItem {
  xmpp::Jid jid;
  Affiliation affiliation = Affiliation::none;
  std::string reason;
};

// muc#admin set: every item, to be decided all or nothing.
struct AdminSetIn {
  std::vector<std::variant<RoleItem, AffiliationItem>> items;
};

// jabber:iq:register set (XEP-0045 7.10): reserve `nick` (as given, not yet prepared), or
// cancel the registration.
struct RegisterSetIn {
  bool remove = false;
  std::string nick;
};

// Message to the room with muc#user <invite/>s (XEP-0045 7.8.2).
struct InviteIn {
  struct Invitee {
    xmpp::Jid to;
    std::string reason;
  };
  std::vector<Invitee> invitees;
};

// Message to the room with a muc#user <decline/> (XEP-0045 7.8.3).
struct DeclineIn {
  xmpp::Jid to;  // the inviter
  std::string reason;
};

// Message to the room with a muc#request form (XEP-0045 7.13 asking, 8.6 answering).
struct VoiceRequestIn {
  bool answer = false;  // carries muc#request_allow: a moderator's answer
  bool allow = false;   // the answer grants voice
  std::string nick;     // muc#roomnick of the answer
  std::string jid;      // muc#jid of the answer, if given
};

using RoomMessageIn = std::variant<InviteIn, DeclineIn, VoiceRequestIn>;

// XEP-0059 result set management: which page of a list to send.
struct PageRequest {
  std::optional<std::size_t> max;
  std::optional<std::string> after;   // the page after this item
  std::optional<std::string> before;  // the page before it; empty: the last page
};

// XEP-0313 4: an iq set of <query xmlns='urn:xmpp:mam:2'/> to the room: which messages of
// its archive to send, as decoded; the room turns it into an ArchiveQuery (store.hpp).
struct ArchiveQueryIn {
  std::string query_id;  // echoed in every <result/> (4.1.4)
  std::optional<Clock::time_point> start;
  std::optional<Clock::time_point> end;
  std::optional<xmpp::Jid> with;         // an occupant JID of the room, or a real JID (4.1.1)
  std::optional<std::string> after_id;   // form field after-id (4.1.3)
  std::optional<std::string> before_id;  // form field before-id
  std::vector<std::string> ids;          // form field ids
  PageRequest page;                      // RSM (4.3): after, before (empty: the last page), max
  bool flip = false;                     // <flip-page/> (4.3.5): newest of the page first
};

// An error bounced back for a stanza we sent to an occupant (XEP-0045 18.1 "ghosts").
struct BounceIn {
  xmpp::Jid from;
  std::string condition;
};

}  // namespace muc
