#include "world/commands.h"

#include <set>
#include <string>
#include <utility>

namespace bg::world {

using state::CommandBody;
using state::CommandResult;
using state::CreateProgramme;
using state::NetworkResult;
using state::RegisterEnterprise;
using state::RegisterJurisdiction;
using state::RegisterPool;
using state::RegisterProvider;
using state::RegisterSite;
using state::RegistryResult;
using state::SetLink;

namespace {

// Jurisdictions in an order where every parent comes before its children
// (the file may declare them in any order; it has no cycles).
std::vector<programme::Jurisdiction> ParentsFirst(std::vector<programme::Jurisdiction> all) {
  std::vector<programme::Jurisdiction> out;
  std::set<JurisdictionId> placed;
  while (!all.empty()) {
    const size_t before = all.size();
    for (auto it = all.begin(); it != all.end();) {
      if (!it->parent || placed.count(*it->parent) != 0) {
        placed.insert(it->id);
        out.push_back(std::move(*it));
        it = all.erase(it);
      } else {
        ++it;
      }
    }
    // A parent that is missing or in a cycle: keep the rest in file order
    // and let the registry refuse them with unknown_parent.
    if (all.size() == before) {
      for (auto& j : all) out.push_back(std::move(j));
      break;
    }
  }
  return out;
}

}  // namespace

std::vector<CommandBody> ToCommands(const World& world) {
  std::vector<CommandBody> commands;
  for (programme::Jurisdiction& j : ParentsFirst(world.jurisdictions)) {
    commands.emplace_back(RegisterJurisdiction{std::move(j)});
  }
  for (const auto& e : world.enterprises) commands.emplace_back(RegisterEnterprise{e});
  for (const auto& p : world.providers) commands.emplace_back(RegisterProvider{p});
  for (const auto& p : world.programmes) commands.emplace_back(CreateProgramme{p});
  for (const auto& s : world.sites) commands.emplace_back(RegisterSite{s});
  for (const auto& l : world.links) commands.emplace_back(SetLink{l});
  for (const auto& p : world.pools) commands.emplace_back(RegisterPool{p});
  for (const auto& f : world.facilities) commands.emplace_back(state::RegisterFacility{f});
  return commands;
}

std::vector<CommandBody> TrainEveryUser(const World& world, Timestamp valid_until,
                                        const std::vector<EnterpriseId>& users) {
  std::set<std::pair<ProviderId, std::string>> courses;
  for (const auto& f : world.facilities) {
    if (!f.training.empty()) courses.emplace(f.institution, f.training);
  }
  std::vector<CommandBody> commands;
  std::vector<EnterpriseId> who = users;
  if (who.empty()) {
    for (const auto& e : world.enterprises) who.push_back(e.id);
  }
  uint64_t id = 1;
  for (EnterpriseId user : who) {
    for (const auto& [by, training] : courses) {
      commands.emplace_back(facility::RecordTraining{.id = id++,
                                                     .user = user,
                                                     .training = training,
                                                     .by = by,
                                                     .valid_until = valid_until,
                                                     .actor = "world"});
    }
  }
  return commands;
}

std::optional<std::string> Refusal(const CommandResult& result) {
  if (const auto* r = std::get_if<RegistryResult>(&result)) {
    if (r->result == programme::RegistryResult::kOk) return std::nullopt;
    return r->message;
  }
  if (const auto* n = std::get_if<NetworkResult>(&result)) {
    if (n->result == network::NetworkResult::kOk) return std::nullopt;
    return network::NetworkResultName(n->result);
  }
  return "not a scenario record";
}

}  // namespace bg::world
