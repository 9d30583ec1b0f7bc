// The common kinds of room option field, with their form values (XEP-0004 3.3) and column
// codecs (PostgreSQL text forms).
#include <charconv>

#include "muc/options/option.hpp"

namespace muc::options {
namespace {

std::optional<bool> parse_form_bool(const std::vector<std::string>& values) {
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

constexpr std::string_view kRoleNames[] = {"moderator", "participant", "visitor"};

bool RoleSet::*role_member(std::size_t i) {
  static constexpr bool RoleSet::*members[] = {&RoleSet::moderator, &RoleSet::participant,
                                               &RoleSet::visitor};
  return members[i];
}

std::vector<std::string> role_names(const RoleSet& s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < 3; ++i) {
    if (s.*role_member(i)) out.emplace_back(kRoleNames[i]);
  }
  return out;
}

std::optional<RoleSet> parse_roles(const std::vector<std::string_view>& values) {
  RoleSet s{false, false, false};
  for (std::string_view v : values) {
    std::size_t i = 0;
    while (i < 3 && kRoleNames[i] != v) ++i;
    if (i == 3) return std::nullopt;
    s.*role_member(i) = true;
  }
  return s;
}

}  // namespace

OptionDescriptor boolean(std::string_view var, std::string_view label, bool RoomConfig::*m,
                         std::string_view column) {
  OptionDescriptor d;
  d.var = var;
  d.type = "boolean";
  d.label = label;
  d.get = [m](const RoomConfig& c) { return std::vector<std::string>{(c.*m) ? "1" : "0"}; };
  d.set = [m](RoomConfig& c, const std::vector<std::string>& v) {
    auto b = parse_form_bool(v);
    if (b) c.*m = *b;
    return b.has_value();
  };
  d.column = {column, "boolean", true,
              [m](const RoomConfig& c) { return std::string((c.*m) ? "true" : "false"); },
              [m](RoomConfig& c, std::string_view t) {
                if (t != "true" && t != "false") return false;
                c.*m = t == "true";
                return true;
              }};
  return d;
}

OptionDescriptor text(std::string_view var, std::string_view type, std::string_view label,
                      std::string RoomConfig::*m, std::size_t max_len, std::string_view column) {
  OptionDescriptor d;
  d.var = var;
  d.type = type;
  d.label = label;
  d.get = [m](const RoomConfig& c) { return std::vector<std::string>{c.*m}; };
  d.set = [m, max_len](RoomConfig& c, const std::vector<std::string>& v) {
    if (v.size() > 1) return false;
    std::string value = v.empty() ? std::string() : v[0];
    if (value.size() > max_len) return false;
    c.*m = std::move(value);
    return true;
  };
  d.column = {column, "text", type != "text-private", [m](const RoomConfig& c) { return c.*m; },
              [m](RoomConfig& c, std::string_view t) {
                c.*m = std::string(t);
                return true;
              }};
  return d;
}

OptionDescriptor number(std::string_view var, std::string_view type, std::string_view label,
                        std::uint32_t RoomConfig::*m, std::uint32_t max, std::string_view none,
                        std::vector<FieldOption> choices, std::string_view column) {
  OptionDescriptor d;
  d.var = var;
  d.type = type;
  d.label = label;
  d.choices = std::move(choices);
  d.get = [m, none](const RoomConfig& c) {
    if (c.*m == 0 && !none.empty()) return std::vector<std::string>{std::string(none)};
    return std::vector<std::string>{std::to_string(c.*m)};
  };
  // Any number in range is accepted, not only the listed choices: list-single options are
  // suggestions (XEP-0045 10.2 allows others).
  d.set = [m, max, none](RoomConfig& c, const std::vector<std::string>& v) {
    if (v.size() != 1) return false;
    if (!none.empty() && v[0] == none) {
      c.*m = 0;
      return true;
    }
    auto n = parse_uint(v[0]);
    if (!n || *n > max) return false;
    c.*m = *n;
    return true;
  };
  d.column = {column, "bigint", true, [m](const RoomConfig& c) { return std::to_string(c.*m); },
              [m](RoomConfig& c, std::string_view t) {
                auto n = parse_uint(t);
                if (n) c.*m = *n;
                return n.has_value();
              }};
  return d;
}

OptionDescriptor roles(std::string_view var, std::string_view label, RoleSet RoomConfig::*m,
                       std::string_view column) {
  OptionDescriptor d;
  d.var = var;
  d.type = "list-multi";
  d.label = label;
  d.choices = {{"moderator", "Moderator"}, {"participant", "Participant"}, {"visitor", "Visitor"}};
  d.get = [m](const RoomConfig& c) { return role_names(c.*m); };
  d.set = [m](RoomConfig& c, const std::vector<std::string>& v) {
    auto s = parse_roles(std::vector<std::string_view>(v.begin(), v.end()));
    if (s) c.*m = *s;
    return s.has_value();
  };
  // text[] literal: "{moderator,participant}" (role names need no quoting).
  d.column = {column, "text[]", true,
              [m](const RoomConfig& c) {
                std::string out = "{";
                for (const std::string& r : role_names(c.*m)) {
                  if (out.size() > 1) out += ',';
                  out += r;
                }
                return out + "}";
              },
              [m](RoomConfig& c, std::string_view t) {
                if (t.size() < 2 || t.front() != '{' || t.back() != '}') return false;
                std::vector<std::string_view> names;
                t = t.substr(1, t.size() - 2);
                while (!t.empty()) {
                  std::size_t comma = t.find(',');
                  names.push_back(t.substr(0, comma));
                  t = comma == std::string_view::npos ? std::string_view() : t.substr(comma + 1);
                }
                auto s = parse_roles(names);
                if (s) c.*m = *s;
                return s.has_value();
              }};
  return d;
}

}  // namespace muc::options
