// Drives a muc::Service with XML text and a controlled clock; collects what it sends as text.
#pragma once

#include <chrono>
#include <deque>
#include <string>
#include <vector>

#include "muc/service.hpp"

namespace muc_test {

class ServiceHarness {
 public:
  explicit ServiceHarness(muc::ServiceConfig config = {}, muc::Store* store = nullptr);

  // Sends one stanza (XML text, default namespace jabber:component:accept); returns what
  // the service sent back, each rendered as XML text, in order.
  std::vector<std::string> send(const std::string& xml_text);
  void advance(std::chrono::seconds s) { now_ += s; }
  muc::Service& service() { return service_; }
  // What the service sent later, when store operations completed (then forgotten).
  std::vector<std::string> take_emitted();

  // Convenience for scenario tests.
  std::vector<std::string> join(const std::string& full_jid, const std::string& room_nick,
                                const std::string& extra = {});
  // Creates room@conference.localhost with `owner_full` as owner and accepts the defaults.
  void create_instant_room(const std::string& room, const std::string& owner_full,
                           const std::string& nick);

 private:
  std::vector<std::string> emitted_;
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
  void list_public(ListDone done) override { lists.push_back(std::move(done)); }
  // Completes the oldest pending commit / load.
  void finish_commit(bool ok);
  void finish_load(std::optional<muc::RoomSnapshot> found, bool ok = true);

  std::deque<Commit> commits;
  std::deque<Load> loads;
  std::deque<ListDone> lists;
};

// Every copy an Outbound stands for, rendered as text.
void render_into(const muc::Outbound& o, std::vector<std::string>& out);

// The condition of the first <error/> in `stanza_text`, as "type/condition", or "" if none.
std::string error_of(const std::string& stanza_text);

}  // namespace muc_test
