// XEP-0045 section 5, row by row: each case names the rule it proves.
#include "muc/privileges.hpp"

#include <gtest/gtest.h>

namespace muc {
namespace {

using A = Affiliation;
using R = Role;

std::string outcome(const std::optional<xmpp::StanzaError>& e) {
  return e ? std::string(e->type) + "/" + std::string(e->condition) : "ok";
}

struct RoleCase {
  const char* rule;
  Party actor;
  Party target;
  Role to;
  bool self;
  const char* expected;
};

const RoleCase kRoleCases[] = {
    {"ParticipantCannotKick",
     {R::participant, A::member},
     {R::participant, A::none},
     R::none,
     false,
     "auth/forbidden"},
    {"VisitorCannotGrantVoice",
     {R::visitor, A::none},
     {R::visitor, A::none},
     R::participant,
     false,
     "auth/forbidden"},
    {"ModeratorKicksParticipant",
     {R::moderator, A::none},
     {R::participant, A::none},
     R::none,
     false,
     "ok"},
    {"ModeratorKicksVisitor",
     {R::moderator, A::member},
     {R::visitor, A::none},
     R::none,
     false,
     "ok"},
    {"ModeratorGrantsVoiceToVisitor",
     {R::moderator, A::none},
     {R::visitor, A::none},
     R::participant,
     false,
     "ok"},
    {"MemberModeratorRevokesVoiceFromNone",
     {R::moderator, A::member},
     {R::participant, A::none},
     R::visitor,
     false,
     "ok"},
    {"ModeratorRevokesVoiceFromEqualAffiliation",
     {R::moderator, A::member},
     {R::participant, A::member},
     R::visitor,
     false,
     "ok"},
    {"ModeratorWithoutAffiliationRevokesVoiceFromParticipant",
     {R::moderator, A::none},
     {R::participant, A::none},
     R::visitor,
     false,
     "ok"},
    {"ModeratorCannotDevoiceOwner",
     {R::moderator, A::admin},
     {R::moderator, A::owner},
     R::visitor,
     false,
     "cancel/not-allowed"},
    {"ModeratorCannotDevoiceAdmin",
     {R::moderator, A::none},
     {R::moderator, A::admin},
     R::visitor,
     false,
     "cancel/not-allowed"},
    {"ModeratorCannotRevokeModerationFromHigherAffiliation",
     {R::moderator, A::member},
     {R::moderator, A::owner},
     R::participant,
     false,
     "cancel/not-allowed"},
    {"VoiceNotRevokedFromHigherAffiliation",
     {R::moderator, A::none},
     {R::participant, A::member},
     R::visitor,
     false,
     "cancel/not-allowed"},
    {"ParticipantModeratorCannotKickAdmin",
     {R::moderator, A::member},
     {R::moderator, A::admin},
     R::none,
     false,
     "cancel/not-allowed"},
    {"AdminCannotKickOwner",
     {R::moderator, A::admin},
     {R::moderator, A::owner},
     R::none,
     false,
     "cancel/not-allowed"},
    {"OwnerKicksAdmin", {R::moderator, A::owner}, {R::moderator, A::admin}, R::none, false, "ok"},
    {"OwnerKicksOwner", {R::moderator, A::owner}, {R::moderator, A::owner}, R::none, false, "ok"},
    {"ModeratorCannotKickSelf",
     {R::moderator, A::owner},
     {R::moderator, A::owner},
     R::none,
     true,
     "cancel/conflict"},
    {"OnlyAdminGrantsModerator",
     {R::moderator, A::member},
     {R::participant, A::none},
     R::moderator,
     false,
     "auth/forbidden"},
    {"AdminGrantsModerator",
     {R::moderator, A::admin},
     {R::participant, A::member},
     R::moderator,
     false,
     "ok"},
    {"AdminRevokesModeratorFromMember",
     {R::moderator, A::admin},
     {R::moderator, A::member},
     R::participant,
     false,
     "ok"},
    {"OnlyAdminRevokesModerator",
     {R::moderator, A::member},
     {R::moderator, A::none},
     R::participant,
     false,
     "auth/forbidden"},
    {"AdminCannotBeMadeVisitor",
     {R::moderator, A::owner},
     {R::moderator, A::admin},
     R::visitor,
     false,
     "cancel/not-allowed"},
    {"OwnerKeepsModeration",
     {R::moderator, A::owner},
     {R::moderator, A::owner},
     R::participant,
     false,
     "cancel/not-allowed"},
    {"AdminCannotDemoteOwner",
     {R::moderator, A::admin},
     {R::moderator, A::owner},
     R::participant,
     false,
     "cancel/not-allowed"},
    {"ModeratorWithoutAdminCannotKickModerator",
     {R::moderator, A::none},
     {R::moderator, A::none},
     R::none,
     false,
     "cancel/not-allowed"},
    {"MemberModeratorCannotKickModerator",
     {R::moderator, A::member},
     {R::moderator, A::none},
     R::none,
     false,
     "cancel/not-allowed"},
    {"AdminKicksModeratorWithoutAffiliation",
     {R::moderator, A::admin},
     {R::moderator, A::none},
     R::none,
     false,
     "ok"},
};

class RoleChange : public ::testing::TestWithParam<RoleCase> {};

TEST_P(RoleChange, FollowsSection5) {
  const RoleCase& c = GetParam();
  EXPECT_EQ(outcome(check_role_change(c.actor, c.target, c.to, c.self)), c.expected) << c.rule;
}

INSTANTIATE_TEST_SUITE_P(Xep0045, RoleChange, ::testing::ValuesIn(kRoleCases),
                         [](const auto& param_info) { return std::string(param_info.param.rule); });

struct AffiliationCase {
  const char* rule;
  Affiliation actor;
  Affiliation from;
  Affiliation to;
  bool self;
  const char* expected;
};

const AffiliationCase kAffiliationCases[] = {
    {"MemberCannotBan", A::member, A::none, A::outcast, false, "auth/forbidden"},
    {"NoneCannotGrantMembership", A::none, A::none, A::member, false, "auth/forbidden"},
    {"AdminBansNone", A::admin, A::none, A::outcast, false, "ok"},
    {"AdminBansMember", A::admin, A::member, A::outcast, false, "ok"},
    {"AdminGrantsMembership", A::admin, A::none, A::member, false, "ok"},
    {"AdminRevokesMembership", A::admin, A::member, A::none, false, "ok"},
    {"AdminUnbans", A::admin, A::outcast, A::none, false, "ok"},
    {"AdminCannotBanOwner", A::admin, A::owner, A::outcast, false, "cancel/not-allowed"},
    {"AdminCannotBanAdmin", A::admin, A::admin, A::outcast, false, "cancel/not-allowed"},
    {"AdminCannotDemoteAdmin", A::admin, A::admin, A::member, false, "cancel/not-allowed"},
    {"AdminCannotGrantAdmin", A::admin, A::member, A::admin, false, "auth/forbidden"},
    {"AdminCannotGrantOwner", A::admin, A::none, A::owner, false, "auth/forbidden"},
    {"OwnerGrantsAdmin", A::owner, A::member, A::admin, false, "ok"},
    {"OwnerGrantsOwner", A::owner, A::none, A::owner, false, "ok"},
    {"OwnerRevokesAdmin", A::owner, A::admin, A::member, false, "ok"},
    {"OwnerBansOtherOwner", A::owner, A::owner, A::outcast, false, "ok"},
    {"NobodyBansThemself", A::owner, A::owner, A::outcast, true, "cancel/conflict"},
    {"OwnerStepsDown", A::owner, A::owner, A::member, true, "ok"},
};

class AffiliationChange : public ::testing::TestWithParam<AffiliationCase> {};

TEST_P(AffiliationChange, FollowsSection5) {
  const AffiliationCase& c = GetParam();
  EXPECT_EQ(outcome(check_affiliation_change(c.actor, c.from, c.to, c.self)), c.expected) << c.rule;
}

INSTANTIATE_TEST_SUITE_P(Xep0045, AffiliationChange, ::testing::ValuesIn(kAffiliationCases),
                         [](const auto& param_info) { return std::string(param_info.param.rule); });

TEST(LastOwner, RoomWithoutOwnerIsRefusedWithConflict) {
  EXPECT_EQ(outcome(check_keeps_owner({{"a@x", A::admin}, {"b@x", A::member}})), "cancel/conflict");
  EXPECT_EQ(outcome(check_keeps_owner({})), "cancel/conflict");
}

TEST(LastOwner, RoomKeepingAnOwnerIsAccepted) {
  EXPECT_EQ(outcome(check_keeps_owner({{"a@x", A::none}, {"b@x", A::owner}})), "ok");
}

RoomConfig semi_anonymous() {
  return RoomConfig{};
}
RoomConfig non_anonymous() {
  RoomConfig c;
  c.whois = WhoIs::anyone;
  return c;
}

TEST(Lists, MemberListFollowsGetMemberListInNonAnonymousRooms) {
  RoomConfig c = non_anonymous();
  EXPECT_EQ(outcome(check_affiliation_list({R::participant, A::none}, A::member, c)), "ok");
  c.get_member_list = {true, false, false};
  EXPECT_EQ(outcome(check_affiliation_list({R::participant, A::member}, A::member, c)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::none}, A::member, c)), "ok");
}

TEST(Lists, MemberListIsNotServedToParticipantsOfSemiAnonymousRooms) {
  // XEP-0045 5.2.1, the note to the table: the list holds bare JIDs.
  RoomConfig c = semi_anonymous();
  EXPECT_EQ(outcome(check_affiliation_list({R::participant, A::member}, A::member, c)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::none}, A::member, c)), "ok");
}

TEST(Lists, AdminsReadTheMemberListWhateverGetMemberListSays) {
  RoomConfig c = semi_anonymous();
  c.get_member_list = {false, false, false};
  EXPECT_EQ(outcome(check_affiliation_list({R::none, A::admin}, A::member, c)), "ok");
}

TEST(Lists, BanListIsForAdmins) {
  RoomConfig c = non_anonymous();
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::member}, A::outcast, c)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::admin}, A::outcast, c)), "ok");
}

TEST(Lists, AdminAndOwnerListsAreForOwners) {
  RoomConfig c = non_anonymous();
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::admin}, A::admin, c)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::owner}, A::owner, c)), "ok");
}

TEST(Lists, VoiceListIsForModeratorsAndModeratorListForAdmins) {
  EXPECT_EQ(outcome(check_role_list({R::participant, A::member}, R::participant)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_role_list({R::moderator, A::none}, R::participant)), "ok");
  EXPECT_EQ(outcome(check_role_list({R::moderator, A::member}, R::moderator)), "auth/forbidden");
  EXPECT_EQ(outcome(check_role_list({R::moderator, A::admin}, R::moderator)), "ok");
}

TEST(Locked, LockedRoomIsInvisibleToAllButOwners) {
  EXPECT_EQ(outcome(check_locked_room(true, A::admin)), "cancel/item-not-found");
  EXPECT_EQ(outcome(check_locked_room(true, A::none)), "cancel/item-not-found");
  EXPECT_EQ(outcome(check_locked_room(true, A::owner)), "ok");
  EXPECT_EQ(outcome(check_locked_room(false, A::none)), "ok");
}

TEST(Enter, OutcastNeverEnters) {
  EXPECT_EQ(outcome(check_enter(A::outcast)), "auth/forbidden");
  EXPECT_EQ(outcome(check_enter(A::none)), "ok");
}

TEST(Enter, AdminsAndOwnersMayEnterAFullRoom) {
  EXPECT_TRUE(may_exceed_max_users(A::admin));
  EXPECT_TRUE(may_exceed_max_users(A::owner));
  EXPECT_FALSE(may_exceed_max_users(A::member));
}

TEST(Owner, OnlyOwnersConfigureOrDestroy) {
  EXPECT_EQ(outcome(check_owner_action(A::admin)), "auth/forbidden");
  EXPECT_EQ(outcome(check_owner_action(A::owner)), "ok");
}

TEST(Speak, VisitorCannotSpeak) {
  EXPECT_EQ(outcome(check_speak({R::visitor, A::none})), "auth/forbidden");
}

TEST(Speak, NonOccupantCannotSpeak) {
  EXPECT_EQ(outcome(check_speak({R::none, A::owner})), "modify/not-acceptable");
}

TEST(Speak, ParticipantSpeaks) {
  EXPECT_EQ(outcome(check_speak({R::participant, A::none})), "ok");
}

TEST(Subject, ParticipantChangesSubjectOnlyWhereAllowed) {
  RoomConfig c;
  EXPECT_EQ(outcome(check_subject({R::participant, A::member}, c)), "auth/forbidden");
  c.change_subject = true;
  EXPECT_EQ(outcome(check_subject({R::participant, A::none}, c)), "ok");
}

TEST(Subject, ModeratorAlwaysChangesSubject) {
  EXPECT_EQ(outcome(check_subject({R::moderator, A::none}, RoomConfig{})), "ok");
}

TEST(Subject, VisitorNeverChangesSubject) {
  RoomConfig c;
  c.change_subject = true;
  EXPECT_EQ(outcome(check_subject({R::visitor, A::member}, c)), "auth/forbidden");
}

TEST(PrivateMessages, FollowAllowPm) {
  RoomConfig c;
  c.allow_pm = AllowPm::participants;
  EXPECT_EQ(outcome(check_private_message({R::visitor, A::none}, c)), "auth/forbidden");
  EXPECT_EQ(outcome(check_private_message({R::participant, A::none}, c)), "ok");
  c.allow_pm = AllowPm::moderators;
  EXPECT_EQ(outcome(check_private_message({R::participant, A::admin}, c)), "auth/forbidden");
  EXPECT_EQ(outcome(check_private_message({R::moderator, A::none}, c)), "ok");
  c.allow_pm = AllowPm::none;
  EXPECT_EQ(outcome(check_private_message({R::moderator, A::owner}, c)), "auth/forbidden");
}

TEST(PrivateMessages, NonOccupantCannotSendThem) {
  EXPECT_EQ(outcome(check_private_message({R::none, A::owner}, RoomConfig{})),
            "modify/not-acceptable");
}

TEST(Invite, ParticipantInvitesOnlyWhereAllowed) {
  RoomConfig c;
  EXPECT_EQ(outcome(check_invite({R::participant, A::none}, c)), "auth/forbidden");
  c.allow_invites = true;
  EXPECT_EQ(outcome(check_invite({R::participant, A::none}, c)), "ok");
}

TEST(Invite, ModeratorInvites) {
  EXPECT_EQ(outcome(check_invite({R::moderator, A::none}, RoomConfig{})), "ok");
}

TEST(Invite, MembersOnlyRoomWithoutInvitesTakesThemFromAdminsOnly) {
  RoomConfig c;
  c.members_only = true;
  EXPECT_EQ(outcome(check_invite({R::moderator, A::member}, c)), "auth/forbidden");
  EXPECT_EQ(outcome(check_invite({R::moderator, A::admin}, c)), "ok");
}

TEST(Invite, AdminInvitationMakesAMemberOfAMembersOnlyRoom) {
  RoomConfig c;
  c.members_only = true;
  EXPECT_TRUE(invitation_grants_membership(A::admin, A::none, c));
  EXPECT_FALSE(invitation_grants_membership(A::member, A::none, c));
  EXPECT_FALSE(invitation_grants_membership(A::admin, A::outcast, c));
  c.members_only = false;
  EXPECT_FALSE(invitation_grants_membership(A::owner, A::none, c));
}

TEST(Registration, UnaffiliatedUserCannotRegisterByDefault) {
  EXPECT_EQ(outcome(check_registration(A::none, RoomConfig{})), "auth/registration-required");
}

TEST(Registration, UnaffiliatedUserRegistersWhereTheRoomAllows) {
  RoomConfig c;
  c.allow_register = true;
  EXPECT_EQ(outcome(check_registration(A::none, c)), "ok");
  c.members_only = true;
  EXPECT_EQ(outcome(check_registration(A::none, c)), "auth/registration-required");
}

TEST(Registration, MemberReservesItsNick) {
  RoomConfig c;
  c.members_only = true;
  EXPECT_EQ(outcome(check_registration(A::member, c)), "ok");
}

TEST(Registration, OutcastNeverRegisters) {
  RoomConfig c;
  c.allow_register = true;
  EXPECT_EQ(outcome(check_registration(A::outcast, c)), "auth/forbidden");
}

TEST(RealJids, ModeratorsSeeThemInSemiAnonymousRooms) {
  EXPECT_TRUE(sees_real_jids({R::moderator, A::none}, semi_anonymous()));
  EXPECT_FALSE(sees_real_jids({R::participant, A::owner}, semi_anonymous()));
}

TEST(RealJids, EveryoneSeesThemInNonAnonymousRooms) {
  EXPECT_TRUE(sees_real_jids({R::visitor, A::none}, non_anonymous()));
}

}  // namespace
}  // namespace muc
