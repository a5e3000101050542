// The parties a scenario names: jurisdictions that issue programmes, the
// enterprises that hold vouchers and the compute providers that redeem them.
// Plain data, filled by the scenario loader (scenario.h) or an operator's
// commands; ids are assigned by whoever creates them (the loader: file order,
// from 1). Related parties are recorded so that the subsidy path can refuse
// orders between an enterprise and a provider it controls (domain.md, audit
// and anti-fraud).
//
// Thread-safety: values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ids.h"
#include "programme/rules.h"
#include "programme/subsidy.h"

namespace bg::programme {

// Ledgers for the currencies the Greater Bay Area uses.
inline constexpr uint32_t kLedgerCny = 1;
inline constexpr uint32_t kLedgerHkd = 2;
inline constexpr uint32_t kLedgerMop = 3;

struct Jurisdiction {
  JurisdictionId id{};
  std::string code = {};     // "dongguan": how scenario files refer to it
  std::string name = {};     // "Dongguan"
  std::string name_zh = {};  // "东莞市"
  JurisdictionLevel level = JurisdictionLevel::kCity;
  std::optional<JurisdictionId> parent = {};  // Huangpu -> Guangzhou -> Guangdong
  uint32_t currency_ledger = kLedgerCny;      // kLedgerCny, kLedgerHkd or kLedgerMop

  friend bool operator==(const Jurisdiction&, const Jurisdiction&) = default;
};

struct Enterprise {
  EnterpriseId id{};
  std::string credit_code = {};  // 统一社会信用代码, validated (credit_code.h)
  std::string name = {};
  Applicant applicant;  // applicant.id == id
  std::vector<EnterpriseId> related_enterprises = {};
  std::vector<ProviderId> related_providers = {};

  friend bool operator==(const Enterprise&, const Enterprise&) = default;
};

struct Provider {
  ProviderId id{};
  std::string name = {};
  std::string credit_code = {};
  JurisdictionId home{};
  std::vector<EnterpriseId> related_enterprises = {};
  std::vector<uint64_t> platforms = {};  // compute platforms it sells through

  friend bool operator==(const Provider&, const Provider&) = default;
};

}  // namespace bg::programme
