#include "muc/features.hpp"

#include "xmpp/namespaces.hpp"

namespace muc {

const std::vector<ProtocolSupport>& supported_protocols() {
  static const std::vector<ProtocolSupport> list = {
      {"XEP-0045",
       "Multi-User Chat",
       "1.35",
       "rooms, roles, affiliations, configuration, registration, invitations, voice requests",
       {ns::kMuc},
       // 7.10 registration and 7.13 voice requests are served by every room.
       {ns::kMuc, ns::kRegister, ns::kMucRequest}},
      {"XEP-0030",
       "Service Discovery",
       "2.5",
       "service, room and reserved-nick queries",
       {ns::kDiscoInfo, ns::kDiscoItems},
       {ns::kDiscoInfo}},
      {"XEP-0128",
       "Service Discovery Extensions",
       "1.0.1",
       "a room's disco#info carries the muc#roominfo form: description, occupants, subject, "
       "language, `subjectmod` (and `changesubject`), `maxhistoryfetch`, and the owners as "
       "contacts in non-anonymous rooms",
       {}},
      {"XEP-0004", "Data Forms", "2.13", "room configuration, registration, voice requests", {}},
      {"XEP-0059",
       "Result Set Management",
       "1.0",
       "the service's disco#items, in pages of `disco_items_max` rooms",
       {ns::kRsm}},
      {"XEP-0114", "Jabber Component Protocol", "1.6", "the link to the XMPP server", {}},
      {"XEP-0199",
       "XMPP Ping",
       "2.0.1",
       "service and rooms answer pings",
       {ns::kPing},
       {ns::kPing}},
      {"XEP-0410",
       "MUC Self-Ping (Schrödinger's Chat)",
       "1.0.1",
       "a ping to one's own occupant JID is answered by the room: a result when joined under "
       "that nick, `cancel/not-acceptable` when not",
       {},
       {ns::kMucSelfPing}},
      {"XEP-0359",
       "Unique and Stable Stanza IDs",
       "0.7.0",
       "every groupchat message gets the room's `<stanza-id/>` (UUIDv7), the same in each "
       "copy, the history and the archive; `<origin-id/>` passes through; a `<stanza-id/>` "
       "a client claims in the room's or the service's name is removed",
       {},
       {ns::kStanzaId}},
      {"XEP-0421",
       "Occupant identifiers for semi-anonymous MUCs",
       "1.0.0",
       "every presence and message of an occupant carries `<occupant-id/>`: HMAC-SHA256 of the "
       "room's and the user's bare JIDs under a per-service secret kept in the database; a "
       "sender's own is removed",
       {}},
      {"XEP-0313",
       "Message Archive Management",
       "0.8.0",
       "on the room's JID: messages and subject changes, with `urn:xmpp:mam:2#extended` "
       "(before-id, after-id, ids, flipped pages, metadata), while "
       "`muc#roomconfig_enablearchiving` is on (the default, "
       "`archiving_default`): queries by time and by sender (occupant JID; real JID for those "
       "who may see it), RSM pages of at most `archive_page_max`, ids are the stanza-ids; read "
       "by occupants, members and, in public rooms without a password, anyone not banned",
       {}},
      {"XEP-0425",
       "Moderated Message Retraction",
       "0.3.0",
       "a moderator retracts any archived message by its stanza-id, with a reason: the "
       "retraction is broadcast from the room and archived, and the archive and the history "
       "keep a tombstone (who, when, why; no body), also in `muc_messages` and `muc_audit`; "
       "while the room keeps an archive",
       {}},
      {"XEP-0424",
       "Message Retraction",
       "0.4.2",
       "an occupant retracts their own message (the author is checked in the archive, else "
       "`auth/forbidden`), tombstoned the same way; `urn:xmpp:message-retract:1#tombstone`",
       {}},
      {"XEP-0486",
       "MUC Avatars",
       "0.1.0",
       "the room's vCard-temp on its JID, kept in PostgreSQL: owners set and clear it (at most "
       "`avatar_max_bytes`), anyone who may see the room reads it, `muc#roominfo_avatarhash` "
       "in disco#info, 104 to occupants when it changes",
       {},
       {ns::kVcardTemp}},
      {"XEP-0297", "Stanza Forwarding", "1.0", "archive results (XEP-0313)", {}},
      {"XEP-0203", "Delayed Delivery", "2.0", "history messages carry <delay/>", {}},
      {"XEP-0249", "Direct MUC Invitations", "1.2", "passed through as ordinary messages", {}},
  };
  return list;
}

std::vector<std::string_view> service_features() {
  std::vector<std::string_view> out;
  for (const ProtocolSupport& p : supported_protocols()) {
    out.insert(out.end(), p.features.begin(), p.features.end());
  }
  return out;
}

std::vector<std::string_view> room_protocol_features() {
  std::vector<std::string_view> out;
  for (const ProtocolSupport& p : supported_protocols()) {
    out.insert(out.end(), p.room_features.begin(), p.room_features.end());
  }
  return out;
}

std::string features_markdown() {
  std::string out = "| Specification | Name | Version | Support |\n|---|---|---|---|\n";
  for (const ProtocolSupport& p : supported_protocols()) {
    out += "| " + std::string(p.spec) + " | " + std::string(p.name) + " | " +
           std::string(p.version) + " | " + std::string(p.status) + " |\n";
  }
  return out;
}

}  // namespace muc
