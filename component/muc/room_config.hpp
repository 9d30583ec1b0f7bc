// Every room option's value and its default in one struct (XEP-0045 section 10.2 and the
// muc#roomconfig FORM_TYPE of section 16.5.3). Everything else about an option (form field,
// validation, disco features, entry check, column) is its descriptor's, in options/.
#pragma once

#include <cstdint>
#include <string>

namespace muc {

enum class WhoIs { moderators, anyone };  // semi-anonymous / non-anonymous
enum class AllowPm { anyone, participants, moderators, none };

// A set of roles, for presencebroadcast and getmemberlist.
struct RoleSet {
  bool moderator = true;
  bool participant = true;
  bool visitor = true;
  bool operator==(const RoleSet&) const = default;
};

struct RoomConfig {
  std::string name;
  std::string description;
  std::string language;
  bool persistent = false;
  bool public_room = true;
  bool change_subject = false;  // may participants change the subject?
  bool allow_invites = false;   // may participants invite?
  AllowPm allow_pm = AllowPm::anyone;
  bool members_only = false;
  bool moderated = false;
  bool password_protected = false;
  std::string password;
  std::uint32_t max_users = 0;  // 0 = no limit
  WhoIs whois = WhoIs::moderators;
  RoleSet presence_broadcast;
  RoleSet get_member_list{true, true, false};
  std::uint32_t history_length = 20;  // messages kept for new occupants
  bool enable_logging = false;
  bool enable_archiving = true;  // XEP-0313: kept in the room's archive
  bool allow_register = false;   // may users without affiliation register (and become members)?

  // The room's messages are written to the database: logged (public logs) or archived
  // (XEP-0313), or both.
  bool recorded() const { return enable_logging || enable_archiving; }

  bool operator==(const RoomConfig&) const = default;
};

}  // namespace muc
