// libFuzzer target: data forms (XEP-0004) as the room configuration reads them
// (muc/decode.hpp, muc/room_options.hpp). Invariants: a submitted form that applies gives a
// configuration whose own form, submitted again, gives the same configuration; every
// option's column codec reads back what it wrote; a refused form is a bad-request or a
// not-acceptable, nothing else.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "muc/decode.hpp"
#include "muc/room_options.hpp"
#include "tests/fuzz/fuzz_stream.hpp"

namespace {

void check(const xml::Element& form) {
  auto fields = muc::decode_form_fields(form);
  if (const auto* refused = std::get_if<xmpp::StanzaError>(&fields)) {
    if (refused->condition != "bad-request") std::abort();
    return;
  }
  auto applied =
      muc::apply_config_form(muc::RoomConfig{}, std::get<std::vector<muc::FormField>>(fields));
  if (const auto* refused = std::get_if<xmpp::StanzaError>(&applied)) {
    if (refused->condition != "bad-request" && refused->condition != "not-acceptable") {
      std::abort();
    }
    return;
  }
  const muc::RoomConfig& config = std::get<muc::RoomConfig>(applied);
  auto own_fields = muc::decode_form_fields(muc::config_form(config));
  if (!std::holds_alternative<std::vector<muc::FormField>>(own_fields)) std::abort();
  auto again =
      muc::apply_config_form(muc::RoomConfig{}, std::get<std::vector<muc::FormField>>(own_fields));
  if (!std::holds_alternative<muc::RoomConfig>(again) ||
      !(std::get<muc::RoomConfig>(again) == config)) {
    std::abort();
  }
  muc::RoomConfig read_back;
  for (const muc::OptionDescriptor& d : muc::room_options()) {
    if (!d.column.decode(read_back, d.column.encode(config))) std::abort();
  }
  if (!(read_back == config)) std::abort();
}

}  // namespace

// The input is a stream of <x xmlns='jabber:x:data'/> forms (any top-level element is
// read as a form).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::StanzaSink sink;
  sink.stanza = check;
  fuzz::each_stanza(std::string_view(reinterpret_cast<const char*>(data), size), sink);
  return 0;
}
