#include "muc/retraction.hpp"

#include "xml/parser.hpp"
#include "xml/writer.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

std::optional<std::string> tombstone_of(std::string_view archived_xml, std::string_view room_jid,
                                        std::string_view retracted_xml) {
  const xml::NamespaceContext scope{std::string(ns::kComponent), {}};
  auto message = xml::parse_stanza(std::string(archived_xml), scope);
  auto retracted = xml::parse_stanza(std::string(retracted_xml), scope);
  auto* m = std::get_if<xml::Element>(&message);
  auto* r = std::get_if<xml::Element>(&retracted);
  if (m == nullptr || r == nullptr) return std::nullopt;
  xml::Element out(m->name(), m->ns());
  // Only the attributes that say what it was; any other could carry what it said.
  for (const xml::Attribute& a : m->attrs()) {
    if (a.name == "from" || a.name == "type" || a.name == "id" || a.name == "xml:lang") {
      out.set_attr(a.name, a.value);
    }
  }
  for (const xml::Element& c : m->nodes()) {
    // What identifies the message and its author, so clients match the tombstone to what
    // they hold (XEP-0359 by the room, XEP-0421).
    const bool ours = c.is("stanza-id", ns::kStanzaId) && c.attr_or("by") == room_jid;
    if (ours || c.is("occupant-id", ns::kOccupantId)) out.add(c);
  }
  out.add(std::move(*r));
  return xml::render_without_to(*xml::prepare(out));
}

}  // namespace muc
