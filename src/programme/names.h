// The names programme values have in files and on the wire: scenario TOML
// (world/world.h) and the HTTP API (api/) read and write the same
// words, from these tables, so a programme written in one reads in the
// other. The tables are on the one enum-name mechanism
// (common/enum_names.h), whose functions this namespace also offers
// (programme::FromName, programme::NameOf, ...).
//
// Thread-safety: constant tables and pure functions.
#pragma once

#include <array>
#include <cstdint>

#include "common/enum_names.h"
#include "programme/participants.h"
#include "programme/rules.h"
#include "programme/subsidy.h"

namespace bg::programme {

using bg::AllowedNames;
using bg::EnumName;
using bg::FromName;
using bg::NameOf;

// In the order error messages list them (AllowedNames), not the enum's.
inline constexpr std::array<EnumName<JurisdictionLevel>, 5> kLevelNames = {{
    {"province", JurisdictionLevel::kProvince},
    {"city", JurisdictionLevel::kCity},
    {"district", JurisdictionLevel::kDistrict},
    {"cooperation_zone", JurisdictionLevel::kCooperationZone},
    {"national", JurisdictionLevel::kNational},
}};
static_assert(CoversEnum(kLevelNames) && HasUniqueNames(kLevelNames));
inline constexpr std::array<EnumName<uint32_t>, 3> kCurrencyNames = {{
    {"CNY", kLedgerCny},
    {"HKD", kLedgerHkd},
    {"MOP", kLedgerMop},
}};
static_assert(HasUniqueNames(kCurrencyNames));
inline constexpr std::array<EnumName<ApplicantCategory>, 6> kCategoryNames = {{
    {"manufacturing", ApplicantCategory::kManufacturing},
    {"software_it", ApplicantCategory::kSoftwareIt},
    {"university", ApplicantCategory::kUniversity},
    {"research_institute", ApplicantCategory::kResearchInstitute},
    {"start_up", ApplicantCategory::kStartUp},
    {"other", ApplicantCategory::kOther},
}};
static_assert(IsNameTable(kCategoryNames));
inline constexpr std::array<EnumName<uint32_t>, 4> kFlagNames = {{
    {"sme", kSme},
    {"start_up", kStartUpFlag},
    {"little_giant", kLittleGiant},
    {"single_champion", kSingleChampion},
}};
static_assert(HasUniqueNames(kFlagNames));
inline constexpr std::array<EnumName<CreditStatus>, 2> kCreditNames = {{
    {"good", CreditStatus::kGood},
    {"dishonest", CreditStatus::kDishonest},
}};
static_assert(IsNameTable(kCreditNames));
// Domestic first, as the allowed names are listed.
inline constexpr std::array<EnumName<ResourceClass>, 2> kResourceNames = {{
    {"domestic", ResourceClass::kDomesticAccelerator},
    {"foreign", ResourceClass::kForeignAccelerator},
}};
static_assert(CoversEnum(kResourceNames) && HasUniqueNames(kResourceNames));
inline constexpr std::array<EnumName<RedemptionMode>, 3> kRedemptionNames = {{
    {"point_of_sale", RedemptionMode::kPointOfSale},
    {"reimbursement", RedemptionMode::kReimbursement},
    {"automatic_grant", RedemptionMode::kAutomaticGrant},
}};
static_assert(IsNameTable(kRedemptionNames));
inline constexpr std::array<EnumName<Purpose>, 4> kPurposeNames = {{
    {"unspecified", Purpose::kUnspecified},
    {"training", Purpose::kTraining},
    {"fine_tuning", Purpose::kFineTuning},
    {"inference", Purpose::kInference},
}};
static_assert(IsNameTable(kPurposeNames));
inline constexpr std::array<EnumName<SettlementCycle>, 2> kCycleNames = {{
    {"monthly", SettlementCycle::kMonthly},
    {"quarterly", SettlementCycle::kQuarterly},
}};
static_assert(IsNameTable(kCycleNames));
inline constexpr std::array<EnumName<LapsePolicy>, 2> kLapseNames = {{
    {"return_to_budget", LapsePolicy::kReturnToBudget},
    {"lapse", LapsePolicy::kLapse},
}};
static_assert(IsNameTable(kLapseNames));

}  // namespace bg::programme
