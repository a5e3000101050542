#include "metering/signature.h"

#include <sodium.h>

#include "common/check.h"

namespace bg::metering {
namespace {

void InitOnce() {
  static const bool ok = sodium_init() >= 0;
  BG_CHECK(ok) << "libsodium failed to initialise";
}

}  // namespace

KeyPair KeyPairFromSeed(std::span<const uint8_t, 32> seed) {
  InitOnce();
  KeyPair k;
  crypto_sign_seed_keypair(k.public_key.data(), k.secret_key.data(), seed.data());
  return k;
}

std::array<uint8_t, 32> RandomSeed() {
  InitOnce();
  std::array<uint8_t, 32> seed{};
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

KeyPair KeyPairFromNumber(uint64_t seed) {
  std::array<uint8_t, 32> bytes{};
  for (size_t i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(seed >> (8 * i));
  return KeyPairFromSeed(bytes);
}

Signature Sign(std::span<const uint8_t> message, const SecretKey& key) {
  InitOnce();
  Signature s;
  crypto_sign_detached(s.data(), nullptr, message.data(), message.size(), key.data());
  return s;
}

bool Verify(std::span<const uint8_t> message, const Signature& signature, const PublicKey& key) {
  InitOnce();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     key.data()) == 0;
}

}  // namespace bg::metering
