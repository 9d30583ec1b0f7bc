#include "muc/avatar.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace muc {

std::optional<std::string> avatar_hash(std::string_view base64) {
  std::string text;
  text.reserve(base64.size());
  for (char c : base64) {
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') text.push_back(c);
  }
  if (text.empty() || text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> image(text.size() / 4 * 3);
  // EVP_DecodeBlock refuses anything but the base64 alphabet and '=' padding (-1).
  const int n = EVP_DecodeBlock(image.data(), reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  // It decodes the padding as zero bytes; they are not part of the image.
  for (std::size_t i = text.size(); i > 0 && text[i - 1] == '='; --i) --size;
  if (size == 0) return std::nullopt;
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(image.data(), size, digest.data(), &length, EVP_sha1(), nullptr) != 1) {
    throw std::runtime_error("SHA-1 failed");  // only when OpenSSL itself is broken
  }
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace muc
