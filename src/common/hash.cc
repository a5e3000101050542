#include "common/hash.h"

#include <sodium.h>

#include "common/check.h"

namespace bg {
namespace {

crypto_generichash_state* State(unsigned char* raw) {
  return reinterpret_cast<crypto_generichash_state*>(raw);
}

}  // namespace

static_assert(sizeof(crypto_generichash_state) <= 384, "grow Hasher::state_");

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (uint8_t byte : bytes) {
    out.push_back(kDigits[byte >> 4]);
    out.push_back(kDigits[byte & 0xf]);
  }
  return out;
}

bool FromHex(std::string_view hex, Hash256* out) {
  if (hex.size() != 64) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 32; ++i) {
    int hi = nibble(hex[2 * i]);
    int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

Hasher::Hasher() {
  BG_CHECK(sodium_init() >= 0) << "libsodium failed to initialise";
  crypto_generichash_init(State(state_), nullptr, 0, 32);
}

void Hasher::Update(std::span<const uint8_t> bytes) {
  crypto_generichash_update(State(state_), bytes.data(), bytes.size());
}

void Hasher::Update(std::string_view bytes) {
  crypto_generichash_update(State(state_), reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

void Hasher::UpdateU64(uint64_t value) {
  uint8_t le[8];
  for (int i = 0; i < 8; ++i) le[i] = static_cast<uint8_t>(value >> (8 * i));
  Update(std::span<const uint8_t>(le, 8));
}

Hash256 Hasher::Finish() {
  Hash256 out;
  crypto_generichash_final(State(state_), out.data(), out.size());
  return out;
}

Hash256 HashBytes(std::span<const uint8_t> bytes) {
  Hasher hasher;
  hasher.Update(bytes);
  return hasher.Finish();
}

Hash256 HmacSha256(std::string_view key, std::string_view message) {
  BG_CHECK(sodium_init() >= 0) << "libsodium failed to initialise";
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key.data()), key.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(message.data()),
                                message.size());
  Hash256 out;
  crypto_auth_hmacsha256_final(&st, out.data());
  return out;
}

uint64_t ProcessKeyedHash64(std::string_view bytes) {
  static const std::array<unsigned char, crypto_shorthash_KEYBYTES> key = [] {
    BG_CHECK(sodium_init() >= 0) << "libsodium failed to initialise";
    std::array<unsigned char, crypto_shorthash_KEYBYTES> k{};
    randombytes_buf(k.data(), k.size());
    return k;
  }();
  std::array<unsigned char, crypto_shorthash_BYTES> out{};
  crypto_shorthash(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                   key.data());
  uint64_t v = 0;
  for (size_t i = 0; i < out.size(); ++i) v |= uint64_t{out[i]} << (8 * i);
  return v;
}

}  // namespace bg
