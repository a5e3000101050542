// A provider's signing key on the command line: `baygrid keys generate`
// writes a new Ed25519 seed to a file only its owner may read, `keys
// register --key-file` sends the public half, and `usage report --key-file`
// signs a usage record before sending it — what a provider's agent does,
// for a person at a terminal (docs/api.md, "Providers").
//
// Thread-safety: pure functions over files.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "metering/signature.h"

namespace bg::cli {

// Writes a new random seed as 64 hex characters to `path` (mode 0600; an
// existing file is not overwritten) and answers the public key in hex.
Result<std::string> GenerateKeyFile(const std::string& path);

// The key pair of the seed in `path`.
Result<metering::KeyPair> ReadKeyFile(const std::string& path);

// {"records": [record + signature_hex]} for POST /v1/usage, from a record's
// fields (id, provider, order, start_unix_s, end_unix_s, cards) signed with
// `key`; InvalidArgument if a field is missing or out of range.
Result<nlohmann::json> SignedUsage(const nlohmann::json& record, const metering::KeyPair& key);

}  // namespace bg::cli
