// Retracting an archived message: by a moderator (XEP-0425 v0.3, an iq to the room) or by
// its author (XEP-0424, a groupchat message with <retract/>). The room decides who may
// (room_retraction.cpp), the store replaces the message with its tombstone and archives the
// retraction in one transaction (Store::retract), and only then is the retraction broadcast.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "muc/store.hpp"
#include "xml/element.hpp"

namespace muc {

// A retraction the room decided, waiting for the store's answer.
struct Retraction {
  RetractMessage op;       // what the store does (store.hpp)
  xml::Element message;    // the retraction as broadcast, from the room (XEP-0425) or its author
  bool moderated = false;  // XEP-0425: an iq answered with a result; else a groupchat message
};

// XEP-0424 6 and XEP-0425 5: the archived message `archived_xml` (as the room broadcast it,
// without `to`) as its tombstone: its from, type, id and xml:lang, the room's <stanza-id/> and the
// author's <occupant-id/>, then `retracted_xml` (the <retracted/> element); the body and every
// other child, which could tell what it said, are gone. nullopt when either does not parse.
std::optional<std::string> tombstone_of(std::string_view archived_xml, std::string_view room_jid,
                                        std::string_view retracted_xml);

}  // namespace muc
