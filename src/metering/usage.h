// Usage records and the meter of one order. A provider reports what an
// order used as signed records: an interval [start, end) in whole seconds,
// the cards in use, a record id. The meter keeps the intervals of each
// order, refuses what cannot be true (an interval outside the order's
// lifetime, overlapping one already counted, more cards than reserved) and
// accepts each record id once (the same record again answers as the first
// time). Records may arrive late and in any order.
//
// The charge is a function of the order's cumulative card-seconds only,
//   charged = round(card_seconds × price per card-hour / 3600), half up,
// so the total never depends on how the usage was sliced; each record
// charges the difference it makes. The voucher share follows the claim's
// split, cumulatively too (floor of charge × subsidy / list), and the
// co-pay is the rest: voucher + co-pay = charge, to the fen, at every step.
//
// Pure values and functions; the engine's metering domain (metering.h)
// holds one OrderMeter per metered order.
//
// Thread-safety: values.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "metering/signature.h"

namespace bg::metering {

struct UsageRecord {
  uint64_t id = 0;
  ProviderId provider{};
  OrderId order{};
  uint64_t start_s = 0;  // Unix seconds, inclusive
  uint64_t end_s = 0;    // exclusive
  uint32_t cards = 0;
  Signature signature{};
  friend bool operator==(const UsageRecord&, const UsageRecord&) = default;
};

// The bytes a provider signs: "BGU1" and every field but the signature,
// little-endian.
std::vector<uint8_t> SignedBytes(const UsageRecord& r);
// Signs `r` in place (a provider agent's side).
void SignRecord(UsageRecord* r, const SecretKey& key);

// A signed batch: one signature over "BGB1", the count and every record's
// SignedBytes, in order, for records of one provider whose own signature
// fields are left zero. An agent sending a minute's records of all its
// orders at once signs once instead of once per record.
std::vector<uint8_t> BatchSignedBytes(std::span<const UsageRecord> records);
Signature SignBatch(std::span<const UsageRecord> records, const SecretKey& key);

enum class UsageResult : uint8_t {
  kOk = 0,
  kExists,                   // the same record again: nothing charged twice
  kExistsWithDifferentBody,  // the id is taken by another record
  kBadSignature,
  kNotYourOrder,   // the order belongs to another provider's pool
  kEmptyInterval,  // end <= start
  kOutsideOrder,   // not inside the order's lifetime
  kOverlaps,       // overlaps an interval already counted
  kTooManyCards,   // more cards than the order reserved
  kCardsMustBePositive,
  kUnknownKey,       // the provider has registered no key
  kUnknownOrder,     // no such order
  kOrderNotRunning,  // the order has not been placed yet
  kOrderEnded,       // the order has finished or was cancelled
  kTooManyRecords,   // more than kMaxUsagePerCommand in one submission
  kInTheFuture,      // the interval ends after now (beyond a minute's clock skew)
};
inline constexpr std::array<EnumName<UsageResult>, 16> kUsageResultNames = {{
    {"ok", UsageResult::kOk},
    {"exists", UsageResult::kExists},
    {"exists_with_different_body", UsageResult::kExistsWithDifferentBody},
    {"bad_signature", UsageResult::kBadSignature},
    {"not_your_order", UsageResult::kNotYourOrder},
    {"empty_interval", UsageResult::kEmptyInterval},
    {"outside_order", UsageResult::kOutsideOrder},
    {"overlaps", UsageResult::kOverlaps},
    {"too_many_cards", UsageResult::kTooManyCards},
    {"cards_must_be_positive", UsageResult::kCardsMustBePositive},
    {"unknown_key", UsageResult::kUnknownKey},
    {"unknown_order", UsageResult::kUnknownOrder},
    {"order_not_running", UsageResult::kOrderNotRunning},
    {"order_ended", UsageResult::kOrderEnded},
    {"too_many_records", UsageResult::kTooManyRecords},
    {"in_the_future", UsageResult::kInTheFuture},
}};
static_assert(IsNameTable(kUsageResultNames));
// How far ahead of the platform's clock a provider's may run.
inline constexpr uint64_t kClockSkewS = 60;
const char* UsageResultName(UsageResult r);

// Cumulative charge of `card_seconds` at `per_card_hour`, half up. Nothing
// if the product overflows int64 (a price or usage no order can have).
std::optional<Money> Charge(uint64_t card_seconds, Money per_card_hour);

// The voucher's part of a cumulative charge under a claim that covers
// `subsidy` of `list` (floor, so the co-pay takes the odd fen).
Money VoucherPart(Money charge, Money subsidy, Money list);

class OrderMeter {
 public:
  OrderMeter(uint64_t from_s, uint64_t until_s, uint32_t reserved_cards)
      : from_s_(from_s), until_s_(until_s), cards_(reserved_cards) {}

  // Checks and counts one record (the signature and the order's owner are
  // checked by the caller, which knows the keys and the orders).
  UsageResult Add(const UsageRecord& r);

  // The order runs longer (an extension) or, undone, shorter again.
  void SetUntil(uint64_t until_s) { until_s_ = until_s; }
  // Takes back a record Add counted (a rolled-back batch).
  void Remove(uint64_t record_id);

  uint64_t card_seconds() const { return card_seconds_; }
  size_t records() const { return by_id_.size(); }
  const std::map<uint64_t, UsageRecord>& by_id() const { return by_id_; }
  uint64_t from_s() const { return from_s_; }
  uint64_t until_s() const { return until_s_; }
  uint32_t reserved_cards() const { return cards_; }
  friend bool operator==(const OrderMeter&, const OrderMeter&) = default;

 private:
  uint64_t from_s_;
  uint64_t until_s_;
  uint32_t cards_;
  uint64_t card_seconds_ = 0;
  std::map<uint64_t, std::pair<uint64_t, uint32_t>> intervals_;  // start -> (end, cards)
  std::map<uint64_t, UsageRecord> by_id_;
};

}  // namespace bg::metering
