#include "scheduler/job.h"

#include <limits>
#include <optional>

#include "common/check.h"
#include "common/wire.h"

namespace bg::scheduler {
namespace {

using namespace wire;  // NOLINT(google-build-using-namespace): the codecs are made of them

void PutRequest(Writer& w, const JobRequest& r) {
  PutId(w, r.id);
  PutId(w, r.enterprise);
  w.Str(r.accelerator);
  w.U32(r.min_memory_gb);
  w.U32(r.cards);
  w.U32(r.walltime_s);
  PutEnum(w, r.purpose);
  PutEnum(w, r.tier);
  PutId(w, r.data_site);
  w.U32(r.data_gb);
  PutOptional(w, r.deadline, [](Writer& ww, Timestamp t) { ww.U64(t); });
  PutOptional(w, r.max_out_of_pocket, [](Writer& ww, Money m) { PutMoney(ww, m); });
  PutEnum(w, r.objective);
  PutOptional(w, r.near_city, [](Writer& ww, JurisdictionId j) { PutId(ww, j); });
}

bool GetRequest(Reader& r, JobRequest* q) {
  return GetId(r, &q->id) && GetId(r, &q->enterprise) && r.Str(&q->accelerator) &&
         r.U32(&q->min_memory_gb) && r.U32(&q->cards) && r.U32(&q->walltime_s) &&
         GetEnum(r, &q->purpose, programme::Purpose::kInference) &&
         GetEnum(r, &q->tier, network::Tier::kPriority) && GetId(r, &q->data_site) &&
         r.U32(&q->data_gb) &&
         GetOptional(r, &q->deadline, [](Reader& rr, Timestamp* t) { return rr.U64(t); }) &&
         GetOptional(r, &q->max_out_of_pocket,
                     [](Reader& rr, Money* m) { return GetMoney(rr, m); }) &&
         GetEnum(r, &q->objective, Objective::kLowestLatency) &&
         GetOptional(r, &q->near_city, [](Reader& rr, JurisdictionId* j) { return GetId(rr, j); });
}

}  // namespace

const char* ObjectiveName(Objective o) { return NameOf(kObjectiveNames, o).data(); }

const char* PolicyName(Policy p) { return NameOf(kPolicyNames, p).data(); }

const char* JobStatusName(JobStatus s) { return NameOf(kJobStatusNames, s).data(); }

const char* CodeName(Code code) { return NameOf(kCodeNames, code).data(); }

Money ListCost(Money per_card_hour, uint32_t cards, uint64_t seconds) {
  // price × cards × seconds / 3600, half up, with checked arithmetic. A
  // product beyond int64 (a price no scenario accepts) saturates: such a
  // job is priced out everywhere rather than wrapped round to a bargain.
  constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max() / 2;
  std::optional<Money> fen = per_card_hour.Mul(cards);
  if (fen) fen = fen->Mul(static_cast<int64_t>(seconds));
  if (!fen || fen->fen() > kSaturated) return Money::Fen(kSaturated);
  return Money::Fen((fen->fen() + 1800) / 3600);
}

void EncodeSubmitJob(Writer& w, const SubmitJob& c) {
  PutRequest(w, c.request);
  PutId(w, c.pool);
  PutEnum(w, c.policy);
}

bool DecodeSubmitJob(Reader& r, SubmitJob* c) {
  return GetRequest(r, &c->request) && GetId(r, &c->pool) &&
         GetEnum(r, &c->policy, Policy::kCheapestList);
}

void EncodeJob(Writer& w, const Job& j) {
  EncodeSubmitJob(w, j.submitted);
  PutEnum(w, j.status);
  w.U64(j.submitted_at);
  PutId(w, j.pool);
  w.U64(j.placed_at);
  w.U64(j.start_at);
  w.U64(j.end_at);
  w.U64(j.finished_at);
  PutMoney(w, j.list_cost);
  PutMoney(w, j.subsidy);
  PutMoney(w, j.out_of_pocket);
  PutId(w, j.claim);
  PutId(w, j.copay_hold);
  w.Str(j.note);
  PutMoney(w, j.price);
  w.U8(j.metered ? 1 : 0);
  w.U64(j.card_seconds);
  PutMoney(w, j.charged);
  PutMoney(w, j.voucher_charged);
  PutMoney(w, j.copay_charged);
  PutMoney(w, j.reimbursed);
  PutMoney(w, j.extension_list);
  w.U8(j.stop ? 1 : 0);
}

bool DecodeJob(Reader& r, Job* j) {
  return DecodeSubmitJob(r, &j->submitted) && GetEnum(r, &j->status, JobStatus::kCancelled) &&
         r.U64(&j->submitted_at) && GetId(r, &j->pool) && r.U64(&j->placed_at) &&
         r.U64(&j->start_at) && r.U64(&j->end_at) && r.U64(&j->finished_at) &&
         GetMoney(r, &j->list_cost) && GetMoney(r, &j->subsidy) && GetMoney(r, &j->out_of_pocket) &&
         GetId(r, &j->claim) && GetId(r, &j->copay_hold) && r.Str(&j->note) &&
         GetMoney(r, &j->price) && GetBool(r, &j->metered) && r.U64(&j->card_seconds) &&
         GetMoney(r, &j->charged) && GetMoney(r, &j->voucher_charged) &&
         GetMoney(r, &j->copay_charged) && GetMoney(r, &j->reimbursed) &&
         GetMoney(r, &j->extension_list) && GetBool(r, &j->stop);
}

}  // namespace bg::scheduler
