// World files: a readable TOML description of the jurisdictions,
// enterprises, providers and programmes a simulation or a demo starts from
// (scenarios/gba.toml is the Greater Bay Area one). The format:
//
//   [[jurisdiction]]  code, name, name_zh, level = "province" | "city" |
//                     "district" | "cooperation_zone" | "national",
//                     parent = "<code>", currency = "CNY" | "HKD" | "MOP"
//   [[enterprise]]    credit_code, name, home = "<code>", category, flags,
//                     credit = "good" | "dishonest", related = [names or
//                     credit codes of enterprises or providers]
//   [[provider]]      name, credit_code, home, related, platforms = [ints]
//   [[programme]]     name, kind, issuer, valid_from, valid_until (TOML dates,
//                     00:00 UTC; valid_until and apply_until are exclusive),
//                     total_budget_yuan, yearly_budget_yuan, apply_from,
//                     apply_until, eligibility = {home, categories,
//                     good_credit_required}, ratio_percent (integer or one
//                     decimal), [[programme.ratio_rule]] {category, flags,
//                     resource, ratio_percent}, per_order_cap_yuan,
//                     per_award_cap_yuan, purposes, entity_year_cap_yuan,
//                     [[programme.cap_rule]] {flags_any, entity_year_cap_yuan},
//                     providers = {listed, platform, inside_issuer_only},
//                     redemption, voucher_validity_days, lapse,
//                     combined_ceiling_percent, sme_first
//   [[site]]          code, name, city = "<jurisdiction code>", provider =
//                     "<name or credit code>", lat, lon (degrees)
//   [[pool]]          site = "<site code>", accelerator, domestic, memory_gb,
//                     cards, offered (default: cards), price_yuan = {shared,
//                     exclusive, priority} per card-hour, two decimals at most
//   [[link]]          a, b (jurisdiction codes), latency_ms, bandwidth_gbps
//
// Ids are assigned in file order, from 1, per kind. Relations are made
// symmetric. A programme's level is its issuer's. Money is whole yuan.
// Every error is InvalidArgument "<source>:<line>: <what is wrong>".
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "facility/registry.h"
#include "network/network.h"
#include "programme/participants.h"
#include "programme/rules.h"

namespace bg::world {

struct World {
  std::vector<programme::Jurisdiction> jurisdictions;
  std::vector<programme::Enterprise> enterprises;
  std::vector<programme::Provider> providers;
  std::vector<programme::ProgrammeRules> programmes;
  // The compute network (network/network.h).
  std::vector<network::Site> sites;
  std::vector<network::Pool> pools;
  std::vector<network::Link> links;
  // Shared research facilities (facility/registry.h), owned by providers.
  std::vector<facility::Facility> facilities = {};
};

// `source_name` only labels error messages ("gba.toml:12: ...").
Result<World> ParseWorld(std::string_view toml_text, std::string_view source_name);

// Reads `path` and parses it; NotFound if it cannot be read.
Result<World> LoadWorldFile(const std::string& path);

}  // namespace bg::world
