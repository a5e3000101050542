#include "cmd/sim_compare.h"

#include <chrono>
#include <cstdio>
#include <memory>

#include <CLI/CLI.hpp>

#include "sim/driver.h"
#include "storage/memory_store.h"
#include "world/builtin.h"

namespace bg::cmd {
namespace {

// 2025-07-01 00:00 UTC: every GBA programme is in force.
constexpr Timestamp kStart = 1'751'328'000 * kNanosPerSecond;

double Ratio(double ours, double theirs) {
  return theirs == 0 ? (ours == 0 ? 1 : 0) : ours / theirs;
}

void PrintRow(const sim::Metrics& m) {
  std::printf("%-14s %7llu %7llu %10.3f %10.3f %7.1f%% %5llu/%-5llu %9.0f %6.4f %s\n",
              scheduler::PolicyName(m.policy), static_cast<unsigned long long>(m.jobs),
              static_cast<unsigned long long>(m.placed), m.OutOfPocketPerCardHour(),
              m.SubsidyPerCardHour(), m.utilisation * 100,
              static_cast<unsigned long long>(m.deadline_misses),
              static_cast<unsigned long long>(m.deadline_jobs), m.mean_wait_s / 60, m.jain,
              m.reconciled ? "yes" : "NO");
}

}  // namespace

Status RunSimCompare(const SimCompareOptions& o) {
  BG_ASSIGN_OR_RETURN(world::World scenario, world::Load(o.scenario));
  const sim::WorkloadOptions wo{.seed = o.seed,
                                .days = o.days,
                                .jobs = o.jobs,
                                .enterprises = o.enterprises,
                                .load_percent = o.load_percent,
                                .start = kStart};
  const sim::Workload w = sim::Generate(scenario, wo);
  std::printf(
      "workload: %zu jobs over %u days from %zu enterprises (%zu synthetic), %zu voucher "
      "applications; demand %.1f%% of the %llu card-hours offered; seed %llu\n",
      w.arrivals.size(), o.days, scenario.enterprises.size() + w.enterprises.size(),
      w.enterprises.size(), w.applications.size(),
      100.0 * static_cast<double>(w.demand_card_seconds) /
          static_cast<double>(w.capacity_card_seconds),
      static_cast<unsigned long long>(w.capacity_card_seconds / 3600),
      static_cast<unsigned long long>(o.seed));
  std::vector<sim::Metrics> results;
  for (scheduler::Policy policy : {scheduler::Policy::kVoucherAware, scheduler::Policy::kFirstFit,
                                   scheduler::Policy::kCheapestList}) {
    storage::MemoryStore store({.keep_history = false});  // a simulation never recovers
    const auto t0 = std::chrono::steady_clock::now();
    sim::DriverOptions d{.policy = policy, .snapshot_at_end = false};
    d.on_day = [&](uint32_t day, const sim::Metrics& m) {
      if (day % 5 == 0) {
        std::fprintf(stderr,
                     "  %s: day %u, %llu jobs placed, %.0f yuan subsidised, utilisation %.1f%%\n",
                     scheduler::PolicyName(policy), day, static_cast<unsigned long long>(m.placed),
                     static_cast<double>(m.subsidy.fen()) / 100.0, m.utilisation * 100);
      }
    };
    BG_ASSIGN_OR_RETURN(sim::Metrics m, sim::Run(scenario, w, wo, d, &store));
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "  %s: %llu engine commands in %.1f s\n", scheduler::PolicyName(policy),
                 static_cast<unsigned long long>(m.commands), secs);
    results.push_back(std::move(m));
  }
  std::printf("\n%-14s %7s %7s %10s %10s %8s %11s %9s %6s %s\n", "policy", "jobs", "placed",
              "oop/card-h", "sub/card-h", "util", "misses", "wait(min)", "Jain", "reconciled");
  for (const sim::Metrics& m : results) PrintRow(m);
  std::printf("\nutilisation per site:\n%-20s", "site");
  for (const sim::Metrics& m : results) std::printf(" %14s", scheduler::PolicyName(m.policy));
  std::printf("\n");
  for (size_t i = 0; i < results[0].sites.size(); ++i) {
    std::printf("%-20s", results[0].sites[i].code.c_str());
    for (const sim::Metrics& m : results) {
      const sim::SiteUse& u = m.sites[i];
      std::printf(" %13.1f%%", u.offered_card_seconds == 0
                                   ? 0.0
                                   : 100.0 * static_cast<double>(u.used_card_seconds) /
                                         static_cast<double>(u.offered_card_seconds));
    }
    std::printf("\n");
  }
  const sim::Metrics& ours = results[0];
  const sim::Metrics& ff = results[1];
  const sim::Metrics& cheap = results[2];
  std::printf(
      "RESULT policy oop_vs_firstfit=%.3f oop_vs_cheapest=%.3f misses_vs_firstfit=%.3f "
      "misses_vs_cheapest=%.3f util_vs_firstfit=%.3f\n",
      Ratio(ours.OutOfPocketPerCardHour(), ff.OutOfPocketPerCardHour()),
      Ratio(ours.OutOfPocketPerCardHour(), cheap.OutOfPocketPerCardHour()),
      Ratio(static_cast<double>(ours.deadline_misses), static_cast<double>(ff.deadline_misses)),
      Ratio(static_cast<double>(ours.deadline_misses), static_cast<double>(cheap.deadline_misses)),
      Ratio(ours.utilisation, ff.utilisation));
  for (const sim::Metrics& m : results) {
    if (!m.reconciled) {
      return Internal(std::string(scheduler::PolicyName(m.policy)) + " run does not reconcile");
    }
  }
  return Status::Ok();
}

void RegisterSim(Registry& registry) {
  auto o = std::make_shared<SimCompareOptions>();
  CLI::App* sim = registry.Group("sim", "The simulator: policies on a synthetic workload");
  CLI::App* compare = sim->add_subcommand(
      "compare", "The voucher-aware policy against first-fit and cheapest-list on one workload");
  compare->add_option("--scenario", o->scenario, "gba (built in) or a scenario file")
      ->capture_default_str();
  compare->add_option("--days", o->days, "Simulated days")->capture_default_str();
  compare->add_option("--seed", o->seed, "Workload seed")->capture_default_str();
  compare->add_option("--jobs", o->jobs, "Jobs over the whole run")->capture_default_str();
  compare->add_option("--enterprises", o->enterprises, "Synthetic enterprises")
      ->capture_default_str();
  compare->add_option("--load", o->load_percent, "Demand as % of the offered cards")
      ->capture_default_str();
  compare->footer("Example:\n  baygrid sim compare --days 30 --seed 1");
  registry.OnRun(compare, [o] { return RunSimCompare(*o); });
}

}  // namespace bg::cmd
