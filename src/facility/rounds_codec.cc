// The wire forms of the round commands (journal tags 52-58, state/command.cc)
// and of the rounds' records in snapshots.
#include <algorithm>

#include "common/wire.h"
#include "facility/rounds.h"

namespace bg::facility {
namespace {

void PutWindow(Writer& w, const ProposalWindow& x) {
  w.U64(x.from);
  w.U64(x.until);
}
bool GetWindow(Reader& r, ProposalWindow* x) { return r.U64(&x->from) && r.U64(&x->until); }

void PutOutput(Writer& w, const Output& x) {
  wire::PutEnum(w, x.kind);
  w.Str(x.reference);
}
bool GetOutput(Reader& r, Output* x) {
  return wire::GetEnum(r, &x->kind, OutputKind::kReport) && r.Str(&x->reference);
}

void PutScore(Writer& w, const Score& x) {
  w.U32(x.reviewer);
  w.U32(x.score);
}
bool GetScore(Reader& r, Score* x) { return r.U32(&x->reviewer) && r.U32(&x->score); }

void PutU32(Writer& w, uint32_t x) { w.U32(x); }
bool GetU32(Reader& r, uint32_t* x) { return r.U32(x); }
void PutU64(Writer& w, uint64_t x) { w.U64(x); }
bool GetU64(Reader& r, uint64_t* x) { return r.U64(x); }

template <typename Id>
void PutIds(Writer& w, const std::vector<Id>& ids) {
  wire::PutVector(w, ids, [](Writer& o, Id id) { wire::PutId(o, id); });
}
template <typename Id>
bool GetIds(Reader& r, std::vector<Id>* ids) {
  return wire::GetVector(r, ids, [](Reader& i, Id* id) { return wire::GetId(i, id); });
}

}  // namespace

void EncodeOpenCall(Writer& w, const OpenCall& c) {
  w.U32(c.round);
  w.Str(c.name);
  w.U64(c.proposals_from);
  w.U64(c.proposals_until);
  w.U64(c.period_start);
  w.U32(c.days);
  PutIds(w, c.facilities);
  w.U32(c.offered_percent);
  w.U32(c.min_hours);
  w.U32(c.reviewers_per_proposal);
  w.U8(c.outputs_required ? 1 : 0);
  w.Str(c.actor);
}

bool DecodeOpenCall(Reader& r, OpenCall* c) {
  return r.U32(&c->round) && r.Str(&c->name) && r.U64(&c->proposals_from) &&
         r.U64(&c->proposals_until) && r.U64(&c->period_start) && r.U32(&c->days) &&
         GetIds(r, &c->facilities) && r.U32(&c->offered_percent) && r.U32(&c->min_hours) &&
         r.U32(&c->reviewers_per_proposal) && wire::GetBool(r, &c->outputs_required) &&
         r.Str(&c->actor);
}

void EncodeSubmitProposal(Writer& w, const SubmitProposal& c) {
  w.U64(c.id);
  w.U32(c.round);
  wire::PutId(w, c.applicant);
  w.Str(c.title);
  PutIds(w, c.facilities);
  w.U32(c.hours);
  wire::PutVector(w, c.windows, PutWindow);
  w.Str(c.actor);
}

bool DecodeSubmitProposal(Reader& r, SubmitProposal* c) {
  return r.U64(&c->id) && r.U32(&c->round) && wire::GetId(r, &c->applicant) && r.Str(&c->title) &&
         GetIds(r, &c->facilities) && r.U32(&c->hours) &&
         wire::GetVector(r, &c->windows, GetWindow) && r.Str(&c->actor);
}

void EncodeReviewProposal(Writer& w, const ReviewProposal& c) {
  w.U64(c.proposal);
  wire::PutEnum(w, c.step);
  w.U8(c.pass ? 1 : 0);
  w.U32(c.reviewer);
  w.U32(c.score);
  w.Str(c.reason);
  w.Str(c.actor);
}

bool DecodeReviewProposal(Reader& r, ReviewProposal* c) {
  return r.U64(&c->proposal) && wire::GetEnum(r, &c->step, ReviewStep::kScore) &&
         wire::GetBool(r, &c->pass) && r.U32(&c->reviewer) && r.U32(&c->score) &&
         r.Str(&c->reason) && r.Str(&c->actor);
}

void EncodeRegisterReviewer(Writer& w, const RegisterReviewer& c) {
  w.U32(c.id);
  w.Str(c.name);
  wire::PutId(w, c.institution);
  PutIds(w, c.related);
  wire::PutVector(w, c.kinds, [](Writer& o, FacilityKind k) { wire::PutEnum(o, k); });
  w.U32(c.max_load);
}

bool DecodeRegisterReviewer(Reader& r, RegisterReviewer* c) {
  return r.U32(&c->id) && r.Str(&c->name) && wire::GetId(r, &c->institution) &&
         GetIds(r, &c->related) &&
         wire::GetVector(r, &c->kinds,
                         [](Reader& i, FacilityKind* k) {
                           return wire::GetEnum(i, k, FacilityKind::kTestLab);
                         }) &&
         r.U32(&c->max_load);
}

void EncodeCloseRound(Writer& w, const CloseRound& c) {
  w.U32(c.round);
  wire::PutEnum(w, c.step);
  w.Str(c.actor);
}

bool DecodeCloseRound(Reader& r, CloseRound* c) {
  return r.U32(&c->round) && wire::GetEnum(r, &c->step, RoundStep::kAllocate) && r.Str(&c->actor);
}

void EncodeReportOutputs(Writer& w, const ReportOutputs& c) {
  w.U64(c.proposal);
  wire::PutVector(w, c.outputs, PutOutput);
  w.Str(c.actor);
}

bool DecodeReportOutputs(Reader& r, ReportOutputs* c) {
  return r.U64(&c->proposal) && wire::GetVector(r, &c->outputs, GetOutput) && r.Str(&c->actor);
}

void EncodeRecordTraining(Writer& w, const RecordTraining& c) {
  w.U64(c.id);
  wire::PutId(w, c.user);
  w.Str(c.training);
  wire::PutId(w, c.by);
  w.U64(c.valid_until);
  w.Str(c.actor);
}

bool DecodeRecordTraining(Reader& r, RecordTraining* c) {
  return r.U64(&c->id) && wire::GetId(r, &c->user) && r.Str(&c->training) &&
         wire::GetId(r, &c->by) && r.U64(&c->valid_until) && r.Str(&c->actor);
}

// --- Snapshots ------------------------------------------------------------------------

void Rounds::Encode(Writer& w) const {
  w.U32(static_cast<uint32_t>(reviewers_.size()));
  for (const auto& [id, r] : reviewers_) EncodeRegisterReviewer(w, r.request);
  w.U32(static_cast<uint32_t>(rounds_.size()));
  for (const auto& [id, r] : rounds_) {
    EncodeOpenCall(w, r.call);
    wire::PutEnum(w, r.status);
    w.U64(r.opened_at);
    wire::PutVector(w, r.proposals, PutU64);
    w.U32(r.conflicts_excluded);
  }
  w.U32(static_cast<uint32_t>(proposals_.size()));
  for (const auto& [id, p] : proposals_) {
    EncodeSubmitProposal(w, p.request);
    wire::PutEnum(w, p.status);
    wire::PutEnum(w, p.kind);
    w.U64(p.submitted_at);
    w.Str(p.why);
    wire::PutVector(w, p.reviewers, PutU32);
    wire::PutVector(w, p.scores, PutScore);
    w.U32(p.rank);
    w.U32(p.mean_centi);
    w.U32(p.allocated_hours);
    PutIds(w, p.bookings);
    wire::PutVector(w, p.outputs, PutOutput);
    w.U64(p.outputs_at);
  }
  w.U32(static_cast<uint32_t>(trainings_.size()));
  for (const auto& [id, t] : trainings_) {
    EncodeRecordTraining(w, t.request);
    w.U64(t.recorded_at);
  }
}

bool Rounds::Decode(Reader& r, Rounds* out) {
  Rounds built;
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Expert v;
    if (!DecodeRegisterReviewer(r, &v.request)) return false;
    built.reviewers_.emplace(v.request.id, std::move(v));
  }
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Round x;
    if (!(DecodeOpenCall(r, &x.call) && wire::GetEnum(r, &x.status, RoundStatus::kAllocated) &&
          r.U64(&x.opened_at) && wire::GetVector(r, &x.proposals, GetU64) &&
          r.U32(&x.conflicts_excluded))) {
      return false;
    }
    built.rounds_.emplace(x.call.round, std::move(x));
  }
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Proposal p;
    if (!(DecodeSubmitProposal(r, &p.request) &&
          wire::GetEnum(r, &p.status, ProposalStatus::kRejected) &&
          wire::GetEnum(r, &p.kind, FacilityKind::kTestLab) && r.U64(&p.submitted_at) &&
          r.Str(&p.why) && wire::GetVector(r, &p.reviewers, GetU32) &&
          wire::GetVector(r, &p.scores, GetScore) && r.U32(&p.rank) && r.U32(&p.mean_centi) &&
          r.U32(&p.allocated_hours) && GetIds(r, &p.bookings) &&
          wire::GetVector(r, &p.outputs, GetOutput) && r.U64(&p.outputs_at))) {
      return false;
    }
    built.proposals_.emplace(p.request.id, std::move(p));
  }
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    Training t;
    if (!(DecodeRecordTraining(r, &t.request) && r.U64(&t.recorded_at))) return false;
    Timestamp& until = built.trained_until_[TrainingKey{t.request.user, t.request.training}];
    until = std::max(until, t.request.valid_until);
    built.trainings_.emplace(t.request.id, std::move(t));
  }
  *out = std::move(built);
  return true;
}

}  // namespace bg::facility
