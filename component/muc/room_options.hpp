// The room options as a whole (XEP-0045 10.2): the ordered list of descriptors
// (options/option.hpp, one file per option under options/) and what is computed over all of
// them. The list's order is the form's order and the order of the entry checks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "muc/options/option.hpp"
#include "muc/requests.hpp"
#include "xml/element.hpp"

namespace muc {

const std::vector<OptionDescriptor>& room_options();

// The muc#owner configuration form for `config` (XEP-0045 10.2, example 163).
xml::Element config_form(const RoomConfig& config);

// Applies the fields of a submitted form to a copy of `current`. A field with an invalid
// value gets modify/bad-request; a configuration an option's policy refuses gets
// modify/not-acceptable (10.1.3). Then nothing changes. Unknown fields are ignored (XEP-0004:
// a form may carry fields the service does not know).
std::variant<RoomConfig, xmpp::StanzaError> apply_config_form(const RoomConfig& current,
                                                              const std::vector<FormField>& fields);

// XEP-0045 10.2.1: status codes announcing the difference between two configurations, in
// ascending order: 104 when an option without a code of its own changed, and the codes of
// those that have one (170/171 logging, 172/173 anonymity).
std::vector<int> config_change_codes(const RoomConfig& before, const RoomConfig& after);

// XEP-0045 6.4: the muc_* disco features describing the room.
std::vector<std::string_view> room_features(const RoomConfig& config);

// XEP-0045 7.2: the first option that refuses this entry, in list order.
std::optional<xmpp::StanzaError> option_refusal(const RoomConfig& config, const EntryFacts& facts);

// XEP-0045 10.2: who a configuration change removes (e.g. 322 for members-only).
std::vector<Eviction> config_evictions(const RoomConfig& before, const RoomConfig& after);

}  // namespace muc
