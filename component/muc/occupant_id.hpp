// XEP-0421 occupant ids: a stable, opaque id for each real bare JID in each room, on every
// presence and message the room sends on an occupant's behalf, so clients can tell that two
// nicks (or one nick over time) are the same person, and attach reactions and moderation to
// people, without the room revealing who they are.
#pragma once

#include <string>
#include <string_view>

namespace muc {

// HMAC-SHA256 over the room's and the user's bare JIDs (NUL between) under the service's
// secret, its first 128 bits in unpadded base64url (22 characters). The same user gets the
// same id in a room for as long as the secret is kept (in PostgreSQL: service_secrets), a
// different one in every other room, and nobody without the secret can compute or invert
// it. An empty secret gives an empty id: no occupant-id is sent.
std::string occupant_id(std::string_view secret, std::string_view room, std::string_view bare);

// XEP-0421 4 and 6: the service and its rooms advertise urn:xmpp:occupant-id:0 exactly
// when they give occupant ids, which is whenever the service has its secret.
inline bool gives_occupant_ids(std::string_view secret) {
  return !secret.empty();
}

// 32 random bytes from OpenSSL's generator, hex-encoded: a new secret.
std::string new_occupant_id_secret();

}  // namespace muc
