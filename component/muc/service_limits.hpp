// Service-wide bounds that every room applies, set by the operator ([service] in the
// configuration). Zero means no bound.
#pragma once

#include <chrono>
#include <cstddef>

namespace muc {

struct ServiceLimits {
  // Above this many occupants, a room stops broadcasting the plain presence (joins, leaves,
  // status changes) of occupants who are not moderators, except to moderators; a newcomer
  // gets its own presence and the moderators'. Joins then cost O(moderators), not O(N),
  // so a room of 10,000 avoids an N-squared flood (ejabberd's max_users_presence). Changes
  // with status codes (kicks, bans, role changes) still go to everyone.
  std::size_t max_users_presence = 1000;
  // The history sent on entering is cut to this many bytes, whole stanzas, newest kept
  // (XEP-0045 7.2.15: maxchars is the client's side of the same bound).
  std::size_t history_max_bytes = std::size_t{256} * 1024;

  // Sizes of what one user may make the room repeat to everyone (bytes, UTF-8). Over them:
  // modify/policy-violation naming the limit, and nothing is broadcast. A stanza is at most
  // 256 KiB on the stream; these keep one stanza from becoming N copies of that.
  std::size_t nick_max_bytes = 128;      // XEP-0045 7.2: the occupant JID's resource
  std::size_t subject_max_bytes = 4096;  // 8.1
  std::size_t reason_max_bytes = 1024;   // kick, ban, destroy, invite, decline
  std::size_t presence_max_bytes =
      std::size_t{16} * 1024;  // show, status, caps... as rebroadcast (7.7)

  // Occupants of one room, whatever its muc#roomconfig_maxusers says (7.2.9 applies: admins
  // and owners still enter).
  std::size_t max_occupants = 10000;
  // Live rooms in the service, and rooms one bare JID may create per hour (service admins
  // are exempt from both).
  std::size_t max_rooms = 10000;
  std::size_t rooms_per_user_per_hour = 10;
  // Stanzas waiting for one room while it loads or commits; more get wait/resource-constraint.
  std::size_t max_waiting = 1000;
  // Rooms being loaded from the database at once (each a transaction on its one thread; any
  // name can be asked for); a stanza to another unloaded room then gets
  // wait/resource-constraint. Names found absent are remembered and cost no load again.
  std::size_t max_loading = 100;
  // Rooms listed in one answer to the service's disco#items; clients page through the rest
  // with XEP-0059 (ejabberd's max_rooms_discoitems). One answer must stay well below the
  // server's stanza limit (Prosody closes a component stream over 512 KB).
  std::size_t disco_items_max = 100;
  // Archived messages in one XEP-0313 page, whatever the client's <max/> (4.3.1 lets a
  // server limit pages); a query without <max/> gets min(50, this). ejabberd's anchor: 50
  // by default, 250 at most. A page goes out in one loop turn, so it stays well below the
  // link's high-water mark even with large messages.
  std::size_t archive_page_max = 250;
  // A room's vCard (XEP-0486 avatar: XEP-0054 <vCard/> with <PHOTO/>), as serialised, which
  // every reader of it gets: 128 KiB holds a 96 KiB image in base64. Larger:
  // modify/not-acceptable naming the limit.
  std::size_t avatar_max_bytes = std::size_t{128} * 1024;
  // Nicks reserved in one room (XEP-0045 7.10; one per bare JID, so also the users who may
  // register there): where registration is open, any JID of any server can take one.
  // More get wait/resource-constraint; changing or releasing one's own is always allowed.
  std::size_t registrations_per_room = 10000;
  // Invitations one room keeps pending (7.8.2: each is a decline the room will relay back,
  // 7.8.3); more get wait/resource-constraint until some are declined or expire (24 h).
  std::size_t pending_invitations = 1000;

  // Per-occupant groupchat rate, a token bucket (Prosody's mod_muc_limits and ejabberd's
  // shapers are the anchors): `message_burst` messages at once, refilled at `message_rate`
  // per second. An excess message gets wait/policy-violation and is not broadcast.
  // Moderators are not limited. 0 = no limit.
  double message_rate = 2.0;
  double message_burst = 10.0;
  // Per-occupant presence changes (7.7 updates, and a resent entry with a new status), a
  // token bucket as for messages. Over it, a change is held, not refused: what others see is
  // coalesced, and when the bucket has a token again they get the latest (ejabberd's
  // min_presence_interval holds the same way). A nick change over it, which cannot be
  // coalesced, gets wait/policy-violation. Moderators are not limited. 0 = no limit.
  double presence_rate = 0.5;
  double presence_burst = 5.0;
  // An iq relayed to an occupant (XEP-0045 7.5) that has no answer after this long is
  // answered for it with wait/remote-server-timeout (RFC 6120 8.3.3.16). Always a bound.
  std::chrono::seconds iq_relay_timeout{30};
  // A new room still locked this long after its creation (XEP-0045 10.1.1: nobody but its
  // owner can enter until the owner configures it or accepts the defaults) is destroyed, as
  // cancelling its initial configuration would (10.1.3): an abandoned creation must not hold
  // its name or its memory. Prosody's muc_room_lock_timeout has the same default, but
  // Prosody then opens the room with its defaults, which the owner never accepted.
  std::chrono::seconds locked_room_timeout{300};
  // A visitor's voice request (7.13) reaches every moderator, so a visitor may ask once per
  // this long; sooner gets wait/policy-violation. Requests are relayed, never queued, so
  // this bounds the pending requests too: at most one per visitor per interval.
  std::chrono::seconds voice_request_interval{60};
  // How long the address of a room its owner destroyed answers cancel/gone (with the
  // alternate venue, if any) to everyone but its former owners, so that clients migrate
  // their bookmarks instead of creating the room anew (XEP-0045 10.9; tombstone.hpp).
  // Prosody keeps its tombstones 31 days by default; 0: none.
  std::chrono::seconds tombstone_time{std::chrono::days{30}};
};

}  // namespace muc
