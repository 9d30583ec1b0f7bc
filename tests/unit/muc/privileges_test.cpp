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
  bool last_owner;
  const char* expected;
};

const AffiliationCase kAffiliationCases[] = {
    {"MemberCannotBan", A::member, A::none, A::outcast, false, false, "auth/forbidden"},
    {"NoneCannotGrantMembership", A::none, A::none, A::member, false, false, "auth/forbidden"},
    {"AdminBansNone", A::admin, A::none, A::outcast, false, false, "ok"},
    {"AdminBansMember", A::admin, A::member, A::outcast, false, false, "ok"},
    {"AdminGrantsMembership", A::admin, A::none, A::member, false, false, "ok"},
    {"AdminRevokesMembership", A::admin, A::member, A::none, false, false, "ok"},
    {"AdminUnbans", A::admin, A::outcast, A::none, false, false, "ok"},
    {"AdminCannotBanOwner", A::admin, A::owner, A::outcast, false, false, "cancel/not-allowed"},
    {"AdminCannotBanAdmin", A::admin, A::admin, A::outcast, false, false, "cancel/not-allowed"},
    {"AdminCannotDemoteAdmin", A::admin, A::admin, A::member, false, false, "cancel/not-allowed"},
    {"AdminCannotGrantAdmin", A::admin, A::member, A::admin, false, false, "auth/forbidden"},
    {"AdminCannotGrantOwner", A::admin, A::none, A::owner, false, false, "auth/forbidden"},
    {"OwnerGrantsAdmin", A::owner, A::member, A::admin, false, false, "ok"},
    {"OwnerGrantsOwner", A::owner, A::none, A::owner, false, false, "ok"},
    {"OwnerRevokesAdmin", A::owner, A::admin, A::member, false, false, "ok"},
    {"OwnerBansOtherOwner", A::owner, A::owner, A::outcast, false, false, "ok"},
    {"NobodyBansThemself", A::owner, A::owner, A::outcast, true, false, "cancel/conflict"},
    {"LastOwnerCannotStepDown", A::owner, A::owner, A::admin, true, true, "cancel/conflict"},
    {"LastOwnerCannotBeRemoved", A::owner, A::owner, A::none, false, true, "cancel/conflict"},
    {"OwnerStepsDownWhenAnotherRemains", A::owner, A::owner, A::member, true, false, "ok"},
};

class AffiliationChange : public ::testing::TestWithParam<AffiliationCase> {};

TEST_P(AffiliationChange, FollowsSection5) {
  const AffiliationCase& c = GetParam();
  EXPECT_EQ(outcome(check_affiliation_change(c.actor, c.from, c.to, c.self, c.last_owner)),
            c.expected)
      << c.rule;
}

INSTANTIATE_TEST_SUITE_P(Xep0045, AffiliationChange, ::testing::ValuesIn(kAffiliationCases),
                         [](const auto& param_info) { return std::string(param_info.param.rule); });

TEST(Lists, MemberListFollowsGetMemberList) {
  EXPECT_EQ(outcome(check_affiliation_list({R::participant, A::none}, A::member, true)), "ok");
  EXPECT_EQ(outcome(check_affiliation_list({R::participant, A::member}, A::member, false)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::admin}, A::member, false)), "ok");
}

TEST(Lists, BanListIsForAdmins) {
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::member}, A::outcast, true)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::admin}, A::outcast, false)), "ok");
}

TEST(Lists, AdminAndOwnerListsAreForOwners) {
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::admin}, A::admin, true)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_affiliation_list({R::moderator, A::owner}, A::owner, false)), "ok");
}

TEST(Lists, VoiceListIsForModeratorsAndModeratorListForAdmins) {
  EXPECT_EQ(outcome(check_role_list({R::participant, A::member}, R::participant)),
            "auth/forbidden");
  EXPECT_EQ(outcome(check_role_list({R::moderator, A::none}, R::participant)), "ok");
  EXPECT_EQ(outcome(check_role_list({R::moderator, A::member}, R::moderator)), "auth/forbidden");
  EXPECT_EQ(outcome(check_role_list({R::moderator, A::admin}, R::moderator)), "ok");
}

}  // namespace
}  // namespace muc
