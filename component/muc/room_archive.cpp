// Who reads the room's archive, and what a query reads (XEP-0313 4 and 6.1.2). The store
// reads it and archive.cpp dresses it; only the decision is here.
#include <algorithm>

#include "muc/archive.hpp"
#include "muc/room.hpp"

namespace muc {
using xmpp::StanzaError;

namespace {

constexpr std::size_t kDefaultPage = 50;  // 4.3.1: a page when the client names no <max/>

}  // namespace

std::optional<StanzaError> Room::check_archive_access(const xmpp::Jid& from) const {
  if (!config_.enable_archiving)
    return StanzaError::service_unavailable("This room keeps no archive");
  return check_archive_read(party_of(from), config_);
}

std::variant<ArchiveRead, StanzaError> Room::decide_archive_query(const xmpp::Jid& from,
                                                                  const ArchiveQueryIn& in) const {
  if (auto refused = check_archive_access(from)) return *refused;
  const Party reader = party_of(from);
  ArchiveRead read;
  read.query_id = in.query_id;
  read.flip = in.flip;
  read.reveal_jids = sees_real_jids(reader, config_);
  ArchiveQuery& q = read.query;
  q.room = jid_str_;
  q.start = in.start;
  q.end = in.end;
  q.ids = in.ids;
  if (in.with && in.with->bare_str() == jid_str_) {
    // 4.1.1: in a room's archive, `with` names the sender; by occupant JID, its nick. The
    // room's own JID (every message is from it) filters nothing.
    if (in.with->has_resource()) q.with_nick = in.with->resource();
  } else if (in.with) {
    // By real JID: only for those who may know who sent what (4.1.1: not a visitor of a
    // semi-anonymous room), else the filter itself would tell them.
    if (!read.reveal_jids) return StanzaError::forbidden("You may not see who sent messages here");
    q.with_jid = in.with->bare_str();
  }
  // RSM's <after/> and <before/> and the form's after-id and before-id are all bounds
  // (XEP-0313 8: the same, but RSM's <before/> pages from the end); every one applies.
  for (const auto* id : {&in.page.after, &in.after_id}) {
    if (*id && !(*id)->empty()) q.after.push_back(**id);
  }
  for (const auto* id : {&in.page.before, &in.before_id}) {
    if (*id && !(*id)->empty()) q.before.push_back(**id);
  }
  q.from_end = in.page.before.has_value();
  const std::size_t cap = std::max<std::size_t>(limits_->archive_page_max, 1);
  q.max = std::min(in.page.max.value_or(kDefaultPage), cap);
  // XEP-0059 2.7: <max>0</max> asks for the count alone.
  q.count = in.page.max == std::size_t{0};
  return read;
}

}  // namespace muc
