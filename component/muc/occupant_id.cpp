#include "muc/occupant_id.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace muc {

namespace {
constexpr std::size_t kIdBytes = 16;

std::string base64url(const unsigned char* data, std::size_t size) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < size; ++i) {
    acc = (acc << 8) | data[i];
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3FU]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3FU]);
  return out;
}
}  // namespace

std::string occupant_id(std::string_view secret, std::string_view room, std::string_view bare) {
  if (secret.empty()) return {};
  std::string message;
  message.reserve(room.size() + 1 + bare.size());
  message.append(room).push_back('\0');
  message.append(bare);
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const unsigned char* ok = HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
                                 reinterpret_cast<const unsigned char*>(message.data()),
                                 message.size(), digest.data(), &length);
  // HMAC-SHA256 fails only when OpenSSL itself is broken.
  if (ok == nullptr || length < kIdBytes) throw std::runtime_error("HMAC-SHA256 failed");
  return base64url(digest.data(), kIdBytes);
}

std::string new_occupant_id_secret() {
  std::array<unsigned char, 32> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("no random bytes for the occupant-id secret");
  }
  static constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : bytes) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xFU]);
  }
  return out;
}

}  // namespace muc
