// The MUC service: the component's domain. It decodes each inbound stanza into a typed
// request (or a stanza error), routes it to the room it names, creates and drops rooms,
// and answers the service's own disco. Like the room, it is pure: stanzas in, effects out.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "muc/effects.hpp"
#include "muc/requests.hpp"
#include "muc/room.hpp"
#include "xml/element.hpp"

namespace muc {

enum class CreationPolicy { anyone, domains, admins };

struct ServiceConfig {
  std::string domain = "conference.localhost";
  std::string name = "Chatrooms";
  std::uint32_t history_default = 20;
  std::vector<std::string> service_admins;  // bare JIDs, owners of every room
  CreationPolicy creation = CreationPolicy::anyone;
  std::vector<std::string> creation_domains;  // with CreationPolicy::domains
};

class Service {
 public:
  explicit Service(ServiceConfig config);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // One stanza from the XMPP server; whatever must be sent is appended to `fx`.
  void handle(const xml::Element& stanza, Clock::time_point now, Effects& fx);

  std::size_t room_count() const { return rooms_.size(); }
  const Room* find_room(const std::string& local) const;

 private:
  void handle_presence(const xml::Element& s, const xmpp::Jid& from, const xmpp::Jid& to,
                       Clock::time_point now, Effects& fx);
  void handle_message(const xml::Element& s, const xmpp::Jid& from, const xmpp::Jid& to,
                      Clock::time_point now, Effects& fx);
  std::optional<xmpp::StanzaError> room_message(Room& room, const xml::Element& s,
                                                const xmpp::Jid& from, Effects& fx);
  void handle_iq(const xml::Element& s, const xmpp::Jid& from, const xmpp::Jid& to,
                 Effects& fx);
  IqAnswer answer_iq(const xml::Element& iq, const xml::Element& payload, const xmpp::Jid& from,
                     const xmpp::Jid& to, Effects& fx);
  IqAnswer service_iq(const xml::Element& iq, const xml::Element& payload) const;
  IqAnswer room_iq(Room& room, const xml::Element& iq, const xml::Element& payload,
                   const xmpp::Jid& from, Effects& fx);
  bool may_create(const xmpp::Jid& who) const;
  Room* room_for(const xmpp::Jid& to);
  void drop_if_finished(const std::string& local);

  ServiceConfig config_;
  std::map<std::string, std::unique_ptr<Room>> rooms_;  // by prepared localpart
};

}  // namespace muc
