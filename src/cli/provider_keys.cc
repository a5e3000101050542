#include "cli/provider_keys.h"

#include <cstdio>
#include <fstream>

#include <fcntl.h>
#include <unistd.h>

#include "common/hash.h"
#include "metering/usage.h"

namespace bg::cli {

Result<std::string> GenerateKeyFile(const std::string& path) {
  const std::array<uint8_t, 32> seed = metering::RandomSeed();
  const std::string hex = ToHex(seed) + "\n";
  // O_EXCL: a key is never overwritten by accident.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return InvalidArgument("cannot create " + path + " (does it exist already?)");
  const bool written = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
  const bool synced = ::fsync(fd) == 0;
  ::close(fd);
  if (!written || !synced) return Unavailable("cannot write " + path);
  return ToHex(metering::KeyPairFromSeed(seed).public_key);
}

Result<metering::KeyPair> ReadKeyFile(const std::string& path) {
  std::ifstream in(path);
  std::string hex;
  if (!(in >> hex)) return NotFound("cannot read a key from " + path);
  Hash256 seed{};
  if (!FromHex(hex, &seed)) {
    return InvalidArgument(path + " does not hold a key (64 hex characters)");
  }
  return metering::KeyPairFromSeed(seed);
}

Result<nlohmann::json> SignedUsage(const nlohmann::json& record, const metering::KeyPair& key) {
  metering::UsageRecord r;
  auto field = [&](const char* name, uint64_t* out) -> Status {
    auto it = record.find(name);
    const bool whole = it != record.end() && (it->is_number_unsigned() ||
                                              (it->is_number_integer() && it->get<int64_t>() >= 0));
    if (!whole) return InvalidArgument(std::string("usage report needs ") + name);
    *out = it->get<uint64_t>();
    return Status::Ok();
  };
  uint64_t provider = 0;
  uint64_t order = 0;
  uint64_t cards = 0;
  BG_RETURN_IF_ERROR(field("id", &r.id));
  BG_RETURN_IF_ERROR(field("provider", &provider));
  BG_RETURN_IF_ERROR(field("order", &order));
  BG_RETURN_IF_ERROR(field("start_unix_s", &r.start_s));
  BG_RETURN_IF_ERROR(field("end_unix_s", &r.end_s));
  BG_RETURN_IF_ERROR(field("cards", &cards));
  if (cards > UINT32_MAX) return InvalidArgument("--cards is too large");
  r.provider = ProviderId(provider);
  r.order = OrderId(order);
  r.cards = static_cast<uint32_t>(cards);
  metering::SignRecord(&r, key.secret_key);
  nlohmann::json signed_record = record;
  signed_record["signature_hex"] = ToHex(r.signature);
  return nlohmann::json{{"records", nlohmann::json::array({signed_record})}};
}

}  // namespace bg::cli
