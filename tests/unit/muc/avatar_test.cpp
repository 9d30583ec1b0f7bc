// XEP-0486 room avatars through the service: owners set and clear the room's vCard-temp,
// occupants are told with 104, disco#info carries the hash, anyone reads the vCard.
#include <gtest/gtest.h>

#include "muc/avatar.hpp"
#include "service_harness.hpp"
#include "transcript.hpp"

namespace muc_test {
namespace {

const std::string kRoom = "a@conference.localhost";
// "abc", whose SHA-1 is a9993e36...
const std::string kPhoto = "<PHOTO><TYPE>image/png</TYPE><BINVAL>YW\nJj</BINVAL></PHOTO>";

std::string vcard_iq(const std::string& from, const std::string& type, const std::string& inner,
                     const std::string& id = "v1") {
  return "<iq from='" + from + "' to='" + kRoom + "' type='" + type + "' id='" + id +
         "'><vCard xmlns='vcard-temp'>" + inner + "</vCard></iq>";
}

class Avatars : public ::testing::Test {
 protected:
  explicit Avatars(muc::ServiceConfig config = {}) : h(std::move(config)) {
    h.create_instant_room("a", "alice@localhost/a", "Alice");
    h.join("bob@localhost/b", kRoom + "/Bob", "<history maxstanzas='0'/>");
  }
  std::string disco() {
    auto out =
        h.send("<iq from='carol@localhost/c' to='" + kRoom +
               "' type='get' id='d'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>");
    return out.empty() ? "" : out[0];
  }
  ServiceHarness h;
};

TEST(AvatarHash, IsTheSha1OfTheDecodedImage) {
  EXPECT_EQ(muc::avatar_hash("YWJj"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(muc::avatar_hash("YW\r\nJj"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(muc::avatar_hash("YQ=="), "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8");  // "a"
  EXPECT_FALSE(muc::avatar_hash("not base64!").has_value());
  EXPECT_FALSE(muc::avatar_hash("").has_value());
}

TEST_F(Avatars, OwnerSetsTheAvatarAndOccupantsAreToldWith104) {
  auto out = h.send(vcard_iq("alice@localhost/a", "set", kPhoto));
  ASSERT_EQ(out.size(), 3u);
  const std::string notice = "<message from='" + kRoom +
                             "' type='groupchat'><x xmlns='http://jabber.org/protocol/muc#user'>"
                             "<status code='104'/></x></message>";
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<message to='alice@localhost/a' " + notice.substr(9)));
  EXPECT_EQ(canonical_xml(out[1]),
            canonical_xml("<message to='bob@localhost/b' " + notice.substr(9)));
  EXPECT_EQ(
      canonical_xml(out[2]),
      canonical_xml("<iq from='" + kRoom + "' to='alice@localhost/a' type='result' id='v1'/>"));
  EXPECT_NE(disco().find("<field var='muc#roominfo_avatarhash' type='text-multi' label='Avatar "
                         "hash'><value>a9993e364706816aba3e25717850c26c9cd0d89d</value></field>"),
            std::string::npos)
      << disco();
  out = h.send(vcard_iq("carol@localhost/c", "get", ""));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq from='" + kRoom +
                          "' to='carol@localhost/c' type='result' id='v1'><vCard "
                          "xmlns='vcard-temp'>" +
                          kPhoto + "</vCard></iq>"));
}

TEST_F(Avatars, WithoutAnAvatarTheVcardIsEmptyAndDiscoHasNoHash) {
  auto out = h.send(vcard_iq("carol@localhost/c", "get", ""));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(canonical_xml(out[0]),
            canonical_xml("<iq from='" + kRoom +
                          "' to='carol@localhost/c' type='result' id='v1'><vCard "
                          "xmlns='vcard-temp'/></iq>"));
  EXPECT_EQ(disco().find("avatarhash"), std::string::npos);
  EXPECT_NE(disco().find("<feature var='vcard-temp'/>"), std::string::npos);
}

TEST_F(Avatars, EmptyVcardClearsTheAvatar) {
  h.send(vcard_iq("alice@localhost/a", "set", kPhoto));
  auto out = h.send(vcard_iq("alice@localhost/a", "set", "", "v2"));
  ASSERT_EQ(out.size(), 3u);  // 104 to both, the result
  EXPECT_EQ(disco().find("avatarhash"), std::string::npos);
}

TEST_F(Avatars, ParticipantCannotSetTheAvatar) {
  auto out = h.send(vcard_iq("bob@localhost/b", "set", kPhoto));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "auth/forbidden");
  EXPECT_EQ(disco().find("avatarhash"), std::string::npos);
}

TEST_F(Avatars, PhotoThatIsNotBase64IsABadRequest) {
  auto out = h.send(vcard_iq("alice@localhost/a", "set",
                             "<PHOTO><TYPE>image/png</TYPE><BINVAL>@@</BINVAL></PHOTO>"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/bad-request");
  out = h.send(vcard_iq("alice@localhost/a", "set", "<PHOTO><BINVAL>YWJj</BINVAL></PHOTO>"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/bad-request");  // no <TYPE/>
}

muc::ServiceConfig small_avatars() {
  muc::ServiceConfig c;
  c.limits.avatar_max_bytes = 100;
  return c;
}

class SmallAvatars : public Avatars {
 protected:
  SmallAvatars() : Avatars(small_avatars()) {}
};

TEST_F(SmallAvatars, VcardOverTheLimitIsNotAcceptable) {
  auto out = h.send(vcard_iq(
      "alice@localhost/a", "set",
      "<PHOTO><TYPE>image/png</TYPE><BINVAL>" + std::string(200, 'A') + "</BINVAL></PHOTO>"));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(error_of(out[0]), "modify/not-acceptable");
}

}  // namespace
}  // namespace muc_test
