// Room nicknames beyond the resourceprep that makes them valid occupant JIDs: which ones
// look alike, and which ones a room refuses to show.
#pragma once

#include <string>
#include <string_view>

namespace xmpp {

// The comparison form of a prepared nick, RFC 8266 (PRECIS Nickname profile) section 2.4:
// non-ASCII spaces mapped to U+0020, leading and trailing spaces removed, interior runs of
// spaces made one, Unicode toLower, then NFKC. Two nicks with the same key look alike to a
// reader ("Alice", "alice", "ALICE", "Ａｌｉｃｅ", "Alice  " ...): a room lets only one of
// them be in use or reserved at a time (XEP-0045 7.2.8, 7.6, 7.10). `nick` must be UTF-8.
std::string nick_key(std::string_view nick);

// True when `nick` holds a Unicode Bidi_Control character (U+061C, U+200E, U+200F,
// U+202A-U+202E, U+2066-U+2069). Such a character reorders the text that follows it, so a
// nick could make a room's roster or a message line read as something else (RFC 8266
// section 6 and RFC 8264 section 12.6 on visually confusable strings).
bool has_bidi_control(std::string_view nick);

}  // namespace xmpp
