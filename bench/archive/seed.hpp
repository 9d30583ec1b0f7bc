// Seeding the archive benchmark's table (seed.cpp): --rows messages in --rooms rooms, of
// which room 0, the one read, has --room-rows, interleaved in time with the others' rows.
#pragma once

#include <pqxx/pqxx>
#include <string>

namespace bench_archive {

struct Sizes {
  long rows = 10'000'000;      // messages in the table
  long room_rows = 1'000'000;  // of which in room 0
  long rooms = 10;
};

// "bench<n>@conference.localhost"; room 0 is the room read.
std::string room_jid(long n);

// Fills `messages` to `s` unless it holds exactly that already (a rerun); then VACUUM
// ANALYZE. Progress goes to stderr. Returns whether it seeded.
bool seed(pqxx::connection& c, const Sizes& s);

}  // namespace bench_archive
