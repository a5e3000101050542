// Charge lines leaving memory (Settlement::RetireLines): a line stays while
// its month is the current or the previous one, so that closing the month
// just ended, the receivables of open periods and the fraud detectors see
// recent lines in memory; older ones go to the store's archive, and what a
// statement counts of them stays as sums by (programme, month, payee).
#include <algorithm>

#include "programme/book_util.h"
#include "settlement/settlement.h"

namespace bg::settlement {

using programme::book::Plus;

namespace {

// Midnight (China Standard Time) of the first day of the month before `ts`'s.
Timestamp PreviousMonthStart(Timestamp ts) {
  const Period now = PeriodOf(ts, PeriodKind::kMonth);
  const Period before =
      now.number == 1 ? Period{PeriodKind::kMonth, now.year - 1, 12}
                      : Period{PeriodKind::kMonth, now.year, static_cast<uint8_t>(now.number - 1)};
  return PeriodStart(before);
}

LineSums Add(LineSums sums, const ChargeLine& l, Money subsidy) {
  ++sums.lines;
  sums.card_seconds += l.card_seconds;
  sums.charge = Plus(sums.charge, l.charge);
  sums.subsidy = Plus(sums.subsidy, subsidy);
  sums.copay = Plus(sums.copay, l.copay);
  return sums;
}

}  // namespace

void Settlement::RetireLines(Timestamp ts, size_t max, std::vector<NumberedLine>* out) {
  const Timestamp cut = PreviousMonthStart(ts);
  size_t n = 0;
  while (n < max && n < lines_.size() && lines_[n].at < cut) ++n;
  if (n == 0) return;
  const auto end = lines_.begin() + static_cast<std::ptrdiff_t>(n);
  for (auto it = lines_.begin(); it != end; ++it) {
    out->push_back({first_seq_ + static_cast<uint64_t>(it - lines_.begin()), *it});
    // Counted for the payee of either redemption mode: the programme's
    // rules say which one its statements pay.
    for (const programme::ClaimShare& s : it->subsidy) {
      if (s.amount.is_zero()) continue;
      const Period month = PeriodOf(it->at, PeriodKind::kMonth);
      for (const SumKey& key :
           {SumKey{s.programme, month, PayeeKind::kProvider, it->provider.value()},
            SumKey{s.programme, month, PayeeKind::kEnterprise, it->enterprise.value()}}) {
        auto found = retired_sums_.find(key);
        undo_.Put(retired_sums_, key,
                  Add(found == retired_sums_.end() ? LineSums{} : found->second, *it, s.amount));
      }
    }
  }
  if (undo_.recording()) {
    undo_.Record([this, first = first_seq_, gone = std::vector<ChargeLine>(lines_.begin(), end)] {
      lines_.insert(lines_.begin(), gone.begin(), gone.end());
      first_seq_ = first;
    });
  }
  lines_.erase(lines_.begin(), end);
  first_seq_ += n;
}

std::pair<uint64_t, uint64_t> Settlement::RetiredSeqs(Timestamp from, Timestamp to) const {
  if (from >= to || first_seq_ == 0) return {0, 0};
  // The seq of the first line dated on `day` or later.
  auto first_on = [&](int64_t day) {
    auto it = day_seq_.lower_bound(day);
    return it == day_seq_.end() ? line_count() : it->second;
  };
  const uint64_t a = first_on(ChinaDay(from));
  const uint64_t b = std::min(first_on(ChinaDay(to - 1) + 1), first_seq_);
  return a < b ? std::pair{a, b} : std::pair<uint64_t, uint64_t>{0, 0};
}

}  // namespace bg::settlement
