// RFC 6120 section 8.3 stanza errors as values: handlers return them, the dispatcher sends.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "xml/element.hpp"

namespace xmpp {

struct StanzaError {
  std::string_view type;       // "cancel", "modify", "auth", "wait", "continue"
  std::string_view condition;  // RFC 6120 8.3.3 element name, e.g. "item-not-found"
  std::string text;            // optional human-readable <text/>, empty = none
  // Character data of the condition element: <gone/> and <redirect/> carry the new address
  // as a URI (RFC 6120 8.3.3.5, 8.3.3.14); empty = none.
  std::string condition_text = {};

  static StanzaError bad_request(std::string t = {}) {
    return {"modify", "bad-request", std::move(t)};
  }
  static StanzaError conflict(std::string t = {}) { return {"cancel", "conflict", std::move(t)}; }
  static StanzaError forbidden(std::string t = {}) { return {"auth", "forbidden", std::move(t)}; }
  static StanzaError item_not_found(std::string t = {}) {
    return {"cancel", "item-not-found", std::move(t)};
  }
  static StanzaError jid_malformed(std::string t = {}) {
    return {"modify", "jid-malformed", std::move(t)};
  }
  static StanzaError not_acceptable(std::string t = {}) {
    return {"modify", "not-acceptable", std::move(t)};
  }
  static StanzaError not_allowed(std::string t = {}) {
    return {"cancel", "not-allowed", std::move(t)};
  }
  static StanzaError not_authorized(std::string t = {}) {
    return {"auth", "not-authorized", std::move(t)};
  }
  static StanzaError registration_required(std::string t = {}) {
    return {"auth", "registration-required", std::move(t)};
  }
  static StanzaError service_unavailable(std::string t = {}) {
    return {"cancel", "service-unavailable", std::move(t)};
  }
  static StanzaError feature_not_implemented(std::string t = {}) {
    return {"cancel", "feature-not-implemented", std::move(t)};
  }
  static StanzaError internal_server_error(std::string t = {}) {
    return {"wait", "internal-server-error", std::move(t)};
  }
  static StanzaError resource_constraint(std::string t = {}) {
    return {"wait", "resource-constraint", std::move(t)};
  }
};

// The error reply to `original`: same element name and id, from/to swapped, type='error',
// the original children kept (RFC 6120 8.3.1 allows it; clients match on them), then <error/>.
xml::Element error_reply(const xml::Element& original, const StanzaError& error);

// True for stanzas that must never be answered with an error (RFC 6120 8.3.1):
// errors themselves, and iq results.
bool must_not_answer(const xml::Element& stanza);

// An iq result for `request` (from/to swapped, same id), with no payload.
xml::Element iq_result(const xml::Element& request);

// Where a namespace is a near miss of one we serve (a typo copied from a tutorial,
// e.g. "http://jabber.org/protocal/muc#admin"), the namespace that was probably meant.
std::optional<std::string_view> near_miss_namespace(std::string_view ns);

}  // namespace xmpp
