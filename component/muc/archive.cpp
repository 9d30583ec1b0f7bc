#include "muc/archive.hpp"

#include <variant>

#include "base/log.hpp"
#include "muc/history.hpp"
#include "xml/parser.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
namespace {

xml::Element field(std::string_view var, std::string_view type) {
  xml::Element f("field", std::string(ns::kData));
  f.set_attr("var", std::string(var)).set_attr("type", std::string(type));
  return f;
}

// The archived stanza as the reader gets it (6.1.2): without `to` and without any muc#user
// <x/> (the room never reflects a sender's, but a row may come from elsewhere), in
// jabber:client; with the sender's real JID where the reader may see it.
std::optional<xml::Element> forwarded_message(const ArchivedMessage& m, bool reveal_jid) {
  auto parsed =
      xml::parse_stanza(m.stanza_xml, xml::NamespaceContext{std::string(ns::kClient), {}});
  if (auto* broken = std::get_if<xml::StreamError>(&parsed)) {
    base::log_warn("archived message {} does not parse ({}); left out", m.stanza_id,
                   broken->condition);
    return std::nullopt;
  }
  xml::Element message = std::get<xml::Element>(std::move(parsed));
  message.remove_attr("to");
  auto& nodes = message.nodes();
  std::erase_if(nodes, [](const xml::Element& c) { return c.is("x", ns::kMucUser); });
  if (reveal_jid && !m.sender_jid.empty()) {
    message.add("x", std::string(ns::kMucUser))
        .add("item", std::string(ns::kMucUser))
        .set_attr("jid", m.sender_jid);
  }
  return message;
}

}  // namespace

xml::Element archive_query_form() {
  const std::string data(ns::kData);
  xml::Element query("query", std::string(ns::kMam));
  xml::Element& x = query.add("x", data);
  x.set_attr("type", "form");
  xml::Element& form_type = x.add(field("FORM_TYPE", "hidden"));
  form_type.add_text_child("value", data, std::string(ns::kMam));
  x.add(field("with", "jid-single"));
  x.add(field("start", "text-single"));
  x.add(field("end", "text-single"));
  x.add(field("before-id", "text-single"));
  x.add(field("after-id", "text-single"));
  // 4.1.5: the ids list is open: the server never lists the archive's ids (XEP-0122).
  xml::Element& ids = x.add(field("ids", "list-multi"));
  ids.add("validate", "http://jabber.org/protocol/xdata-validate")
      .set_attr("datatype", "xs:string")
      .add("open", "http://jabber.org/protocol/xdata-validate");
  return query;
}

std::vector<xml::Element> archive_results(const std::string& room_jid, const std::string& reader,
                                          const ArchiveRead& read, const ArchivePage& page) {
  std::vector<xml::Element> out;
  out.reserve(page.messages.size());
  for (const ArchivedMessage& m : page.messages) {
    std::optional<xml::Element> inner = forwarded_message(m, read.reveal_jids);
    if (!inner) continue;
    xml::Element message("message", std::string(ns::kComponent));
    message.set_attr("from", room_jid).set_attr("to", reader);
    xml::Element& result = message.add("result", std::string(ns::kMam));
    if (!read.query_id.empty()) result.set_attr("queryid", read.query_id);
    result.set_attr("id", m.stanza_id);
    xml::Element& forwarded = result.add("forwarded", std::string(ns::kForward));
    forwarded.add("delay", std::string(ns::kDelay)).set_attr("stamp", delay_stamp(m.at));
    forwarded.add(std::move(*inner));
    out.push_back(std::move(message));
  }
  if (read.flip) std::reverse(out.begin(), out.end());
  return out;
}

xml::Element archive_fin(const ArchivePage& page) {
  const std::string rsm(ns::kRsm);
  xml::Element fin("fin", std::string(ns::kMam));
  if (page.complete) fin.set_attr("complete", "true");
  xml::Element& set = fin.add("set", rsm);
  if (!page.messages.empty()) {
    set.add_text_child("first", rsm, page.messages.front().stanza_id);
    set.add_text_child("last", rsm, page.messages.back().stanza_id);
  }
  if (page.count) set.add_text_child("count", rsm, std::to_string(*page.count));
  return fin;
}

xml::Element archive_metadata(const ArchiveEnds& ends) {
  xml::Element metadata("metadata", std::string(ns::kMam));
  for (auto [name, m] : {std::pair{"start", &ends.first}, std::pair{"end", &ends.last}}) {
    if (!*m) continue;
    metadata.add(name, std::string(ns::kMam))
        .set_attr("id", (*m)->stanza_id)
        .set_attr("timestamp", delay_stamp((*m)->at));
  }
  return metadata;
}

}  // namespace muc
