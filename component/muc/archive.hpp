// A room's XEP-0313 archive as its readers see it: the query form, one <message/> per
// archived message, the closing <fin/>, and the archive's metadata. Pure: the room decides
// what may be read (Room::decide_archive_query), the store reads it (Store::query_archive),
// and these functions turn what it read into stanzas.
#pragma once

#include <string>
#include <vector>

#include "muc/store.hpp"
#include "xml/element.hpp"

namespace muc {

// What one query reads, as the room decided it, and how its results are dressed.
struct ArchiveRead {
  ArchiveQuery query;
  std::string query_id;      // echoed in each <result/> (4.1.4)
  bool flip = false;         // <flip-page/>: the page's newest message first (4.3.5)
  bool reveal_jids = false;  // the reader may see real JIDs: each message says its sender's
};

// 4.1.5: the fields this archive understands (iq get of an empty <query/>).
xml::Element archive_query_form();

// 4.1.4 and 6.1.2: the page's messages for `reader` (full JID), in the order to send: each
// wraps the message as the room broadcast it (no `to`, `from` the sender's occupant JID, in
// jabber:client) in <forwarded/> with the time it was archived, and carries a muc#user
// <item jid/> naming its sender where the reader may see real JIDs. A stored stanza that
// no longer parses is left out and logged (it cannot be repaired by the reader).
std::vector<xml::Element> archive_results(const std::string& room_jid, const std::string& reader,
                                          const ArchiveRead& read, const ArchivePage& page);

// 4.3: the iq result's <fin/>: the page's first and last ids (oldest and newest), the count
// when asked, and complete='true' when no match lies beyond the page.
xml::Element archive_fin(const ArchivePage& page);

// 5: the oldest and newest message of the archive; empty for an empty archive.
xml::Element archive_metadata(const ArchiveEnds& ends);

}  // namespace muc
