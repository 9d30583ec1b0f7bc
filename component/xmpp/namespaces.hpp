// Namespaces the component speaks, declared once.
#pragma once

#include <string_view>

namespace ns {
inline constexpr std::string_view kComponent = "jabber:component:accept";
inline constexpr std::string_view kStreams = "http://etherx.jabber.org/streams";
inline constexpr std::string_view kStreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";
inline constexpr std::string_view kStanzaErrors = "urn:ietf:params:xml:ns:xmpp-stanzas";
inline constexpr std::string_view kMuc = "http://jabber.org/protocol/muc";
inline constexpr std::string_view kVcardTemp = "vcard-temp";  // XEP-0054
inline constexpr std::string_view kMucUser = "http://jabber.org/protocol/muc#user";
inline constexpr std::string_view kMucAdmin = "http://jabber.org/protocol/muc#admin";
inline constexpr std::string_view kMucOwner = "http://jabber.org/protocol/muc#owner";
inline constexpr std::string_view kMucRoomInfo = "http://jabber.org/protocol/muc#roominfo";
inline constexpr std::string_view kMucRoomConfig = "http://jabber.org/protocol/muc#roomconfig";
inline constexpr std::string_view kMucRequest = "http://jabber.org/protocol/muc#request";
inline constexpr std::string_view kMucRegister = "http://jabber.org/protocol/muc#register";
inline constexpr std::string_view kDiscoInfo = "http://jabber.org/protocol/disco#info";
inline constexpr std::string_view kDiscoItems = "http://jabber.org/protocol/disco#items";
inline constexpr std::string_view kData = "jabber:x:data";
inline constexpr std::string_view kDelay = "urn:xmpp:delay";
inline constexpr std::string_view kStanzaId = "urn:xmpp:sid:0";            // XEP-0359
inline constexpr std::string_view kOccupantId = "urn:xmpp:occupant-id:0";  // XEP-0421
inline constexpr std::string_view kMam = "urn:xmpp:mam:2";                 // XEP-0313
inline constexpr std::string_view kMamExtended = "urn:xmpp:mam:2#extended";
inline constexpr std::string_view kMessageRetract = "urn:xmpp:message-retract:1";  // XEP-0424
inline constexpr std::string_view kMessageRetractTombstone = "urn:xmpp:message-retract:1#tombstone";
inline constexpr std::string_view kMessageModerate = "urn:xmpp:message-moderate:1";  // XEP-0425
inline constexpr std::string_view kForward = "urn:xmpp:forward:0";                   // XEP-0297
inline constexpr std::string_view kClient = "jabber:client";  // archived stanzas (XEP-0313 4.1.4)
inline constexpr std::string_view kRegister = "jabber:iq:register";
inline constexpr std::string_view kVersion = "jabber:iq:version";
inline constexpr std::string_view kPing = "urn:xmpp:ping";
// XEP-0410: the room answers a ping to one's own occupant JID itself.
inline constexpr std::string_view kMucSelfPing =
    "http://jabber.org/protocol/muc#self-ping-optimization";
inline constexpr std::string_view kRsm = "http://jabber.org/protocol/rsm";
inline constexpr std::string_view kConference = "jabber:x:conference";  // XEP-0249
}  // namespace ns
