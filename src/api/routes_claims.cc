// Direct claims: an order a provider sold outside the scheduler (a contract,
// a reserved cluster) is subsidised the same way a placed job is. The
// provider redeems the order's eligible amount against the enterprise's
// vouchers (POST /v1/claims: held), then captures what was spent or voids
// it. Claims of placed jobs belong to their jobs: their subsidy is clawed
// back through the job (POST /v1/jobs/{id}/clawback).
#include <algorithm>

#include "api/handlers.h"
#include "api/job_history.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "common/check.h"
#include "facility/bookings.h"
#include "programme/names.h"

namespace bg::api {
namespace {

// Claims the scheduler made carry scheduler::kJobClaimBit, and those of a
// facility booking's fee facility::kBookingClaimBit; the API addresses
// direct claims only, by their own ids (a job's and a booking's money is
// read on the job and the booking).
using scheduler::kJobClaimBit;
constexpr uint64_t kNotDirect = kJobClaimBit | facility::kBookingClaimBit;

bool MayRead(const Principal& who, const programme::Claim& claim) {
  switch (who.role) {
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
    case Role::kEnterprise:
      return claim.request.enterprise.value() == who.scope;
    case Role::kProvider:
      return claim.request.provider.value() == who.scope;
    case Role::kExpert:
      return false;
    case Role::kOperator:
      for (const auto& share : claim.shares) {
        if (share.programme.value() == who.scope) return true;
      }
      return false;
  }
  return false;
}

// A claim with the names beside its ids (enterprise, provider, each
// share's programme).
Json ClaimView(ClaimId id, const programme::Claim& claim, const programme::Registry& registry) {
  Json shares = Json::array();
  for (const auto& s : claim.shares) {
    const programme::ProgrammeRules* p = registry.FindProgramme(s.programme);
    shares.push_back({{"programme", s.programme.value()},
                      {"programme_name", p == nullptr ? "" : p->name},
                      {"issuer", s.issuer.value()},
                      {"amount", MoneyJson(s.amount)}});
  }
  const programme::Enterprise* e = registry.FindEnterprise(claim.request.enterprise);
  const programme::Provider* provider = registry.FindProvider(claim.request.provider);
  // Posted amounts are parts of the claim's subsidy: they cannot overflow.
  Money posted{};
  for (const auto& h : claim.holds) {
    const std::optional<Money> sum = posted.Add(h.posted);
    BG_CHECK(sum.has_value());
    posted = *sum;
  }
  return {{"id", id.value()},
          {"order", claim.request.order.value()},
          {"enterprise", claim.request.enterprise.value()},
          {"enterprise_name", e == nullptr ? "" : e->name},
          {"provider", claim.request.provider.value()},
          {"provider_name", provider == nullptr ? "" : provider->name},
          {"amount", MoneyJson(claim.request.amount)},
          {"resource", programme::NameOf(programme::kResourceNames, claim.request.resource)},
          {"at", TimeJson(claim.at)},
          {"subsidy", MoneyJson(claim.subsidy)},
          {"posted", MoneyJson(posted)},
          {"shares", shares},
          {"status", programme::ClaimStatusName(claim.status)},
          {"reason", claim.reason}};
}

HttpResponse ClaimReply(const Call& c, const programme::Outcome& out, const state::State& s,
                        ClaimId id, int status) {
  if (!out.ok()) return Fail(c, programme::CodeName(out.code), out.message);
  const programme::Claim* claim = s.book().FindClaim(id);
  if (claim == nullptr) return Fail(c, "unknown_claim", "no claim " + std::to_string(id.value()));
  Json view = ClaimView(id, *claim, s.registry());
  if (out.subsidy) view["explain"] = out.subsidy->Explain();
  return Reply(view, out.code == programme::Code::kExists ? 200 : status);
}

// Captures (or voids) the claim the path names, by its provider or admin.
Answer SettleClaim(engine::Engine& engine, Call& c, bool capture) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the claim id must be a positive number");
  Fields f(c.body);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const bool allowed = Look(engine, c, [&](const state::State& s) {
    const programme::Claim* claim = s.book().FindClaim(ClaimId(*id));
    if (c.who.role == Role::kAdmin || claim == nullptr) return true;
    return c.who.role == Role::kProvider && claim->request.provider.value() == c.who.scope;
  });
  if (!allowed || !Is(c, {Role::kAdmin, Role::kProvider})) {
    return Forbidden(c, "settle this claim");
  }
  return Answer(programme::SettleClaim{.id = ClaimId(*id), .capture = capture},
                [&c, id = ClaimId(*id)](const state::State& s, const state::CommandResult& r) {
                  return ClaimReply(c, std::get<programme::Outcome>(r), s, id, 200);
                });
}

}  // namespace

Answer Service::RedeemClaim(Call& c) {
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto order = f.Id("order");
  const auto enterprise = f.Id("enterprise");
  const auto provider = f.Id("provider");
  const auto amount = f.Fen("amount_fen", true);
  const auto resource = f.Str("resource", false, 16);
  const programme::Purpose purpose = ReadPurpose(f);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const bool own = c.who.role == Role::kProvider && c.who.scope == *provider;
  if (!own && c.who.role != Role::kAdmin) return Forbidden(c, "claim for another provider");
  std::optional<programme::ResourceClass> cls = programme::ResourceClass::kForeignAccelerator;
  if (resource) cls = programme::FromName(programme::kResourceNames, *resource);
  if (!cls) return Fail(c, "invalid_field", "'resource' is domestic or foreign");
  programme::Redeem redeem{.id = ClaimId(*id),
                           .order = OrderId(*order),
                           .enterprise = EnterpriseId(*enterprise),
                           .provider = ProviderId(*provider),
                           .amount = *amount,
                           .resource = *cls,
                           .purpose = purpose};
  // The claim is paid in the currency of the provider's home.
  Look(*engine_, c, [&](const state::State& s) {
    const programme::Provider* p = s.registry().FindProvider(redeem.provider);
    const programme::Jurisdiction* home =
        p == nullptr ? nullptr : s.registry().FindJurisdiction(p->home);
    if (home != nullptr) redeem.currency_ledger = home->currency_ledger;
  });
  return Answer(redeem, [&c, id = redeem.id](const state::State& s, const state::CommandResult& r) {
    return ClaimReply(c, std::get<programme::Outcome>(r), s, id, 201);
  });
}

Answer Service::CaptureClaim(Call& c) { return SettleClaim(*engine_, c, true); }

Answer Service::VoidClaim(Call& c) { return SettleClaim(*engine_, c, false); }

Answer Service::ListClaims(Call& c) {
  HttpResponse fail;
  std::optional<uint64_t> programme, enterprise, provider;
  std::optional<std::vector<programme::ClaimStatus>> statuses;
  if (!QueryIdParam(c, "programme", &programme, &fail) ||
      !QueryIdParam(c, "enterprise", &enterprise, &fail) ||
      !QueryIdParam(c, "provider", &provider, &fail) ||
      !QueryChoices(c, "status", programme::kClaimStatusNames, &statuses, &fail)) {
    return fail;
  }
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.book().claims(),
        [&](const programme::Claim& claim) {
          if ((claim.request.id.value() & kNotDirect) != 0 || !MayRead(c.who, claim)) {
            return false;
          }
          if (enterprise && claim.request.enterprise.value() != *enterprise) return false;
          if (provider && claim.request.provider.value() != *provider) return false;
          if (statuses &&
              std::find(statuses->begin(), statuses->end(), claim.status) == statuses->end()) {
            return false;
          }
          return !programme ||
                 std::any_of(claim.shares.begin(), claim.shares.end(),
                             [&](const auto& sh) { return sh.programme.value() == *programme; });
        },
        [&](const programme::Claim& claim) {
          return ClaimView(claim.request.id, claim, s.registry());
        },
        &fail);
  });
  return page ? Reply(*page) : fail;
}

Answer Service::GetClaim(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the claim id must be a positive number");
  return Look(*engine_, c, [&](const state::State& s) {
    const programme::Claim* claim = s.book().FindClaim(ClaimId(*id));
    if (claim == nullptr) return Fail(c, "unknown_claim", "no claim " + std::to_string(*id));
    if (!MayRead(c.who, *claim)) return Forbidden(c, "read this claim");
    return Reply(ClaimView(ClaimId(*id), *claim, s.registry()));
  });
}

// The subsidy of a placed job, clawed back (the job's claim).
Answer Service::ClawBackJob(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the job id must be a positive number");
  Fields f(c.body);
  const auto reason = f.Str("reason", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  ClaimId claim_id{};
  std::optional<HttpResponse> missing;
  // A clawback comes after the fact: the job may have been archived, and
  // its claim with it (the command then carries the claim as archived).
  const Result<std::optional<scheduler::Job>> found = AnyJob(*engine_, c, OrderId(*id));
  if (!found.ok()) return Fail(c, "unavailable", found.status().ToString());
  Result<ArchivedClaims> archived = ArchivedClaims{};
  if (found->has_value()) archived = ArchivedClaimsOf(*engine_, c, {**found});
  if (!archived.ok()) return Fail(c, "unavailable", archived.status().ToString());
  std::vector<uint8_t> carried;
  const bool allowed = Look(*engine_, c, [&](const state::State& s) {
    const scheduler::Job* job = found->has_value() ? &**found : nullptr;
    if (job == nullptr || job->claim.is_zero()) {
      missing = job == nullptr
                    ? Fail(c, "unknown_job", "no job " + std::to_string(*id))
                    : Fail(c, "no_subsidy", "job " + std::to_string(*id) + " was not subsidised");
      return true;
    }
    claim_id = job->claim;
    // The claim goes with the command: it may leave memory with its job
    // before the command applies (one in memory then is applied as it is).
    const programme::Claim* claim = ClaimOf(s, *job, *archived);
    if (claim != nullptr && claim->status == programme::ClaimStatus::kCaptured) {
      Writer w(&carried);
      programme::EncodeClaim(w, *claim);
    }
    return c.who.role == Role::kAdmin ||
           (c.who.role == Role::kOperator && claim != nullptr && MayRead(c.who, *claim));
  });
  if (!allowed || !Is(c, {Role::kAdmin, Role::kOperator})) {
    return Forbidden(c, "claw back this job's subsidy");
  }
  if (missing) return *missing;
  return Answer(programme::Clawback{.claim = claim_id,
                                    .actor = c.who.name,
                                    .reason = *reason,
                                    .archived = std::move(carried)},
                [&c, id = *id](const state::State&, const state::CommandResult& r) {
                  const auto& out = std::get<programme::Outcome>(r);
                  if (!out.ok()) return Fail(c, programme::CodeName(out.code), out.message);
                  return Reply({{"job", id}, {"status", "clawed_back"}});
                });
}

}  // namespace bg::api
