#include "muc/decode.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

#include "xml/writer.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
namespace {

std::optional<std::size_t> parse_size(const std::string* v) {
  if (v == nullptr || v->empty()) return std::nullopt;
  std::size_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size()) return std::nullopt;
  return out;
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<Clock::time_point> parse_datetime(std::string_view s) {
  // CCYY-MM-DDThh:mm:ss[.sss](Z|(+|-)hh:mm)
  int y, mo, d, h, mi, sec;
  if (!digits(s, 0, 4, y) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d) || s[10] != 'T' || !digits(s, 11, 2, h) || s[13] != ':' ||
      !digits(s, 14, 2, mi) || s[16] != ':' || !digits(s, 17, 2, sec)) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int offset_minutes = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om)) {
      return std::nullopt;
    }
    offset_minutes = (s[pos] == '+' ? 1 : -1) * (oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
    return std::nullopt;
  }
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(mo)},
                                  std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  auto t = std::chrono::sys_days{ymd} + std::chrono::hours{h} + std::chrono::minutes{mi} +
           std::chrono::seconds{sec} - std::chrono::minutes{offset_minutes};
  return std::chrono::time_point_cast<Clock::duration>(t);
}

HistoryRequest decode_history(const xml::Element* history) {
  HistoryRequest r;
  if (history == nullptr) return r;
  r.max_chars = parse_size(history->attr("maxchars"));
  r.max_stanzas = parse_size(history->attr("maxstanzas"));
  if (auto s = parse_size(history->attr("seconds"))) {
    // Clamped: a huge value would overflow the clock's arithmetic; ten years is "all".
    constexpr std::size_t kMaxSeconds = 10ULL * 365 * 24 * 3600;
    r.seconds = std::chrono::seconds(std::min(*s, kMaxSeconds));
  }
  if (const std::string* since = history->attr("since")) r.since = parse_datetime(*since);
  return r;
}

std::string presence_payload(const xml::Element& presence) {
  std::string out;
  for (const xml::Element& c : presence.nodes()) {
    if (c.is_text()) continue;  // white space between children
    if (c.name() == "x" && (c.ns() == ns::kMuc || c.ns() == ns::kMucUser)) continue;
    if (c.name() == "error") continue;
    xml::write(c, out, presence.ns());
  }
  return out;
}

PresenceIn decode_presence(const xml::Element& presence, const xmpp::Jid& from, std::string nick) {
  PresenceIn p;
  p.from = from;
  p.nick = std::move(nick);
  p.id = std::string(presence.attr_or("id"));
  if (const xml::Element* x = presence.child("x", ns::kMuc)) {
    p.has_muc_x = true;
    if (const xml::Element* pw = x->child("password", ns::kMuc)) p.password = pw->text();
    p.history = decode_history(x->child("history", ns::kMuc));
  }
  p.payload_xml = presence_payload(presence);
  return p;
}

xml::Element message_body(const xml::Element& message, std::string_view room_jid) {
  xml::Element out(message.name(), message.ns());
  for (const xml::Attribute& a : message.attrs()) {
    if (a.name != "to" && a.name != "from") out.set_attr(a.name, a.value);
  }
  for (const xml::Element& c : message.nodes()) {
    if (c.is_text()) continue;
    if (c.name() == "x" && c.ns() == ns::kMucUser) continue;
    if (c.name() == "delay" && c.ns() == ns::kDelay && c.attr_or("from") == room_jid) continue;
    out.add(c);
  }
  return out;
}

std::optional<std::string> subject_change(const xml::Element& message) {
  const xml::Element* subject = message.child("subject", message.ns());
  if (subject == nullptr || message.child("body", message.ns()) != nullptr ||
      message.child("thread", message.ns()) != nullptr) {
    return std::nullopt;
  }
  return subject->text();
}

std::vector<FormField> decode_form_fields(const xml::Element& x) {
  std::vector<FormField> out;
  for (const xml::Element* f : x.children("field", ns::kData)) {
    const std::string* var = f->attr("var");
    if (var == nullptr) continue;
    FormField field{*var, {}};
    for (const xml::Element* v : f->children("value", ns::kData)) field.values.push_back(v->text());
    out.push_back(std::move(field));
  }
  return out;
}

std::variant<OwnerSetIn, xmpp::StanzaError> decode_owner_set(const xml::Element& query) {
  OwnerSetIn in;
  if (const xml::Element* d = query.child("destroy", ns::kMucOwner)) {
    in.kind = OwnerSetIn::Kind::destroy;
    in.destroy.alternate = std::string(d->attr_or("jid"));
    in.destroy.reason = d->child_text("reason", ns::kMucOwner);
    in.destroy.password = d->child_text("password", ns::kMucOwner);
    return in;
  }
  const xml::Element* form = query.child("x", ns::kData);
  if (form == nullptr) return xmpp::StanzaError::bad_request("Expected a data form or <destroy/>");
  std::string_view type = form->attr_or("type");
  if (type == "cancel") {
    in.kind = OwnerSetIn::Kind::cancel;
    return in;
  }
  if (type != "submit") {
    return xmpp::StanzaError::bad_request("The form must be of type submit or cancel");
  }
  in.fields = decode_form_fields(*form);
  return in;
}

std::string error_condition(const xml::Element& stanza) {
  const xml::Element* err = stanza.child("error", stanza.ns());
  if (err == nullptr || err->elements().empty()) return {};
  return err->elements().front()->name();
}

}  // namespace muc
