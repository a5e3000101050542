// The demo quarter's proposal round (demo_facilities.h), as a user office
// runs it through the engine (facility/rounds.h): reviewers registered, a
// call, seeded proposals asking whole shifts on one kind of facility within
// a window, screening (a few fail feasibility, with a reason), reviewers
// assigned after the window free of conflicts of interest, each reviewer's
// score the proposal's seeded quality give or take one, then the
// allocation, which books the shifts. Each reviewer belongs to an
// institution, knows two kinds and may have declared a relation to a firm.
#include <algorithm>
#include <map>

#include "cmd/demo_facilities.h"
#include "common/rng.h"
#include "facility/rounds.h"

namespace bg::cmd {
namespace {

constexpr uint32_t kShiftHours = facility::kShiftHours;
constexpr Timestamp kShift = kShiftHours * kNanosPerHour;
constexpr uint32_t kReviewers = 18;
// The share of a facility's open shifts the round's call offers to outside
// users (the rest: the owner's own programme, commissioning, in-house
// staff), as user offices of large facilities do.
constexpr uint32_t kOfferedPercent = 25;
constexpr uint32_t kPerProposal = 2;
constexpr uint32_t kRound = 1;
constexpr const char* kOffice = "user office";

// What a proposal to a facility of the kind is about (a seeded pick).
const char* TitleFor(facility::FacilityKind kind, Rng& rng) {
  using K = facility::FacilityKind;
  static const std::map<K, std::vector<const char*>> titles = {
      {K::kNeutronStation,
       {"锂电正极材料的原位中子衍射", "减速器齿面残余应力的中子测量", "高分子薄膜的中子反射",
        "芯片单粒子效应的大气中子辐照"}},
      {K::kBeamline, {"催化剂的原位X射线吸收谱", "合金相变的同步辐射成像", "蛋白质晶体衍射"}},
      {K::kCryoEm, {"膜蛋白复合物的冷冻电镜结构", "病毒衣壳的单颗粒重构", "抗体-抗原复合物结构"}},
      {K::kSupercomputer, {"具身智能大模型预训练", "新药分子动力学筛选", "电池材料第一性原理计算"}},
  };
  auto it = titles.find(kind);
  if (it == titles.end()) return "共享设施机时申请";
  return it->second[rng.Uniform(it->second.size())];
}

// The facilities allocated by rounds only, by kind.
std::map<facility::FacilityKind, std::vector<FacilityId>> RoundFacilities(const state::State& s) {
  std::map<facility::FacilityKind, std::vector<FacilityId>> out;
  for (const auto& [id, f] : s.facilities().facilities()) {
    if (f.booking_quota_hours == 0) out[f.kind].push_back(id);
  }
  return out;
}

// Applies a round command; a refusal here is the demo's own mistake.
Status Must(engine::Engine& e, state::CommandBody c) {
  const std::string name = state::CommandName(c);
  BG_ASSIGN_OR_RETURN(const state::CommandResult r, e.Execute(std::move(c)));
  const auto& out = std::get<facility::RoundOutcome>(r);
  if (!out.ok()) return Internal("the demo's round: " + name + ": " + out.message);
  return Status::Ok();
}

Status RegisterReviewers(engine::Engine& e, const std::vector<facility::FacilityKind>& kinds,
                         const std::vector<EnterpriseId>& users, Rng& rng) {
  std::vector<std::pair<ProviderId, std::string>> institutions;
  e.Read([&](const state::State& s) {
    for (const auto& [id, p] : s.registry().providers()) institutions.emplace_back(id, p.name);
    return 0;
  });
  for (uint32_t i = 0; i < kReviewers; ++i) {
    const auto& [institution, name] = institutions[i % institutions.size()];
    facility::RegisterReviewer r{.id = i + 1,
                                 .name = "专家 " + std::to_string(i + 1) + " (" + name + ")",
                                 .institution = institution,
                                 .kinds = {kinds[rng.Uniform(kinds.size())]},
                                 .max_load = 12};
    const facility::FacilityKind second = kinds[rng.Uniform(kinds.size())];
    if (second != r.kinds[0]) r.kinds.push_back(second);
    // Some declare a relation to a firm (a former student, a consultancy).
    if (rng.Percent(30)) r.related.push_back(users[rng.Uniform(users.size())]);
    BG_RETURN_IF_ERROR(Must(e, std::move(r)));
  }
  return Status::Ok();
}

// Three proposals a user on average: one kind, one or two of its
// facilities, 4 to 24 shifts, within two to six weeks of the quarter.
std::vector<facility::SubmitProposal> Proposals(
    const std::map<facility::FacilityKind, std::vector<FacilityId>>& by_kind,
    const std::vector<EnterpriseId>& users, Timestamp start, uint32_t days, Rng& rng) {
  std::vector<facility::FacilityKind> kinds;
  kinds.reserve(by_kind.size());
  for (const auto& [kind, list] : by_kind) kinds.push_back(kind);
  const uint32_t shifts = days * 24 / kShiftHours;
  std::vector<facility::SubmitProposal> out;
  for (size_t i = 0; i < 3 * users.size(); ++i) {
    const EnterpriseId user = users[rng.Uniform(users.size())];
    const facility::FacilityKind kind = kinds[rng.Uniform(kinds.size())];
    const auto& of_kind = by_kind.at(kind);
    facility::SubmitProposal p{.id = i + 1,
                               .round = kRound,
                               .applicant = user,
                               .title = TitleFor(kind, rng),
                               .facilities = {of_kind[rng.Uniform(of_kind.size())]},
                               .hours = kShiftHours * static_cast<uint32_t>(4 + rng.Uniform(21)),
                               .actor = "applicant"};
    if (of_kind.size() > 1 && rng.Percent(40)) {
      const FacilityId other = of_kind[rng.Uniform(of_kind.size())];
      if (other != p.facilities[0]) p.facilities.push_back(other);
    }
    const auto from = static_cast<uint32_t>(rng.Uniform(shifts * 2 / 3));
    const auto weeks = static_cast<uint32_t>(2 + rng.Uniform(5));
    p.windows.push_back({.from = start + from * kShift,
                         .until = start + std::min(shifts, from + weeks * 7 * 3) * kShift});
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace

Result<RoundDemo> RunRound(engine::Engine& e, VirtualClock* clock,
                           const std::vector<EnterpriseId>& users, uint64_t seed, Timestamp start,
                           uint32_t days) {
  Rng rng(seed * 7'919 + 19);
  const auto by_kind = e.Read([](const state::State& s) { return RoundFacilities(s); });
  RoundDemo out;
  if (by_kind.empty() || users.empty()) return out;
  std::vector<facility::FacilityKind> kinds;
  std::vector<FacilityId> offered;
  for (const auto& [kind, list] : by_kind) {
    kinds.push_back(kind);
    offered.insert(offered.end(), list.begin(), list.end());
  }
  BG_RETURN_IF_ERROR(RegisterReviewers(e, kinds, users, rng));
  const Timestamp opened = clock->Now();
  BG_RETURN_IF_ERROR(Must(e, facility::OpenCall{.round = kRound,
                                                .name = "2026年第二季度机时 (2026-Q2 beam time)",
                                                .proposals_from = opened,
                                                .proposals_until = opened + 12 * kNanosPerHour,
                                                .period_start = start,
                                                .days = days,
                                                .facilities = offered,
                                                .offered_percent = kOfferedPercent,
                                                .min_hours = kShiftHours,
                                                .reviewers_per_proposal = kPerProposal,
                                                .actor = kOffice}));
  const std::vector<facility::SubmitProposal> proposals =
      Proposals(by_kind, users, start, days, rng);
  for (const facility::SubmitProposal& p : proposals) {
    out.asked_hours += p.hours;
    BG_RETURN_IF_ERROR(Must(e, p));
    BG_RETURN_IF_ERROR(Must(
        e, facility::ReviewProposal{
               .proposal = p.id, .step = facility::ReviewStep::kAdminCheck, .actor = kOffice}));
    const bool feasible = !rng.Percent(5);
    BG_RETURN_IF_ERROR(
        Must(e, facility::ReviewProposal{
                    .proposal = p.id,
                    .step = facility::ReviewStep::kFeasibility,
                    .pass = feasible,
                    .reason = feasible ? "" : "the sample environment it needs is not offered here",
                    .actor = "facility staff"}));
  }
  out.proposals = proposals.size();
  clock->Set(opened + 12 * kNanosPerHour);
  BG_RETURN_IF_ERROR(Must(e, facility::CloseRound{.round = kRound, .actor = kOffice}));
  // Scores: the proposal's quality (1-5, seeded) give or take one.
  for (const facility::SubmitProposal& p : proposals) {
    const std::vector<uint32_t> reviewers =
        e.Read([&](const state::State& s) { return s.rounds().FindProposal(p.id)->reviewers; });
    const auto quality = static_cast<int64_t>(1 + rng.Uniform(5));
    for (uint32_t reviewer : reviewers) {
      const int64_t score = std::clamp<int64_t>(quality + rng.Range(-1, 1), 1, 5);
      BG_RETURN_IF_ERROR(Must(e, facility::ReviewProposal{.proposal = p.id,
                                                          .step = facility::ReviewStep::kScore,
                                                          .reviewer = reviewer,
                                                          .score = static_cast<uint32_t>(score),
                                                          .actor = kOffice}));
      ++out.reviews;
    }
  }
  BG_RETURN_IF_ERROR(
      Must(e, facility::CloseRound{
                  .round = kRound, .step = facility::RoundStep::kAllocate, .actor = kOffice}));
  e.Read([&](const state::State& s) {
    out.conflicts_excluded = s.rounds().FindRound(kRound)->conflicts_excluded;
    for (FacilityId id : offered) {
      const facility::Facility& f = *s.facilities().Find(id);
      const facility::SlotFacility open =
          facility::OpenSlots(f, start, kShift, days * 24 / kShiftHours);
      out.offered_hours += static_cast<uint64_t>(open.open.size()) * f.capacity * kOfferedPercent /
                           100 * kShiftHours;
    }
    for (const facility::SubmitProposal& p : proposals) {
      const facility::Proposal& got = *s.rounds().FindProposal(p.id);
      out.allocated_hours += got.allocated_hours;
      for (OrderId b : got.bookings) out.bookings.push_back(s.bookings().Find(b)->request);
    }
    return 0;
  });
  return out;
}

}  // namespace bg::cmd
