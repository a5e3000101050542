// Metering: the engine's domain for signed usage. It keeps each provider's
// Ed25519 public key, one OrderMeter per metered order, and which order each
// (provider, record id) was counted for, so a record id is taken once across
// all of a provider's orders.
//
//   RegisterProviderKey   a provider registers (or rotates) its public key
//   SubmitUsage           up to kMaxUsagePerCommand signed records
//
// Signatures are checked before a record reaches the writer (the engine
// verifies on the submitting thread: see SubmitUsage); the journal keeps
// the signatures, so an audit can check them again offline. The state's own Apply checks what only
// the state knows: the order, its provider, its lifetime and the meter.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/codec.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/undo_log.h"
#include "metering/signature.h"
#include "metering/usage.h"

namespace bg::metering {

inline constexpr size_t kMaxUsagePerCommand = 1024;

struct RegisterProviderKey {
  ProviderId provider{};
  PublicKey key{};
  friend bool operator==(const RegisterProviderKey&, const RegisterProviderKey&) = default;
};

struct SubmitUsage {
  std::vector<UsageRecord> records;
  // Set for a signed batch (usage.h, SignBatch): one signature for all the
  // records, which must all be one provider's.
  std::optional<Signature> batch_signature = {};
  // checked[i]: record i's signature (or its batch's) was verified when it
  // was accepted, by the engine on the submitting thread (verification is
  // the costly part and runs on every core), with checked_with[i], the key
  // registered then. The writer drops a mark made with a key that is no
  // longer the provider's; the state verifies unmarked records itself. The
  // marks are journaled, so replay makes the same decisions.
  std::vector<uint8_t> checked = {};
  std::vector<PublicKey> checked_with = {};  // not journaled
  friend bool operator==(const SubmitUsage& a, const SubmitUsage& b) {
    return a.records == b.records && a.batch_signature == b.batch_signature &&
           a.checked == b.checked;
  }
};

// Whether `c`'s signature(s) verify under `key_of` (nullptr: unknown
// provider): one answer per record. A batch verifies as a whole, and only
// if every record is the same provider's.
template <typename KeyOf>
std::vector<uint8_t> VerifySignatures(const SubmitUsage& c, KeyOf key_of) {
  std::vector<uint8_t> ok(c.records.size(), 0);
  if (c.records.empty()) return ok;
  if (c.batch_signature) {
    const ProviderId p = c.records[0].provider;
    for (const UsageRecord& r : c.records) {
      if (r.provider != p) return ok;
    }
    const PublicKey* key = key_of(p);
    if (key != nullptr && Verify(BatchSignedBytes(c.records), *c.batch_signature, *key)) {
      ok.assign(c.records.size(), 1);
    }
    return ok;
  }
  for (size_t i = 0; i < c.records.size(); ++i) {
    const PublicKey* key = key_of(c.records[i].provider);
    ok[i] = key != nullptr && Verify(SignedBytes(c.records[i]), c.records[i].signature, *key);
  }
  return ok;
}

enum class KeyResult : uint8_t { kOk = 0, kUnknownProvider, kSameKey };
inline constexpr std::array<EnumName<KeyResult>, 3> kKeyResultNames = {{
    {"ok", KeyResult::kOk},
    {"unknown_provider", KeyResult::kUnknownProvider},
    {"same_key", KeyResult::kSameKey},
}};
static_assert(IsNameTable(kKeyResultNames));
const char* KeyResultName(KeyResult r);

// One answer per record, in order, and what the accepted ones charged.
struct UsageOutcome {
  std::vector<UsageResult> results;
  std::vector<std::string> messages;  // "" for kOk; why, for anything else
  Money charged{};
  Money subsidy{};
  bool ok() const;  // every record accepted (or a repeat)
};

class Metering {
 public:
  // Registers or replaces the key (records already accepted stay accepted).
  void SetKey(ProviderId provider, const PublicKey& key);
  const PublicKey* KeyOf(ProviderId provider) const;
  const std::map<ProviderId, PublicKey>& keys() const { return keys_; }

  // The order (if any) a provider's record id was counted for.
  const OrderId* OrderOfRecord(ProviderId provider, uint64_t record_id) const;
  const OrderMeter* MeterOf(OrderId order) const;
  bool IsMetered(OrderId order) const { return meters_.count(order) != 0; }
  const std::map<OrderId, OrderMeter>& meters() const { return meters_; }

  // Counts `r` on its order's meter, creating the meter for an order that
  // lives [from_s, until_s) with `cards` reserved. The caller has checked
  // the signature and the order's provider.
  UsageResult Count(const UsageRecord& r, uint64_t from_s, uint64_t until_s, uint32_t cards);

  // The order now lives until `until_s` (an extension), if it is metered.
  void ExtendOrder(OrderId order, uint64_t until_s);

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Metering* out);
  bool operator==(const Metering& o) const {
    return keys_ == o.keys_ && meters_ == o.meters_ && records_ == o.records_;
  }

 private:
  std::map<ProviderId, PublicKey> keys_;
  std::map<OrderId, OrderMeter> meters_;
  std::map<std::pair<ProviderId, uint64_t>, OrderId> records_;  // derived from meters_
  UndoLog undo_;
};

// Wire forms (the journal).
void EncodeUsageRecord(Writer& w, const UsageRecord& r);
bool DecodeUsageRecord(Reader& r, UsageRecord* out);
void EncodeRegisterProviderKey(Writer& w, const RegisterProviderKey& c);
bool DecodeRegisterProviderKey(Reader& r, RegisterProviderKey* c);
void EncodeSubmitUsage(Writer& w, const SubmitUsage& c);
bool DecodeSubmitUsage(Reader& r, SubmitUsage* c);

// Marks each record of `c` whose signature `key_of(provider)` verifies
// (SubmitUsage::checked); `key_of` returns nullptr for an unknown provider.
template <typename KeyOf>
void CheckSignatures(SubmitUsage& c, KeyOf key_of) {
  c.checked = VerifySignatures(c, key_of);
  c.checked_with.assign(c.records.size(), PublicKey{});
  for (size_t i = 0; i < c.records.size(); ++i) {
    if (c.checked[i] == 1) c.checked_with[i] = *key_of(c.records[i].provider);
  }
}

}  // namespace bg::metering
