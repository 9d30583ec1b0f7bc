// For the fuzz targets: arbitrary bytes as a component stream, cut into stanzas by the
// framer exactly as the link does, so targets see what the service would.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "xml/framer.hpp"

namespace fuzz {

struct StanzaSink : xml::StreamFramer::Handler {
  std::function<void(const xml::Element&)> stanza;
  std::function<void(const xml::StanzaFault&)> fault;
  void on_stream_open(const xml::Element&) override {}
  void on_stanza(xml::Element e) override {
    if (stanza) stanza(e);
  }
  void on_stanza_fault(xml::StanzaFault f) override {
    if (fault) fault(f);
  }
  void on_stream_close() override {}
};

// Feeds `data` after a jabber:component:accept stream header; stops at a stream error.
inline void each_stanza(std::string_view data, StanzaSink& sink, xml::Limits limits = {}) {
  xml::StreamFramer framer(limits);
  std::string stream =
      "<stream:stream xmlns='jabber:component:accept' "
      "xmlns:stream='http://etherx.jabber.org/streams' id='f'>";
  stream.append(data);
  framer.feed(stream, sink);
}

}  // namespace fuzz
