// Ed25519 signatures (libsodium's crypto_sign_*) for usage records: each
// provider registers a public key; every usage record it sends is signed
// with the matching secret key, and the platform verifies the signature
// before it charges anything. This file is the only place that includes
// libsodium's signing API.
//
// Thread-safety: pure functions; Verify may run on any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace bg::metering {

using PublicKey = std::array<uint8_t, 32>;
using SecretKey = std::array<uint8_t, 64>;
using Signature = std::array<uint8_t, 64>;

struct KeyPair {
  PublicKey public_key{};
  SecretKey secret_key{};
};

// A key pair derived from a 32-byte seed (deterministic: tests, the
// simulator's providers and the benchmark use seeded keys).
KeyPair KeyPairFromSeed(std::span<const uint8_t, 32> seed);

// 32 bytes from the operating system's random source: the seed of a real
// provider's key (`baygrid keys generate`).
std::array<uint8_t, 32> RandomSeed();

// The key pair of a 64-bit seed (little-endian in the first 8 bytes): the
// simulator's providers, the demo, tests and benchmarks.
KeyPair KeyPairFromNumber(uint64_t seed);

Signature Sign(std::span<const uint8_t> message, const SecretKey& key);

// True only if `signature` is `key`'s signature of exactly `message`.
bool Verify(std::span<const uint8_t> message, const Signature& signature, const PublicKey& key);

}  // namespace bg::metering
