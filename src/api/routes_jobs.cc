// Quotes and jobs: submit, read, cancel, extend, explain; a placement pass.
#include <algorithm>

#include "api/handlers.h"
#include "api/job_history.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "engine/projection.h"

namespace bg::api {
namespace {

// A job request from JSON; the enterprise is the caller's for an
// enterprise token. Returns a problem in *fail when the body is bad.
std::optional<scheduler::SubmitJob> JobFrom(const Call& c, bool with_id, HttpResponse* fail) {
  Fields f(c.body);
  scheduler::SubmitJob job;
  scheduler::JobRequest& r = job.request;
  const auto id = with_id ? f.Id("id") : f.Id("id", false);
  const auto enterprise = f.Id("enterprise", c.who.role != Role::kEnterprise);
  const auto accelerator = f.Str("accelerator", false, 32);
  const auto memory = f.U64("min_memory_gb", false, 4096);
  const auto cards = f.U64("cards", true, 100'000);
  const auto walltime = f.U64("walltime_s", true, uint64_t{366} * 86'400);
  const auto tier = f.Str("tier", false, 16);
  const auto data_site = f.Id("data_site", false);
  const auto data_gb = f.U64("data_gb", false, 10'000'000);
  const auto deadline = f.U64("deadline_unix_s", false, uint64_t{1} << 40);
  const auto ceiling = f.Fen("max_out_of_pocket_fen", false);
  const auto objective = f.Str("objective", false, 16);
  const auto near = f.Id("near_city", false);
  const programme::Purpose purpose = ReadPurpose(f);
  const auto pool = f.Id("pool", false);
  if (!f.Done()) {
    *fail = Fail(c, f.code(), f.detail());
    return std::nullopt;
  }
  if (c.who.role == Role::kEnterprise && enterprise && *enterprise != c.who.scope) {
    *fail = Forbidden(c, "ask for another enterprise");
    return std::nullopt;
  }
  if (!Is(c, {Role::kEnterprise, Role::kAdmin})) {
    *fail = Forbidden(c, "quote or submit jobs");
    return std::nullopt;
  }
  r.id = OrderId(id.value_or(1));
  r.enterprise = EnterpriseId(c.who.role == Role::kEnterprise ? c.who.scope : *enterprise);
  r.accelerator = accelerator.value_or("");
  r.min_memory_gb = static_cast<uint32_t>(memory.value_or(0));
  r.cards = static_cast<uint32_t>(*cards);
  r.walltime_s = static_cast<uint32_t>(*walltime);
  const std::optional<network::Tier> t =
      tier ? FromName(network::kTierNames, *tier) : network::Tier::kShared;
  if (!t) {
    *fail = Fail(c, "invalid_field", "tier must be shared, exclusive or priority");
    return std::nullopt;
  }
  r.tier = *t;
  if (data_site) r.data_site = SiteId(*data_site);
  r.data_gb = static_cast<uint32_t>(data_gb.value_or(0));
  if (deadline) r.deadline = *deadline * kNanosPerSecond;
  r.max_out_of_pocket = ceiling;
  const std::string o = objective.value_or("cost");
  if (o != "cost" && o != "finish" && o != "latency") {
    *fail = Fail(c, "invalid_field", "objective must be cost, finish or latency");
    return std::nullopt;
  }
  r.objective = o == "finish"    ? scheduler::Objective::kEarliestFinish
                : o == "latency" ? scheduler::Objective::kLowestLatency
                                 : scheduler::Objective::kLowestCost;
  if (near) r.near_city = JurisdictionId(*near);
  r.purpose = purpose;
  if (pool) job.pool = PoolId(*pool);
  return job;
}

HttpResponse JobAnswer(const Call& c, const scheduler::JobOutcome& out, const Json& view,
                       bool created) {
  if (out.code == scheduler::Code::kOk) return Reply(view, created ? 201 : 200);
  if (out.code == scheduler::Code::kExists) return Reply(view, 200);
  return Fail(c, scheduler::CodeName(out.code), out.message);
}

// The answer to a command on job `id`: the job as the command left it is
// copied on the writer, and its view built off it.
Capture JobCapture(const Call& c, OrderId id, bool created) {
  return [&c, id, created](const state::State& s, const state::CommandResult&) -> Build {
    const scheduler::Job* j = s.scheduler().FindJob(id);
    std::optional<scheduler::Job> job;
    if (j != nullptr) job = *j;
    return [&c, job = std::move(job), created](const state::CommandResult& r) {
      return JobAnswer(c, std::get<scheduler::JobOutcome>(r), job ? View(*job) : Json(), created);
    };
  };
}

}  // namespace

namespace {

// Whether programme `id` pays a share of a job's subsidy (its claim).
bool PaidBy(const programme::Claim* claim, uint64_t id) {
  if (claim == nullptr) return false;
  return std::any_of(claim->shares.begin(), claim->shares.end(),
                     [id](const programme::ClaimShare& sh) { return sh.programme.value() == id; });
}

}  // namespace

// An operator reads the jobs its programme pays for, as it lists them
// (GET /v1/jobs), and down to their money trail.
bool MayAccess(const Call& c, const state::State& s, const scheduler::Job& j,
               const programme::Claim* claim, bool act) {
  if (c.who.role == Role::kAdmin) return true;
  if (c.who.role == Role::kEnterprise) {
    return j.submitted.request.enterprise.value() == c.who.scope;
  }
  if (act) return false;
  if (c.who.role == Role::kAuditor) return true;
  if (c.who.role == Role::kOperator) return PaidBy(claim, c.who.scope);
  if (c.who.role == Role::kProvider) {
    const network::Pool* p = s.network().FindPool(j.pool);
    return p != nullptr && s.network().FindSite(p->site)->provider.value() == c.who.scope;
  }
  return false;
}

namespace {

// A change to the job the path names (cancel, extend), by those who may
// act on it: `make` reads the body into the command.
template <typename Make>
Answer ChangeJob(engine::Engine& engine, Call& c, Make make) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the job id must be a positive number");
  Fields f(c.body);
  std::optional<state::CommandBody> body = make(OrderId(*id), f);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const Result<std::optional<scheduler::Job>> job = AnyJob(engine, c, OrderId(*id));
  if (!job.ok()) return Fail(c, "unavailable", job.status().ToString());
  const bool allowed = Look(engine, c, [&](const state::State& s) {
    // Operators act on no job: its claim does not matter.
    return !job->has_value() || MayAccess(c, s, **job, nullptr, true);
  });
  if (!allowed) return Forbidden(c, "change this job");
  return Answer::Deferred(std::move(*body), JobCapture(c, OrderId(*id), false));
}

}  // namespace

Answer Service::Quote(Call& c) {
  HttpResponse fail;
  const auto job = JobFrom(c, false, &fail);
  if (!job) return fail;
  const Timestamp now = clock_->Now();
  return Look(*engine_, c, [&](const state::State& s) {
    const scheduler::Quote q =
        s.scheduler().QuoteFor(job->request, s.network(), s.registry(), s.book(), s.ledger(), now);
    if (q.refused.code != scheduler::Code::kOk) {
      return Fail(c, scheduler::CodeName(q.refused.code), q.refused.message);
    }
    return Reply(View(q, s));
  });
}

Answer Service::SubmitJob(Call& c) {
  HttpResponse fail;
  const auto job = JobFrom(c, true, &fail);
  if (!job) return fail;
  return Answer::Deferred(*job, JobCapture(c, job->request.id, true));
}

// Jobs: an enterprise's own, those at a provider's pools, those a
// programme pays for (its operator's), or all (admin, auditor); filtered
// by enterprise, programme, status, site and when submitted; with the
// names beside the ids.
Answer Service::ListJobs(Call& c) {
  HttpResponse fail;
  std::optional<uint64_t> enterprise, programme, site;
  std::optional<std::vector<scheduler::JobStatus>> statuses;
  std::optional<Timestamp> from, to;
  if (!QueryIdParam(c, "enterprise", &enterprise, &fail) ||
      !QueryIdParam(c, "programme", &programme, &fail) || !QueryIdParam(c, "site", &site, &fail) ||
      !QueryChoices(c, "status", scheduler::kJobStatusNames, &statuses, &fail) ||
      !QueryTime(c, "submitted_from", &from, &fail) || !QueryTime(c, "submitted_to", &to, &fail)) {
    return fail;
  }
  if (c.who.role == Role::kOperator) {
    if (programme && *programme != c.who.scope) {
      return Forbidden(c, "list another programme's jobs");
    }
    programme = c.who.scope;
  }
  const std::optional<size_t> limit = PageLimit(c, &fail);
  if (!limit) return fail;
  bool bad = false;
  const uint64_t after = QueryId(c, "after", &bad).value_or(0);
  if (bad) return Fail(c, "invalid_field", "after must be an id");
  // `claim`: the job's (ClaimOf), for the programmes that pay for it.
  auto keep = [&](const state::State& s, const scheduler::Job& j, const programme::Claim* claim) {
    const scheduler::JobRequest& r = j.submitted.request;
    const network::Pool* pool = s.network().FindPool(j.pool);
    const network::Site* at = pool == nullptr ? nullptr : s.network().FindSite(pool->site);
    if (c.who.role == Role::kEnterprise && r.enterprise.value() != c.who.scope) return false;
    if (c.who.role == Role::kProvider && (at == nullptr || at->provider.value() != c.who.scope)) {
      return false;
    }
    if (enterprise && r.enterprise.value() != *enterprise) return false;
    if (statuses && std::find(statuses->begin(), statuses->end(), j.status) == statuses->end()) {
      return false;
    }
    if (site && (at == nullptr || at->id.value() != *site)) return false;
    if ((from && j.submitted_at < *from) || (to && j.submitted_at >= *to)) return false;
    return !programme || PaidBy(claim, *programme);
  };
  // The jobs of `jobs` that `keep` keeps, with their names, into `out`;
  // `archived`: the claims of those whose claims left memory with them.
  auto add = [&](const state::State& s, const scheduler::Job& j, const ArchivedClaims& archived,
                 std::vector<std::pair<uint64_t, Json>>* out) {
    const programme::Claim* claim = ClaimOf(s, j, archived);
    if (keep(s, j, claim)) {
      out->emplace_back(j.submitted.request.id.value(), JobWithNames(j, s, claim));
    }
  };
  // The jobs in the state, then those retired by batches not yet committed,
  // then the archive's, merged by id: every job the state no longer holds
  // is in one of the two (a job retired in between is in several: once).
  using Item = std::pair<uint64_t, Json>;
  auto live = Look(*engine_, c, [&](const state::State& s) {
    std::vector<Item> out;
    const auto& jobs = s.scheduler().jobs();
    for (auto it = jobs.upper_bound(OrderId(after)); it != jobs.end() && out.size() <= *limit;
         ++it) {
      add(s, it->second, {}, &out);
    }
    return out;
  });
  // Up to limit + 1 archived jobs after `after` that `keep` keeps, a page
  // of the archive at a time. Retired jobs have ended: a list of queued or
  // running jobs skips the archive.
  auto archived_page = [&]() -> Result<std::vector<Item>> {
    std::vector<Item> out;
    const bool ended_wanted =
        !statuses || std::any_of(statuses->begin(), statuses->end(), [](scheduler::JobStatus st) {
          return st == scheduler::JobStatus::kDone || st == scheduler::JobStatus::kCancelled;
        });
    if (!ended_wanted) return out;
    storage::ArchiveQuery q{
        .kind = storage::ArchiveKind::kJob,
        .owner = c.who.role == Role::kEnterprise ? c.who.scope : enterprise.value_or(0),
        .after_id = after,
        .limit = 256};
    BG_ASSIGN_OR_RETURN(std::vector<scheduler::Job> retiring, RetiringJobs(*engine_, q.owner));
    BG_ASSIGN_OR_RETURN(ArchivedClaims retiring_claims, ArchivedClaimsOf(*engine_, c, retiring));
    Look(*engine_, c, [&](const state::State& s) {
      for (const scheduler::Job& j : retiring) {
        if (j.submitted.request.id.value() > after) add(s, j, retiring_claims, &out);
      }
    });
    // The store's matches: limit + 1 of them are enough (the merge cuts).
    const size_t before_store = out.size();
    while (out.size() - before_store <= *limit) {
      BG_ASSIGN_OR_RETURN(std::vector<storage::ArchiveRow> rows, engine_->store().ListArchived(q));
      std::vector<scheduler::Job> jobs;
      jobs.reserve(rows.size());
      for (const storage::ArchiveRow& row : rows) {
        BG_ASSIGN_OR_RETURN(scheduler::Job j, engine::FromArchiveRow(row));
        jobs.push_back(std::move(j));
      }
      BG_ASSIGN_OR_RETURN(ArchivedClaims claims, ArchivedClaimsOf(*engine_, c, jobs));
      Look(*engine_, c, [&](const state::State& s) {
        for (const scheduler::Job& j : jobs) add(s, j, claims, &out);
      });
      if (rows.size() < q.limit) break;
      q.after_id = rows.back().id;
    }
    return out;
  };
  Result<std::vector<Item>> archived = archived_page();
  if (!archived.ok()) return Fail(c, "unavailable", archived.status().ToString());
  std::vector<Item> all = std::move(live);
  for (Item& item : *archived) all.push_back(std::move(item));
  std::sort(all.begin(), all.end(), [](const Item& a, const Item& b) { return a.first < b.first; });
  all.erase(std::unique(all.begin(), all.end(),
                        [](const Item& a, const Item& b) { return a.first == b.first; }),
            all.end());
  const bool more = all.size() > *limit;
  if (more) all.resize(*limit);
  Json items = Json::array();
  for (Item& item : all) items.push_back(std::move(item.second));
  Json out = {{"items", std::move(items)}};
  out["next_after"] = more ? Json(all.back().first) : Json(nullptr);
  return Reply(out);
}

Answer Service::GetJob(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the job id must be a positive number");
  const Result<std::optional<scheduler::Job>> job = AnyJob(*engine_, c, OrderId(*id));
  if (!job.ok()) return Fail(c, "unavailable", job.status().ToString());
  if (!job->has_value()) return Fail(c, "unknown_job", "no job " + std::to_string(*id));
  const scheduler::Job& j = **job;
  const Result<ArchivedClaims> archived = ArchivedClaimsOf(*engine_, c, {j});
  if (!archived.ok()) return Fail(c, "unavailable", archived.status().ToString());
  return Look(*engine_, c, [&](const state::State& s) {
    const programme::Claim* claim = ClaimOf(s, j, *archived);
    if (!MayAccess(c, s, j, claim, false)) return Forbidden(c, "read this job");
    return Reply(JobWithNames(j, s, claim));
  });
}

Answer Service::ExplainJob(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the job id must be a positive number");
  const Timestamp now = clock_->Now();
  const Result<std::optional<scheduler::Job>> job = AnyJob(*engine_, c, OrderId(*id));
  if (!job.ok()) return Fail(c, "unavailable", job.status().ToString());
  if (!job->has_value()) return Fail(c, "unknown_job", "no job " + std::to_string(*id));
  const scheduler::Job& j = **job;
  const Result<ArchivedClaims> archived = ArchivedClaimsOf(*engine_, c, {j});
  if (!archived.ok()) return Fail(c, "unavailable", archived.status().ToString());
  return Look(*engine_, c, [&](const state::State& s) {
    if (!MayAccess(c, s, j, ClaimOf(s, j, *archived), false)) return Forbidden(c, "read this job");
    const std::string why = j.status == scheduler::JobStatus::kQueued
                                ? s.scheduler().Explain(OrderId(*id), s.network(), s.registry(),
                                                        s.book(), s.ledger(), now)
                                : scheduler::Describe(j);
    return Reply(
        {{"id", *id}, {"status", scheduler::JobStatusName(j.status)}, {"explanation", why}});
  });
}

Answer Service::CancelJob(Call& c) {
  return ChangeJob(*engine_, c, [](OrderId id, Fields& f) -> std::optional<state::CommandBody> {
    const auto reason = f.Str("reason", false);
    return scheduler::CancelJob{.id = id, .reason = reason.value_or("")};
  });
}

Answer Service::ExtendJob(Call& c) {
  return ChangeJob(*engine_, c, [](OrderId id, Fields& f) -> std::optional<state::CommandBody> {
    const auto extra = f.U64("extra_s", true, uint64_t{366} * 86'400);
    return scheduler::ExtendJob{.id = id, .extra_s = static_cast<uint32_t>(extra.value_or(0))};
  });
}

Answer Service::Schedule(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "run a placement pass");
  Fields f(c.body);
  const auto max = f.U64("max_jobs", false, scheduler::kMaxPlacementsPerPass);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  return Answer(scheduler::Schedule{.max_jobs = static_cast<uint32_t>(max.value_or(256))},
                [](const state::State&, const state::CommandResult& r) {
                  return Reply({{"placed", std::get<scheduler::JobOutcome>(r).placed}});
                });
}

}  // namespace bg::api
