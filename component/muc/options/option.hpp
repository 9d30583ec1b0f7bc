// A room option's descriptor (docs/architecture.md, "The option descriptor"). Everything the
// service knows about one muc#roomconfig field (XEP-0045 10.2, 16.5.3) is in its descriptor,
// defined in one file of this directory: the form field, validation, the disco features it
// shows (6.4), the check it makes on entering (7.2), the occupants a change removes (10.2),
// the status code a change announces (10.2.1) and the column that stores it. The room, the
// disco code and the store read options through these descriptors only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "muc/affiliation.hpp"
#include "muc/room_config.hpp"
#include "xmpp/stanza_error.hpp"

namespace muc {

struct FieldOption {
  std::string_view value;
  std::string_view label;
};

// The facts an entry decision reads (XEP-0045 7.2), computed once by the room.
struct EntryFacts {
  Affiliation affiliation = Affiliation::none;  // effective (service admins, domains)
  std::size_t occupants = 0;                    // occupants in the room now
  std::size_t occupant_cap = 0;     // the service's bound on any room (ServiceLimits), 0: none
  bool joins_own_occupant = false;  // another session of this user already has the nick
  const std::optional<std::string>* password = nullptr;  // as given on entering
};

// Occupants a configuration change removes: those whose affiliation is below `below`,
// each told with status `code` (XEP-0045 10.2: 322 when a room becomes members-only).
struct Eviction {
  int code = 0;
  Affiliation below = Affiliation::none;
};

// The column of table `rooms` that stores an option, and its codec. Values travel as
// PostgreSQL's text form in both directions (`$n::type` in, `column::text` out), so the codec
// needs no database library and the pure core owns it.
struct Column {
  std::string_view name;
  std::string_view sql_type;  // "boolean", "bigint", "text" or "text[]"
  bool in_view = true;        // listed in the muc_rooms view (secrets are not)
  std::function<std::string(const RoomConfig&)> encode;
  // false when the text is not a value of this column (the schema and the code disagree)
  std::function<bool(RoomConfig&, std::string_view)> decode;
};

struct OptionDescriptor {
  std::string_view var;              // e.g. "muc#roomconfig_roomname"
  std::string_view type;             // XEP-0004 field type
  std::string_view label;            // shown by clients
  std::vector<FieldOption> choices;  // list-single / list-multi options
  std::function<std::vector<std::string>(const RoomConfig&)> get;
  // Applies submitted values; false when they are invalid for this field (bad-request).
  std::function<bool(RoomConfig&, const std::vector<std::string>&)> set;
  Column column;

  // Optional parts; an empty function means "nothing of that kind".
  // XEP-0045 10.2.1: the status code announcing a change of this option (else 104).
  std::function<int(const RoomConfig& after)> announce;
  std::function<std::vector<std::string_view>(const RoomConfig&)> features;  // 6.4
  std::function<std::optional<xmpp::StanzaError>(const RoomConfig&, const EntryFacts&)> admit;
  std::function<std::optional<Eviction>(const RoomConfig& before, const RoomConfig& after)> evict;
  // A rule over the whole submitted configuration (10.1.3: a configuration that breaks the
  // service's policy gets not-acceptable), checked after every field is applied.
  std::function<std::optional<xmpp::StanzaError>(const RoomConfig&)> check;
};

namespace options {

// Descriptors for the common kinds of field (option_kinds.cpp). `column` is the column's name.
OptionDescriptor boolean(std::string_view var, std::string_view label, bool RoomConfig::*member,
                         std::string_view column);
OptionDescriptor text(std::string_view var, std::string_view type, std::string_view label,
                      std::string RoomConfig::*member, std::size_t max_len,
                      std::string_view column);
// A whole number up to `max`; `none` (when not empty) is the form's word for 0.
OptionDescriptor number(std::string_view var, std::string_view type, std::string_view label,
                        std::uint32_t RoomConfig::*member, std::uint32_t max, std::string_view none,
                        std::vector<FieldOption> choices, std::string_view column);
// A list-multi of roles (presencebroadcast, getmemberlist), stored as text[].
OptionDescriptor roles(std::string_view var, std::string_view label, RoleSet RoomConfig::*member,
                       std::string_view column);

// A list-single over an enum whose values are, in order, the choices' values; stored as the
// choice's value.
template <typename E>
OptionDescriptor choice(std::string_view var, std::string_view label,
                        const std::vector<FieldOption>& choices, E RoomConfig::*m,
                        std::string_view column) {
  auto text_of = [choices, m](const RoomConfig& c) {
    return std::string(choices[static_cast<std::size_t>(c.*m)].value);
  };
  auto parse = [choices, m](RoomConfig& c, std::string_view v) {
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (v == choices[i].value) {
        c.*m = static_cast<E>(i);
        return true;
      }
    }
    return false;
  };
  OptionDescriptor d;
  d.var = var;
  d.type = "list-single";
  d.label = label;
  d.choices = choices;
  d.get = [text_of](const RoomConfig& c) { return std::vector<std::string>{text_of(c)}; };
  d.set = [parse](RoomConfig& c, const std::vector<std::string>& v) {
    return v.size() == 1 && parse(c, v[0]);
  };
  d.column = {column, "text", true, text_of, parse};
  return d;
}

}  // namespace options
}  // namespace muc
