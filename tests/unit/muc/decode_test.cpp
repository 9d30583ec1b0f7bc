// decode.cpp: XML to typed requests, at the edge. The room never sees these stanzas.
#include "muc/decode.hpp"

#include <gtest/gtest.h>

#include "xml/parser.hpp"

namespace muc {
namespace {

xml::Element parse(const std::string& text) {
  xml::NamespaceContext scope;
  scope.default_ns = std::string(xml::kComponentNs);
  auto parsed = xml::parse_stanza(text, scope);
  return std::get<xml::Element>(std::move(parsed));
}

template <typename T>
std::string error_of(const std::variant<T, xmpp::StanzaError>& r) {
  if (const auto* e = std::get_if<xmpp::StanzaError>(&r)) {
    return std::string(e->type) + "/" + std::string(e->condition);
  }
  return "ok";
}

const std::string kAdmin = "<query xmlns='http://jabber.org/protocol/muc#admin'>";

TEST(DecodeForm, AFormNamingOneFieldTwiceIsBadRequest) {
  // XEP-0004 3.2: a var identifies one field of its form.
  auto form = parse(
      "<x xmlns='jabber:x:data' type='submit'><field var='muc#roomconfig_roomname'><value>a"
      "</value></field><field var='muc#roomconfig_roomname'><value>b</value></field></x>");
  EXPECT_EQ(error_of(decode_form_fields(form)), "modify/bad-request");
  auto query = parse("<query xmlns='http://jabber.org/protocol/muc#owner'>" +
                     std::string("<x xmlns='jabber:x:data' type='submit'><field var='v'/><field "
                                 "var='v'/></x></query>"));
  EXPECT_EQ(error_of(decode_owner_set(query, ServiceLimits{})), "modify/bad-request");
}

TEST(DecodeAdmin, ItemWithRoleAndAffiliationIsBadRequest) {
  EXPECT_EQ(error_of(decode_admin_set(parse(
                kAdmin + "<item nick='a' role='none' affiliation='none' jid='a@b'/></query>"))),
            "modify/bad-request");
}

TEST(DecodeAdmin, ItemWithNeitherIsBadRequest) {
  EXPECT_EQ(error_of(decode_admin_set(parse(kAdmin + "<item nick='a'/></query>"))),
            "modify/bad-request");
}

TEST(DecodeAdmin, NoItemIsBadRequest) {
  EXPECT_EQ(error_of(decode_admin_set(parse(kAdmin + "</query>"))), "modify/bad-request");
}

TEST(DecodeAdmin, UnknownRoleIsBadRequest) {
  EXPECT_EQ(error_of(decode_admin_set(parse(kAdmin + "<item nick='a' role='king'/></query>"))),
            "modify/bad-request");
}

TEST(DecodeAdmin, RoleWithoutNickIsBadRequest) {
  EXPECT_EQ(error_of(decode_admin_set(parse(kAdmin + "<item role='none'/></query>"))),
            "modify/bad-request");
}

TEST(DecodeAdmin, BadJidIsJidMalformed) {
  EXPECT_EQ(error_of(decode_admin_set(
                parse(kAdmin + "<item affiliation='outcast' jid='@@bad'/></query>"))),
            "modify/jid-malformed");
}

TEST(DecodeAdmin, ItemsKeepTheirOrderAndReasons) {
  auto r =
      decode_admin_set(parse(
          kAdmin + "<item nick='Bob' role='none'><reason>spam</reason></item>"
                   "<item affiliation='outcast' jid='eve@evil.example/x'><reason>no</reason></item>"
                   "</query>"));
  ASSERT_EQ(error_of(r), "ok");
  const AdminSetIn& in = std::get<AdminSetIn>(r);
  ASSERT_EQ(in.items.size(), 2u);
  const auto& kick = std::get<RoleItem>(in.items[0]);
  EXPECT_EQ(kick.nick, "Bob");
  EXPECT_EQ(kick.role, Role::none);
  EXPECT_EQ(kick.reason, "spam");
  const auto& ban = std::get<AffiliationItem>(in.items[1]);
  EXPECT_EQ(ban.jid.str(), "eve@evil.example/x");
  EXPECT_EQ(ban.affiliation, Affiliation::outcast);
  EXPECT_EQ(ban.reason, "no");
}

TEST(DecodeAdmin, GetAsksForOneList) {
  EXPECT_EQ(error_of(decode_admin_get(
                parse(kAdmin + "<item affiliation='member'/><item affiliation='admin'/></query>"))),
            "modify/bad-request");
  auto r = decode_admin_get(parse(kAdmin + "<item role='participant'/></query>"));
  ASSERT_EQ(error_of(r), "ok");
  EXPECT_EQ(std::get<Role>(std::get<AdminGetIn>(r).list), Role::participant);
}

TEST(DecodeOwner, DestroyCarriesReasonAndAlternateVenue) {
  auto r = decode_owner_set(
      parse("<query xmlns='http://jabber.org/protocol/muc#owner'><destroy jid='new@c.example'>"
            "<reason>moved</reason></destroy></query>"));
  ASSERT_EQ(error_of(r), "ok");
  const OwnerSetIn& in = std::get<OwnerSetIn>(r);
  EXPECT_EQ(in.kind, OwnerSetIn::Kind::destroy);
  EXPECT_EQ(in.destroy.alternate, "new@c.example");
  EXPECT_EQ(in.destroy.reason, "moved");
}

TEST(DecodeOwner, FormOfTypeResultIsBadRequest) {
  EXPECT_EQ(error_of(decode_owner_set(parse("<query xmlns='http://jabber.org/protocol/muc#owner'>"
                                            "<x xmlns='jabber:x:data' type='result'/></query>"))),
            "modify/bad-request");
}

TEST(DecodeOwner, SubmittedFieldsKeepEveryValue) {
  auto r = decode_owner_set(parse(
      "<query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' "
      "type='submit'><field var='muc#roomconfig_roomowners'><value>a@x</value><value>b@x</value>"
      "</field><field type='fixed'><value>ignored</value></field></x></query>"));
  ASSERT_EQ(error_of(r), "ok");
  const auto& fields = std::get<OwnerSetIn>(r).fields;
  ASSERT_EQ(fields.size(), 1u);
  EXPECT_EQ(fields[0].var, "muc#roomconfig_roomowners");
  EXPECT_EQ(fields[0].values, (std::vector<std::string>{"a@x", "b@x"}));
}

TEST(DecodeRoomMessage, InvitationWithBadJidIsJidMalformed) {
  EXPECT_EQ(
      error_of(decode_room_message(parse("<message><x xmlns='http://jabber.org/protocol/muc#user'>"
                                         "<invite to='@'/></x></message>"))),
      "modify/jid-malformed");
}

TEST(DecodeRoomMessage, VoiceAnswerNamesNickAndJid) {
  auto r = decode_room_message(
      parse("<message><x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE'>"
            "<value>http://jabber.org/protocol/muc#request</value></field><field "
            "var='muc#roomnick'><value>Bob</value></field><field var='muc#jid'><value>bob@x</value>"
            "</field><field var='muc#request_allow'><value>true</value></field></x></message>"));
  ASSERT_EQ(error_of(r), "ok");
  const auto& v = std::get<VoiceRequestIn>(std::get<RoomMessageIn>(r));
  EXPECT_TRUE(v.answer);
  EXPECT_TRUE(v.allow);
  EXPECT_EQ(v.nick, "Bob");
  EXPECT_EQ(v.jid, "bob@x");
}

TEST(DecodeRoomMessage, PlainMessageIsBadRequest) {
  EXPECT_EQ(error_of(decode_room_message(parse("<message><body>hi</body></message>"))),
            "modify/bad-request");
}

TEST(DecodeRegister, RemoveCancelsTheRegistration) {
  auto r = decode_register_set(parse("<query xmlns='jabber:iq:register'><remove/></query>"));
  ASSERT_EQ(error_of(r), "ok");
  EXPECT_TRUE(std::get<RegisterSetIn>(r).remove);
}

}  // namespace
}  // namespace muc
