// The room options' descriptors (component/muc/options/): each owns its field, its
// validation, its features, its entry check, its eviction and its column.
#include "muc/room_options.hpp"

#include <gtest/gtest.h>

#include <set>

namespace muc {
namespace {

std::string outcome(const std::optional<xmpp::StanzaError>& e) {
  return e ? std::string(e->type) + "/" + std::string(e->condition) : "ok";
}

std::string outcome(const std::variant<RoomConfig, xmpp::StanzaError>& r) {
  if (const auto* e = std::get_if<xmpp::StanzaError>(&r)) return outcome(std::optional(*e));
  return "ok";
}

RoomConfig unusual() {
  RoomConfig c;
  c.name = "The Lounge";
  c.description = "desc, with 'quotes'";
  c.language = "fr";
  c.persistent = true;
  c.public_room = false;
  c.change_subject = true;
  c.allow_invites = true;
  c.allow_pm = AllowPm::moderators;
  c.members_only = true;
  c.moderated = true;
  c.password_protected = true;
  c.password = "s3cret";
  c.max_users = 4294967295u;
  c.whois = WhoIs::anyone;
  c.presence_broadcast = {true, false, true};
  c.get_member_list = {false, false, false};
  c.history_length = 7;
  c.enable_logging = true;
  c.enable_archiving = false;
  c.allow_register = true;
  return c;
}

TEST(RoomOptions, EveryDescriptorHasAUniqueFieldAndColumn) {
  std::set<std::string_view> vars;
  std::set<std::string_view> columns;
  for (const OptionDescriptor& d : room_options()) {
    EXPECT_TRUE(vars.insert(d.var).second) << d.var;
    EXPECT_TRUE(columns.insert(d.column.name).second) << d.column.name;
    EXPECT_FALSE(d.column.name.empty()) << d.var;
    EXPECT_TRUE(d.get && d.set && d.column.encode && d.column.decode) << d.var;
  }
}

TEST(RoomOptions, ColumnCodecRoundTripsEveryOption) {
  for (const RoomConfig& original : {RoomConfig{}, unusual()}) {
    RoomConfig read_back;
    read_back.max_users = 3;  // anything but the original
    for (const OptionDescriptor& d : room_options()) {
      ASSERT_TRUE(d.column.decode(read_back, d.column.encode(original))) << d.var;
    }
    EXPECT_EQ(read_back, original);
  }
}

TEST(RoomOptions, FormValuesRoundTripEveryOption) {
  RoomConfig original = unusual();
  original.max_users = 250;  // the form takes up to 1,000,000; the column holds any uint32
  std::vector<FormField> fields;
  for (const OptionDescriptor& d : room_options()) {
    fields.push_back({std::string(d.var), d.get(original)});
  }
  EXPECT_EQ(outcome(apply_config_form(RoomConfig{}, fields)), "ok");
  EXPECT_EQ(std::get<RoomConfig>(apply_config_form(RoomConfig{}, fields)), original);
}

TEST(RoomOptions, InvalidFieldValueIsBadRequest) {
  EXPECT_EQ(outcome(apply_config_form({}, {{"muc#roomconfig_maxusers", {"lots"}}})),
            "modify/bad-request");
  EXPECT_EQ(outcome(apply_config_form({}, {{"muc#roomconfig_membersonly", {"yes"}}})),
            "modify/bad-request");
}

TEST(RoomOptions, UnknownFieldsAreIgnored) {
  EXPECT_EQ(outcome(apply_config_form({}, {{"x-somebody#else", {"1"}}})), "ok");
}

TEST(RoomOptions, PasswordProtectedRoomWithoutPasswordIsNotAcceptable) {
  // XEP-0045 10.1.3: a configuration that breaks the service's policy.
  EXPECT_EQ(outcome(apply_config_form({}, {{"muc#roomconfig_passwordprotectedroom", {"1"}}})),
            "modify/not-acceptable");
}

TEST(RoomOptions, ChangeOfAPlainOptionIsAnnouncedWith104) {
  RoomConfig after;
  after.name = "new";
  EXPECT_EQ(config_change_codes(RoomConfig{}, after), std::vector<int>{104});
}

TEST(RoomOptions, PrivacyChangesHaveTheirOwnCodes) {
  RoomConfig after;
  after.enable_logging = true;
  after.whois = WhoIs::anyone;
  EXPECT_EQ(config_change_codes(RoomConfig{}, after), (std::vector<int>{170, 172}));
  EXPECT_EQ(config_change_codes(after, RoomConfig{}), (std::vector<int>{171, 173}));
  after.moderated = true;
  EXPECT_EQ(config_change_codes(RoomConfig{}, after), (std::vector<int>{104, 170, 172}));
}

TEST(RoomOptions, TurningArchivingOffIsAnnouncedAsAnyChangeNotAsLogging) {
  RoomConfig after;
  after.enable_archiving = false;
  EXPECT_EQ(config_change_codes(RoomConfig{}, after), (std::vector<int>{104}));
}

TEST(RoomOptions, NoChangeAnnouncesNothing) {
  EXPECT_TRUE(config_change_codes(unusual(), unusual()).empty());
}

TEST(RoomOptions, FeaturesDescribeTheRoom) {
  EXPECT_EQ(room_features(RoomConfig{}),
            (std::vector<std::string_view>{
                "muc_temporary", "muc_public", "muc_open", "muc_unmoderated", "muc_unsecured",
                "muc_semianonymous", "urn:xmpp:mam:2", "urn:xmpp:mam:2#extended",
                "urn:xmpp:message-moderate:1", "urn:xmpp:message-retract:1",
                "urn:xmpp:message-retract:1#tombstone"}));
  EXPECT_EQ(room_features(unusual()),
            (std::vector<std::string_view>{"muc_persistent", "muc_hidden", "muc_membersonly",
                                           "muc_moderated", "muc_passwordprotected",
                                           "muc_nonanonymous"}));
}

TEST(RoomOptions, BecomingMembersOnlyEvictsNonMembersWith322) {
  RoomConfig after;
  after.members_only = true;
  auto evictions = config_evictions(RoomConfig{}, after);
  ASSERT_EQ(evictions.size(), 1u);
  EXPECT_EQ(evictions[0].code, 322);
  EXPECT_EQ(evictions[0].below, Affiliation::member);
  EXPECT_TRUE(config_evictions(after, after).empty());
}

TEST(RoomOptions, MembersOnlyRefusesNonMembersWithRegistrationRequired) {
  RoomConfig c;
  c.members_only = true;
  EXPECT_EQ(outcome(option_refusal(c, EntryFacts{})), "auth/registration-required");
  EntryFacts member;
  member.affiliation = Affiliation::member;
  EXPECT_EQ(outcome(option_refusal(c, member)), "ok");
}

TEST(RoomOptions, WrongPasswordIsNotAuthorized) {
  RoomConfig c;
  c.password_protected = true;
  c.password = "right";
  std::optional<std::string> given = "wrong";
  EntryFacts f;
  f.password = &given;
  EXPECT_EQ(outcome(option_refusal(c, f)), "auth/not-authorized");
  given = "right";
  EXPECT_EQ(outcome(option_refusal(c, f)), "ok");
}

TEST(RoomOptions, FullRoomRefusesAllButAdminsAndFurtherSessions) {
  RoomConfig c;
  c.max_users = 2;
  EntryFacts f;
  f.occupants = 2;
  EXPECT_EQ(outcome(option_refusal(c, f)), "wait/service-unavailable");
  f.joins_own_occupant = true;
  EXPECT_EQ(outcome(option_refusal(c, f)), "ok");
  f.joins_own_occupant = false;
  f.affiliation = Affiliation::admin;
  EXPECT_EQ(outcome(option_refusal(c, f)), "ok");
}

TEST(RoomOptions, MembersOnlyIsCheckedBeforeThePassword) {
  RoomConfig c;
  c.members_only = true;
  c.password_protected = true;
  c.password = "p";
  EXPECT_EQ(outcome(option_refusal(c, EntryFacts{})), "auth/registration-required");
}

}  // namespace
}  // namespace muc
