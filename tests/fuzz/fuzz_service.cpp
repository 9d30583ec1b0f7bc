// libFuzzer target: the whole MUC state machine (muc::Service, its rooms, decode) on
// arbitrary component streams, with a fake store whose commits sometimes fail. No sockets.
// After every stanza:
//   - every iq get/set that has a sender got exactly one result or error, except those
//     relayed to an occupant, which get at most one (their answer may come later);
//   - every room has an owner, no outcast is an occupant, no occupant holds a role its
//     affiliation forbids (Room::invariant_violation);
//   - an error never answers an error (asserted where every error reply is built,
//     xmpp::error_reply).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <map>
#include <string>
#include <utility>

#include "muc/service.hpp"
#include "tests/fuzz/fuzz_stream.hpp"
#include "xml/parser.hpp"
#include "xml/writer.hpp"
#include "xmpp/jid.hpp"

namespace {

// Commits and loads complete after each stanza; every fifth commit fails.
class FakeStore : public muc::Store {
 public:
  void commit(const std::string&, std::vector<muc::StoreOp>, CommitDone done) override {
    commits_.push_back(std::move(done));
  }
  void load(const std::string&, LoadDone done) override { loads_.push_back(std::move(done)); }
  void list_public(const std::string&, ListDone done) override {
    lists_.push_back(std::move(done));
  }
  // Archive reads answer at once: an empty archive, or a failure every fifth time.
  void query_archive(muc::ArchiveQuery, ArchiveDone done) override {
    muc::ArchivePage page;
    page.complete = true;
    done(std::move(page), ++n_ % 5 != 0);
  }
  void archive_ends(const std::string&, ArchiveEndsDone done) override { done({}, true); }
  // Retractions find their message every other time, and fail like commits.
  void retract(muc::RetractMessage, RetractDone done) override {
    retractions_.push_back(std::move(done));
  }
  void settle() {
    while (!commits_.empty() || !loads_.empty() || !lists_.empty() || !retractions_.empty()) {
      if (!loads_.empty()) {
        auto done = std::move(loads_.front());
        loads_.pop_front();
        done(std::nullopt, true, std::nullopt);
      } else if (!commits_.empty()) {
        auto done = std::move(commits_.front());
        commits_.pop_front();
        done(++n_ % 5 != 0);
      } else if (!retractions_.empty()) {
        auto done = std::move(retractions_.front());
        retractions_.pop_front();
        muc::RetractResult r;
        if (++n_ % 2 == 0) {
          r.outcome = muc::RetractResult::Outcome::retracted;
          r.tombstone_xml = "<message type='groupchat'/>";
        }
        done(std::move(r), n_ % 5 != 0);
      } else {
        auto done = std::move(lists_.front());
        lists_.pop_front();
        done({}, true);
      }
    }
  }

 private:
  std::deque<CommitDone> commits_;
  std::deque<LoadDone> loads_;
  std::deque<ListDone> lists_;
  std::deque<RetractDone> retractions_;
  unsigned n_ = 0;
};

using Key = std::pair<std::string, std::string>;  // (prepared JID, id)

std::string prepared(std::string_view jid) {
  auto j = xmpp::Jid::parse(jid);
  return j ? j->str() : std::string(jid);
}

struct Accounts {
  std::map<Key, long> strict;   // must be answered by now
  std::map<Key, long> relayed;  // may be answered later
  std::map<Key, long> replies;
};

void count_reply(const std::string& text, Accounts& a) {
  xml::NamespaceContext scope;
  scope.default_ns = std::string(xml::kComponentNs);
  auto parsed = xml::parse_stanza(text, scope);
  const auto* e = std::get_if<xml::Element>(&parsed);
  if (e == nullptr) {
    std::fprintf(stderr, "the service sent XML it cannot read back: %s\n", text.c_str());
    std::abort();
  }
  std::string_view type = e->attr_or("type");
  if (e->name() == "iq" && (type == "result" || type == "error")) {
    ++a.replies[{prepared(e->attr_or("to")), std::string(e->attr_or("id"))}];
  }
}

void count_out(const std::vector<muc::Outbound>& out, Accounts& a) {
  for (const muc::Outbound& o : out) {
    if (!o.everyone) {
      count_reply(xml::render(*o.stanza, o.to), a);
      continue;
    }
    for (std::size_t i = 0; i < o.everyone->size(); ++i) {
      count_reply(o.stanza->head + std::string(o.everyone->escaped(i)) + o.stanza->tail, a);
    }
  }
}

// `faulted`: refused by the framer, answered at once whatever it is addressed to.
void count_in(const xml::Element& s, const std::string& domain, Accounts& a, bool faulted) {
  if (s.name() != "iq") return;
  std::string_view type = s.attr_or("type");
  if (type == "result" || type == "error") return;
  auto from = xmpp::Jid::parse(s.attr_or("from"));
  if (!from) return;  // nobody to answer
  Key key{from->str(), std::string(s.attr_or("id"))};
  auto to = xmpp::Jid::parse(s.attr_or("to"));
  bool relay = !faulted && to && to->domain() == domain && to->has_local() && to->has_resource() &&
               (type == "get" || type == "set") && s.attr("id") != nullptr &&
               s.elements().size() == 1;
  ++(relay ? a.relayed : a.strict)[key];
}

void check(const Accounts& a, const muc::Service& service) {
  for (const auto& [key, n] : a.strict) {
    auto r = a.replies.find(key);
    long got = r == a.replies.end() ? 0 : r->second;
    auto rel = a.relayed.find(key);
    long may = rel == a.relayed.end() ? 0 : rel->second;
    if (got < n || got > n + may) {
      std::fprintf(stderr, "iq %s/%s: %ld replies to %ld requests (+%ld relayed)\n",
                   key.first.c_str(), key.second.c_str(), got, n, may);
      std::abort();
    }
  }
  for (const auto& [key, got] : a.replies) {
    long n = (a.strict.count(key) ? a.strict.at(key) : 0) +
             (a.relayed.count(key) ? a.relayed.at(key) : 0);
    if (got > n) {
      std::fprintf(stderr, "iq %s/%s: %ld replies to %ld requests\n", key.first.c_str(),
                   key.second.c_str(), got, n);
      std::abort();
    }
  }
  for (const muc::Room* room : service.rooms()) {
    std::string broken = room->invariant_violation();
    if (!broken.empty()) {
      std::fprintf(stderr, "room %s: %s\n", room->jid().str().c_str(), broken.c_str());
      std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  muc::ServiceConfig config;
  config.service_admins = {"admin@localhost"};
  config.stanza_ids = muc::counting_source();  // reproducible runs
  config.occupant_id_secret = "fuzz";
  FakeStore store;
  Accounts accounts;
  muc::Service service(config, &store, [&](muc::Effects& fx) { count_out(fx.out, accounts); });
  auto now = muc::Clock::time_point(std::chrono::sys_days{std::chrono::year{2026} / 1 / 1});
  fuzz::StanzaSink sink;
  sink.stanza = [&](const xml::Element& s) {
    count_in(s, config.domain, accounts, false);
    muc::Effects fx;
    service.handle(s, now, fx);
    count_out(fx.out, accounts);
    store.settle();
    now += std::chrono::seconds(1);
    check(accounts, service);
  };
  sink.fault = [&](const xml::StanzaFault& f) {
    if (f.head && f.head->ns() == xml::kComponentNs)
      count_in(*f.head, config.domain, accounts, true);
    muc::Effects fx;
    service.handle_fault(f, fx);
    count_out(fx.out, accounts);
    check(accounts, service);
  };
  fuzz::each_stanza(std::string_view(reinterpret_cast<const char*>(data), size), sink);
  muc::Effects fx;
  service.shut_down(fx);
  return 0;
}
