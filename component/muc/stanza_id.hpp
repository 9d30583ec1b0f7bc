// XEP-0359 stanza ids: the room's own id for every groupchat message it broadcasts, the same
// in each copy, in the history and in the archive. Clients reply to, react to, retract and
// page the archive by it, so it must be unique for good and stable.
#pragma once

#include <functional>
#include <string>

#include "muc/requests.hpp"

namespace muc {

// Gives a new id for a message the service receives at the given time.
using StanzaIdSource = std::function<std::string(Clock::time_point)>;

// RFC 9562 UUIDv7 text: 48 bits of Unix milliseconds, the version and variant, then 74 bits
// from a generator seeded once from std::random_device. Ids of later messages sort later, so
// the archive's index on them grows at its end; the random bits keep ids apart across
// restarts, instances and clock steps.
StanzaIdSource uuid_v7_source();

// "s1", "s2", ...: for tests, which compare every stanza exactly.
StanzaIdSource counting_source();

}  // namespace muc
