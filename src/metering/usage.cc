#include "metering/usage.h"

#include <iterator>
#include <limits>

#include "common/codec.h"

namespace bg::metering {

std::vector<uint8_t> SignedBytes(const UsageRecord& r) {
  std::vector<uint8_t> out;
  out.reserve(4 + 8 * 5 + 4);
  Writer w(&out);
  for (char c : {'B', 'G', 'U', '1'}) w.U8(static_cast<uint8_t>(c));
  w.U64(r.id);
  w.U64(r.provider.value());
  w.U64(r.order.value());
  w.U64(r.start_s);
  w.U64(r.end_s);
  w.U32(r.cards);
  return out;
}

void SignRecord(UsageRecord* r, const SecretKey& key) { r->signature = Sign(SignedBytes(*r), key); }

std::vector<uint8_t> BatchSignedBytes(std::span<const UsageRecord> records) {
  std::vector<uint8_t> out;
  out.reserve(8 + records.size() * 48);
  Writer w(&out);
  for (char c : {'B', 'G', 'B', '1'}) w.U8(static_cast<uint8_t>(c));
  w.U32(static_cast<uint32_t>(records.size()));
  for (const UsageRecord& r : records) {
    const std::vector<uint8_t> one = SignedBytes(r);
    out.insert(out.end(), one.begin(), one.end());
  }
  return out;
}

Signature SignBatch(std::span<const UsageRecord> records, const SecretKey& key) {
  return Sign(BatchSignedBytes(records), key);
}

const char* UsageResultName(UsageResult r) { return NameOf(kUsageResultNames, r).data(); }

std::optional<Money> Charge(uint64_t card_seconds, Money per_card_hour) {
  if (card_seconds > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return std::nullopt;
  }
  std::optional<Money> product = per_card_hour.Mul(static_cast<int64_t>(card_seconds));
  if (!product || product->fen() > std::numeric_limits<int64_t>::max() - 1800) return std::nullopt;
  return Money::Fen((product->fen() + 1800) / 3600);
}

Money VoucherPart(Money charge, Money subsidy, Money list) {
  if (list.fen() <= 0 || subsidy.fen() <= 0) return Money{};
  // floor(charge × subsidy / list) without the product overflowing: whole
  // lists of the charge pay `subsidy` each, the remainder its share.
  const int64_t whole = charge.fen() / list.fen();
  const int64_t rest = charge.fen() % list.fen();
  std::optional<Money> a = subsidy.Mul(whole);
  std::optional<Money> b = Money::Fen(rest).Mul(subsidy.fen());
  if (!a || !b) return Money{};
  return Money::Fen(a->fen() + b->fen() / list.fen());
}

UsageResult OrderMeter::Add(const UsageRecord& r) {
  if (auto it = by_id_.find(r.id); it != by_id_.end()) {
    return it->second == r ? UsageResult::kExists : UsageResult::kExistsWithDifferentBody;
  }
  if (r.cards == 0) return UsageResult::kCardsMustBePositive;
  if (r.end_s <= r.start_s) return UsageResult::kEmptyInterval;
  if (r.start_s < from_s_ || r.end_s > until_s_) return UsageResult::kOutsideOrder;
  if (r.cards > cards_) return UsageResult::kTooManyCards;
  // The interval starting at or before r.start must end by it; the next one
  // must start at or after r.end.
  auto next = intervals_.lower_bound(r.start_s);
  if (next != intervals_.end() && next->first < r.end_s) return UsageResult::kOverlaps;
  if (next != intervals_.begin()) {
    auto prev = std::prev(next);
    if (prev->second.first > r.start_s) return UsageResult::kOverlaps;
  }
  intervals_.emplace(r.start_s, std::pair{r.end_s, r.cards});
  by_id_.emplace(r.id, r);
  card_seconds_ += (r.end_s - r.start_s) * r.cards;
  return UsageResult::kOk;
}

void OrderMeter::Remove(uint64_t record_id) {
  auto it = by_id_.find(record_id);
  if (it == by_id_.end()) return;
  const UsageRecord& r = it->second;
  intervals_.erase(r.start_s);
  card_seconds_ -= (r.end_s - r.start_s) * r.cards;
  by_id_.erase(it);
}

}  // namespace bg::metering
