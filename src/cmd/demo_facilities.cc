#include "cmd/demo_facilities.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <queue>
#include <tuple>

#include "cmd/demo_parts.h"
#include "common/rng.h"
#include "common/work_dir.h"
#include "engine/engine.h"
#include "programme/credit_code.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "sim/driver.h"
#include "storage/open.h"
#include "world/commands.h"

namespace bg::cmd {
namespace {

constexpr Timestamp kMinute = 60 * kNanosPerSecond;
constexpr Timestamp kHour = kNanosPerHour;
constexpr Timestamp kCst = 8 * kHour;
constexpr uint32_t kQuarterDays = 91;
constexpr size_t kSyntheticFirms = 24;
constexpr int64_t kVoucherYuan = 20'000;

// 2026-04-01 00:00 China Standard Time: the second quarter of 2026.
Timestamp QuarterStart() { return *ParseUtcTime("2026-03-31T16:00:00Z"); }

// A user's visit to a booking: when it comes (if it does) and how long it stays.
struct Visit {
  Timestamp at = 0;
  OrderId booking{};
  facility::UseStep step = facility::UseStep::kCheckIn;
  uint32_t minutes = 0;
  bool operator>(const Visit& o) const { return std::tie(at, booking) > std::tie(o.at, o.booking); }
};
using Visits = std::priority_queue<Visit, std::vector<Visit>, std::greater<>>;

// Whether the user comes, when, and when it leaves: a no-show now and then,
// a user who never checks out (the clock does it at the end) rarely.
void PlanVisit(const facility::BookFacility& b, Rng& rng, Visits* visits) {
  const bool round = b.round != 0;
  if (rng.Percent(round ? 3 : 9)) return;  // does not come
  const Timestamp in = b.start + rng.Uniform(20) * kMinute;
  visits->push({.at = in, .booking = b.id});
  if (rng.Percent(4)) return;  // forgets to check out
  const uint32_t booked = b.hours * 60;
  const auto early = static_cast<uint32_t>(rng.Uniform(std::min<uint32_t>(booked / 3, 90) + 1));
  const uint32_t minutes = std::max<uint32_t>(booked - early - 20, 10);
  visits->push({.at = in + minutes * kMinute,
                .booking = b.id,
                .step = facility::UseStep::kCheckOut,
                .minutes = minutes});
}

struct Tally {
  size_t booked = 0;
  std::map<std::string, size_t> refused;  // by code
};

// The synthetic firms: half in Dongguan (Songshan Lake), half in Shenzhen
// (Guangming), SMEs of three categories.
std::vector<programme::Enterprise> SyntheticFirms(const world::World& w, uint64_t seed) {
  auto city = [&](const char* code) {
    for (size_t i = 0; i < w.jurisdictions.size(); ++i) {
      if (w.jurisdictions[i].code == code) return JurisdictionId(i + 1);
    }
    return JurisdictionId();
  };
  const std::array kinds = {programme::ApplicantCategory::kManufacturing,
                            programme::ApplicantCategory::kSoftwareIt,
                            programme::ApplicantCategory::kStartUp};
  std::vector<programme::Enterprise> out;
  for (size_t i = 0; i < kSyntheticFirms; ++i) {
    const EnterpriseId id(w.enterprises.size() + 1 + i);
    const bool dongguan = i % 2 == 0;
    programme::Enterprise e{.id = id,
                            .credit_code = programme::SyntheticCreditCode('F', seed * 1'000 + i),
                            .name = std::string(dongguan ? "松山湖" : "光明") + " synthetic firm " +
                                    std::to_string(i + 1),
                            .applicant = {.id = id,
                                          .home = city(dongguan ? "songshan_lake" : "guangming"),
                                          .category = kinds[i % kinds.size()],
                                          .flags = programme::kSme}};
    out.push_back(std::move(e));
  }
  return out;
}

// Each firm applies for its city's innovation voucher (the programme whose
// issuer is its home or above it), reviewed and issued.
Status IssueVouchers(engine::Engine& e, const std::vector<EnterpriseId>& users, Timestamp now) {
  uint64_t application = 1;
  std::vector<programme::FileApplication> apps;
  e.Read([&](const state::State& s) {
    for (EnterpriseId u : users) {
      const programme::Enterprise& ent = *s.registry().FindEnterprise(u);
      std::vector<JurisdictionId> homes = s.registry().ParentsOf(ent.applicant.home);
      homes.push_back(ent.applicant.home);
      for (const auto& [pid, rules] : s.registry().programmes()) {
        if (rules.covers.spend != programme::Spend::kFacilities) continue;
        if (std::find(homes.begin(), homes.end(), rules.issuer) == homes.end()) continue;
        if (!programme::CheckEligible(rules, ent.applicant, now, homes).ok()) continue;
        apps.push_back({.id = ApplicationId(application++),
                        .programme = pid,
                        .enterprise = u,
                        .amount = Money::Fen(kVoucherYuan * 100),
                        .actor = ent.name});
      }
    }
    return 0;
  });
  for (const programme::FileApplication& a : apps) BG_RETURN_IF_ERROR(sim::FileAndReview(e, a));
  return Status::Ok();
}

// Applies one command; a refusal is the user's problem, not the demo's.
Result<state::CommandResult> Run(engine::Engine& e, state::CommandBody c) {
  return e.Execute(std::move(c));
}

Status BookAndPlan(engine::Engine& e, const facility::BookFacility& b, Rng& rng, Tally* tally,
                   Visits* visits) {
  BG_ASSIGN_OR_RETURN(const state::CommandResult r, Run(e, b));
  const auto& out = std::get<facility::BookingOutcome>(r);
  if (out.code == facility::BookingCode::kOk) {
    ++tally->booked;
    PlanVisit(b, rng, visits);
  } else {
    ++tally->refused[std::string(NameOf(facility::kBookingCodeNames, out.code))];
  }
  return Status::Ok();
}

// A day's direct demand, decided at 09:00 CST: some users book an
// instrument for one to four hours in the next two weeks.
Status DayDemand(engine::Engine& e, const std::vector<EnterpriseId>& users,
                 const std::vector<FacilityId>& instruments, Timestamp nine, Rng& rng,
                 uint64_t* next_id, Tally* tally, Visits* visits) {
  for (EnterpriseId u : users) {
    if (!rng.Percent(40)) continue;
    const Timestamp day = nine - 9 * kHour + (1 + rng.Uniform(14)) * kNanosPerDay;
    const facility::BookFacility b{.id = OrderId((*next_id)++),
                                   .facility = instruments[rng.Uniform(instruments.size())],
                                   .user = u,
                                   .start = day + (8 + rng.Uniform(10)) * kHour,
                                   .hours = static_cast<uint32_t>(1 + rng.Uniform(4)),
                                   .actor = "booking desk"};
    BG_RETURN_IF_ERROR(BookAndPlan(e, b, rng, tally, visits));
  }
  return Status::Ok();
}

// The city a jurisdiction counts under (Songshan Lake -> Dongguan).
JurisdictionId CityOf(const programme::Registry& r, JurisdictionId j) {
  for (JurisdictionId at = j;;) {
    const programme::Jurisdiction* x = r.FindJurisdiction(at);
    if (x == nullptr || x->level == programme::JurisdictionLevel::kCity || !x->parent) return at;
    at = *x->parent;
  }
}

// Facility hours held past capacity, counted again from the records.
uint64_t DoubleBooked(const state::State& s) {
  std::map<std::pair<FacilityId, Timestamp>, uint32_t> held;
  for (const auto& [id, b] : s.bookings().bookings()) {
    if (b.status == facility::BookingStatus::kCancelled) continue;
    const Timestamp end = b.request.start + b.request.hours * kHour;
    const bool open =
        b.status == facility::BookingStatus::kBooked || b.status == facility::BookingStatus::kInUse;
    const Timestamp until =
        open ? end
             : std::min(end, std::max(b.request.start, (b.ended_at + kHour - 1) / kHour * kHour));
    for (Timestamp h = b.request.start; h < until; h += kHour) ++held[{b.request.facility, h}];
  }
  uint64_t over = 0;
  for (const auto& [key, n] : held) over += n > s.facilities().Find(key.first)->capacity ? 1U : 0U;
  return over;
}

struct Summary {
  uint64_t used_minutes = 0;
  Money vouchers{};
  Money fees{};
  Money cross_city{};
  size_t used = 0;
  size_t no_shows = 0;
  uint64_t double_booked = 0;
  bool balanced = false;
};

Summary Summarise(const state::State& s, Timestamp from, Timestamp to) {
  Summary out;
  for (const auto& [id, b] : s.bookings().bookings()) {
    if (b.status == facility::BookingStatus::kNoShow) ++out.no_shows;
    if (b.status != facility::BookingStatus::kUsed) continue;
    ++out.used;
    out.used_minutes += b.minutes;
    out.vouchers = *out.vouchers.Add(b.subsidy);
    out.fees = *out.fees.Add(b.fee);
  }
  std::printf("\ncross-city flows of innovation vouchers (issuer -> where the facility is):\n");
  const Result<std::vector<settlement::Flow>> flows = s.settlement().Flows(from, to);
  if (!flows.ok()) std::printf("  (%s)\n", flows.status().ToString().c_str());
  for (const settlement::Flow& f : flows.ok() ? *flows : std::vector<settlement::Flow>{}) {
    if (f.subsidy.is_zero()) continue;
    const programme::Jurisdiction* issuer = s.registry().FindJurisdiction(f.issuer);
    const programme::Jurisdiction* city = s.registry().FindJurisdiction(f.city);
    const bool cross = CityOf(s.registry(), f.city) != CityOf(s.registry(), f.issuer);
    if (cross) out.cross_city = *out.cross_city.Add(f.subsidy);
    std::printf("  %-12s -> %-14s %14s yuan  %5llu orders%s\n", issuer->name.c_str(),
                city->name.c_str(), Yuan(f.subsidy).c_str(),
                static_cast<unsigned long long>(f.orders),  // NOLINT(google-runtime-int)
                cross ? "  (across the city border)" : "");
  }
  out.double_booked = DoubleBooked(s);
  out.balanced = s.ledger().CheckInvariants().empty() &&
                 programme::CheckReconciled(s.book(), s.registry(), s.ledger()).empty() &&
                 settlement::CheckStatements(s.settlement(), s.registry(), s.ledger()).empty();
  return out;
}

}  // namespace

bool IsFacilityWorld(const world::World& w) { return !w.facilities.empty() && w.pools.empty(); }

Status RunFacilityDemo(const DemoOptions& o, const world::World& alliance) {
  std::string db = o.db;
  if (db.empty()) {
    BG_ASSIGN_OR_RETURN(const std::string dir, WorkDir(""));
    db = dir + "/alliance.db";
  }
  if (!storage::IsPostgresUrl(db) && std::filesystem::exists(db)) {
    return FailedPrecondition(db + " exists: the demo starts afresh");
  }
  BG_ASSIGN_OR_RETURN(auto store, storage::OpenWriter(db));
  const Timestamp start = QuarterStart();
  const Timestamp end = start + kQuarterDays * kNanosPerDay;
  VirtualClock clock(start - kNanosPerDay);
  engine::EngineOptions eo;
  eo.idle_tick = std::chrono::milliseconds(0);
  BG_ASSIGN_OR_RETURN(std::unique_ptr<engine::Engine> e,
                      engine::Engine::Open(store.get(), &clock, eo));
  for (state::CommandBody& c : world::ToCommands(alliance)) {
    BG_RETURN_IF_ERROR(e->Execute(c).status());
  }
  std::vector<EnterpriseId> users;
  for (size_t i = 0; i < alliance.enterprises.size(); ++i) users.emplace_back(i + 1);
  for (programme::Enterprise& f : SyntheticFirms(alliance, o.seed)) {
    users.push_back(f.id);
    BG_RETURN_IF_ERROR(e->Execute(state::RegisterEnterprise{std::move(f)}).status());
  }
  // Every user starts the quarter holding the safety courses it needs.
  for (state::CommandBody& c : world::TrainEveryUser(alliance, end + 365 * kNanosPerDay, users)) {
    BG_RETURN_IF_ERROR(e->Execute(c).status());
  }
  std::printf(
      "baygrid demo: the Shenzhen–Dongguan science alliance, 2026-Q2 (seed %llu), %zu "
      "facilities, %zu users, database %s\n",
      static_cast<unsigned long long>(o.seed),  // NOLINT(google-runtime-int)
      alliance.facilities.size(), users.size(), storage::Shown(db).c_str());
  BG_RETURN_IF_ERROR(IssueVouchers(*e, users, clock.Now()));

  // The round, decided before the quarter; its shifts enter the calendar.
  Rng rng(o.seed);
  Tally tally;
  Visits visits;
  BG_ASSIGN_OR_RETURN(const RoundDemo round,
                      RunRound(*e, &clock, users, o.seed, start, kQuarterDays));
  std::printf(
      "proposal round: %zu proposals asking %llu hours of the %llu offered, %zu reviews "
      "(%zu reviewer-proposal pairs excluded for a conflict of interest); %llu hours "
      "allocated and booked in %zu 8-hour shifts\n",
      round.proposals,
      static_cast<unsigned long long>(round.asked_hours),    // NOLINT(google-runtime-int)
      static_cast<unsigned long long>(round.offered_hours),  // NOLINT(google-runtime-int)
      round.reviews, round.conflicts_excluded,
      static_cast<unsigned long long>(round.allocated_hours),  // NOLINT(google-runtime-int)
      round.bookings.size());
  // The round booked its shifts; their users come (or not) like anyone's.
  for (const facility::BookFacility& b : round.bookings) {
    ++tally.booked;
    PlanVisit(b, rng, &visits);
  }
  std::vector<FacilityId> instruments;
  for (const facility::Facility& f : alliance.facilities) {
    if (f.booking_quota_hours > 0) instruments.push_back(f.id);
  }
  uint64_t next_id = 1;  // the round's shifts have ids of their own (rounds.h)

  // Hour by hour: the day's demand at 09:00 CST, the visits due, the clock.
  for (Timestamp h = start; h < end + kNanosPerDay; h += kHour) {
    if ((h + kCst) % kNanosPerDay == 9 * kHour && h + 2 * kNanosPerDay < end) {
      clock.Set(h);
      BG_RETURN_IF_ERROR(DayDemand(*e, users, instruments, h, rng, &next_id, &tally, &visits));
    }
    while (!visits.empty() && visits.top().at < h + kHour) {
      const Visit v = visits.top();
      visits.pop();
      clock.Set(std::max(clock.Now(), v.at));
      BG_RETURN_IF_ERROR(
          Run(*e,
              facility::UseFacility{
                  .id = v.booking, .step = v.step, .minutes = v.minutes, .actor = "front desk"})
              .status());
    }
    clock.Set(h + kHour);
    BG_RETURN_IF_ERROR(e->Execute(state::Tick{}).status());
    if ((h + kHour - start) % (7 * kNanosPerDay) == 0 && h + kHour <= end) {
      std::printf(
          "week %2llu/13  bookings %5zu  refused %4zu\n",
          static_cast<unsigned long long>((h + kHour - start) / (7 * kNanosPerDay)),  // NOLINT
          tally.booked, [&] {
            size_t n = 0;
            for (const auto& [code, count] : tally.refused) n += count;
            return n;
          }());
      std::fflush(stdout);
    }
  }
  // The quarter's statements, closed.
  std::vector<ProgrammeId> programmes;
  e->Read([&](const state::State& s) {
    for (const auto& [pid, rules] : s.registry().programmes()) programmes.push_back(pid);
    return 0;
  });
  for (ProgrammeId p : programmes) {
    BG_RETURN_IF_ERROR(
        e->Execute(state::CloseStatement{.programme = p,
                                         .period = {settlement::PeriodKind::kQuarter, 2026, 2},
                                         .actor = "finance"})
            .status());
  }
  const Summary sum =
      e->Read([&](const state::State& s) { return Summarise(s, start, end + kNanosPerDay); });
  std::printf("\nbookings: %zu made (%zu by the round), %zu used, %zu no-shows; refused:",
              tally.booked, round.bookings.size(), sum.used, sum.no_shows);
  for (const auto& [code, n] : tally.refused) std::printf(" %s %zu", code.c_str(), n);
  std::printf("\nfees %s yuan, of which innovation vouchers paid %s yuan\n", Yuan(sum.fees).c_str(),
              Yuan(sum.vouchers).c_str());
  BG_RETURN_IF_ERROR(e->Shutdown());
  const double share = sum.vouchers.is_zero() ? 0.0
                                              : static_cast<double>(sum.cross_city.fen()) /
                                                    static_cast<double>(sum.vouchers.fen());
  std::printf(
      "\nRESULT facilities proposals=%zu allocated_hours=%llu used_hours=%llu voucher_yuan=%.2f "
      "cross_city_share=%.3f double_booked=%llu ledger_balanced=%s\n",
      round.proposals, static_cast<unsigned long long>(round.allocated_hours),  // NOLINT
      static_cast<unsigned long long>(sum.used_minutes / 60),                   // NOLINT
      static_cast<double>(sum.vouchers.fen()) / 100.0, share,
      static_cast<unsigned long long>(sum.double_booked),  // NOLINT(google-runtime-int)
      sum.balanced ? "true" : "false");
  return sum.balanced && sum.double_booked == 0 ? Status::Ok()
                                                : Internal("the quarter does not reconcile");
}

}  // namespace bg::cmd
