#include "bench/usage_requests.h"

#include <cstdio>
#include <fstream>
#include <vector>

#include "engine/engine.h"
#include "metering/usage.h"
#include "storage/open.h"
#include "world/builtin.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::bench {
namespace {

struct Placed {
  OrderId order;
  ProviderId provider;
  uint64_t start_s = 0;
};

Status LoadIfEmpty(engine::Engine& e, const std::string& scenario) {
  const bool empty =
      e.Read([](const state::State& s) { return s.registry().jurisdictions().empty(); });
  if (!empty) return Status::Ok();
  BG_ASSIGN_OR_RETURN(world::World w, world::Load(scenario));
  for (state::CommandBody& body : world::ToCommands(w)) {
    BG_ASSIGN_OR_RETURN(state::CommandResult r, e.Execute(std::move(body)));
    if (auto refused = world::Refusal(r)) return InvalidArgument(*refused);
  }
  return Status::Ok();
}

Result<std::vector<Placed>> PlaceJobs(engine::Engine& e, const UsageRequestsOptions& o) {
  const auto [providers, who] = e.Read([](const state::State& s) {
    std::vector<ProviderId> ids;
    for (const auto& [id, p] : s.registry().providers()) ids.push_back(id);
    EnterpriseId found;
    for (const auto& [id, en] : s.registry().enterprises()) {
      if (en.name == "Xiangzhou Robotics") found = id;
    }
    return std::make_pair(ids, found);
  });
  if (who.is_zero()) return InvalidArgument("the database has no enterprise Xiangzhou Robotics");
  for (ProviderId p : providers) {
    BG_RETURN_IF_ERROR(
        e.Execute(state::RegisterProviderKey{p, metering::KeyPairFromNumber(p.value()).public_key})
            .status());
  }
  std::vector<Placed> placed;
  for (uint32_t i = 0; i < o.jobs; ++i) {
    const OrderId id(o.first_job + i);
    scheduler::SubmitJob job{
        .request = {.id = id, .enterprise = who, .cards = 1, .walltime_s = 7 * 86'400}};
    BG_ASSIGN_OR_RETURN(state::CommandResult r, e.Execute(job));
    const auto& out = std::get<scheduler::JobOutcome>(r);
    if (out.status != scheduler::JobStatus::kRunning) continue;
    placed.push_back(e.Read([&](const state::State& s) {
      const scheduler::Job& j = *s.scheduler().FindJob(id);
      const network::Site& site = *s.network().FindSite(s.network().FindPool(j.pool)->site);
      return Placed{id, site.provider, j.start_at / kNanosPerSecond};
    }));
  }
  if (placed.empty()) return InvalidArgument("no job could be placed");
  return placed;
}

// One body: records [begin, end) of job `p`, signed as a batch.
std::string Body(const Placed& p, uint64_t begin, uint64_t end) {
  std::vector<metering::UsageRecord> records;
  for (uint64_t k = begin; k < end; ++k) {
    records.push_back({.id = p.order.value() * 10'000 + k,
                       .provider = p.provider,
                       .order = p.order,
                       .start_s = p.start_s + k * 60,
                       .end_s = p.start_s + (k + 1) * 60,
                       .cards = 1});
  }
  const metering::Signature sig =
      metering::SignBatch(records, metering::KeyPairFromNumber(p.provider.value()).secret_key);
  std::string out = "{\"records\":[";
  for (size_t i = 0; i < records.size(); ++i) {
    const metering::UsageRecord& r = records[i];
    out += (i == 0 ? "{" : ",{");
    out += "\"id\":" + std::to_string(r.id) +
           ",\"provider\":" + std::to_string(r.provider.value()) +
           ",\"order\":" + std::to_string(r.order.value()) +
           ",\"start_unix_s\":" + std::to_string(r.start_s) +
           ",\"end_unix_s\":" + std::to_string(r.end_s) + ",\"cards\":1}";
  }
  out += "],\"batch_signature_hex\":\"" + ToHex(sig) + "\"}";
  return out;
}

}  // namespace

Status WriteUsageRequests(const UsageRequestsOptions& o) {
  if (o.db.empty() || o.out.empty()) return InvalidArgument("--db and --out are required");
  if (o.jobs == 0 || o.batch == 0 || o.batch > metering::kMaxUsagePerCommand) {
    return InvalidArgument("--jobs must be positive and --batch 1 to " +
                           std::to_string(metering::kMaxUsagePerCommand));
  }
  const uint64_t per_job = (o.records + o.jobs - 1) / o.jobs;
  if (per_job > uint64_t{2} * 24 * 60) {
    return InvalidArgument("at most 2,880 records (minutes) per job: raise --jobs");
  }
  BG_ASSIGN_OR_RETURN(auto store, storage::OpenWriter(o.db));
  // The jobs start two days (and a little) ago by the wall clock.
  SystemClock wall;
  VirtualClock clock(wall.Now() - (Timestamp{2} * 86'400 + 120) * kNanosPerSecond);
  engine::EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  BG_ASSIGN_OR_RETURN(auto engine, engine::Engine::Open(store.get(), &clock, options));
  BG_RETURN_IF_ERROR(LoadIfEmpty(*engine, o.scenario));
  BG_ASSIGN_OR_RETURN(const std::vector<Placed> placed, PlaceJobs(*engine, o));
  BG_RETURN_IF_ERROR(engine->Shutdown());
  std::ofstream out(o.out, std::ios::trunc);
  if (!out) return InvalidArgument("cannot write " + o.out);
  // Round robin over the jobs, so that consecutive bodies name different
  // jobs (and providers), as many agents reporting at once would.
  uint64_t written = 0;
  uint64_t bodies = 0;
  for (uint64_t k = 0; k < per_job && written < o.records; k += o.batch) {
    for (const Placed& p : placed) {
      const uint64_t end = std::min<uint64_t>({k + o.batch, per_job, k + (o.records - written)});
      if (end <= k) break;
      out << Body(p, k, end) << '\n';
      written += end - k;
      ++bodies;
    }
  }
  out.close();
  if (!out) return Unavailable("writing " + o.out + " failed");
  std::printf("usage requests: %zu jobs running, %llu records in %llu bodies of up to %u, in %s\n",
              placed.size(),
              static_cast<unsigned long long>(written),  // NOLINT(google-runtime-int)
              static_cast<unsigned long long>(bodies),   // NOLINT(google-runtime-int)
              o.batch, o.out.c_str());
  return Status::Ok();
}

}  // namespace bg::bench
