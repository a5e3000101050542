// Signed usage records and the meter of one order: signatures, every
// refusal, and the property that slicing never changes the charge.
#include "metering/usage.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "common/rng.h"

namespace bg::metering {
namespace {

KeyPair Keys(uint8_t n) {
  std::array<uint8_t, 32> seed{};
  seed.fill(n);
  return KeyPairFromSeed(seed);
}

UsageRecord Record(uint64_t id, uint64_t start, uint64_t end, uint32_t cards, const KeyPair& k) {
  UsageRecord r{.id = id,
                .provider = ProviderId(7),
                .order = OrderId(9),
                .start_s = start,
                .end_s = end,
                .cards = cards};
  r.signature = Sign(SignedBytes(r), k.secret_key);
  return r;
}

TEST(SignatureTest, OnlyTheProvidersKeyOverTheExactRecordVerifies) {
  const KeyPair mine = Keys(1), other = Keys(2);
  const UsageRecord r = Record(1, 100, 200, 8, mine);
  EXPECT_TRUE(Verify(SignedBytes(r), r.signature, mine.public_key));
  EXPECT_FALSE(Verify(SignedBytes(r), r.signature, other.public_key));
  UsageRecord more = r;
  more.cards = 16;  // a provider (or anyone) editing a signed record
  EXPECT_FALSE(Verify(SignedBytes(more), more.signature, mine.public_key));
  UsageRecord forged = r;
  forged.signature[10] ^= 1;
  EXPECT_FALSE(Verify(SignedBytes(forged), forged.signature, mine.public_key));
}

TEST(OrderMeterTest, EveryRefusalHasItsCode) {
  const KeyPair k = Keys(1);
  OrderMeter m(/*from=*/1000, /*until=*/5000, /*cards=*/8);
  EXPECT_EQ(m.Add(Record(1, 1000, 2000, 8, k)), UsageResult::kOk);
  EXPECT_EQ(m.Add(Record(1, 1000, 2000, 8, k)), UsageResult::kExists);
  EXPECT_EQ(m.Add(Record(1, 2000, 3000, 8, k)), UsageResult::kExistsWithDifferentBody);
  EXPECT_EQ(m.Add(Record(2, 3000, 3000, 8, k)), UsageResult::kEmptyInterval);
  EXPECT_EQ(m.Add(Record(2, 900, 1100, 8, k)), UsageResult::kOutsideOrder);
  EXPECT_EQ(m.Add(Record(2, 4900, 5100, 8, k)), UsageResult::kOutsideOrder);
  EXPECT_EQ(m.Add(Record(2, 1500, 2500, 8, k)), UsageResult::kOverlaps);
  EXPECT_EQ(m.Add(Record(2, 500, 1001, 8, k)), UsageResult::kOutsideOrder);
  EXPECT_EQ(m.Add(Record(2, 2000, 3000, 9, k)), UsageResult::kTooManyCards);
  EXPECT_EQ(m.Add(Record(2, 2000, 3000, 0, k)), UsageResult::kCardsMustBePositive);
  EXPECT_EQ(m.Add(Record(2, 2000, 3000, 4, k)), UsageResult::kOk);
  EXPECT_EQ(m.Add(Record(3, 2999, 3500, 4, k)), UsageResult::kOverlaps);  // touches the last one
  EXPECT_EQ(m.card_seconds(), 1000u * 8 + 1000u * 4);
  EXPECT_EQ(m.records(), 2u);
}

TEST(ChargeTest, HalfUpToTheFenAndVoucherPlusCoPayIsTheCharge) {
  EXPECT_EQ(Charge(3600, Money::Fen(650)), Money::Fen(650));
  EXPECT_EQ(Charge(1, Money::Fen(650)), Money::Fen(0));   // 0.18 fen
  EXPECT_EQ(Charge(3, Money::Fen(650)), Money::Fen(1));   // 0.54 fen
  EXPECT_EQ(Charge(1800, Money::Fen(1)), Money::Fen(1));  // 0.5 fen rounds up
  EXPECT_FALSE(Charge(uint64_t{1} << 62, Money::Fen(1'000'000)).has_value());
  // Half of 333 fen is 166.5: the voucher pays 166, the enterprise 167.
  EXPECT_EQ(VoucherPart(Money::Fen(333), Money::Fen(500), Money::Fen(1000)), Money::Fen(166));
  EXPECT_EQ(VoucherPart(Money::Fen(1000), Money::Fen(500), Money::Fen(1000)), Money::Fen(500));
  EXPECT_EQ(VoucherPart(Money::Fen(1000), Money::Fen(0), Money::Fen(1000)), Money{});
}

// Usage cut into random slices, delivered in random order with duplicates,
// charges exactly what one record for the whole interval charges; the
// charges record by record add up to it, and so do the voucher parts.
TEST(ChargePropertyTest, SlicingNeverChangesTheCharge) {
  const KeyPair k = Keys(3);
  for (uint64_t seed = 1; seed <= 300; ++seed) {
    Rng rng(seed);
    const uint64_t from = 1'000'000, until = from + 1 + rng.Uniform(200'000);
    const uint32_t cards = static_cast<uint32_t>(1 + rng.Uniform(64));
    const Money price = Money::Fen(static_cast<int64_t>(1 + rng.Uniform(5'000)));
    const Money list = *Charge((until - from) * cards, price);
    const Money subsidy =
        Money::Fen(static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(list.fen()) + 1)));

    std::vector<uint64_t> cuts = {from, until};
    const uint64_t pieces = rng.Uniform(40);
    for (uint64_t i = 0; i < pieces; ++i) cuts.push_back(from + rng.Uniform(until - from));
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<UsageRecord> records;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) {
      records.push_back(Record(i + 1, cuts[i], cuts[i + 1], cards, k));
    }
    const size_t dups = rng.Uniform(records.size() + 1);
    for (size_t i = 0; i < dups; ++i) records.push_back(records[rng.Uniform(records.size())]);
    for (size_t i = records.size(); i > 1; --i) std::swap(records[i - 1], records[rng.Uniform(i)]);

    OrderMeter sliced(from, until, cards);
    Money charged{}, voucher{};
    for (const UsageRecord& r : records) {
      ASSERT_TRUE(Verify(SignedBytes(r), r.signature, k.public_key));
      const Money before = *Charge(sliced.card_seconds(), price);
      const UsageResult res = sliced.Add(r);
      ASSERT_TRUE(res == UsageResult::kOk || res == UsageResult::kExists) << UsageResultName(res);
      const Money after = *Charge(sliced.card_seconds(), price);
      charged = Money::Fen(charged.fen() + after.fen() - before.fen());
      voucher = Money::Fen(voucher.fen() + VoucherPart(after, subsidy, list).fen() -
                           VoucherPart(before, subsidy, list).fen());
    }
    OrderMeter whole(from, until, cards);
    ASSERT_EQ(whole.Add(Record(1, from, until, cards, k)), UsageResult::kOk);
    EXPECT_EQ(sliced.card_seconds(), whole.card_seconds()) << "seed " << seed;
    EXPECT_EQ(charged, *Charge(whole.card_seconds(), price)) << "seed " << seed;
    EXPECT_EQ(charged, list);
    EXPECT_EQ(voucher, VoucherPart(list, subsidy, list));
    EXPECT_EQ(voucher, subsidy) << "the whole usage draws the whole subsidy";
  }
}

}  // namespace
}  // namespace bg::metering
