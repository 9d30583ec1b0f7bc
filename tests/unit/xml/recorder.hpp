// A StreamFramer handler that records what it is given, for the xml unit tests.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "xml/framer.hpp"

namespace xml {
// Readable gtest failure messages.
inline void PrintTo(const StreamError& e, std::ostream* os) {
  *os << e.condition << " (" << e.text << ")";
}
}  // namespace xml

namespace xml::test {

struct Recorder : StreamFramer::Handler {
  std::vector<Element> headers;
  std::vector<Element> stanzas;
  std::vector<StanzaFault> faults;
  int closes = 0;

  void on_stream_open(const Element& header) override { headers.push_back(header); }
  void on_stanza(Element stanza) override { stanzas.push_back(std::move(stanza)); }
  void on_stanza_fault(StanzaFault fault) override { faults.push_back(std::move(fault)); }
  void on_stream_close() override { ++closes; }

  bool operator==(const Recorder& o) const {
    return headers == o.headers && stanzas == o.stanzas && closes == o.closes &&
           faults.size() == o.faults.size();
  }
};

inline constexpr std::string_view kHeader =
    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' "
    "xmlns='jabber:component:accept' id='s1' from='muc.localhost'>";

}  // namespace xml::test
