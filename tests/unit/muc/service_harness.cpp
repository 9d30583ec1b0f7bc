#include "service_harness.hpp"

#include <stdexcept>
#include <variant>

#include "xml/parser.hpp"
#include "xml/writer.hpp"

namespace muc_test {

namespace {
xml::Element parse(const std::string& text) {
  xml::NamespaceContext scope;
  scope.default_ns = std::string(xml::kComponentNs);
  auto parsed = xml::parse_stanza(text, scope);
  if (auto* err = std::get_if<xml::StreamError>(&parsed)) {
    throw std::runtime_error("unparsable XML (" + err->condition + "): " + text);
  }
  return std::get<xml::Element>(std::move(parsed));
}
}  // namespace

void render_into(const muc::Outbound& o, std::vector<std::string>& out) {
  if (!o.everyone) {
    out.push_back(xml::render(*o.stanza, o.to));
    return;
  }
  for (std::size_t i = 0; i < o.everyone->size(); ++i) {
    // Addresses are stored escaped; the test JIDs need no escaping, so render as they are.
    out.push_back(o.stanza->head + std::string(o.everyone->escaped(i)) + o.stanza->tail);
  }
}

ServiceHarness::ServiceHarness(muc::ServiceConfig config, muc::Store* store)
    : service_(std::move(config), store,
               [this](muc::Effects& fx) {
                 for (const muc::Outbound& o : fx.out) render_into(o, emitted_);
               }),
      now_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}) {}

std::vector<std::string> ServiceHarness::send(const std::string& xml_text) {
  muc::Effects fx;
  service_.handle(parse(xml_text), now_, fx);
  std::vector<std::string> out;
  for (const muc::Outbound& o : fx.out) render_into(o, out);
  return out;
}

std::vector<std::string> ServiceHarness::join(const std::string& full_jid,
                                              const std::string& room_nick,
                                              const std::string& extra) {
  return send("<presence from='" + full_jid + "' to='" + room_nick +
              "'><x xmlns='http://jabber.org/protocol/muc'>" + extra + "</x></presence>");
}

void ServiceHarness::create_instant_room(const std::string& room, const std::string& owner_full,
                                         const std::string& nick) {
  std::string room_jid = room + "@conference.localhost";
  join(owner_full, room_jid + "/" + nick);
  send("<iq type='set' id='create1' from='" + owner_full + "' to='" + room_jid +
       "'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
       "type='submit'/></query></iq>");
}

std::vector<std::string> ServiceHarness::take_emitted() {
  std::vector<std::string> out;
  out.swap(emitted_);
  return out;
}

void FakeStore::finish_commit(bool ok) {
  Commit c = std::move(commits.front());
  commits.pop_front();
  c.done(ok);
}

void FakeStore::finish_load(std::optional<muc::RoomSnapshot> found, bool ok) {
  Load l = std::move(loads.front());
  loads.pop_front();
  l.done(std::move(found), ok);
}

std::string error_of(const std::string& stanza_text) {
  xml::Element e = parse(stanza_text);
  const xml::Element* err = e.child("error", e.ns());
  if (err == nullptr) return {};
  std::string cond;
  for (const xml::Element* c : err->elements()) {
    if (c->ns() == "urn:ietf:params:xml:ns:xmpp-stanzas" && c->name() != "text") cond = c->name();
  }
  return std::string(err->attr_or("type")) + "/" + cond;
}

}  // namespace muc_test
