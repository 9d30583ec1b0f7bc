// Room disco#info (XEP-0045 6.4) with the muc#roominfo extended form.
#include "muc/features.hpp"
#include "muc/occupant_id.hpp"
#include "muc/room.hpp"
#include "muc/room_options.hpp"
#include "xmpp/namespaces.hpp"

namespace muc {

IqAnswer Room::on_disco_info(const xmpp::Jid&) const {
  const std::string info_ns(ns::kDiscoInfo);
  const std::string data_ns(ns::kData);
  xml::Element q("query", info_ns);
  xml::Element& id = q.add("identity", info_ns);
  id.set_attr("category", "conference").set_attr("type", "text");
  id.set_attr("name", config_.name.empty() ? jid_.local() : config_.name);
  auto feature = [&](std::string_view var) {
    q.add("feature", info_ns).set_attr("var", std::string(var));
  };
  for (std::string_view f : room_protocol_features()) feature(f);
  for (std::string_view f : room_features(config_)) feature(f);
  if (occupant_id_secret_ != nullptr && gives_occupant_ids(*occupant_id_secret_)) {
    feature(ns::kOccupantId);
  }

  xml::Element& x = q.add("x", data_ns);
  x.set_attr("type", "result");
  auto field = [&](std::string_view var, std::string value, std::string_view label) {
    xml::Element& f = x.add("field", data_ns);
    f.set_attr("var", std::string(var));
    if (!label.empty()) f.set_attr("label", std::string(label));
    f.add_text_child("value", data_ns, std::move(value));
  };
  xml::Element& ft = x.add("field", data_ns);
  ft.set_attr("var", "FORM_TYPE").set_attr("type", "hidden");
  ft.add_text_child("value", data_ns, std::string(ns::kMucRoomInfo));
  field("muc#roominfo_description", config_.description, "Description");
  field("muc#roominfo_occupants", std::to_string(occupants_.size()), "Number of occupants");
  field("muc#roominfo_subject", subject_, "Subject");
  if (!config_.language.empty()) field("muc#roominfo_lang", config_.language, "Language");
  // XEP-0045 15.5.4 registers muc#roominfo_subjectmod; its own example in 6.4 says
  // muc#roominfo_changesubject, which Prosody and ejabberd send and clients read. Both.
  const char* may_change = config_.change_subject ? "1" : "0";
  field("muc#roominfo_subjectmod", may_change, "Occupants may change the subject");
  field("muc#roominfo_changesubject", may_change, "Occupants may change the subject");
  // How many history messages a join may get (7.2.15), the room's history length.
  field("muc#maxhistoryfetch", std::to_string(config_.history_length),
        "Maximum number of history messages returned by the room");
  // XEP-0486 4.3: the avatar's hashes, only while it has one.
  if (!avatar_hashes_.empty()) {
    xml::Element& avatar = x.add("field", data_ns);
    avatar.set_attr("var", "muc#roominfo_avatarhash")
        .set_attr("type", "text-multi")
        .set_attr("label", "Avatar hash");
    for (const std::string& h : avatar_hashes_) avatar.add_text_child("value", data_ns, h);
  }
  // Contact addresses: the owners, only where anyone may walk in and see real JIDs anyway
  // (public, open, unprotected, non-anonymous rooms); disco#info is for the whole world.
  if (config_.whois == WhoIs::anyone && config_.public_room && !config_.members_only &&
      !config_.password_protected) {
    xml::Element& contacts = x.add("field", data_ns);
    contacts.set_attr("var", "muc#roominfo_contactjid").set_attr("label", "Contact addresses");
    for (const auto& [jid, a] : affiliations_) {
      if (a == Affiliation::owner) contacts.add_text_child("value", data_ns, jid);
    }
  }
  return std::optional<xml::Element>(std::move(q));
}

}  // namespace muc
