// muc#roomconfig_enablearchiving (the field Prosody's MAM module registers): the room's
// groupchat messages go to its XEP-0313 archive, served on the room's JID, from which
// history on entering also comes after a restart. On by default ([service]
// archiving_default). Distinct from enablelogging (public logs, XEP-0045 7.2.12): the archive
// is read only by those the privilege table lets in (check_archive_read), so a change is
// announced as any other configuration change (104, 10.2.1), not with 170/171, and entering
// an archived room is not warned about as entering a publicly logged one is.
#include "muc/options/all.hpp"
#include "xmpp/namespaces.hpp"

namespace muc::options {

OptionDescriptor enable_archiving() {
  OptionDescriptor d = boolean("muc#roomconfig_enablearchiving", "Archive room conversations",
                               &RoomConfig::enable_archiving, "enable_archiving");
  // XEP-0313 7: both features, on the archive's JID, exactly while it is kept.
  d.features = [](const RoomConfig& c) {
    if (!c.enable_archiving) return std::vector<std::string_view>{};
    // XEP-0425 2 and XEP-0424 2 and 6: retractions are kept (as tombstones) in the archive,
    // so the room takes them exactly while it keeps one (Room::retracts_in_archive).
    return std::vector<std::string_view>{ns::kMam, ns::kMamExtended, ns::kMessageModerate,
                                         ns::kMessageRetract, ns::kMessageRetractTombstone};
  };
  return d;
}

}  // namespace muc::options
