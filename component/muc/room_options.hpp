// One descriptor per room option: its muc#roomconfig form field, how to read it from the
// config and write it back (validating), and which status code announces a change
// (XEP-0045 10.2.1). One ordered list is both the form's order and the order of checks.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "muc/room_config.hpp"
#include "xml/element.hpp"

namespace muc {

struct FieldOption {
  std::string_view value;
  std::string_view label;
};

struct OptionDescriptor {
  std::string_view var;   // e.g. "muc#roomconfig_roomname"
  std::string_view type;  // XEP-0004 field type
  std::string_view label;
  std::vector<FieldOption> options;  // list-single / list-multi choices
  std::function<std::vector<std::string>(const RoomConfig&)> get;
  // Applies submitted values; false when they are invalid for this field.
  std::function<bool(RoomConfig&, const std::vector<std::string>&)> set;
};

const std::vector<OptionDescriptor>& room_options();

// The muc#owner configuration form for `config` (XEP-0045 10.2, example 163).
xml::Element config_form(const RoomConfig& config);

// Applies a submitted form to a copy of `current`. nullopt when a field is invalid (then
// nothing changes: the caller answers modify/bad-request). Unknown fields are ignored
// (XEP-0004: a form may carry fields the service does not know).
std::optional<RoomConfig> apply_config_form(const RoomConfig& current, const xml::Element& form);

// XEP-0045 10.2.1: status codes announcing the difference between two configurations:
// 170/171 logging on/off, 172/173 now non-anonymous/semi-anonymous, 104 any other change.
std::vector<int> config_change_codes(const RoomConfig& before, const RoomConfig& after);

// XEP-0045 section 6.4: muc_* disco features describing the room.
std::vector<std::string_view> room_features(const RoomConfig& config);

}  // namespace muc
