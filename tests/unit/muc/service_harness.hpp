// Drives a muc::Service with XML text and a controlled clock; collects what it sends as text.
// Every harness checks, when it goes (after every test), that each iq get/set it sent got
// exactly one result or error back (docs/architecture.md, Every iq answered exactly once), once the
// deferred work is done: the store's operations completed, the relays expired.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "muc/iq_audit.hpp"
#include "muc/service.hpp"

namespace muc_test {

class FakeStore;

class ServiceHarness {
 public:
  explicit ServiceHarness(muc::ServiceConfig config = {}, FakeStore* store = nullptr);
  // Settles, then fails the test if an iq went unanswered or was answered twice.
  ~ServiceHarness();
  ServiceHarness(const ServiceHarness&) = delete;
  ServiceHarness& operator=(const ServiceHarness&) = delete;

  // Sends one stanza (XML text, default namespace jabber:component:accept); returns what
  // the service sent back, each rendered as XML text, in order.
  std::vector<std::string> send(const std::string& xml_text);
  // Moves the clock and runs what became due (relayed iqs that time out, Service::expire);
  // returns what that sent.
  std::vector<std::string> advance(std::chrono::seconds s);
  // Service::shut_down; returns what it sent.
  std::vector<std::string> shut_down();
  muc::Service& service() { return service_; }
  muc::Clock::time_point now() const { return now_; }
  // What the service sent later, when store operations completed (then forgotten).
  std::vector<std::string> take_emitted();
  // Completes every store operation still pending (successfully; loads find no room) and
  // lets every relay time out, until nothing is left to do. What it sends is only audited.
  void settle();
  const muc::IqAudit& audit() const { return audit_; }

  // Convenience for scenario tests.
  std::vector<std::string> join(const std::string& full_jid, const std::string& room_nick,
                                const std::string& extra = {});
  // Creates room@conference.localhost with `owner_full` as owner and accepts the defaults.
  void create_instant_room(const std::string& room, const std::string& owner_full,
                           const std::string& nick);

 private:
  // Audits `fx` and renders it.
  std::vector<std::string> collect(const muc::Effects& fx);

  muc::IqAudit audit_;
  std::vector<std::string> emitted_;
  FakeStore* store_;
  muc::Service service_;
  muc::Clock::time_point now_;
};

// A store that records what it is asked and completes only when the test says so.
class FakeStore : public muc::Store {
 public:
  struct Commit {
    std::string room;
    std::vector<muc::StoreOp> ops;
    CommitDone done;
  };
  struct Load {
    std::string room;
    LoadDone done;
  };
  void commit(const std::string& room, std::vector<muc::StoreOp> ops, CommitDone done) override {
    commits.push_back({room, std::move(ops), std::move(done)});
  }
  void load(const std::string& room, LoadDone done) override {
    loads.push_back({room, std::move(done)});
  }
  void list_public(const std::string& domain, ListDone done) override {
    listed_domains.push_back(domain);
    lists.push_back(std::move(done));
  }
  void query_archive(muc::ArchiveQuery query, ArchiveDone done) override {
    archive_queries.push_back({std::move(query), std::move(done)});
  }
  void archive_ends(const std::string& room, ArchiveEndsDone done) override {
    ends.push_back({room, std::move(done)});
  }
  void retract(muc::RetractMessage op, RetractDone done) override {
    retractions.push_back({std::move(op), std::move(done)});
  }
  // Completes the oldest pending commit / load / listing.
  void finish_commit(bool ok);
  void finish_load(std::optional<muc::RoomSnapshot> found, bool ok = true);
  void finish_list(std::vector<muc::RoomListing> rooms, bool ok = true);
  void finish_archive(muc::ArchivePage page, bool ok = true);
  void finish_ends(muc::ArchiveEnds found, bool ok = true);
  void finish_retract(muc::RetractResult result, bool ok = true);
  bool idle() const {
    return commits.empty() && loads.empty() && lists.empty() && archive_queries.empty() &&
           ends.empty() && retractions.empty();
  }

  std::deque<Commit> commits;
  std::deque<Load> loads;
  std::deque<ListDone> lists;
  std::vector<std::string> listed_domains;  // the domain of each list_public
  struct ArchiveRead {
    muc::ArchiveQuery query;
    ArchiveDone done;
  };
  std::deque<ArchiveRead> archive_queries;
  struct EndsRead {
    std::string room;
    ArchiveEndsDone done;
  };
  std::deque<EndsRead> ends;
  struct Retract {
    muc::RetractMessage op;
    RetractDone done;
  };
  std::deque<Retract> retractions;
};

// Every copy an Outbound stands for, rendered as text.
void render_into(const muc::Outbound& o, std::vector<std::string>& out);

// The condition of the first <error/> in `stanza_text`, as "type/condition", or "" if none.
std::string error_of(const std::string& stanza_text);

}  // namespace muc_test
