// XEP-0313 on a room's JID: the service's side. The room decides who reads what
// (room_archive.cpp), the store reads the page (Store::query_archive), archive.cpp turns it
// into stanzas; the results, then the iq result, go out together when the read completes
// (4: the result after the last message), through Service::answer like every answer.
#include <cassert>
#include <memory>

#include "base/log.hpp"
#include "muc/archive.hpp"
#include "muc/decode.hpp"
#include "muc/service.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {
using xmpp::StanzaError;

IqAnswer Service::archive_iq(const Room& room, const xml::Element& iq, const xml::Element& payload,
                             const xmpp::Jid& from) {
  const std::string_view type = iq.attr_or("type");
  if (auto refused = room.check_archive_access(from)) return *refused;
  // A room keeps an archive only with a store (Room::use_archive), so one is here.
  assert(store_ != nullptr);
  if (type == "get" && payload.name() == "query") return std::optional(archive_query_form());
  auto request = std::make_shared<xml::Element>(iq);
  if (type == "get" && payload.name() == "metadata") {
    store_->archive_ends(room.jid().str(), [this, request](const ArchiveEnds& ends, bool ok) {
      Effects out;
      if (ok) {
        answer(*request, std::optional(archive_metadata(ends)), out);
      } else {
        answer(*request, StanzaError::internal_server_error("The archive cannot be read now"), out);
      }
      emit_(out);
    });
    return Later{};
  }
  if (type != "set" || payload.name() != "query") return StanzaError::service_unavailable();
  auto decoded = decode_archive_query(payload);
  if (auto* malformed = std::get_if<StanzaError>(&decoded)) return *malformed;
  auto decided = room.decide_archive_query(from, std::get<ArchiveQueryIn>(decoded));
  if (auto* refused = std::get_if<StanzaError>(&decided)) return *refused;
  auto read = std::make_shared<ArchiveRead>(std::get<ArchiveRead>(std::move(decided)));
  std::string room_jid = room.jid().str();
  store_->query_archive(read->query, [this, request, read, room_jid, reader = from.str()](
                                         const ArchivePage& page, bool ok) {
    Effects out;
    if (!ok) {
      base::log_warn({room_jid, request->attr_or("id")}, "archive query failed");
      // RFC 6120 8.3.3.18: the archive is there but cannot be read now; retrying may help.
      answer(*request, StanzaError::internal_server_error("The archive cannot be read now"), out);
    } else if (page.unknown_id) {
      // 4.1.3 and 4.3.2: an id the reader gave is not in this archive.
      answer(*request, StanzaError::item_not_found("No such message in the archive"), out);
    } else {
      for (const xml::Element& m : archive_results(room_jid, reader, *read, page)) out.send(m);
      answer(*request, std::optional(archive_fin(page)), out);
    }
    emit_(out);
  });
  return Later{};
}

}  // namespace muc
