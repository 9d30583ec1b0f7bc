#include "muc/decode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <set>

#include "muc/avatar.hpp"
#include "muc/relay_id.hpp"
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
    if (c.is("occupant-id", ns::kOccupantId)) continue;  // XEP-0421 4, as for messages
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

namespace {

// `jid` names the room, or one of its occupants (room@service/nick), or the service. Compared
// as JIDs, so that another letter case of the address is the same address.
bool names_room_or_service(std::string_view jid, std::string_view room_jid) {
  std::optional<xmpp::Jid> parsed = xmpp::Jid::parse(jid);
  if (!parsed) return false;
  if (parsed->bare_str() == room_jid) return true;
  // room_jid is prepared (local@service): the service is what follows the '@'.
  const std::string_view service = room_jid.substr(room_jid.find('@') + 1);
  return !parsed->has_local() && parsed->domain() == service;
}

}  // namespace

bool forged_by_sender(const xml::Element& child, std::string_view room_jid) {
  // XEP-0045 7.2.15: only the room adds a <delay/> naming itself, to the history it sends.
  if (child.is("delay", ns::kDelay)) return names_room_or_service(child.attr_or("from"), room_jid);
  // XEP-0359 3: an entity strips the stanza-ids that claim to be its own, or anyone could
  // forge the id that replies, reactions and the archive refer to.
  if (child.is("stanza-id", ns::kStanzaId)) {
    return names_room_or_service(child.attr_or("by"), room_jid);
  }
  // XEP-0421 4: the room vouches for occupant-ids; a client's own is never passed on.
  return child.is("occupant-id", ns::kOccupantId);
}

xml::Element message_body(const xml::Element& message, std::string_view room_jid) {
  xml::Element out(message.name(), message.ns());
  for (const xml::Attribute& a : message.attrs()) {
    if (a.name != "to" && a.name != "from") out.set_attr(a.name, a.value);
  }
  for (const xml::Element& c : message.nodes()) {
    if (c.is_text()) continue;
    if (c.name() == "x" && c.ns() == ns::kMucUser) continue;
    if (forged_by_sender(c, room_jid)) continue;
    out.add(c);
  }
  return out;
}

GroupchatIn decode_groupchat(const xml::Element& message, const xmpp::Jid& from,
                             std::string_view room_jid) {
  // The stanza id is the service's to give (Service::handle_message), not the sender's.
  GroupchatIn in{from,         message_body(message, room_jid),
                 std::nullopt, std::string(message.attr_or("id")),
                 {},           {}};
  if (const xml::Element* body = message.child("body", message.ns())) in.body = body->text();
  // XEP-0424 4: <retract id/> names the message by the id the room gave it. Without an id
  // it names none, and the message is an ordinary one.
  if (xml::Element* retract = in.message.child("retract", ns::kMessageRetract)) {
    // XEP-0425 6: only the room says a retraction was a moderator's.
    std::erase_if(retract->nodes(),
                  [](const xml::Element& c) { return c.is("moderated", ns::kMessageModerate); });
    if (!retract->attr_or("id").empty()) in.retracts = std::string(retract->attr_or("id"));
  }
  return in;
}

std::variant<VcardSetIn, xmpp::StanzaError> decode_vcard_set(const xml::Element& vcard,
                                                             const ServiceLimits& limits) {
  VcardSetIn in;
  if (vcard.elements().empty()) return in;  // XEP-0486 4.2: an empty vCard clears it
  for (const xml::Element* photo : vcard.children("PHOTO", ns::kVcardTemp)) {
    // XEP-0054 / XEP-0153: an avatar is an image of a media type, inline in base64 (an
    // <EXTVAL/> would make every reader fetch a URL of the owner's choosing).
    if (photo->child_text("TYPE", ns::kVcardTemp).empty()) {
      return xmpp::StanzaError::bad_request("A <PHOTO/> needs a <TYPE/>");
    }
    auto hash = avatar_hash(photo->child_text("BINVAL", ns::kVcardTemp));
    if (!hash) return xmpp::StanzaError::bad_request("A <PHOTO/> needs a <BINVAL/> in base64");
    in.hashes.push_back(std::move(*hash));
  }
  in.xml = xml::to_string(vcard);
  if (limits.avatar_max_bytes != 0 && in.xml.size() > limits.avatar_max_bytes) {
    return xmpp::StanzaError::not_acceptable(
        fmt::format("The room's vCard may be at most {} bytes", limits.avatar_max_bytes));
  }
  return in;
}

std::variant<ModerateIn, xmpp::StanzaError> decode_moderate(const xml::Element& moderate,
                                                            const ServiceLimits& limits) {
  ModerateIn in{std::string(moderate.attr_or("id")), {}};
  if (in.stanza_id.empty())
    return xmpp::StanzaError::bad_request("<moderate/> must name a message id");
  // XEP-0425 v0.3 defines one moderation, the retraction; others are for later versions.
  if (moderate.child("retract", ns::kMessageRetract) == nullptr) {
    return xmpp::StanzaError::feature_not_implemented("Only retraction is supported");
  }
  if (const xml::Element* reason = moderate.child("reason", ns::kMessageModerate)) {
    in.reason = reason->text();
    if (auto e = check_size("The reason", in.reason, limits.reason_max_bytes)) return *e;
  }
  return in;
}

OccupantIqIn decode_occupant_iq(const xml::Element& iq, const xmpp::Jid& from, std::string nick) {
  // A vCard belongs to the account, not to one of its sessions: XEP-0054 queries are
  // answered by the user's server for the bare JID.
  const auto children = iq.elements();
  const bool vcard = std::any_of(children.begin(), children.end(),
                                 [](const xml::Element* c) { return c->ns() == ns::kVcardTemp; });
  const bool ping = iq.attr_or("type") == "get" && children.size() == 1 &&
                    children.front()->is("ping", ns::kPing);
  return OccupantIqIn{from, std::move(nick), std::string(iq.attr_or("id")), vcard, ping, iq};
}

std::optional<OccupantIqAnswerIn> decode_occupant_iq_answer(const xml::Element& iq,
                                                            const xmpp::Jid& from,
                                                            std::string nick) {
  std::optional<std::uint64_t> relay = parse_relay_id(iq.attr_or("id"));
  if (!relay) return std::nullopt;
  return OccupantIqAnswerIn{from, std::move(nick), *relay, iq};
}

std::optional<std::string> subject_change(const xml::Element& message) {
  const xml::Element* subject = message.child("subject", message.ns());
  if (subject == nullptr || message.child("body", message.ns()) != nullptr ||
      message.child("thread", message.ns()) != nullptr) {
    return std::nullopt;
  }
  return subject->text();
}

std::variant<std::vector<FormField>, xmpp::StanzaError> decode_form_fields(const xml::Element& x) {
  std::vector<FormField> out;
  std::set<std::string_view> seen;
  for (const xml::Element* f : x.children("field", ns::kData)) {
    const std::string* var = f->attr("var");
    if (var == nullptr) continue;
    if (!seen.insert(*var).second) {
      return xmpp::StanzaError::bad_request("The field " + *var + " appears twice");
    }
    FormField field{*var, {}};
    for (const xml::Element* v : f->children("value", ns::kData)) field.values.push_back(v->text());
    out.push_back(std::move(field));
  }
  return out;
}

std::variant<OwnerSetIn, xmpp::StanzaError> decode_owner_set(const xml::Element& query,
                                                             const ServiceLimits& limits) {
  OwnerSetIn in;
  if (const xml::Element* d = query.child("destroy", ns::kMucOwner)) {
    in.kind = OwnerSetIn::Kind::destroy;
    // 10.9: the alternate venue is a room: a bare JID with a local part, prepared, so the
    // tombstone's xmpp: URI and the <destroy/> carry a valid address.
    if (std::string_view alternate = d->attr_or("jid"); !alternate.empty()) {
      std::optional<xmpp::Jid> venue = xmpp::Jid::parse(alternate);
      if (!venue || !venue->has_local() || !venue->resource().empty()) {
        return xmpp::StanzaError::jid_malformed("The alternate venue must be a room's JID");
      }
      in.destroy.alternate = venue->bare_str();
    }
    in.destroy.reason = d->child_text("reason", ns::kMucOwner);
    in.destroy.password = d->child_text("password", ns::kMucOwner);
    if (auto e = check_size("The reason", in.destroy.reason, limits.reason_max_bytes)) return *e;
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
  auto fields = decode_form_fields(*form);
  if (auto* e = std::get_if<xmpp::StanzaError>(&fields)) return *e;
  in.fields = std::get<std::vector<FormField>>(std::move(fields));
  return in;
}

std::variant<AdminGetIn, xmpp::StanzaError> decode_admin_get(const xml::Element& query) {
  std::vector<const xml::Element*> items = query.children("item", ns::kMucAdmin);
  if (items.size() != 1) return xmpp::StanzaError::bad_request("Ask for one list at a time");
  const xml::Element& item = *items.front();
  if (const std::string* role = item.attr("role")) {
    std::optional<Role> r = parse_role(*role);
    if (!r) return xmpp::StanzaError::bad_request("Unknown role");
    return AdminGetIn{*r};
  }
  if (const std::string* aff = item.attr("affiliation")) {
    std::optional<Affiliation> a = parse_affiliation(*aff);
    if (!a) return xmpp::StanzaError::bad_request("Unknown affiliation");
    return AdminGetIn{*a};
  }
  return xmpp::StanzaError::bad_request("The item must name a role or an affiliation");
}

PageRequest decode_page(const xml::Element& query) {
  PageRequest page;
  const xml::Element* set = query.child("set", ns::kRsm);
  if (set == nullptr) return page;
  if (const xml::Element* max = set->child("max", ns::kRsm)) {
    std::string text = max->text();
    page.max = parse_size(&text);
  }
  if (const xml::Element* after = set->child("after", ns::kRsm)) page.after = after->text();
  if (const xml::Element* before = set->child("before", ns::kRsm)) page.before = before->text();
  return page;
}

std::optional<xmpp::StanzaError> check_size(std::string_view what, std::string_view text,
                                            std::size_t max) {
  if (max == 0 || text.size() <= max) return std::nullopt;
  return xmpp::StanzaError{"modify", "policy-violation",
                           std::string(what) + " is longer than " + std::to_string(max) + " bytes"};
}

std::variant<AdminSetIn, xmpp::StanzaError> decode_admin_set(const xml::Element& query,
                                                             const ServiceLimits& limits) {
  AdminSetIn in;
  for (const xml::Element* item : query.children("item", ns::kMucAdmin)) {
    const std::string* role = item->attr("role");
    const std::string* aff = item->attr("affiliation");
    if ((role == nullptr) == (aff == nullptr)) {
      // XEP-0045 5: an item changes a role or an affiliation, never both (nor neither).
      return xmpp::StanzaError::bad_request("An item carries either a role or an affiliation");
    }
    std::string reason = item->child_text("reason", ns::kMucAdmin);
    if (auto e = check_size("The reason", reason, limits.reason_max_bytes)) return *e;
    if (role != nullptr) {
      std::optional<Role> r = parse_role(*role);
      if (!r) return xmpp::StanzaError::bad_request("Unknown role");
      const std::string* nick = item->attr("nick");
      if (nick == nullptr) return xmpp::StanzaError::bad_request("A role is changed by nick");
      in.items.emplace_back(RoleItem{*nick, *r, std::move(reason)});
      continue;
    }
    std::optional<Affiliation> a = parse_affiliation(*aff);
    if (!a) return xmpp::StanzaError::bad_request("Unknown affiliation");
    const std::string* jid_text = item->attr("jid");
    if (jid_text == nullptr) {
      return xmpp::StanzaError::bad_request("An affiliation is changed by jid");
    }
    std::optional<xmpp::Jid> jid = xmpp::Jid::parse(*jid_text);
    if (!jid) return xmpp::StanzaError::jid_malformed("The item's jid is not a valid JID");
    in.items.emplace_back(AffiliationItem{std::move(*jid), *a, std::move(reason)});
  }
  if (in.items.empty()) return xmpp::StanzaError::bad_request("No item to change");
  return in;
}

namespace {

const FormField* find_field(const std::vector<FormField>& fields, std::string_view var) {
  for (const FormField& f : fields) {
    if (f.var == var) return &f;
  }
  return nullptr;
}

std::string first_value(const std::vector<FormField>& fields, std::string_view var) {
  const FormField* f = find_field(fields, var);
  return f == nullptr || f->values.empty() ? std::string() : f->values.front();
}

}  // namespace

std::variant<RegisterSetIn, xmpp::StanzaError> decode_register_set(const xml::Element& query,
                                                                   const ServiceLimits& limits) {
  RegisterSetIn in;
  if (query.child("remove", ns::kRegister) != nullptr) {
    in.remove = true;  // XEP-0077 3.2, as 7.10 uses it: cancel the registration
    return in;
  }
  const xml::Element* form = query.child("x", ns::kData);
  if (form == nullptr || form->attr_or("type") != "submit") {
    return xmpp::StanzaError::bad_request("Submit the registration form");
  }
  auto fields = decode_form_fields(*form);
  if (auto* e = std::get_if<xmpp::StanzaError>(&fields)) return *e;
  in.nick = first_value(std::get<std::vector<FormField>>(fields), "muc#register_roomnick");
  if (auto e = check_size("The nickname", in.nick, limits.nick_max_bytes)) return *e;
  return in;
}

std::variant<RoomMessageIn, xmpp::StanzaError> decode_room_message(const xml::Element& message,
                                                                   const ServiceLimits& limits) {
  if (const xml::Element* x = message.child("x", ns::kMucUser)) {
    std::vector<const xml::Element*> invites = x->children("invite", ns::kMucUser);
    if (!invites.empty()) {
      InviteIn in;
      for (const xml::Element* invite : invites) {
        std::optional<xmpp::Jid> to = xmpp::Jid::parse(invite->attr_or("to"));
        if (!to) {
          return xmpp::StanzaError::jid_malformed("The invitee's address is not a valid JID");
        }
        in.invitees.push_back({std::move(*to), invite->child_text("reason", ns::kMucUser)});
        if (auto e = check_size("The reason", in.invitees.back().reason, limits.reason_max_bytes)) {
          return *e;
        }
      }
      return RoomMessageIn{std::move(in)};
    }
    if (const xml::Element* decline = x->child("decline", ns::kMucUser)) {
      std::optional<xmpp::Jid> to = xmpp::Jid::parse(decline->attr_or("to"));
      if (!to) return xmpp::StanzaError::jid_malformed("Decline to whom?");
      std::string reason = decline->child_text("reason", ns::kMucUser);
      if (auto e = check_size("The reason", reason, limits.reason_max_bytes)) return *e;
      return RoomMessageIn{DeclineIn{std::move(*to), std::move(reason)}};
    }
  }
  if (const xml::Element* form = message.child("x", ns::kData)) {
    auto decoded = decode_form_fields(*form);
    if (auto* e = std::get_if<xmpp::StanzaError>(&decoded)) return *e;
    const auto& fields = std::get<std::vector<FormField>>(decoded);
    if (first_value(fields, "FORM_TYPE") == ns::kMucRequest) {
      VoiceRequestIn in;
      const FormField* allow = find_field(fields, "muc#request_allow");
      std::string answer = allow == nullptr || allow->values.empty() ? "" : allow->values[0];
      in.answer = !answer.empty();
      in.allow = answer == "1" || answer == "true";
      in.nick = first_value(fields, "muc#roomnick");
      in.jid = first_value(fields, "muc#jid");
      return RoomMessageIn{std::move(in)};
    }
  }
  return xmpp::StanzaError::bad_request("Messages to the room must be of type groupchat");
}

std::string error_condition(const xml::Element& stanza) {
  const xml::Element* err = stanza.child("error", stanza.ns());
  if (err == nullptr || err->elements().empty()) return {};
  return err->elements().front()->name();
}

namespace {

// XEP-0313 4.1: the form's fields into `in`; an error for a field that cannot be honoured.
std::optional<xmpp::StanzaError> apply_archive_field(const FormField& f, ArchiveQueryIn& in) {
  auto one = [&]() -> std::optional<std::string> {
    if (f.values.size() != 1) return std::nullopt;
    return f.values.front();
  };
  if (f.var == "FORM_TYPE") {
    if (one() != std::string(ns::kMam)) {
      return xmpp::StanzaError::bad_request("FORM_TYPE must be " + std::string(ns::kMam));
    }
  } else if (f.var == "start" || f.var == "end") {
    std::optional<std::string> v = one();
    std::optional<Clock::time_point> t = v ? parse_datetime(*v) : std::nullopt;
    if (!t) return xmpp::StanzaError::bad_request(f.var + " must be an XEP-0082 DateTime");
    (f.var == "start" ? in.start : in.end) = t;
  } else if (f.var == "with") {
    std::optional<std::string> v = one();
    in.with = v ? xmpp::Jid::parse(*v) : std::nullopt;
    if (!in.with) return xmpp::StanzaError::jid_malformed("with must be a JID");
  } else if (f.var == "after-id" || f.var == "before-id") {
    std::optional<std::string> v = one();
    if (!v || v->empty()) return xmpp::StanzaError::bad_request(f.var + " must be an id");
    (f.var == "after-id" ? in.after_id : in.before_id) = v;
  } else if (f.var == "ids") {
    in.ids = f.values;
  } else {
    return xmpp::StanzaError::feature_not_implemented("Unknown field " + f.var);
  }
  return std::nullopt;
}

}  // namespace

std::variant<ArchiveQueryIn, xmpp::StanzaError> decode_archive_query(const xml::Element& query) {
  ArchiveQueryIn in;
  in.query_id = std::string(query.attr_or("queryid"));
  if (const xml::Element* x = query.child("x", ns::kData)) {
    auto fields = decode_form_fields(*x);
    if (auto* e = std::get_if<xmpp::StanzaError>(&fields)) return *e;
    const auto& list = std::get<std::vector<FormField>>(fields);
    if (std::none_of(list.begin(), list.end(),
                     [](const FormField& f) { return f.var == "FORM_TYPE"; })) {
      return xmpp::StanzaError::bad_request("The form has no FORM_TYPE");
    }
    for (const FormField& f : list) {
      if (auto refused = apply_archive_field(f, in)) return *refused;
    }
  }
  if (const xml::Element* set = query.child("set", ns::kRsm)) {
    if (set->child("index", ns::kRsm) != nullptr) {
      return xmpp::StanzaError::feature_not_implemented("Pages are reached by id, not by index");
    }
    if (const xml::Element* max = set->child("max", ns::kRsm)) {
      std::string text = max->text();
      if (!parse_size(&text)) return xmpp::StanzaError::bad_request("max must be a number");
    }
  }
  in.page = decode_page(query);
  in.flip = query.child("flip-page", ns::kMam) != nullptr;
  return in;
}

}  // namespace muc
