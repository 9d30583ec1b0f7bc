// Turns routing XML into the typed requests of requests.hpp (docs/architecture.md, Data flow:
// decode at the edge).
#pragma once

#include <optional>
#include <variant>

#include "muc/requests.hpp"
#include "muc/service_limits.hpp"
#include "xml/element.hpp"
#include "xmpp/stanza_error.hpp"

namespace muc {

// XEP-0082 DateTime ("2002-10-13T23:58:37Z", fractions and offsets allowed).
std::optional<Clock::time_point> parse_datetime(std::string_view text);

// <history/> attributes; malformed values are ignored (treated as absent).
HistoryRequest decode_history(const xml::Element* history);

// Presence children worth rebroadcasting (show, status, priority, caps, ...), serialised:
// everything except the MUC <x/> elements, which the room writes itself, and an
// <occupant-id/> (XEP-0421: only the room gives those).
std::string presence_payload(const xml::Element& presence);

PresenceIn decode_presence(const xml::Element& presence, const xmpp::Jid& from, std::string nick);

// The message to reflect or relay: without `to`/`from`, without any muc#user <x/> the
// sender put in (the room writes its own: XEP-0045 7.2.3, a client's muc#user is never
// reflected), and without what only the room or its service may add (forged_by_sender).
xml::Element message_body(const xml::Element& message, std::string_view room_jid);

// A child of a client's stanza that claims what only the room `room_jid` or its service may
// say: a <delay/> from them (XEP-0045 7.2.15; Prosody strips these too), a <stanza-id/> by
// them (XEP-0359), any <occupant-id/> (XEP-0421). Stripped before anything is reflected,
// relayed, archived or kept in history.
bool forged_by_sender(const xml::Element& child, std::string_view room_jid);

// A groupchat message to the room `room_jid` (XEP-0045 7.4).
GroupchatIn decode_groupchat(const xml::Element& message, const xmpp::Jid& from,
                             std::string_view room_jid);

// The defined condition of an error stanza (RFC 6120 8.3.2): the first child element of its
// <error/>; empty when there is none.
std::string error_condition(const xml::Element& stanza);

// The fields of a jabber:x:data form (XEP-0004 3.2), in order; fields without a var (only
// "fixed" ones may lack it) are left out. A var names one field of its form (3.2), so a
// form naming one twice is modify/bad-request.
std::variant<std::vector<FormField>, xmpp::StanzaError> decode_form_fields(const xml::Element& x);

// A muc#owner <query/> of an iq set (XEP-0045 10.1, 10.2, 10.9).
std::variant<OwnerSetIn, xmpp::StanzaError> decode_owner_set(const xml::Element& query,
                                                             const ServiceLimits& limits = {});

// muc#admin <query/> of an iq get and set (XEP-0045 8.5, 9, 10.3-10.8). Malformed items
// (both or neither of role and affiliation, unknown values, no nick or jid) get
// modify/bad-request, a bad jid modify/jid-malformed.
std::variant<AdminGetIn, xmpp::StanzaError> decode_admin_get(const xml::Element& query);
std::variant<AdminSetIn, xmpp::StanzaError> decode_admin_set(const xml::Element& query,
                                                             const ServiceLimits& limits = {});

// jabber:iq:register <query/> of an iq set (XEP-0045 7.10).
std::variant<RegisterSetIn, xmpp::StanzaError> decode_register_set(
    const xml::Element& query, const ServiceLimits& limits = {});

// A message of type normal to the room: an invitation, a decline or a voice request (XEP-0045
// 7.8, 7.13, 8.6); anything else is modify/bad-request.
std::variant<RoomMessageIn, xmpp::StanzaError> decode_room_message(
    const xml::Element& message, const ServiceLimits& limits = {});

// An iq get/set to room@service/`nick`, for relaying (XEP-0045 7.5).
OccupantIqIn decode_occupant_iq(const xml::Element& iq, const xmpp::Jid& from, std::string nick);

// An iq result/error to room@service/`nick`: the answer to a relayed iq when its id is one
// the room gave (relay_id.hpp), else nullopt (nobody asked for it; it is dropped).
std::optional<OccupantIqAnswerIn> decode_occupant_iq_answer(const xml::Element& iq,
                                                            const xmpp::Jid& from,
                                                            std::string nick);

// The <set xmlns='http://jabber.org/protocol/rsm'/> of a query (XEP-0059 2.1-2.5); absent
// fields are nullopt, a malformed <max/> is ignored.
PageRequest decode_page(const xml::Element& query);

// An XEP-0313 archive query (<query xmlns='urn:xmpp:mam:2'/> of an iq set). The form's
// FORM_TYPE must be urn:xmpp:mam:2 (4.1) and start/end XEP-0082 dates (modify/bad-request);
// `with` a JID (modify/jid-malformed); a field this service does not know, or an RSM
// <index/> (XEP-0059 2.6: pages out of order), is cancel/feature-not-implemented (4.1.5).
std::variant<ArchiveQueryIn, xmpp::StanzaError> decode_archive_query(const xml::Element& query);
// XEP-0486: the <vCard/> of an iq set to the room. Each <PHOTO/> needs a <TYPE/> and a
// <BINVAL/> in base64 (modify/bad-request); over avatar_max_bytes is modify/not-acceptable.
std::variant<VcardSetIn, xmpp::StanzaError> decode_vcard_set(const xml::Element& vcard,
                                                             const ServiceLimits& limits);
// XEP-0425: <moderate xmlns='urn:xmpp:message-moderate:1' id/> of an iq set.
std::variant<ModerateIn, xmpp::StanzaError> decode_moderate(const xml::Element& moderate,
                                                            const ServiceLimits& limits);

// modify/policy-violation when `text` (what is named `what`) is over `max` bytes (0: no
// bound): the answer to any text a user would make the room repeat past ServiceLimits.
std::optional<xmpp::StanzaError> check_size(std::string_view what, std::string_view text,
                                            std::size_t max);

// A groupchat message is a subject change when it has <subject/> and no <body/> or <thread/>
// (XEP-0045 8.1).
std::optional<std::string> subject_change(const xml::Element& message);

}  // namespace muc
