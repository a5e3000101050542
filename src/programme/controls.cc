#include "programme/controls.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace bg::programme {
namespace {

template <typename T, typename Id>
bool Contains(const std::vector<T>& ids, Id id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

Status CheckNotRelated(const Enterprise& enterprise, const Provider& provider) {
  const bool declared_by_enterprise = Contains(enterprise.related_providers, provider.id);
  const bool declared_by_provider = Contains(provider.related_enterprises, enterprise.id);
  if (!declared_by_enterprise && !declared_by_provider) return Status::Ok();
  return FailedPrecondition("enterprise " + std::to_string(enterprise.id.value()) + " (" +
                            enterprise.name + ") and provider " +
                            std::to_string(provider.id.value()) + " (" + provider.name +
                            ") are related parties (declared by the " +
                            (declared_by_enterprise ? "enterprise" : "provider") +
                            "): vouchers pay only for compute bought from a non-related party");
}

std::vector<EnterpriseId> CapGroup(const std::vector<Enterprise>& enterprises, EnterpriseId id) {
  // Relations as an undirected graph: a declaration on either side links.
  std::map<EnterpriseId, std::set<EnterpriseId>> links;
  for (const Enterprise& e : enterprises) {
    for (EnterpriseId other : e.related_enterprises) {
      links[e.id].insert(other);
      links[other].insert(e.id);
    }
  }
  std::set<EnterpriseId> group{id};
  std::vector<EnterpriseId> frontier{id};
  while (!frontier.empty()) {
    const EnterpriseId next = frontier.back();
    frontier.pop_back();
    for (EnterpriseId other : links[next]) {
      if (group.insert(other).second) frontier.push_back(other);
    }
  }
  return {group.begin(), group.end()};
}

std::vector<EnterpriseId> CapGroup(const Registry& registry, EnterpriseId id) {
  std::set<EnterpriseId> group{id};
  std::vector<EnterpriseId> frontier{id};
  while (!frontier.empty()) {
    const EnterpriseId next = frontier.back();
    frontier.pop_back();
    for (EnterpriseId other : registry.LinksOf(next)) {
      if (group.insert(other).second) frontier.push_back(other);
    }
  }
  return {group.begin(), group.end()};
}

Status CheckHolder(EnterpriseId voucher_holder, EnterpriseId order_user, VoucherId voucher) {
  if (voucher_holder == order_user) return Status::Ok();
  return FailedPrecondition(
      "voucher " + std::to_string(voucher.value()) + " belongs to enterprise " +
      std::to_string(voucher_holder.value()) + " and cannot pay for an order of enterprise " +
      std::to_string(order_user.value()) + " (vouchers are non-transferable)");
}

}  // namespace bg::programme
