// The list of room options, in form order, and what is computed over all of them. Adding an
// option: one file in this directory, its factory in all.hpp and a line below, its value in
// RoomConfig, and a migration adding its column (README, "Adding a room option").
#include <algorithm>

#include "muc/options/all.hpp"
#include "muc/room_options.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
namespace {

std::vector<OptionDescriptor> build() {
  std::vector<OptionDescriptor> o;
  auto add = [&o](std::vector<OptionDescriptor> family) {
    for (OptionDescriptor& d : family) o.push_back(std::move(d));
  };
  add(options::identity());
  o.push_back(options::persistent());
  o.push_back(options::public_room());
  o.push_back(options::change_subject());
  o.push_back(options::allow_invites());
  o.push_back(options::allow_pm());
  o.push_back(options::members_only());
  o.push_back(options::moderated());
  add(options::password());
  o.push_back(options::max_users());
  o.push_back(options::whois());
  o.push_back(options::presence_broadcast());
  o.push_back(options::get_member_list());
  o.push_back(options::history_length());
  o.push_back(options::enable_logging());
  o.push_back(options::enable_archiving());
  o.push_back(options::allow_register());
  return o;
}

}  // namespace

const std::vector<OptionDescriptor>& room_options() {
  static const std::vector<OptionDescriptor> options = build();
  return options;
}

xml::Element config_form(const RoomConfig& config) {
  const std::string data_ns(ns::kData);
  xml::Element x("x", data_ns);
  x.set_attr("type", "form");
  x.add_text_child("title", data_ns, "Room configuration");
  xml::Element& form_type = x.add("field", data_ns);
  form_type.set_attr("var", "FORM_TYPE").set_attr("type", "hidden");
  form_type.add_text_child("value", data_ns, std::string(ns::kMucRoomConfig));
  for (const OptionDescriptor& d : room_options()) {
    xml::Element& f = x.add("field", data_ns);
    f.set_attr("var", std::string(d.var))
        .set_attr("type", std::string(d.type))
        .set_attr("label", std::string(d.label));
    for (const FieldOption& opt : d.choices) {
      xml::Element& o = f.add("option", data_ns);
      o.set_attr("label", std::string(opt.label));
      o.add_text_child("value", data_ns, std::string(opt.value));
    }
    for (std::string& v : d.get(config)) f.add_text_child("value", data_ns, std::move(v));
  }
  return x;
}

std::variant<RoomConfig, xmpp::StanzaError> apply_config_form(
    const RoomConfig& current, const std::vector<FormField>& fields) {
  RoomConfig next = current;
  for (const FormField& field : fields) {
    for (const OptionDescriptor& d : room_options()) {
      if (d.var != field.var) continue;
      if (!d.set(next, field.values)) {
        return xmpp::StanzaError::bad_request("The field " + field.var + " has an invalid value");
      }
    }
  }
  for (const OptionDescriptor& d : room_options()) {
    if (!d.check) continue;
    if (auto refused = d.check(next)) return *refused;
  }
  return next;
}

std::vector<int> config_change_codes(const RoomConfig& before, const RoomConfig& after) {
  std::vector<int> codes;
  bool other = false;
  for (const OptionDescriptor& d : room_options()) {
    if (d.get(before) == d.get(after)) continue;
    if (d.announce) {
      codes.push_back(d.announce(after));
    } else {
      other = true;
    }
  }
  if (other) codes.push_back(104);
  std::sort(codes.begin(), codes.end());
  return codes;
}

std::vector<std::string_view> room_features(const RoomConfig& config) {
  std::vector<std::string_view> out;
  for (const OptionDescriptor& d : room_options()) {
    if (!d.features) continue;
    for (std::string_view f : d.features(config)) out.push_back(f);
  }
  return out;
}

std::optional<xmpp::StanzaError> option_refusal(const RoomConfig& config, const EntryFacts& facts) {
  for (const OptionDescriptor& d : room_options()) {
    if (!d.admit) continue;
    if (auto refused = d.admit(config, facts)) return refused;
  }
  return std::nullopt;
}

std::vector<Eviction> config_evictions(const RoomConfig& before, const RoomConfig& after) {
  std::vector<Eviction> out;
  for (const OptionDescriptor& d : room_options()) {
    if (!d.evict) continue;
    if (auto e = d.evict(before, after)) out.push_back(*e);
  }
  return out;
}

}  // namespace muc
