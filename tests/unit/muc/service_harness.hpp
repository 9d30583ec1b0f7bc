// Drives a muc::Service with XML text and a controlled clock; collects what it sends as text.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "muc/service.hpp"

namespace muc_test {

class ServiceHarness {
 public:
  explicit ServiceHarness(muc::ServiceConfig config = {});

  // Sends one stanza (XML text, default namespace jabber:component:accept); returns what
  // the service sent back, each rendered as XML text, in order.
  std::vector<std::string> send(const std::string& xml_text);
  void advance(std::chrono::seconds s) { now_ += s; }
  muc::Service& service() { return service_; }

  // Convenience for scenario tests.
  std::vector<std::string> join(const std::string& full_jid, const std::string& room_nick,
                                const std::string& extra = {});
  // Creates room@conference.localhost with `owner_full` as owner and accepts the defaults.
  void create_instant_room(const std::string& room, const std::string& owner_full,
                           const std::string& nick);

 private:
  muc::Service service_;
  muc::Clock::time_point now_;
};

// The condition of the first <error/> in `stanza_text`, as "type/condition", or "" if none.
std::string error_of(const std::string& stanza_text);

}  // namespace muc_test
