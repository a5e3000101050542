// The names programme values have in files and on the wire: scenario TOML
// (world/world.h) and the HTTP API (api/) read and write the same
// words, from these tables, so a programme written in one reads in the
// other.
//
// Thread-safety: constant tables and pure functions.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "programme/participants.h"
#include "programme/rules.h"

namespace bg::programme {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

inline constexpr std::array<EnumName<JurisdictionLevel>, 5> kLevelNames = {{
    {"province", JurisdictionLevel::kProvince},
    {"city", JurisdictionLevel::kCity},
    {"district", JurisdictionLevel::kDistrict},
    {"cooperation_zone", JurisdictionLevel::kCooperationZone},
    {"national", JurisdictionLevel::kNational},
}};
inline constexpr std::array<EnumName<uint32_t>, 3> kCurrencyNames = {{
    {"CNY", kLedgerCny},
    {"HKD", kLedgerHkd},
    {"MOP", kLedgerMop},
}};
inline constexpr std::array<EnumName<ApplicantCategory>, 6> kCategoryNames = {{
    {"manufacturing", ApplicantCategory::kManufacturing},
    {"software_it", ApplicantCategory::kSoftwareIt},
    {"university", ApplicantCategory::kUniversity},
    {"research_institute", ApplicantCategory::kResearchInstitute},
    {"start_up", ApplicantCategory::kStartUp},
    {"other", ApplicantCategory::kOther},
}};
inline constexpr std::array<EnumName<uint32_t>, 4> kFlagNames = {{
    {"sme", kSme},
    {"start_up", kStartUpFlag},
    {"little_giant", kLittleGiant},
    {"single_champion", kSingleChampion},
}};
inline constexpr std::array<EnumName<CreditStatus>, 2> kCreditNames = {{
    {"good", CreditStatus::kGood},
    {"dishonest", CreditStatus::kDishonest},
}};
inline constexpr std::array<EnumName<ResourceClass>, 2> kResourceNames = {{
    {"domestic", ResourceClass::kDomesticAccelerator},
    {"foreign", ResourceClass::kForeignAccelerator},
}};
inline constexpr std::array<EnumName<RedemptionMode>, 3> kRedemptionNames = {{
    {"point_of_sale", RedemptionMode::kPointOfSale},
    {"reimbursement", RedemptionMode::kReimbursement},
    {"automatic_grant", RedemptionMode::kAutomaticGrant},
}};
inline constexpr std::array<EnumName<Purpose>, 4> kPurposeNames = {{
    {"unspecified", Purpose::kUnspecified},
    {"training", Purpose::kTraining},
    {"fine_tuning", Purpose::kFineTuning},
    {"inference", Purpose::kInference},
}};
inline constexpr std::array<EnumName<SettlementCycle>, 2> kCycleNames = {{
    {"monthly", SettlementCycle::kMonthly},
    {"quarterly", SettlementCycle::kQuarterly},
}};
inline constexpr std::array<EnumName<LapsePolicy>, 2> kLapseNames = {{
    {"return_to_budget", LapsePolicy::kReturnToBudget},
    {"lapse", LapsePolicy::kLapse},
}};

template <typename E, size_t N>
std::optional<E> FromName(const std::array<EnumName<E>, N>& table, std::string_view name) {
  for (const EnumName<E>& e : table) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

// The name of `value`; a value missing from its table is a programming
// error, answered with "?" rather than a crash in an answer.
template <typename E, size_t N>
std::string_view NameOf(const std::array<EnumName<E>, N>& table, E value) {
  for (const EnumName<E>& e : table) {
    if (e.value == value) return e.name;
  }
  return "?";
}

// "a, b, c": the allowed names, for error messages.
template <typename E, size_t N>
std::string AllowedNames(const std::array<EnumName<E>, N>& table) {
  std::string out;
  for (const EnumName<E>& e : table) {
    if (!out.empty()) out += ", ";
    out += e.name;
  }
  return out;
}

}  // namespace bg::programme
