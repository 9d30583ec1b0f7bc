// XEP-0486 room avatars: the hash a room advertises for each image of its vCard.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace muc {

// XEP-0153 3.1 (as XEP-0486 4.3 uses it): the SHA-1 of the image, in lowercase hex, from a
// <BINVAL/> in base64 (RFC 4648; the line breaks vCards often carry are allowed). nullopt
// when it is not base64 or holds nothing.
std::optional<std::string> avatar_hash(std::string_view base64);

}  // namespace muc
