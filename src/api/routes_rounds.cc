// Proposal rounds for scarce facilities (issue 19, facility/rounds.h): the
// user office (admin) opens a call, screens, assigns reviewers, enters
// their scores and allocates; an applicant (enterprise) submits proposals
// and reports outputs; a facility's institution (provider) judges
// feasibility and sees the proposals on its facilities.
//
// A proposal the caller may not read is answered as one that does not
// exist (404). Reviewers' names and single scores are the user office's
// and the auditor's: an applicant sees its mean score and rank, as user
// offices publish them.
#include <algorithm>

#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "facility/rounds.h"

namespace bg::api {
namespace {

using facility::Proposal;
using facility::Round;

std::string FacilityNameOf(const state::State& s, FacilityId id) {
  const facility::Facility* f = s.facilities().Find(id);
  return f == nullptr ? "" : f->name;
}

// A facility as a round or proposal names it: id, name (Chinese first) and
// its English name for the console's switch.
Json FacilityRef(const state::State& s, FacilityId id) {
  const facility::Facility* f = s.facilities().Find(id);
  return {{"id", id.value()},
          {"name", f == nullptr ? "" : f->name},
          {"name_en", f == nullptr ? "" : f->name_en},
          {"kind", f == nullptr ? "" : facility::FacilityKindName(f->kind)}};
}

// Whether the caller may see the proposal: its applicant, an institution
// owning one of its facilities, a reviewer assigned to it (an expert token:
// the assignment already stepped around conflicts of interest), admin or
// auditor.
bool MayRead(const Call& c, const state::State& s, const Proposal& p) {
  switch (c.who.role) {
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
    case Role::kEnterprise:
      return p.request.applicant.value() == c.who.scope;
    case Role::kProvider:
      for (FacilityId id : p.request.facilities) {
        const facility::Facility* f = s.facilities().Find(id);
        if (f != nullptr && f->institution.value() == c.who.scope) return true;
      }
      return false;
    case Role::kExpert:
      return std::find(p.reviewers.begin(), p.reviewers.end(), c.who.scope) != p.reviewers.end();
    case Role::kOperator:
      return false;
  }
  return false;
}

// "4.50", or null before any score.
Json MeanScore(const Proposal& p) {
  if (p.scores.empty()) return nullptr;
  uint32_t sum = 0;
  for (const facility::Score& s : p.scores) sum += s.score;
  const uint32_t centi = sum * 100 / static_cast<uint32_t>(p.scores.size());
  const std::string frac = std::to_string(100 + centi % 100).substr(1);
  return std::to_string(centi / 100) + "." + frac;
}

Json ProposalJson(const Call& c, const state::State& s, const Proposal& p) {
  const programme::Enterprise* who = s.registry().FindEnterprise(p.request.applicant);
  const Round* round = s.rounds().FindRound(p.request.round);
  Json facilities = Json::array();
  for (FacilityId id : p.request.facilities) facilities.push_back(FacilityRef(s, id));
  Json windows = Json::array();
  for (const facility::ProposalWindow& w : p.request.windows) {
    windows.push_back({{"from", TimeJson(w.from)}, {"until", TimeJson(w.until)}});
  }
  Json shifts = Json::array();
  for (OrderId id : p.bookings) {
    const facility::Booking* b = s.bookings().Find(id);
    if (b == nullptr) continue;
    shifts.push_back({{"booking", id.value()},
                      {"facility", b->request.facility.value()},
                      {"facility_name", FacilityNameOf(s, b->request.facility)},
                      {"start", TimeJson(b->request.start)},
                      {"hours", b->request.hours},
                      {"status", NameOf(facility::kBookingStatusNames, b->status)}});
  }
  Json outputs = Json::array();
  for (const facility::Output& o : p.outputs) {
    outputs.push_back(
        {{"kind", NameOf(facility::kOutputKindNames, o.kind)}, {"reference", o.reference}});
  }
  Json out = {{"id", p.request.id},
              {"round", p.request.round},
              {"round_name", round == nullptr ? "" : round->call.name},
              {"applicant", p.request.applicant.value()},
              {"applicant_name", who == nullptr ? "" : who->name},
              {"title", p.request.title},
              {"kind", facility::FacilityKindName(p.kind)},
              {"facilities", facilities},
              {"hours", p.request.hours},
              {"windows", windows},
              {"status", NameOf(facility::kProposalStatusNames, p.status)},
              {"why", p.why},
              {"submitted_at", TimeJson(p.submitted_at)},
              {"reviews", p.scores.size()},
              {"mean_score", MeanScore(p)},
              {"rank", p.status == facility::ProposalStatus::kAllocated ||
                               p.status == facility::ProposalStatus::kNotAllocated
                           ? Json(p.rank + 1)
                           : Json(nullptr)},
              {"allocated_hours", p.allocated_hours},
              {"shifts", shifts},
              {"outputs", outputs},
              {"outputs_at", TimeJson(p.outputs_at)}};
  if (Is(c, {Role::kAdmin, Role::kAuditor})) {
    Json reviewers = Json::array();
    for (uint32_t id : p.reviewers) {
      const facility::Expert* e = s.rounds().FindReviewer(id);
      Json score = nullptr;
      for (const facility::Score& sc : p.scores) {
        if (sc.reviewer == id) score = sc.score;
      }
      reviewers.push_back(
          {{"id", id}, {"name", e == nullptr ? "" : e->request.name}, {"score", score}});
    }
    out["reviewers"] = reviewers;
  }
  if (c.who.role == Role::kExpert) {
    // A reviewer sees its own score, never the others'.
    Json mine = nullptr;
    for (const facility::Score& sc : p.scores) {
      if (sc.reviewer == c.who.scope) mine = sc.score;
    }
    out["my_score"] = mine;
  }
  return out;
}

Json RoundJson(const state::State& s, const Round& r) {
  const facility::OpenCall& call = r.call;
  Json facilities = Json::array();
  for (FacilityId id : call.facilities) facilities.push_back(FacilityRef(s, id));
  return {{"id", call.round},
          {"name", call.name},
          {"status", NameOf(facility::kRoundStatusNames, r.status)},
          {"proposals_from", TimeJson(call.proposals_from)},
          {"proposals_until", TimeJson(call.proposals_until)},
          {"period_start", TimeJson(call.period_start)},
          {"period_end", TimeJson(call.period_start + call.days * kNanosPerDay)},
          {"days", call.days},
          {"shift_hours", facility::kShiftHours},
          {"facilities", facilities},
          {"offered_percent", call.offered_percent},
          {"min_hours", call.min_hours},
          {"reviewers_per_proposal", call.reviewers_per_proposal},
          {"outputs_required", call.outputs_required},
          {"proposals", r.proposals.size()},
          {"conflicts_excluded", r.conflicts_excluded},
          {"opened_by", call.actor},
          {"opened_at", TimeJson(r.opened_at)}};
}

Json ReviewerJson(const state::State& s, const facility::Expert& e) {
  const programme::Provider* inst = s.registry().FindProvider(e.request.institution);
  Json related = Json::array();
  for (EnterpriseId id : e.request.related) {
    const programme::Enterprise* who = s.registry().FindEnterprise(id);
    related.push_back({{"id", id.value()}, {"name", who == nullptr ? "" : who->name}});
  }
  Json kinds = Json::array();
  for (facility::FacilityKind k : e.request.kinds) kinds.push_back(facility::FacilityKindName(k));
  return {{"id", e.request.id},
          {"name", e.request.name},
          {"institution", e.request.institution.value()},
          {"institution_name", inst == nullptr ? "" : inst->name},
          {"related", related},
          {"kinds", kinds},
          {"max_load", e.request.max_load}};
}

// A refusal's code on the wire: a field out of range is the caller's 400.
std::string CodeOf(facility::RoundCode code) {
  return code == facility::RoundCode::kInvalid
             ? "invalid_field"
             : std::string(NameOf(facility::kRoundCodeNames, code));
}

// The answer to a round command: what `view` shows of the state it left.
template <typename View>
Then RoundReply(const Call& c, int created, View view) {
  return [&c, created, view](const state::State& s, const state::CommandResult& r) {
    const auto& out = std::get<facility::RoundOutcome>(r);
    if (!out.ok()) return Fail(c, CodeOf(out.code), out.message);
    Json body = view(s);
    body["message"] = out.message;
    return Reply(body, out.code == facility::RoundCode::kExists ? 200 : created);
  };
}

Then ProposalReply(const Call& c, uint64_t id, int created) {
  return RoundReply(c, created, [&c, id](const state::State& s) {
    const Proposal* p = s.rounds().FindProposal(id);
    return p == nullptr ? Json::object() : ProposalJson(c, s, *p);
  });
}

Then RoundStateReply(const Call& c, uint32_t id, int created) {
  return RoundReply(c, created, [id](const state::State& s) {
    const Round* r = s.rounds().FindRound(id);
    return r == nullptr ? Json::object() : RoundJson(s, *r);
  });
}

std::optional<std::vector<FacilityId>> FacilityIds(Fields& f, const char* name, size_t max) {
  const auto ids = f.Ids(name, true, max);
  if (!ids) return std::nullopt;
  std::vector<FacilityId> out;
  for (uint64_t id : *ids) out.emplace_back(id);
  return out;
}

// windows: [{"from": "2026-04-01", "until": "2026-04-15"}].
std::vector<facility::ProposalWindow> ReadWindows(Fields& f) {
  std::vector<facility::ProposalWindow> out;
  const Json* list = f.Raw("windows", false);
  if (list == nullptr) return out;
  if (!list->is_array() || list->size() > facility::kMaxProposalWindows) {
    f.Refuse("invalid_field", "'windows' must be an array of at most 8 {from, until}");
    return out;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    Fields w((*list)[i], "windows[" + std::to_string(i) + "].");
    const auto from = w.Time("from", true);
    const auto until = w.Time("until", true);
    if (!w.Done()) {
      f.Refuse(w.code(), w.detail());
      return out;
    }
    out.push_back({.from = *from, .until = *until});
  }
  return out;
}

// outputs: [{"kind": "paper", "reference": "doi:10.1000/x"}].
std::vector<facility::Output> ReadOutputs(Fields& f) {
  std::vector<facility::Output> out;
  const Json* list = f.Raw("outputs", true);
  if (list == nullptr) return out;
  if (!list->is_array() || list->empty() || list->size() > facility::kMaxOutputs) {
    f.Refuse("invalid_field", "'outputs' must be an array of 1 to 32 {kind, reference}");
    return out;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    Fields o((*list)[i], "outputs[" + std::to_string(i) + "].");
    const auto kind = o.Str("kind", true, 20);
    const auto reference = o.Str("reference", true, 500);
    if (!o.Done()) {
      f.Refuse(o.code(), o.detail());
      return out;
    }
    const auto k = FromName(facility::kOutputKindNames, *kind);
    if (!k) {
      f.Refuse("invalid_field", "'outputs[" + std::to_string(i) + "].kind' is one of " +
                                    AllowedNames(facility::kOutputKindNames));
      return out;
    }
    out.push_back({.kind = *k, .reference = *reference});
  }
  return out;
}

HttpResponse BadProposalId(const Call& c) {
  return Fail(c, "invalid_field", "the proposal id must be a positive number");
}

std::string Actor(const Call& c) { return RoleName(c.who.role) + std::string(" token"); }

// The proposal the path names, if the caller may see it; else a 404 (or
// 400 for a malformed id) in *fail.
std::optional<uint64_t> VisibleProposal(engine::Engine& engine, Call& c, HttpResponse* fail) {
  const auto id = PathId(c, "id");
  if (!id) {
    *fail = BadProposalId(c);
    return std::nullopt;
  }
  const bool seen = Look(engine, c, [&](const state::State& s) {
    const Proposal* p = s.rounds().FindProposal(*id);
    return p != nullptr && MayRead(c, s, *p);
  });
  if (!seen) {
    *fail = Fail(c, "unknown_proposal", "no proposal " + std::to_string(*id));
    return std::nullopt;
  }
  return id;
}

}  // namespace

// --- Rounds -----------------------------------------------------------------------------

Answer Service::ListRounds(Call& c) {
  HttpResponse fail;
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.rounds().rounds(), [](const Round&) { return true; },
        [&](const Round& r) { return RoundJson(s, r); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

Answer Service::GetRound(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the round id must be a positive number");
  return Look(*engine_, c, [&](const state::State& s) {
    const Round* r =
        *id > facility::kMaxRoundId ? nullptr : s.rounds().FindRound(static_cast<uint32_t>(*id));
    if (r == nullptr) return Fail(c, "unknown_round", "no round " + std::to_string(*id));
    Json body = RoundJson(s, *r);
    Json items = Json::array();
    for (uint64_t pid : r->proposals) {
      const Proposal& p = *s.rounds().FindProposal(pid);
      if (MayRead(c, s, p)) items.push_back(ProposalJson(c, s, p));
    }
    body["items"] = items;
    return Reply(body);
  });
}

Answer Service::OpenCall(Call& c) {
  Fields f(c.body);
  const auto id = f.U64("id", true, facility::kMaxRoundId);
  const auto name = f.Str("name", true, 500);
  const auto from = f.Time("proposals_from", true);
  const auto until = f.Time("proposals_until", true);
  const auto start = f.Time("period_start", true);
  const auto days = f.U64("days", true, facility::kMaxRoundDays);
  const auto facilities = FacilityIds(f, "facilities", facility::kMaxRoundFacilities);
  const auto offered = f.U64("offered_percent", false, 100);
  const auto min_hours = f.U64("min_hours", false, uint64_t{facility::kMaxRoundDays} * 24);
  const auto per = f.U64("reviewers_per_proposal", false, 5);
  const auto outputs = f.Bool("outputs_required", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "open a call");
  const auto round = static_cast<uint32_t>(*id);
  return Answer(facility::OpenCall{.round = round,
                                   .name = *name,
                                   .proposals_from = *from,
                                   .proposals_until = *until,
                                   .period_start = *start,
                                   .days = static_cast<uint32_t>(*days),
                                   .facilities = *facilities,
                                   .offered_percent = static_cast<uint32_t>(offered.value_or(100)),
                                   .min_hours = static_cast<uint32_t>(
                                       min_hours.value_or(facility::kShiftHours)),
                                   .reviewers_per_proposal = static_cast<uint32_t>(per.value_or(2)),
                                   .outputs_required = outputs.value_or(false),
                                   .actor = Actor(c)},
                RoundStateReply(c, round, 201));
}

Answer Service::AssignRound(Call& c) { return CloseRoundStep(c, facility::RoundStep::kAssign); }
Answer Service::AllocateRound(Call& c) { return CloseRoundStep(c, facility::RoundStep::kAllocate); }

Answer Service::CloseRoundStep(Call& c, facility::RoundStep step) {
  const auto id = PathId(c, "id");
  if (!id || *id > facility::kMaxRoundId) {
    return Fail(c, "invalid_field", "the round id is 1 to 65535");
  }
  Fields f(c.body);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!Is(c, {Role::kAdmin})) {
    return Forbidden(c, std::string(NameOf(facility::kRoundStepNames, step)) + " a round");
  }
  const auto round = static_cast<uint32_t>(*id);
  return Answer(facility::CloseRound{.round = round, .step = step, .actor = Actor(c)},
                RoundStateReply(c, round, 200));
}

// --- Proposals ----------------------------------------------------------------------------

Answer Service::SubmitProposal(Call& c) {
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto round = f.U64("round", true, facility::kMaxRoundId);
  const auto applicant = f.Id("applicant", false);
  const auto title = f.Str("title", true, 500);
  const auto facilities = FacilityIds(f, "facilities", facility::kMaxProposalFacilities);
  const auto hours = f.U64("hours", true, uint64_t{facility::kMaxRoundDays} * 24);
  const auto windows = ReadWindows(f);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  uint64_t who = 0;
  if (c.who.role == Role::kEnterprise) {
    if (applicant && *applicant != c.who.scope) {
      return Forbidden(c, "submit a proposal for another enterprise");
    }
    who = c.who.scope;
  } else if (c.who.role == Role::kAdmin) {
    if (!applicant) return Fail(c, "missing_field", "'applicant': whose proposal it is");
    who = *applicant;
  } else {
    return Forbidden(c, "submit a proposal");
  }
  return Answer(facility::SubmitProposal{.id = *id,
                                         .round = static_cast<uint32_t>(*round),
                                         .applicant = EnterpriseId(who),
                                         .title = *title,
                                         .facilities = *facilities,
                                         .hours = static_cast<uint32_t>(*hours),
                                         .windows = windows,
                                         .actor = Actor(c)},
                ProposalReply(c, *id, 201));
}

Answer Service::GetProposal(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return BadProposalId(c);
  return Look(*engine_, c, [&](const state::State& s) {
    const Proposal* p = s.rounds().FindProposal(*id);
    if (p == nullptr || !MayRead(c, s, *p)) {
      return Fail(c, "unknown_proposal", "no proposal " + std::to_string(*id));
    }
    return Reply(ProposalJson(c, s, *p));
  });
}

// ?round=, ?applicant= and ?status= narrow the list to what the caller may read.
Answer Service::ListProposals(Call& c) {
  HttpResponse fail;
  std::optional<uint64_t> round;
  std::optional<uint64_t> applicant;
  std::optional<std::vector<facility::ProposalStatus>> statuses;
  if (!QueryIdParam(c, "round", &round, &fail) ||
      !QueryIdParam(c, "applicant", &applicant, &fail) ||
      !QueryChoices(c, "status", facility::kProposalStatusNames, &statuses, &fail)) {
    return fail;
  }
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.rounds().proposals(),
        [&](const Proposal& p) {
          if (!MayRead(c, s, p)) return false;
          if (round && p.request.round != *round) return false;
          if (applicant && p.request.applicant.value() != *applicant) return false;
          return !statuses ||
                 std::find(statuses->begin(), statuses->end(), p.status) != statuses->end();
        },
        [&](const Proposal& p) { return ProposalJson(c, s, p); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

// Admin checks and judges feasibility; a facility's institution judges
// the feasibility of proposals on its facilities.
Answer Service::ScreenProposal(Call& c) {
  if (!PathId(c, "id")) return BadProposalId(c);
  Fields f(c.body);
  const auto step = f.Str("step", true, 20);
  const auto pass = f.Bool("pass", true);
  const auto reason = f.Str("reason", false, 500);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const auto which = FromName(facility::kReviewStepNames, *step);
  if (!which || *which == facility::ReviewStep::kScore) {
    return Fail(c, "invalid_field", "'step' is admin_check or feasibility");
  }
  const bool may = Is(c, {Role::kAdmin}) ||
                   (c.who.role == Role::kProvider && *which == facility::ReviewStep::kFeasibility);
  if (!Is(c, {Role::kAdmin, Role::kProvider})) return Forbidden(c, "screen a proposal");
  HttpResponse fail;
  const auto id = VisibleProposal(*engine_, c, &fail);
  if (!id) return fail;
  if (!may) return Forbidden(c, "take the admin check (the user office does)");
  return Answer(facility::ReviewProposal{.proposal = *id,
                                         .step = *which,
                                         .pass = *pass,
                                         .reason = reason.value_or(""),
                                         .actor = Actor(c)},
                ProposalReply(c, *id, 200));
}

Answer Service::ScoreProposal(Call& c) {
  if (!PathId(c, "id")) return BadProposalId(c);
  Fields f(c.body);
  const auto reviewer = f.U64("reviewer", false, UINT32_MAX);
  const auto score = f.U64("score", true, 5);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!Is(c, {Role::kAdmin, Role::kExpert})) return Forbidden(c, "enter a reviewer's score");
  uint64_t who = reviewer.value_or(0);
  if (c.who.role == Role::kExpert) {
    // An expert scores as itself.
    if (reviewer && *reviewer != c.who.scope) return Forbidden(c, "score as another reviewer");
    who = c.who.scope;
  } else if (!reviewer) {
    return Fail(c, "missing_field", "'reviewer': whose score the user office enters");
  }
  HttpResponse fail;
  const auto id = VisibleProposal(*engine_, c, &fail);
  if (!id) return fail;
  return Answer(facility::ReviewProposal{.proposal = *id,
                                         .step = facility::ReviewStep::kScore,
                                         .reviewer = static_cast<uint32_t>(who),
                                         .score = static_cast<uint32_t>(*score),
                                         .actor = Actor(c)},
                ProposalReply(c, *id, 200));
}

Answer Service::ReportOutputs(Call& c) {
  if (!PathId(c, "id")) return BadProposalId(c);
  Fields f(c.body);
  const auto outputs = ReadOutputs(f);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!Is(c, {Role::kAdmin, Role::kEnterprise})) return Forbidden(c, "report outputs");
  HttpResponse fail;
  const auto id = VisibleProposal(*engine_, c, &fail);
  if (!id) return fail;
  return Answer(facility::ReportOutputs{.proposal = *id, .outputs = outputs, .actor = Actor(c)},
                ProposalReply(c, *id, 200));
}

// --- Reviewers ----------------------------------------------------------------------------

Answer Service::RegisterReviewer(Call& c) {
  Fields f(c.body);
  const auto id = f.U64("id", true, UINT32_MAX);
  const auto name = f.Str("name", true, 500);
  const auto institution = f.Id("institution");
  const auto related = f.Ids("related", false, 64);
  const auto kinds = f.Strs("kinds", false, facility::kFacilityKindNames.size());
  const auto max_load = f.U64("max_load", false, 1000);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "register a reviewer");
  facility::RegisterReviewer r{.id = static_cast<uint32_t>(*id),
                               .name = *name,
                               .institution = ProviderId(*institution),
                               .max_load = static_cast<uint32_t>(max_load.value_or(10))};
  for (uint64_t e : related.value_or(std::vector<uint64_t>{})) r.related.emplace_back(e);
  for (const std::string& k : kinds.value_or(std::vector<std::string>{})) {
    const auto kind = facility::FacilityKindFromName(k);
    if (!kind) {
      return Fail(c, "invalid_field",
                  "'kinds': " + k + " is none of " + AllowedNames(facility::kFacilityKindNames));
    }
    r.kinds.push_back(*kind);
  }
  const uint32_t rid = r.id;
  return Answer(std::move(r), RoundReply(c, 201, [rid](const state::State& s) {
                  const facility::Expert* e = s.rounds().FindReviewer(rid);
                  return e == nullptr ? Json::object() : ReviewerJson(s, *e);
                }));
}

Answer Service::ListReviewers(Call& c) {
  // Who reviews, and their declared relations, are the user office's.
  if (!Is(c, {Role::kAdmin, Role::kAuditor})) return Forbidden(c, "list reviewers");
  HttpResponse fail;
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.rounds().reviewers(), [](const facility::Expert&) { return true; },
        [&](const facility::Expert& e) { return ReviewerJson(s, e); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

// --- Safety training ----------------------------------------------------------------------

namespace {

Json TrainingJson(const state::State& s, const facility::Training& t) {
  const programme::Enterprise* user = s.registry().FindEnterprise(t.request.user);
  const programme::Provider* by = s.registry().FindProvider(t.request.by);
  return {{"id", t.request.id},
          {"user", t.request.user.value()},
          {"user_name", user == nullptr ? "" : user->name},
          {"training", t.request.training},
          {"by", t.request.by.value()},
          {"by_name", by == nullptr ? "" : by->name},
          {"valid_until", TimeJson(t.request.valid_until)},
          {"recorded_at", TimeJson(t.recorded_at)}};
}

// Who sees a record: the user, the institution that gave it, and the
// platform's admin and auditor.
bool SeesTraining(const Call& c, const facility::Training& t) {
  switch (c.who.role) {
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
    case Role::kEnterprise:
      return t.request.user.value() == c.who.scope;
    case Role::kProvider:
      return t.request.by.value() == c.who.scope;
    case Role::kOperator:
    case Role::kExpert:
      return false;
  }
  return false;
}

}  // namespace

Answer Service::RecordTraining(Call& c) {
  Fields f(c.body);
  const auto id = f.U64("id", true, (uint64_t{1} << 53) - 1);
  const auto user = f.Id("user");
  const auto training = f.Str("training", true, 200);
  const auto by = f.Id("by", false);
  const auto until = f.Time("valid_until", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!Is(c, {Role::kAdmin, Role::kProvider})) return Forbidden(c, "record a safety training");
  uint64_t institution = by.value_or(0);
  if (c.who.role == Role::kProvider) {
    // An institution attests its own courses only.
    if (by && *by != c.who.scope) return Forbidden(c, "record another institution's training");
    institution = c.who.scope;
  } else if (!by) {
    return Fail(c, "missing_field", "'by': the institution whose facility requires the training");
  }
  const uint64_t rid = *id;
  return Answer(facility::RecordTraining{.id = rid,
                                         .user = EnterpriseId(*user),
                                         .training = *training,
                                         .by = ProviderId(institution),
                                         .valid_until = *until,
                                         .actor = Actor(c)},
                RoundReply(c, 201, [rid](const state::State& s) {
                  const auto& all = s.rounds().trainings();
                  const auto it = all.find(rid);
                  return it == all.end() ? Json::object() : TrainingJson(s, it->second);
                }));
}

Answer Service::ListTrainings(Call& c) {
  bool bad = false;
  const std::optional<uint64_t> user = QueryId(c, "user", &bad);
  if (bad) return Fail(c, "invalid_field", "user must be an enterprise id");
  HttpResponse fail;
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.rounds().trainings(),
        [&](const facility::Training& t) {
          return SeesTraining(c, t) && (!user || t.request.user.value() == *user);
        },
        [&](const facility::Training& t) { return TrainingJson(s, t); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

}  // namespace bg::api
