// XEP-0486 room avatars: the room's vCard-temp (XEP-0054) on its bare JID, its avatar hashes
// in disco#info (room_disco.cpp), and 104 when it changes.
#include "muc/room.hpp"
#include "xml/parser.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
using xmpp::StanzaError;

IqAnswer Room::on_vcard_get() const {
  xml::Element empty("vCard", std::string(ns::kVcardTemp));
  if (vcard_xml_.empty()) return std::optional(std::move(empty));
  auto parsed =
      xml::parse_stanza(vcard_xml_, xml::NamespaceContext{std::string(ns::kComponent), {}});
  if (auto* vcard = std::get_if<xml::Element>(&parsed)) return std::optional(std::move(*vcard));
  // Stored by decide_vcard from a parsed element: it parses.
  return StanzaError::internal_server_error("The room's vCard cannot be read");
}

std::variant<VcardChange, StanzaError> Room::decide_vcard(const xmpp::Jid& from,
                                                          VcardSetIn in) const {
  if (destroyed_) return StanzaError::item_not_found();
  // XEP-0486 6: only those who may change the room; for us its owners (10.2).
  if (auto refused = check_owner_action(affiliation_of(from))) return *refused;
  return VcardChange{from, std::move(in)};
}

void Room::apply_vcard(const VcardChange& change, Effects& fx) {
  vcard_xml_ = change.vcard.xml;
  avatar_hashes_ = change.vcard.hashes;
  // XEP-0486 4.2: occupants learn of it as of any change to the room's information
  // (XEP-0045 10.2.1's 104), and read the new hash from disco#info.
  announce_config_change({104}, fx);
}

}  // namespace muc
