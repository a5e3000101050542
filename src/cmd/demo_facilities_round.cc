// The demo quarter's proposal round (demo_facilities.h): what a user office
// does with a call's proposals, on the domain logic of facility/round.h and
// slots.h. Proposals ask for whole shifts on one kind of facility; each
// reviewer belongs to an institution, knows two kinds and may have declared
// a relation to a firm; a reviewer's score is the proposal's seeded quality
// give or take one.
#include <algorithm>
#include <map>

#include "cmd/demo_facilities.h"
#include "common/rng.h"
#include "facility/round.h"
#include "facility/slots.h"

namespace bg::cmd {
namespace {

constexpr uint32_t kShiftHours = 8;
constexpr Timestamp kShift = kShiftHours * kNanosPerHour;
constexpr uint32_t kReviewers = 18;
// The share of a facility's open shifts the round's call offers to outside
// users (the rest: the owner's own programme, commissioning, in-house
// staff), as user offices of large facilities do.
constexpr uint32_t kOfferedPercent = 25;
constexpr uint32_t kPerProposal = 2;
// A firm is its own institution for conflicts of interest; its id sits
// above every provider's.
constexpr uint64_t kFirmInstitution = 1'000'000;

// The institution a user belongs to: the provider of the same legal person
// (a university), or the firm itself.
uint64_t InstitutionOf(const state::State& s, EnterpriseId user) {
  const programme::Enterprise& e = *s.registry().FindEnterprise(user);
  if (const programme::Provider* p = s.registry().ProviderByCreditCode(e.credit_code)) {
    return p->id.value();
  }
  return kFirmInstitution + user.value();
}

struct Round {
  std::vector<const facility::Facility*> facilities;  // allocated by rounds only
  std::map<uint32_t, std::vector<const facility::Facility*>> by_kind;
  std::vector<facility::SlotFacility> open;  // same order as `facilities`
};

Round RoundFacilities(const state::State& s, Timestamp start, uint32_t days) {
  Round r;
  for (const auto& [id, f] : s.facilities().facilities()) {
    if (f.booking_quota_hours != 0) continue;
    r.facilities.push_back(&f);
    r.by_kind[static_cast<uint32_t>(f.kind)].push_back(&f);
    r.open.push_back(facility::OpenSlots(f, start, kShift, days * 24 / kShiftHours));
  }
  return r;
}

std::vector<facility::RoundProposal> Proposals(const state::State& s, const Round& round,
                                               const std::vector<EnterpriseId>& users, Rng& rng) {
  std::vector<uint32_t> kinds;
  for (const auto& [kind, list] : round.by_kind) kinds.push_back(kind);
  std::vector<facility::RoundProposal> out;
  const size_t n = 3 * users.size();
  for (size_t i = 0; i < n; ++i) {
    const EnterpriseId user = users[rng.Uniform(users.size())];
    const uint32_t kind = kinds[rng.Uniform(kinds.size())];
    const auto& of_kind = round.by_kind.at(kind);
    facility::RoundProposal p{.id = i + 1,
                              .applicant = user.value(),
                              .institution = InstitutionOf(s, user),
                              .kind = kind,
                              .hours = kShiftHours * static_cast<uint32_t>(4 + rng.Uniform(21))};
    p.facilities.push_back(of_kind[rng.Uniform(of_kind.size())]->id.value());
    if (of_kind.size() > 1 && rng.Percent(40)) {
      const uint64_t other = of_kind[rng.Uniform(of_kind.size())]->id.value();
      if (other != p.facilities[0]) p.facilities.push_back(other);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::vector<facility::Reviewer> Reviewers(const state::State& s, const Round& round,
                                          const std::vector<EnterpriseId>& users, Rng& rng) {
  std::vector<uint32_t> kinds;
  for (const auto& [kind, list] : round.by_kind) kinds.push_back(kind);
  std::vector<facility::Reviewer> out;
  const auto& providers = s.registry().providers();
  for (uint32_t i = 0; i < kReviewers; ++i) {
    auto it = providers.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(i % providers.size()));
    facility::Reviewer r{.id = i + 1, .institution = it->first.value(), .max_load = 12};
    r.kinds = {kinds[rng.Uniform(kinds.size())], kinds[rng.Uniform(kinds.size())]};
    // Some declare a relation to a firm (a former student, a consultancy).
    if (rng.Percent(30)) r.related.push_back(users[rng.Uniform(users.size())].value());
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Result<RoundDemo> PlanRound(const state::State& s, const std::vector<EnterpriseId>& users,
                            uint64_t seed, Timestamp start, uint32_t days, uint64_t first_id) {
  Rng rng(seed * 7'919 + 19);
  const Round round = RoundFacilities(s, start, days);
  RoundDemo out;
  if (round.facilities.empty() || users.empty()) return out;
  const std::vector<facility::RoundProposal> proposals = Proposals(s, round, users, rng);
  const std::vector<facility::Reviewer> reviewers = Reviewers(s, round, users, rng);
  out.proposals = proposals.size();
  for (const auto& p : proposals) {
    out.asked_hours += p.hours;
    for (const auto& r : reviewers) out.conflicts_excluded += facility::Conflicted(r, p) ? 1U : 0U;
  }
  BG_ASSIGN_OR_RETURN(const facility::ReviewAssignment assigned,
                      facility::AssignReviewers(proposals, reviewers, kPerProposal));
  // Scores: the proposal's quality (1-5, seeded) give or take one.
  std::vector<facility::ReviewScore> scores;
  for (const auto& of : assigned.proposals) {
    const auto quality = static_cast<int64_t>(1 + rng.Uniform(5));
    for (uint64_t reviewer : of.reviewers) {
      const int64_t score = std::clamp<int64_t>(quality + rng.Range(-1, 1), 1, 5);
      scores.push_back(
          {.proposal = of.proposal, .reviewer = reviewer, .score = static_cast<uint32_t>(score)});
    }
  }
  out.reviews = scores.size();
  BG_ASSIGN_OR_RETURN(const std::vector<facility::Ranked> ranked,
                      facility::Rank(proposals, assigned, scores));
  // What the round may allocate on a facility: its open shifts' capacity.
  std::vector<facility::RoundFacility> capacity;
  for (size_t i = 0; i < round.facilities.size(); ++i) {
    const facility::Facility& f = *round.facilities[i];
    const uint32_t shifts = static_cast<uint32_t>(round.open[i].open.size()) * f.capacity;
    capacity.push_back({.id = f.id.value(),
                        .kind = static_cast<uint32_t>(f.kind),
                        .capacity_hours = shifts * kOfferedPercent / 100 * kShiftHours});
    out.offered_hours += capacity.back().capacity_hours;
  }
  BG_ASSIGN_OR_RETURN(const std::vector<facility::Allocation> allocated,
                      facility::Allocate(proposals, capacity, ranked, kShiftHours));
  // Each facility's share of an allocation is placed in shifts within the
  // users' windows: two to six weeks somewhere in the quarter.
  facility::SlotProblem problem{.slot_count = days * 24 / kShiftHours, .facilities = round.open};
  std::map<uint64_t, uint64_t> applicant_of;  // request -> applicant
  for (const facility::Allocation& a : allocated) {
    out.allocated_hours += a.total;
    const uint64_t applicant = proposals[a.proposal - 1].applicant;
    for (const auto& [fid, hours] : a.hours) {
      if (hours == 0) continue;
      const auto from = static_cast<uint32_t>(rng.Uniform(problem.slot_count * 2 / 3));
      const auto weeks = static_cast<uint32_t>(2 + rng.Uniform(5));
      facility::SlotRequest req{
          .id = problem.requests.size() + 1,
          .slots = hours / kShiftHours,
          .facilities = {fid},
          .available = {{from, std::min(problem.slot_count, from + weeks * 7 * 3)}},
          .rank = a.rank};
      applicant_of[req.id] = applicant;
      problem.requests.push_back(std::move(req));
    }
  }
  BG_ASSIGN_OR_RETURN(const facility::SlotPlan plan, facility::Place(problem));
  if (std::string wrong = facility::Violation(problem, plan); !wrong.empty()) {
    return Internal("the round's placement is invalid: " + wrong);
  }
  uint64_t id = first_id;
  for (const facility::Placement& p : plan.placements) {
    for (const facility::SlotTaken& t : p.bookings) {
      out.bookings.push_back({.id = OrderId(id++),
                              .facility = FacilityId(t.facility),
                              .user = EnterpriseId(applicant_of.at(p.request)),
                              .start = start + t.slot * kShift,
                              .hours = kShiftHours,
                              .actor = "user office (round 1)",
                              .round = 1});
      out.placed_hours += kShiftHours;
    }
  }
  return out;
}

}  // namespace bg::cmd
