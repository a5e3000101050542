// The subsidy calculation: how much of an amount spent at a provider the
// programmes pay, and from which vouchers. One pure function shared by
// quotes, billing and the simulator, so that a quote and the bill that
// follows it can never disagree.
//
//   share(p) = min(ratio(p) × amount, per-order cap, what is left of the
//                  per-entity yearly cap, the holder's live voucher balance,
//                  what is left of the programme budget, what is left under
//                  the combined ceiling of all stacked programmes)
//   subsidy  = Σ share(p);  self-pay = amount − subsidy, to the fen.
//
// Programmes stack most local first (district before city before province)
// and only up to the combined ceiling (Shanghai: city + district ≤ 100%);
// one jurisdiction never pays twice for the same order (Beijing, Yangzhou: no
// double subsidy); within a programme, vouchers are drawn soonest-expiring
// first. The caller resolves eligibility, provider lists, related parties and
// the ratio for the applicant's category and the resource class first
// (docs/programmes.md); this function only does the arithmetic, and explains
// it: every share names the limit that bound it.
//
// Thread-safety: a pure function.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/result.h"

namespace bg::programme {

// Most local first: the order in which stacked programmes apply.
enum class JurisdictionLevel : uint8_t {
  kDistrict = 0,
  kCooperationZone,
  kCity,
  kProvince,
  kNational,
};
// How explanations and error messages write a level ("cooperation zone");
// files and the API use the words of programme::kLevelNames (names.h).
inline constexpr std::array<EnumName<JurisdictionLevel>, 5> kLevelProseNames = {{
    {"district", JurisdictionLevel::kDistrict},
    {"cooperation zone", JurisdictionLevel::kCooperationZone},
    {"city", JurisdictionLevel::kCity},
    {"province", JurisdictionLevel::kProvince},
    {"national", JurisdictionLevel::kNational},
}};
static_assert(IsNameTable(kLevelProseNames));

const char* JurisdictionLevelName(JurisdictionLevel level);

inline constexpr uint32_t kFullRatioBp = 10'000;  // basis points: 5,000 = 50%

// What the calculation needs from one programme, already resolved for this
// applicant, provider and resource class.
struct ProgrammeTerms {
  ProgrammeId programme{};
  JurisdictionId issuer{};
  JurisdictionLevel level = JurisdictionLevel::kCity;
  uint32_t ratio_bp = 0;                           // Dongguan: 5,000 (≤ 50%)
  std::optional<Money> per_order_cap = {};         // Shenzhen 训力券: 10,000,000 yuan
  std::optional<Money> entity_year_cap_left = {};  // Dongguan: 1,000,000 yuan a year, minus used
  Money budget_left{};                             // uncommitted programme budget
  // 免申即享 (Zhuhai): no voucher; the budget pays directly.
  bool automatic = false;
};

struct VoucherBalance {
  VoucherId voucher{};
  ProgrammeId programme{};
  Money balance{};
  Timestamp expires_at = 0;  // the voucher pays for spend strictly before this
};

struct SubsidyRequest {
  Money amount{};    // the eligible amount of the order (> 0)
  Timestamp at = 0;  // when the spend happens
  uint32_t combined_ceiling_bp = kFullRatioBp;
  std::vector<ProgrammeTerms> programmes = {};
  // The holder's own vouchers; vouchers are non-transferable, so the caller
  // passes no one else's.
  std::vector<VoucherBalance> vouchers = {};
  // Jurisdictions that already subsidised this order (earlier claims).
  std::vector<JurisdictionId> already_subsidised = {};
};

// The limits a share can be bound by, in the order they are reported when
// several bind at once.
enum class Limit : uint8_t {
  kRatio = 0,
  kPerOrderCap,
  kEntityYearCap,
  kVoucherBalance,
  kBudget,
  kCombinedCeiling,
  kJurisdictionAlreadyPaid,  // the issuer already paid for this order
  kNoLiveVoucher,            // the holder has no unexpired voucher of this programme
};
inline constexpr std::array<EnumName<Limit>, 8> kLimitNames = {{
    {"ratio", Limit::kRatio},
    {"per-order cap", Limit::kPerOrderCap},
    {"per-entity yearly cap", Limit::kEntityYearCap},
    {"voucher balance", Limit::kVoucherBalance},
    {"programme budget", Limit::kBudget},
    {"combined ceiling of stacked programmes", Limit::kCombinedCeiling},
    {"jurisdiction already subsidised this order", Limit::kJurisdictionAlreadyPaid},
    {"no unexpired voucher of this programme", Limit::kNoLiveVoucher},
}};
static_assert(IsNameTable(kLimitNames));

const char* LimitName(Limit limit);

struct VoucherDraw {
  VoucherId voucher{};
  Money amount{};
  friend bool operator==(const VoucherDraw&, const VoucherDraw&) = default;
};

struct ProgrammeShare {
  ProgrammeId programme{};
  JurisdictionId issuer{};
  Money amount{};
  Limit bound_by = Limit::kRatio;
  std::vector<VoucherDraw> draws = {};  // soonest-expiring first; none for automatic grants
  std::vector<std::pair<Limit, Money>> limits = {};  // every limit considered, with its value
};

struct SubsidyResult {
  Money amount{};
  Money subsidy{};
  Money self_pay{};
  std::vector<ProgrammeShare> shares = {};  // in the order applied

  // "1000.00 yuan: subsidy 500.00, self-pay 500.00" and one line per share
  // naming the limit that bound it and the vouchers drawn.
  std::string Explain() const;
};

// InvalidArgument for a non-positive amount, a ratio or ceiling above 100%,
// negative balances, caps or budgets.
Result<SubsidyResult> ComputeSubsidy(const SubsidyRequest& request);

}  // namespace bg::programme
