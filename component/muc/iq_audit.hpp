// Accounting for the rule that every iq get/set is answered exactly once
// (docs/architecture.md, Every iq answered exactly once): the iq get/set that enter, by sender and
// id, and the iq results and errors that go out, matched against them. The unit test
// harness checks it after every test; the component keeps one when MUC_IQ_AUDIT=1 (the
// end-to-end tests) and logs its counts when it stops. Off, it costs nothing: the caller
// holds none.
#pragma once

#include <cstddef>
#include <string>
#include <unordered_map>
#include <vector>

#include "muc/effects.hpp"
#include "xml/element.hpp"

namespace muc {

class IqAudit {
 public:
  struct Counts {
    std::size_t entered = 0;     // iq get/set (any type but result and error) with a sender
    std::size_t answered = 0;    // of those, answered by an iq result or error
    std::size_t unanswered = 0;  // entered and not (yet) answered
    std::size_t duplicate = 0;   // results and errors that answered nothing still waiting
  };

  // A stanza the service is given (Service::handle, or the head of a faulted one).
  void inbound(const xml::Element& stanza);
  // A stanza the service sends.
  void outbound(const Outbound& out);

  Counts counts() const;
  // "sender id" of iqs not answered, and of answers that matched nothing, a few of each.
  std::vector<std::string> unanswered(std::size_t max = 10) const;
  const std::vector<std::string>& duplicates() const { return duplicates_; }

 private:
  void reply(const std::string& rendered);

  std::unordered_map<std::string, std::size_t> waiting_;  // key -> iqs with it not answered
  Counts counts_;
  std::vector<std::string> duplicates_;  // the first few
};

}  // namespace muc
