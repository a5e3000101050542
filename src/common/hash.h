// Hash256: BLAKE2b-256 digests (libsodium's crypto_generichash), used for the
// journal's hash chain and the state hash; HMAC-SHA256 for webhooks. This file is the only place
// that includes libsodium's hashing API.
//
// Thread-safety: Hasher is a value; one per thread.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace bg {

using Hash256 = std::array<uint8_t, 32>;

// Lower-case hex of any bytes (hashes, keys, signatures).
std::string ToHex(std::span<const uint8_t> bytes);
// Parses 64 hex characters; false if `hex` is not that.
bool FromHex(std::string_view hex, Hash256* out);

// SipHash-2-4 of `bytes` under a key drawn once per process: for tables
// held in memory only (it differs from run to run), keyed so that a client
// cannot choose inputs that collide.
uint64_t ProcessKeyedHash64(std::string_view bytes);

// HMAC-SHA256 of `message` under `key` (webhook signatures), as bytes.
Hash256 HmacSha256(std::string_view key, std::string_view message);

class Hasher {
 public:
  Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  ~Hasher() = default;

  void Update(std::span<const uint8_t> bytes);
  void Update(std::string_view bytes);
  void UpdateU64(uint64_t value);  // little-endian
  Hash256 Finish();

 private:
  // crypto_generichash_state is 384 bytes, 64-byte aligned; kept opaque here
  // so that libsodium's header stays inside hash.cc.
  alignas(64) unsigned char state_[384];
};

Hash256 HashBytes(std::span<const uint8_t> bytes);

}  // namespace bg
