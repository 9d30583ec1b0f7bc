// Typed requests: what the service decodes from a stanza before a room sees it
// (docs/architecture.md, Data flow: decode at the edge). A room acts on these, never on raw routing
// XML.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>
#include <vector>

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

// Message type='groupchat' to the bare room.
struct GroupchatIn {
  xmpp::Jid from;
  xml::Element message;  // as received, `to`/`from` stripped
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

// An error bounced back for a stanza we sent to an occupant (XEP-0045 18.1 "ghosts").
struct BounceIn {
  xmpp::Jid from;
  std::string condition;
};

}  // namespace muc
