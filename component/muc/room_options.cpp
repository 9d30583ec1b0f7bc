#include "muc/room_options.hpp"

#include <charconv>

#include "xmpp/namespaces.hpp"

namespace muc {
namespace {

std::optional<bool> parse_bool(const std::vector<std::string>& values) {
  // XEP-0004 3.3: boolean values are "0"/"false" or "1"/"true"; one value.
  if (values.size() != 1) return std::nullopt;
  const std::string& v = values[0];
  if (v == "1" || v == "true") return true;
  if (v == "0" || v == "false") return false;
  return std::nullopt;
}

std::optional<std::uint32_t> parse_uint(std::string_view v) {
  std::uint32_t out = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size() || v.empty()) return std::nullopt;
  return out;
}

OptionDescriptor bool_option(std::string_view var, std::string_view label, bool RoomConfig::*m) {
  return {var,
          "boolean",
          label,
          {},
          [m](const RoomConfig& c) { return std::vector<std::string>{(c.*m) ? "1" : "0"}; },
          [m](RoomConfig& c, const std::vector<std::string>& v) {
            auto b = parse_bool(v);
            if (b) c.*m = *b;
            return b.has_value();
          }};
}

OptionDescriptor text_option(std::string_view var, std::string_view type, std::string_view label,
                             std::string RoomConfig::*m, std::size_t max_len) {
  return {var,
          type,
          label,
          {},
          [m](const RoomConfig& c) { return std::vector<std::string>{c.*m}; },
          [m, max_len](RoomConfig& c, const std::vector<std::string>& v) {
            if (v.size() > 1) return false;
            std::string value = v.empty() ? std::string() : v[0];
            if (value.size() > max_len) return false;
            c.*m = std::move(value);
            return true;
          }};
}

std::vector<std::string> roles_of(const RoleSet& s) {
  std::vector<std::string> out;
  if (s.moderator) out.emplace_back("moderator");
  if (s.participant) out.emplace_back("participant");
  if (s.visitor) out.emplace_back("visitor");
  return out;
}

std::optional<RoleSet> parse_roles(const std::vector<std::string>& values) {
  RoleSet s{false, false, false};
  for (const std::string& v : values) {
    if (v == "moderator") {
      s.moderator = true;
    } else if (v == "participant") {
      s.participant = true;
    } else if (v == "visitor") {
      s.visitor = true;
    } else {
      return std::nullopt;
    }
  }
  return s;
}

OptionDescriptor roles_option(std::string_view var, std::string_view label,
                              RoleSet RoomConfig::*m) {
  return {var,
          "list-multi",
          label,
          {{"moderator", "Moderator"}, {"participant", "Participant"}, {"visitor", "Visitor"}},
          [m](const RoomConfig& c) { return roles_of(c.*m); },
          [m](RoomConfig& c, const std::vector<std::string>& v) {
            auto s = parse_roles(v);
            if (s) c.*m = *s;
            return s.has_value();
          }};
}

// A list-single field over an enum whose values are, in order, the options' values.
template <typename E>
OptionDescriptor enum_option(std::string_view var, std::string_view label,
                             std::vector<FieldOption> options, E RoomConfig::*m) {
  std::vector<FieldOption> values = options;
  return {
      var,
      "list-single",
      label,
      std::move(options),
      [m, values](const RoomConfig& c) {
        return std::vector<std::string>{std::string(values[static_cast<std::size_t>(c.*m)].value)};
      },
      [m, values](RoomConfig& c, const std::vector<std::string>& v) {
        if (v.size() != 1) return false;
        for (std::size_t i = 0; i < values.size(); ++i) {
          if (v[0] == values[i].value) {
            c.*m = static_cast<E>(i);
            return true;
          }
        }
        return false;
      }};
}

std::vector<OptionDescriptor> build_options() {
  std::vector<OptionDescriptor> o;
  o.push_back(
      text_option("muc#roomconfig_roomname", "text-single", "Room name", &RoomConfig::name, 256));
  o.push_back(text_option("muc#roomconfig_roomdesc", "text-single", "Room description",
                          &RoomConfig::description, 1024));
  o.push_back(text_option("muc#roomconfig_lang", "text-single", "Natural language",
                          &RoomConfig::language, 35));
  o.push_back(bool_option("muc#roomconfig_persistentroom", "Make room persistent",
                          &RoomConfig::persistent));
  o.push_back(bool_option("muc#roomconfig_publicroom", "Make room publicly searchable",
                          &RoomConfig::public_room));
  o.push_back(bool_option("muc#roomconfig_changesubject", "Allow occupants to change the subject",
                          &RoomConfig::change_subject));
  o.push_back(bool_option("muc#roomconfig_allowinvites", "Allow occupants to invite others",
                          &RoomConfig::allow_invites));
  o.push_back(enum_option<AllowPm>("muc#roomconfig_allowpm", "Who may send private messages",
                                   {{"anyone", "Anyone"},
                                    {"participants", "Participants"},
                                    {"moderators", "Moderators"},
                                    {"none", "Nobody"}},
                                   &RoomConfig::allow_pm));
  o.push_back(bool_option("muc#roomconfig_membersonly", "Make room members-only",
                          &RoomConfig::members_only));
  o.push_back(
      bool_option("muc#roomconfig_moderatedroom", "Make room moderated", &RoomConfig::moderated));
  o.push_back(bool_option("muc#roomconfig_passwordprotectedroom", "Password required to enter",
                          &RoomConfig::password_protected));
  o.push_back(text_option("muc#roomconfig_roomsecret", "text-private", "Password",
                          &RoomConfig::password, 256));
  o.push_back({"muc#roomconfig_maxusers",
               "list-single",
               "Maximum number of occupants",
               {{"10", "10"},
                {"20", "20"},
                {"30", "30"},
                {"50", "50"},
                {"100", "100"},
                {"none", "No limit"}},
               [](const RoomConfig& c) {
                 return std::vector<std::string>{c.max_users == 0 ? std::string("none")
                                                                  : std::to_string(c.max_users)};
               },
               [](RoomConfig& c, const std::vector<std::string>& v) {
                 // Any positive number is accepted, not only the listed choices: the
                 // list-single options are suggestions (XEP-0045 10.2 allows others).
                 if (v.size() != 1) return false;
                 if (v[0] == "none" || v[0] == "0") {
                   c.max_users = 0;
                   return true;
                 }
                 auto n = parse_uint(v[0]);
                 if (!n || *n > 1000000) return false;
                 c.max_users = *n;
                 return true;
               }});
  o.push_back(enum_option<WhoIs>("muc#roomconfig_whois", "Who may discover real JIDs",
                                 {{"moderators", "Moderators only"}, {"anyone", "Anyone"}},
                                 &RoomConfig::whois));
  o.push_back(roles_option("muc#roomconfig_presencebroadcast", "Roles whose presence is broadcast",
                           &RoomConfig::presence_broadcast));
  o.push_back(roles_option("muc#roomconfig_getmemberlist", "Roles that may retrieve member list",
                           &RoomConfig::get_member_list));
  o.push_back({"muc#roomconfig_historylength",
               "text-single",
               "Number of past messages sent to new occupants",
               {},
               [](const RoomConfig& c) {
                 return std::vector<std::string>{std::to_string(c.history_length)};
               },
               [](RoomConfig& c, const std::vector<std::string>& v) {
                 if (v.size() != 1) return false;
                 auto n = parse_uint(v[0]);
                 if (!n || *n > 1000) return false;
                 c.history_length = *n;
                 return true;
               }});
  o.push_back(bool_option("muc#roomconfig_enablelogging", "Log room conversations",
                          &RoomConfig::enable_logging));
  return o;
}

}  // namespace

const std::vector<OptionDescriptor>& room_options() {
  static const std::vector<OptionDescriptor> options = build_options();
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
    for (const FieldOption& opt : d.options) {
      xml::Element& o = f.add("option", data_ns);
      o.set_attr("label", std::string(opt.label));
      o.add_text_child("value", data_ns, std::string(opt.value));
    }
    for (std::string& v : d.get(config)) f.add_text_child("value", data_ns, std::move(v));
  }
  return x;
}

std::optional<RoomConfig> apply_config_form(const RoomConfig& current, const xml::Element& form) {
  RoomConfig next = current;
  for (const xml::Element* field : form.children("field", ns::kData)) {
    std::string_view var = field->attr_or("var");
    for (const OptionDescriptor& d : room_options()) {
      if (d.var != var) continue;
      std::vector<std::string> values;
      for (const xml::Element* v : field->children("value", ns::kData)) values.push_back(v->text());
      if (!d.set(next, values)) return std::nullopt;
    }
  }
  // A password-protected room needs a password (XEP-0045 10.2: otherwise nobody could enter).
  if (next.password_protected && next.password.empty()) return std::nullopt;
  return next;
}

std::vector<int> config_change_codes(const RoomConfig& before, const RoomConfig& after) {
  std::vector<int> codes;
  if (before.enable_logging != after.enable_logging)
    codes.push_back(after.enable_logging ? 170 : 171);
  if (before.whois != after.whois) codes.push_back(after.whois == WhoIs::anyone ? 172 : 173);
  RoomConfig a = before;
  RoomConfig b = after;
  a.enable_logging = b.enable_logging;
  a.whois = b.whois;
  if (!(a == b)) codes.push_back(104);
  return codes;
}

std::vector<std::string_view> room_features(const RoomConfig& c) {
  return {c.persistent ? "muc_persistent" : "muc_temporary",
          c.public_room ? "muc_public" : "muc_hidden",
          c.members_only ? "muc_membersonly" : "muc_open",
          c.moderated ? "muc_moderated" : "muc_unmoderated",
          c.password_protected ? "muc_passwordprotected" : "muc_unsecured",
          c.whois == WhoIs::anyone ? "muc_nonanonymous" : "muc_semianonymous"};
}

}  // namespace muc
