// Anti-fraud controls that need only the participants, not the ledger:
//  - no related party between user and provider (非关联方; Beijing, Qingyang),
//    checked in both directions because either side may have declared it;
//  - no splitting: related enterprises share one per-entity cap (Qingyang),
//    so the cap applies to the group of enterprises linked by declared
//    relations, transitively;
//  - non-transferability (不得转让): a voucher pays only for its holder.
// Every refusal is FailedPrecondition naming both parties and the rule.
//
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "common/status.h"
#include "programme/participants.h"
#include "programme/registry.h"

namespace bg::programme {

Status CheckNotRelated(const Enterprise& enterprise, const Provider& provider);

// The enterprises that share `id`'s caps: `id` and every enterprise linked to
// it by a declared relation (in either direction, transitively), sorted by id.
std::vector<EnterpriseId> CapGroup(const std::vector<Enterprise>& enterprises, EnterpriseId id);
// The same over the registered enterprises, through the registry's links:
// O(size of the group).
std::vector<EnterpriseId> CapGroup(const Registry& registry, EnterpriseId id);

Status CheckHolder(EnterpriseId voucher_holder, EnterpriseId order_user, VoucherId voucher);

}  // namespace bg::programme
