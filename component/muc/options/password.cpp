// muc#roomconfig_passwordprotectedroom and muc#roomconfig_roomsecret (XEP-0045 10.2): a
// password-protected room admits only those who give its password (7.2.5,
// auth/not-authorized); disco shows muc_passwordprotected or muc_unsecured (6.4). The
// secret is not in the muc_rooms view.
#include "muc/options/all.hpp"

namespace muc::options {

std::vector<OptionDescriptor> password() {
  OptionDescriptor flag =
      boolean("muc#roomconfig_passwordprotectedroom", "Password required to enter",
              &RoomConfig::password_protected, "password_protected");
  flag.features = [](const RoomConfig& c) {
    return std::vector<std::string_view>{c.password_protected ? "muc_passwordprotected"
                                                              : "muc_unsecured"};
  };
  flag.admit = [](const RoomConfig& c, const EntryFacts& f) -> std::optional<xmpp::StanzaError> {
    if (!c.password_protected) return std::nullopt;
    if (f.password != nullptr && *f.password && **f.password == c.password) return std::nullopt;
    return xmpp::StanzaError::not_authorized("A password is required to enter this room");
  };
  // 10.1.3: a configuration that breaks the service's policy (its example: a
  // password-protected room with an empty password, which nobody could enter) is refused
  // with not-acceptable.
  flag.check = [](const RoomConfig& c) -> std::optional<xmpp::StanzaError> {
    if (!c.password_protected || !c.password.empty()) return std::nullopt;
    return xmpp::StanzaError{"modify", "not-acceptable",
                             "A password-protected room needs a password"};
  };
  return {std::move(flag), text("muc#roomconfig_roomsecret", "text-private", "Password",
                                &RoomConfig::password, 256, "password")};
}

}  // namespace muc::options
