// Direct claims (orders sold outside the scheduler), and clawing back the
// subsidy of a placed job (its claim).
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddClaimRows(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kRedeemClaim,
       .method = "POST",
       .path = "/v1/claims",
       .roles = Only({Role::kProvider, Role::kAdmin}),
       .who = "provider (own), admin",
       .summary = "Redeem a direct order (sold outside the scheduler) against the enterprise's "
                  "vouchers",
       .body = {Must("id", T::kId, {"--id", K::kId, "Claim id"}),
                Must("order", T::kId, {"--order", K::kId, "Your order id"}),
                Must("enterprise", T::kId, {"--enterprise", K::kId, "Enterprise id"}),
                Must("provider", T::kId, {"--provider", K::kId, "Provider id (yours)"}),
                Must("amount_fen", T::kFen, {"--amount", K::kYuan, "Eligible amount, yuan"}),
                May("resource", T::kText,
                    {"--resource", K::kText, "domestic or foreign (default)"}),
                May("purpose", T::kText,
                    {"--purpose", K::kText, "training, fine_tuning or inference"})},
       .cli = {.noun = "claims",
               .verb = "redeem",
               .help = "Redeem an order sold outside the scheduler against the enterprise's "
                       "vouchers (held)",
               .example = "baygrid claims redeem --id 1 --order 700 --enterprise 1 --provider 1 "
                          "--amount 3000"}});
  rows->push_back({.id = RouteId::kCaptureClaim,
                   .method = "POST",
                   .path = "/v1/claims/{id}/capture",
                   .roles = Only({Role::kProvider, Role::kAdmin}),
                   .who = "provider (own), admin",
                   .summary = "Capture a direct claim: the subsidy is spent",
                   .cli = {.noun = "claims",
                           .verb = "capture",
                           .help = "Capture a held claim (the subsidy is spent)",
                           .example = "baygrid claims capture 1"}});
  rows->push_back({.id = RouteId::kVoidClaim,
                   .method = "POST",
                   .path = "/v1/claims/{id}/void",
                   .roles = Only({Role::kProvider, Role::kAdmin}),
                   .who = "provider (own), admin",
                   .summary = "Void a direct claim: its holds are released",
                   .cli = {.noun = "claims",
                           .verb = "void",
                           .help = "Void a held claim (its holds are released)",
                           .example = "baygrid claims void 1"}});
  rows->push_back(
      {.id = RouteId::kListClaims,
       .method = "GET",
       .path = "/v1/claims",
       .roles = AnyRole(),
       .who = "enterprise, provider, operator (paying programme), admin, auditor",
       .summary = "Direct claims (paged; scoped to the caller), filtered",
       .query = {May("programme", T::kId, {"--programme", K::kQuery, "Paid by this programme"}),
                 May("enterprise", T::kId, {"--enterprise", K::kQuery, "Enterprise id"}),
                 May("provider", T::kId, {"--provider", K::kQuery, "Provider id"}),
                 May("status", T::kText,
                     {"--status", K::kQuery,
                      "held, captured, voided or clawed_back (comma-separated)"}),
                 Limit(), After()},
       .cli = {.noun = "claims",
               .verb = "list",
               .help = "Direct claims you may see",
               .example = "baygrid claims list"}});
  rows->push_back({.id = RouteId::kGetClaim,
                   .method = "GET",
                   .path = "/v1/claims/{id}",
                   .roles = AnyRole(),
                   .who = "its enterprise, provider, paying operator, admin, auditor",
                   .summary = "A direct claim and its shares",
                   .cli = {.noun = "claims",
                           .verb = "get",
                           .help = "A direct claim",
                           .example = "baygrid claims get 1"}});
  rows->push_back({.id = RouteId::kClawBackJob,
                   .method = "POST",
                   .path = "/v1/jobs/{id}/clawback",
                   .roles = Only({Role::kOperator, Role::kAdmin}),
                   .who = "operator (a paying programme), admin",
                   .summary = "Claw back the subsidy of a placed job",
                   .body = {Must("reason", T::kText, {"--reason", K::kText, "Why"})},
                   .cli = {.noun = "jobs",
                           .verb = "clawback",
                           .help = "Claw back the subsidy of a placed job",
                           .example = "baygrid jobs clawback 7 --reason 'resold compute'"}});
}

}  // namespace bg::api::spec::rows
