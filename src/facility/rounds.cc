#include "facility/rounds.h"

#include <algorithm>
#include <set>

#include "facility/round.h"

namespace bg::facility {
namespace {

constexpr Timestamp kShift = kShiftHours * kNanosPerHour;
constexpr uint64_t kMaxProposalId = (uint64_t{1} << 53) - 1;
constexpr size_t kMaxText = 500;  // bytes of a name, title, reason or reference
// round.h's ids for conflicts of interest: an applicant, and a firm as its
// own institution, apart from the providers' ids (institutions).
constexpr uint64_t kApplicantBit = uint64_t{1} << 40;
constexpr uint64_t kFirmBit = uint64_t{1} << 41;

RoundOutcome Refuse(RoundCode code, std::string message) {
  return RoundOutcome{.code = code, .message = std::move(message)};
}
RoundOutcome Invalid(std::string message) {
  return Refuse(RoundCode::kInvalid, std::move(message));
}

std::string RoundName(uint32_t id) { return "round " + std::to_string(id); }
std::string ProposalName(uint64_t id) { return "proposal " + std::to_string(id); }
std::string FacilityName(FacilityId id) { return "facility " + std::to_string(id.value()); }

bool TextOk(const std::string& s) { return !s.empty() && s.size() <= kMaxText; }

Timestamp PeriodEnd(const OpenCall& c) { return c.period_start + c.days * kNanosPerDay; }

// The call's field that is wrong, or empty.
std::string CheckCall(const OpenCall& c, Timestamp ts) {
  if (c.round == 0 || c.round > kMaxRoundId) {
    return "a round's id is 1 to " + std::to_string(kMaxRoundId);
  }
  if (!TextOk(c.name)) return "a call needs a name (at most 500 bytes)";
  if (c.proposals_from >= c.proposals_until) return "proposals_from must be before proposals_until";
  if (c.proposals_until <= ts) return "the call's window for proposals has passed";
  if (c.period_start < c.proposals_until) {
    return "the period allocated starts after the window for proposals closes";
  }
  if (c.period_start % kNanosPerHour != 0) return "the period starts on the hour";
  if (c.days == 0 || c.days > kMaxRoundDays) {
    return "a round's period is 1 to " + std::to_string(kMaxRoundDays) + " days";
  }
  if (c.facilities.empty() || c.facilities.size() > kMaxRoundFacilities) {
    return "a call offers 1 to " + std::to_string(kMaxRoundFacilities) + " facilities";
  }
  if (std::set<FacilityId>(c.facilities.begin(), c.facilities.end()).size() !=
      c.facilities.size()) {
    return "a call names each facility once";
  }
  if (c.offered_percent == 0 || c.offered_percent > 100) return "offered_percent is 1 to 100";
  if (c.min_hours == 0 || c.min_hours % kShiftHours != 0) {
    return "min_hours is a whole number of 8-hour shifts";
  }
  if (c.reviewers_per_proposal == 0 || c.reviewers_per_proposal > 5) {
    return "reviewers_per_proposal is 1 to 5";
  }
  return {};
}

// The proposal's field that is wrong (against its call), or empty.
std::string CheckProposal(const SubmitProposal& c, const OpenCall& call) {
  if (!TextOk(c.title)) return "a proposal needs a title (at most 500 bytes)";
  if (c.facilities.empty() || c.facilities.size() > kMaxProposalFacilities) {
    return "a proposal names 1 to " + std::to_string(kMaxProposalFacilities) + " facilities";
  }
  for (FacilityId f : c.facilities) {
    if (std::find(call.facilities.begin(), call.facilities.end(), f) == call.facilities.end()) {
      return FacilityName(f) + " is not offered by " + RoundName(call.round);
    }
  }
  if (c.hours == 0 || c.hours % kShiftHours != 0) {
    return "hours are whole 8-hour shifts, not " + std::to_string(c.hours);
  }
  if (c.hours < call.min_hours || c.hours > call.days * 24) {
    return "hours are " + std::to_string(call.min_hours) + " to " + std::to_string(call.days * 24) +
           " in " + RoundName(call.round);
  }
  if (c.windows.size() > kMaxProposalWindows) {
    return "at most " + std::to_string(kMaxProposalWindows) + " windows";
  }
  for (const ProposalWindow& w : c.windows) {
    if (w.from >= w.until || w.from < call.period_start || w.until > PeriodEnd(call)) {
      return "a window runs forward inside the round's period (" + CstTime(call.period_start) +
             " to " + CstTime(PeriodEnd(call)) + ")";
    }
  }
  return {};
}

// round.h's view of a proposal, for conflicts and ranking.
RoundProposal ForReview(const Proposal& p, const programme::Registry& registry) {
  const EnterpriseId applicant = p.request.applicant;
  const ProviderId institution = InstitutionOf(registry, applicant);
  RoundProposal out{
      .id = p.request.id,
      .applicant = kApplicantBit | applicant.value(),
      .institution = institution.is_zero() ? (kFirmBit | applicant.value()) : institution.value(),
      .kind = static_cast<uint32_t>(p.kind),
      .hours = p.request.hours};
  for (FacilityId f : p.request.facilities) out.facilities.push_back(f.value());
  return out;
}

facility::Reviewer ForReview(const RegisterReviewer& r) {
  facility::Reviewer out{.id = r.id, .institution = r.institution.value(), .max_load = r.max_load};
  for (EnterpriseId e : r.related) out.related.push_back(kApplicantBit | e.value());
  for (FacilityKind k : r.kinds) out.kinds.push_back(static_cast<uint32_t>(k));
  return out;
}

// The shift [from, until) of a window, in slots of the round.
SlotWindow ToSlots(const ProposalWindow& w, const OpenCall& call) {
  const Timestamp from = std::max(w.from, call.period_start) - call.period_start;
  const Timestamp until = std::min(w.until, PeriodEnd(call)) - call.period_start;
  return {.from = static_cast<uint32_t>((from + kShift - 1) / kShift),
          .to = static_cast<uint32_t>(until / kShift)};
}

// The facility's shifts the round may place: open, not begun at `ts`, and
// with none of their hours booked already (by people or by another round).
SlotFacility FreeShifts(const Facility& f, const OpenCall& call, const Bookings& bookings,
                        Timestamp ts) {
  SlotFacility all = OpenSlots(f, call.period_start, kShift, call.days * 24 / kShiftHours);
  SlotFacility out{.id = all.id, .capacity = all.capacity};
  for (uint32_t slot : all.open) {
    const Timestamp start = call.period_start + slot * kShift;
    if (start < ts) continue;
    bool free = true;
    for (Timestamp h = start; h < start + kShift && free; h += kNanosPerHour) {
      free = bookings.Taken(f.id, h) == 0;
    }
    if (free) out.open.push_back(slot);
  }
  return out;
}

}  // namespace

OrderId RoundBookingId(uint32_t round, uint64_t n) {
  return OrderId(kRoundBookingBase + (uint64_t{round} << 36) + n);
}

ProviderId InstitutionOf(const programme::Registry& registry, EnterpriseId user) {
  const programme::Enterprise* e = registry.FindEnterprise(user);
  if (e == nullptr) return {};
  const programme::Provider* p = registry.ProviderByCreditCode(e->credit_code);
  return p == nullptr ? ProviderId{} : p->id;
}

const Round* Rounds::FindRound(uint32_t id) const {
  auto it = rounds_.find(id);
  return it == rounds_.end() ? nullptr : &it->second;
}
const Proposal* Rounds::FindProposal(uint64_t id) const {
  auto it = proposals_.find(id);
  return it == proposals_.end() ? nullptr : &it->second;
}
const Expert* Rounds::FindReviewer(uint32_t id) const {
  auto it = reviewers_.find(id);
  return it == reviewers_.end() ? nullptr : &it->second;
}

// --- The call and the proposals -----------------------------------------------------

RoundOutcome Rounds::Apply(const OpenCall& c, const RoundWorld& w, Timestamp ts) {
  if (const Round* old = FindRound(c.round)) {
    return old->call == c ? Refuse(RoundCode::kExists, RoundName(c.round) + " exists")
                          : Refuse(RoundCode::kExistsWithDifferentBody,
                                   RoundName(c.round) + " exists with another call");
  }
  if (std::string bad = CheckCall(c, ts); !bad.empty()) return Invalid(bad);
  for (FacilityId f : c.facilities) {
    if (w.facilities->Find(f) == nullptr) {
      return Refuse(RoundCode::kUnknownFacility, "no " + FacilityName(f));
    }
  }
  undo_.Put(rounds_, uint64_t{c.round}, Round{.call = c, .opened_at = ts});
  return {.message = RoundName(c.round) + " (" + c.name + "): proposals " +
                     CstTime(c.proposals_from) + " to " + CstTime(c.proposals_until)};
}

const Proposal* Rounds::OwesOutputs(EnterpriseId applicant, const Bookings& bookings) const {
  for (const auto& [id, p] : proposals_) {
    if (p.request.applicant != applicant || p.status != ProposalStatus::kAllocated ||
        !p.outputs.empty()) {
      continue;
    }
    for (OrderId b : p.bookings) {
      const Booking* used = bookings.Find(b);
      if (used != nullptr && used->status == BookingStatus::kUsed) return &p;
    }
  }
  return nullptr;
}

RoundOutcome Rounds::Apply(const SubmitProposal& c, const RoundWorld& w, Timestamp ts) {
  if (c.id == 0 || c.id > kMaxProposalId) return Invalid("a proposal's id is 1 to 2^53 - 1");
  if (const Proposal* old = FindProposal(c.id)) {
    return old->request == c ? Refuse(RoundCode::kExists, ProposalName(c.id) + " exists")
                             : Refuse(RoundCode::kExistsWithDifferentBody,
                                      ProposalName(c.id) + " exists with another body");
  }
  const Round* round = FindRound(c.round);
  if (round == nullptr) return Refuse(RoundCode::kUnknownRound, "no " + RoundName(c.round));
  const OpenCall& call = round->call;
  if (round->status != RoundStatus::kOpen || ts < call.proposals_from ||
      ts >= call.proposals_until) {
    return Refuse(RoundCode::kOutsideWindow, RoundName(c.round) + " takes proposals from " +
                                                 CstTime(call.proposals_from) + " to " +
                                                 CstTime(call.proposals_until));
  }
  if (w.registry->FindEnterprise(c.applicant) == nullptr) {
    return Refuse(RoundCode::kUnknownApplicant,
                  "no enterprise or institution " + std::to_string(c.applicant.value()));
  }
  if (std::string bad = CheckProposal(c, call); !bad.empty()) return Invalid(bad);
  const Facility* first = w.facilities->Find(c.facilities.front());
  for (FacilityId f : c.facilities) {
    const Facility* found = w.facilities->Find(f);
    if (found == nullptr) return Refuse(RoundCode::kUnknownFacility, "no " + FacilityName(f));
    if (found->kind != first->kind) return Invalid("a proposal's facilities are of one kind");
  }
  if (call.outputs_required) {
    if (const Proposal* owed = OwesOutputs(c.applicant, *w.bookings)) {
      return Refuse(RoundCode::kOutputsMissing,
                    RoundName(c.round) + " requires outputs: " + ProposalName(owed->request.id) +
                        " (" + RoundName(owed->request.round) +
                        ") was used and has no outputs reported yet");
    }
  }
  undo_.Put(proposals_, c.id, Proposal{.request = c, .kind = first->kind, .submitted_at = ts});
  Round r = *round;
  r.proposals.push_back(c.id);
  undo_.Put(rounds_, uint64_t{c.round}, std::move(r));
  return {.message = ProposalName(c.id) + " submitted to " + RoundName(c.round)};
}

// --- Screening and scores -------------------------------------------------------------

RoundOutcome Rounds::Apply(const ReviewProposal& c, Timestamp /*ts*/) {
  const Proposal* found = FindProposal(c.proposal);
  if (found == nullptr) {
    return Refuse(RoundCode::kUnknownProposal, "no " + ProposalName(c.proposal));
  }
  if (c.reason.size() > kMaxText) return Invalid("a reason is at most 500 bytes");
  Proposal p = *found;
  const std::string name = ProposalName(c.proposal);
  const std::string status(NameOf(kProposalStatusNames, p.status));
  const auto screen = [&](ProposalStatus from, ProposalStatus to) -> RoundOutcome {
    if (p.status != from) {
      return Refuse(RoundCode::kWrongStep, name + " is " + status + ", not " +
                                               std::string(NameOf(kProposalStatusNames, from)));
    }
    if (!c.pass && c.reason.empty()) return Invalid("a failed check needs a reason");
    p.status = c.pass ? to : ProposalStatus::kRejected;
    p.why = c.pass ? "" : c.reason;
    undo_.Put(proposals_, c.proposal, std::move(p));
    return {.message = name + (c.pass ? " passed the " : " failed the ") +
                       std::string(NameOf(kReviewStepNames, c.step))};
  };
  switch (c.step) {
    case ReviewStep::kAdminCheck:
      return screen(ProposalStatus::kSubmitted, ProposalStatus::kChecked);
    case ReviewStep::kFeasibility:
      return screen(ProposalStatus::kChecked, ProposalStatus::kFeasible);
    case ReviewStep::kScore:
      break;
  }
  if (p.status != ProposalStatus::kInReview) {
    return Refuse(RoundCode::kWrongStep, name + " is " + status + ", not in review");
  }
  if (std::find(p.reviewers.begin(), p.reviewers.end(), c.reviewer) == p.reviewers.end()) {
    return Refuse(RoundCode::kNotAssigned,
                  "reviewer " + std::to_string(c.reviewer) + " is not assigned to " + name);
  }
  if (c.score < 1 || c.score > 5) return Invalid("a score is 1 (poor) to 5 (outstanding)");
  for (const Score& s : p.scores) {
    if (s.reviewer != c.reviewer) continue;
    return s.score == c.score ? Refuse(RoundCode::kExists, name + " has this score already")
                              : Refuse(RoundCode::kExistsWithDifferentBody,
                                       "reviewer " + std::to_string(c.reviewer) + " scored " +
                                           name + " " + std::to_string(s.score) + " already");
  }
  p.scores.push_back({.reviewer = c.reviewer, .score = c.score});
  undo_.Put(proposals_, c.proposal, std::move(p));
  return {.message = name + " scored " + std::to_string(c.score) + " by reviewer " +
                     std::to_string(c.reviewer)};
}

RoundOutcome Rounds::Apply(const RegisterReviewer& c, const RoundWorld& w) {
  if (c.id == 0) return Invalid("a reviewer needs an id");
  if (const Expert* old = FindReviewer(c.id)) {
    return old->request == c
               ? Refuse(RoundCode::kExists, "reviewer " + std::to_string(c.id) + " exists")
               : Refuse(RoundCode::kExistsWithDifferentBody,
                        "reviewer " + std::to_string(c.id) + " exists with another record");
  }
  if (!TextOk(c.name)) return Invalid("a reviewer needs a name (at most 500 bytes)");
  if (c.max_load == 0 || c.max_load > 1000) return Invalid("max_load is 1 to 1000 proposals");
  if (c.related.size() > 64 || c.kinds.size() > kFacilityKindNames.size()) {
    return Invalid("at most 64 relations and one entry per facility kind");
  }
  if (w.registry->FindProvider(c.institution) == nullptr) {
    return Refuse(RoundCode::kUnknownInstitution,
                  "no institution (provider) " + std::to_string(c.institution.value()));
  }
  for (EnterpriseId e : c.related) {
    if (w.registry->FindEnterprise(e) == nullptr) {
      return Refuse(RoundCode::kUnknownApplicant,
                    "no enterprise or institution " + std::to_string(e.value()));
    }
  }
  undo_.Put(reviewers_, uint64_t{c.id}, Expert{.request = c});
  return {.message = "reviewer " + std::to_string(c.id) + " (" + c.name + ") registered"};
}

RoundOutcome Rounds::Apply(const ReportOutputs& c, Timestamp ts) {
  const Proposal* found = FindProposal(c.proposal);
  if (found == nullptr) {
    return Refuse(RoundCode::kUnknownProposal, "no " + ProposalName(c.proposal));
  }
  if (found->status != ProposalStatus::kAllocated) {
    return Refuse(RoundCode::kWrongStep,
                  ProposalName(c.proposal) + " has no allocation to report on");
  }
  if (c.outputs.empty() || found->outputs.size() + c.outputs.size() > kMaxOutputs) {
    return Invalid("a report lists 1 or more outputs, at most " + std::to_string(kMaxOutputs) +
                   " in all");
  }
  for (const Output& o : c.outputs) {
    if (!TextOk(o.reference)) {
      return Invalid("an output needs a reference (DOI, patent number, address)");
    }
  }
  Proposal p = *found;
  p.outputs.insert(p.outputs.end(), c.outputs.begin(), c.outputs.end());
  p.outputs_at = ts;
  undo_.Put(proposals_, c.proposal, std::move(p));
  return {.message = ProposalName(c.proposal) + ": " + std::to_string(c.outputs.size()) +
                     " outputs reported"};
}

// --- Closing the round ------------------------------------------------------------------

RoundOutcome Rounds::Assign(const CloseRound& c, const RoundWorld& w, Timestamp ts) {
  const Round* found = FindRound(c.round);
  if (found == nullptr) return Refuse(RoundCode::kUnknownRound, "no " + RoundName(c.round));
  if (found->status != RoundStatus::kOpen) {
    return Refuse(RoundCode::kWrongStep, RoundName(c.round) + " is " +
                                             std::string(NameOf(kRoundStatusNames, found->status)));
  }
  if (ts < found->call.proposals_until) {
    return Refuse(RoundCode::kWrongStep, RoundName(c.round) + " takes proposals until " +
                                             CstTime(found->call.proposals_until));
  }
  std::vector<RoundProposal> feasible;
  for (uint64_t id : found->proposals) {
    const Proposal& p = proposals_.at(id);
    if (p.status == ProposalStatus::kSubmitted || p.status == ProposalStatus::kChecked) {
      return Refuse(RoundCode::kWrongStep, ProposalName(id) + " is not screened yet (" +
                                               std::string(NameOf(kProposalStatusNames, p.status)) +
                                               ")");
    }
    if (p.status == ProposalStatus::kFeasible) feasible.push_back(ForReview(p, *w.registry));
  }
  std::vector<facility::Reviewer> experts;
  for (const auto& [id, r] : reviewers_) experts.push_back(ForReview(r.request));
  Round round = *found;
  for (const RoundProposal& p : feasible) {
    for (const facility::Reviewer& r : experts) {
      round.conflicts_excluded += Conflicted(r, p) ? 1U : 0U;
    }
  }
  const Result<ReviewAssignment> assigned =
      AssignReviewers(feasible, experts, round.call.reviewers_per_proposal);
  if (!assigned.ok()) return Invalid(assigned.status().message());
  for (const ReviewAssignment::Of& of : assigned->proposals) {
    Proposal p = proposals_.at(of.proposal);
    p.status = ProposalStatus::kInReview;
    p.reviewers.assign(of.reviewers.begin(), of.reviewers.end());
    p.why = of.why;
    undo_.Put(proposals_, of.proposal, std::move(p));
  }
  round.status = RoundStatus::kInReview;
  undo_.Put(rounds_, uint64_t{c.round}, std::move(round));
  return {.message =
              RoundName(c.round) + ": " + std::to_string(feasible.size()) + " proposals in review"};
}

Result<RoundPlan> Rounds::Plan(const CloseRound& c, const RoundWorld& w, Timestamp ts,
                               RoundOutcome* refused) const {
  const Round* found = FindRound(c.round);
  if (found == nullptr) {
    *refused = Refuse(RoundCode::kUnknownRound, "no " + RoundName(c.round));
    return RoundPlan{};
  }
  if (found->status != RoundStatus::kInReview) {
    *refused =
        Refuse(RoundCode::kWrongStep,
               RoundName(c.round) + " is " + std::string(NameOf(kRoundStatusNames, found->status)) +
                   ": reviewers are assigned first, and a round is allocated once");
    return RoundPlan{};
  }
  const OpenCall& call = found->call;
  std::vector<RoundProposal> reviewed;
  ReviewAssignment assignment;
  std::vector<ReviewScore> scores;
  std::vector<const Proposal*> by_index;
  for (uint64_t id : found->proposals) {
    const Proposal& p = proposals_.at(id);
    if (p.status != ProposalStatus::kInReview) continue;
    reviewed.push_back(ForReview(p, *w.registry));
    by_index.push_back(&p);
    std::vector<uint64_t> reviewers(p.reviewers.begin(), p.reviewers.end());
    assignment.proposals.push_back({.proposal = id, .reviewers = std::move(reviewers)});
    for (const Score& s : p.scores) {
      scores.push_back({.proposal = id, .reviewer = s.reviewer, .score = s.score});
    }
  }
  BG_ASSIGN_OR_RETURN(const std::vector<Ranked> ranked, Rank(reviewed, assignment, scores));
  // Each facility's offer: the call's share of its free shifts.
  SlotProblem problem{.slot_count = call.days * 24 / kShiftHours};
  std::vector<RoundFacility> offer;
  for (FacilityId id : call.facilities) {
    const Facility& f = *w.facilities->Find(id);
    problem.facilities.push_back(FreeShifts(f, call, *w.bookings, ts));
    const auto shifts = static_cast<uint32_t>(problem.facilities.back().open.size()) * f.capacity;
    offer.push_back({.id = id.value(),
                     .kind = static_cast<uint32_t>(f.kind),
                     .capacity_hours = shifts * call.offered_percent / 100 * kShiftHours});
  }
  BG_ASSIGN_OR_RETURN(const std::vector<Allocation> allocated,
                      Allocate(reviewed, offer, ranked, call.min_hours));
  RoundPlan plan;
  std::map<uint64_t, size_t> plan_of;   // proposal -> index in plan.proposals
  std::map<uint64_t, size_t> owner_of;  // slot request -> index in plan.proposals
  for (const Allocation& a : allocated) {
    plan_of[a.proposal] = plan.proposals.size();
    plan.proposals.push_back(
        {.proposal = a.proposal, .rank = a.rank, .hours = a.total, .why = a.why});
    const Proposal& p = proposals_.at(a.proposal);
    std::vector<SlotWindow> windows;
    for (const ProposalWindow& pw : p.request.windows) windows.push_back(ToSlots(pw, call));
    if (windows.empty()) windows.push_back({.from = 0, .to = problem.slot_count});
    for (const auto& [fid, hours] : a.hours) {
      if (hours < kShiftHours) continue;
      owner_of[problem.requests.size() + 1] = plan.proposals.size() - 1;
      problem.requests.push_back({.id = problem.requests.size() + 1,
                                  .slots = hours / kShiftHours,
                                  .facilities = {fid},
                                  .available = windows,
                                  .rank = a.rank});
    }
  }
  for (const Ranked& r : ranked) {
    if (auto it = plan_of.find(r.proposal); it != plan_of.end()) {
      plan.proposals[it->second].mean_centi = r.mean_centi;
    }
  }
  BG_ASSIGN_OR_RETURN(const SlotPlan placed, Place(problem));
  if (std::string wrong = Violation(problem, placed); !wrong.empty()) {
    return Internal(RoundName(c.round) + ": the placement is invalid: " + wrong);
  }
  uint64_t n = 0;
  for (const Placement& pl : placed.placements) {
    RoundPlan::Of& of = plan.proposals[owner_of.at(pl.request)];
    const Proposal& p = proposals_.at(of.proposal);
    if (!pl.why.empty()) of.why += (of.why.empty() ? "" : "; ") + pl.why;
    for (const SlotTaken& t : pl.bookings) {
      const BookFacility b{.id = RoundBookingId(c.round, ++n),
                           .facility = FacilityId(t.facility),
                           .user = p.request.applicant,
                           .start = call.period_start + t.slot * kShift,
                           .hours = kShiftHours,
                           .actor = c.actor,
                           .round = c.round};
      of.bookings.push_back(b.id);
      plan.bookings.push_back(b);
    }
  }
  return plan;
}

RoundOutcome Rounds::Record(uint32_t round, const RoundPlan& plan) {
  uint32_t hours = 0;
  for (const RoundPlan::Of& of : plan.proposals) {
    Proposal p = proposals_.at(of.proposal);
    p.rank = of.rank;
    p.mean_centi = of.mean_centi;
    p.allocated_hours = static_cast<uint32_t>(of.bookings.size()) * kShiftHours;
    p.bookings = of.bookings;
    p.why = of.why;
    p.status = of.bookings.empty() ? ProposalStatus::kNotAllocated : ProposalStatus::kAllocated;
    hours += p.allocated_hours;
    undo_.Put(proposals_, of.proposal, std::move(p));
  }
  Round r = rounds_.at(round);
  r.status = RoundStatus::kAllocated;
  undo_.Put(rounds_, uint64_t{round}, std::move(r));
  return {.message = RoundName(round) + ": " + std::to_string(hours) + " hours in " +
                     std::to_string(plan.bookings.size()) + " shifts to " +
                     std::to_string(plan.proposals.size()) + " reviewed proposals"};
}

}  // namespace bg::facility
