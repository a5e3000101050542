// What the book still counts of the claims that left memory
// (Book::RetireClaim). A job's claim leaves with its job, once the job has
// been ended for scheduler::kRetainEndedS and the claim is settled
// (captured or voided; a clawed-back one stays):
// the claim itself goes to the store's archive, and what the readers of
// claims count of it stays here as sums — reconciliation (spent and
// automatic per programme), usage per enterprise and year, pacing (per
// programme and day; slices by enterprise and provider), the fraud scans'
// late spending per voucher, the simulator's stacked orders. Each map is
// keyed by programmes, days, parties or vouchers: its size follows those,
// never the number of claims.
//
// A claim that left and is clawed back later comes back into memory
// (Book::ClawBackArchived): its sums leave these maps again, exactly.
//
// Thread-safety: a value, owned by the book.
#pragma once

#include <cstdint>
#include <map>
#include <tuple>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/ids.h"
#include "common/money.h"

namespace bg::programme {

// Spending within this window before a voucher's expiry is a late burst
// (the fraud scans, state/state_fraud.cc).
inline constexpr uint64_t kLateSpendWindowS = uint64_t{7} * 86'400;
inline bool SpentLate(Timestamp at, Timestamp expires_at) {
  return at < expires_at && at + kLateSpendWindowS * kNanosPerSecond >= expires_at;
}

// The day of `at` in China Standard Time, counted from 1970-01-01 (CST),
// and the first instant of day `day`.
int32_t CstDayOf(Timestamp at);
Timestamp CstDayStart(int32_t day);

struct RetiredClaims {
  // What a programme's holds of the claims of one day (the claim's time,
  // China Standard Time) spent: drawn on vouchers, and granted automatically
  // (免申即享, held on the budget).
  struct Day {
    Money vouchered{};
    Money automatic{};
    friend bool operator==(const Day&, const Day&) = default;
  };
  using DayKey = std::pair<ProgrammeId, int32_t>;
  // (programme, enterprise, provider, year the usage counts in).
  using PartyKey = std::tuple<ProgrammeId, EnterpriseId, ProviderId, int32_t>;

  std::map<DayKey, Day> days;
  // The subsidy of each programme's holds, by party and year.
  std::map<PartyKey, Money> parties;
  // Claims by the programmes whose holds posted money (sorted, distinct):
  // how many orders more than one level of government paid.
  std::map<std::vector<ProgrammeId>, uint64_t> mixes;
  // Drawn on each voucher within kLateSpendWindowS before its expiry.
  std::map<VoucherId, Money> late;
  friend bool operator==(const RetiredClaims&, const RetiredClaims&) = default;
};

}  // namespace bg::programme
