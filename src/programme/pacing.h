// Budget pacing: how a programme's money moved month by month — granted,
// paid as automatic grants (免申即享), spent, still held, lapsed, returned,
// clawed back, topped up and cut — with the uncommitted budget after each
// month, a forecast of the day the budget runs out at the current pace,
// where the subsidy went (by applicant category, by the city where the
// compute ran, to SMEs), and each enterprise's use of its yearly cap.
//
// Months are calendar months in China Standard Time. A grant counts in the
// month of its approval; a claim's subsidy (spent or held) in the month of
// its order; sweeps, clawbacks, top-ups and cuts in the month they were
// posted. Summed over the months, the flows give the uncommitted budget of
// reconcile.h's Totals to the fen (PacingTest holds it to that).
//
// Thread-safety: a pure function over a consistent view.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ledger/ledger.h"
#include "programme/book.h"
#include "programme/registry.h"

namespace bg::programme {

struct PacingMonth {
  int32_t year = 0;
  uint32_t month = 0;  // 1..12
  Money granted{};     // approvals (less those revoked before issue)
  Money automatic{};   // 免申即享 subsidy, spent or held
  Money spent{};       // subsidy posted (vouchers and automatic)
  Money held{};        // subsidy still held on open claims
  Money lapsed{};      // swept to lapsed
  Money returned{};    // swept back to the budget (expiry, revocation)
  Money clawed_back{};
  Money topped_up{};          // moved in from the issuer's funding (creation included)
  Money cut{};                // moved back to it (cuts, the close)
  Money uncommitted_after{};  // the budget's uncommitted balance at the month's end
  friend bool operator==(const PacingMonth&, const PacingMonth&) = default;
};

// Subsidy (spent + held) by one key: a category, a city.
struct PacingSlice {
  std::string key;
  Money subsidy{};
  friend bool operator==(const PacingSlice&, const PacingSlice&) = default;
};

struct CapUse {
  EnterpriseId enterprise{};
  std::string name = {};
  Money used{};        // this year, by the enterprise alone
  Money group_used{};  // with its related parties (they share the cap)
  std::optional<Money> cap = {};
  friend bool operator==(const CapUse&, const CapUse&) = default;
};

struct Pacing {
  ProgrammeId programme{};
  Money funded{};
  Money uncommitted{};
  std::vector<PacingMonth> months = {};  // oldest first; only months with a movement
  // Commitments (grants and automatic subsidy) per calendar day (China
  // Standard Time) over the last kPaceWindowDays (or since the programme
  // began, if later), today counted, and the day
  // the uncommitted budget runs out at that pace: none when nothing is
  // committed, or when it lasts past the programme's end.
  Money pace_per_day{};
  std::optional<Timestamp> exhausted_at = {};
  std::vector<PacingSlice> by_category = {};
  std::vector<PacingSlice> by_city = {};
  Money sme{};    // subsidy to SMEs
  Money total{};  // all subsidy (spent + held)
  int32_t cap_year = 0;
  std::vector<CapUse> caps = {};  // enterprises with use this year, most used first
  friend bool operator==(const Pacing&, const Pacing&) = default;
};

inline constexpr uint32_t kPaceWindowDays = 90;

// The day `uncommitted` runs out at `pace` a day from `now`; none when the
// pace is not positive or the budget lasts until `end`.
std::optional<Timestamp> RunsOutAt(Timestamp now, Money uncommitted, Money pace, Timestamp end);

// The programme's pacing as of `now`; nullopt for an unknown programme.
std::optional<Pacing> PacingOf(const Book& book, const Registry& registry,
                               const ledger::Ledger& ledger, ProgrammeId programme, Timestamp now);

}  // namespace bg::programme
