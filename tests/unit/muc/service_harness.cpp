#include "service_harness.hpp"

#include <gtest/gtest.h>

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

namespace {
// Stanza ids "s1", "s2", ...: tests compare stanzas exactly.
muc::ServiceConfig with_counted_ids(muc::ServiceConfig config) {
  config.stanza_ids = muc::counting_source();
  return config;
}
}  // namespace

ServiceHarness::ServiceHarness(muc::ServiceConfig config, FakeStore* store)
    : store_(store),
      service_(with_counted_ids(std::move(config)), store,
               [this](muc::Effects& fx) {
                 std::vector<std::string> out = collect(fx);
                 emitted_.insert(emitted_.end(), out.begin(), out.end());
               }),
      now_(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1}) {}

ServiceHarness::~ServiceHarness() {
  settle();
  muc::IqAudit::Counts c = audit_.counts();
  if (c.unanswered == 0 && c.duplicate == 0) return;
  std::string detail;
  for (const std::string& k : audit_.unanswered()) detail += "\n  unanswered: " + k;
  for (const std::string& k : audit_.duplicates()) detail += "\n  answered twice: " + k;
  ADD_FAILURE() << "every iq get/set must be answered exactly once: entered=" << c.entered
                << " answered=" << c.answered << " unanswered=" << c.unanswered
                << " duplicate=" << c.duplicate << detail;
}

std::vector<std::string> ServiceHarness::collect(const muc::Effects& fx) {
  std::vector<std::string> out;
  for (const muc::Outbound& o : fx.out) {
    audit_.outbound(o);
    render_into(o, out);
  }
  return out;
}

std::vector<std::string> ServiceHarness::send(const std::string& xml_text) {
  xml::Element stanza = parse(xml_text);
  audit_.inbound(stanza);
  muc::Effects fx;
  service_.handle(stanza, now_, fx);
  return collect(fx);
}

std::vector<std::string> ServiceHarness::advance(std::chrono::seconds s) {
  now_ += s;
  muc::Effects fx;
  service_.expire(now_, fx);
  return collect(fx);
}

std::vector<std::string> ServiceHarness::shut_down() {
  muc::Effects fx;
  service_.shut_down(fx);
  return collect(fx);
}

void ServiceHarness::settle() {
  // Completions may queue more work (stanzas waiting behind a load or a commit); the
  // bound only stops a bug from spinning forever.
  for (int round = 0; round < 1000; ++round) {
    if (store_ != nullptr) {
      while (!store_->idle()) {
        if (!store_->commits.empty()) store_->finish_commit(true);
        if (!store_->loads.empty()) store_->finish_load(std::nullopt);
        if (!store_->lists.empty()) store_->finish_list({});
        if (!store_->archive_queries.empty()) store_->finish_archive({});
        if (!store_->ends.empty()) store_->finish_ends({});
        if (!store_->retractions.empty()) store_->finish_retract({});
      }
    }
    advance(std::chrono::hours(24));  // longer than any relay may wait
    if (store_ == nullptr || store_->idle()) return;
  }
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

void FakeStore::finish_archive(muc::ArchivePage page, bool ok) {
  ArchiveRead r = std::move(archive_queries.front());
  archive_queries.pop_front();
  r.done(std::move(page), ok);
}

void FakeStore::finish_ends(muc::ArchiveEnds found, bool ok) {
  EndsRead r = std::move(ends.front());
  ends.pop_front();
  r.done(std::move(found), ok);
}

void FakeStore::finish_retract(muc::RetractResult result, bool ok) {
  Retract r = std::move(retractions.front());
  retractions.pop_front();
  r.done(std::move(result), ok);
}

void FakeStore::finish_commit(bool ok) {
  Commit c = std::move(commits.front());
  commits.pop_front();
  c.done(ok);
}

void FakeStore::finish_list(std::vector<muc::RoomListing> rooms, bool ok) {
  ListDone l = std::move(lists.front());
  lists.pop_front();
  l(std::move(rooms), ok);
}

void FakeStore::finish_load(std::optional<muc::RoomSnapshot> found, bool ok) {
  Load l = std::move(loads.front());
  loads.pop_front();
  l.done(std::move(found), ok, std::nullopt);
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
