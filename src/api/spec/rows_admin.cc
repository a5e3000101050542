// The service's own routes: health, metrics and the document (public), and
// API tokens (the admin's).
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddPublicRows(std::vector<Route>* rows) {
  rows->push_back({.id = RouteId::kHealthz,
                   .method = "GET",
                   .path = "/healthz",
                   .roles = Public(),
                   .who = "public",
                   .summary = "Liveness"});
  rows->push_back({.id = RouteId::kMetrics,
                   .method = "GET",
                   .path = "/metrics",
                   .roles = Public(),
                   .who = "public",
                   .summary = "Prometheus metrics"});
  rows->push_back({.id = RouteId::kOpenApi,
                   .method = "GET",
                   .path = "/v1/openapi.json",
                   .roles = Public(),
                   .who = "public",
                   .summary = "This document"});
}

void AddAdminRows(std::vector<Route>* rows) {
  // The web console reads who signed in from here, as any client may.
  rows->push_back({.id = RouteId::kMe,
                   .method = "GET",
                   .path = "/v1/me",
                   .roles = WithExpert(AnyRole()),
                   .who = "anyone with a token",
                   .summary = "Who the token acts for: its holder's name, role, scope (with its "
                              "name), stage and expiry",
                   .cli = {.noun = "tokens",
                           .verb = "me",
                           .help = "Who this token acts for",
                           .example = "baygrid tokens me"}});
  rows->push_back(
      {.id = RouteId::kCreateToken,
       .method = "POST",
       .path = "/v1/tokens",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Create an API token (the secret is shown once)",
       .body =
           {Must("id", T::kId, {"--id", K::kId, "Token id"}),
            Must("role", T::kText,
                 {"--role", K::kText, "admin, operator, enterprise, provider, auditor or expert"}),
            May("scope", T::kInt, {"--scope", K::kNumber, "Programme, enterprise or provider id"}),
            Must("name", T::kText, {"--name", K::kText, "Who holds it"}),
            May("stage", T::kText,
                {"--stage", K::kText,
                 "An operator's step: reviewer, approver or finance (default: any)"}),
            May("expires_in_days", T::kInt,
                {"--expires-in-days", K::kNumber, "Days until it expires (1-3650, default 90)",
                 true})},
       .cli = {.noun = "tokens",
               .verb = "create",
               .help = "Create a token (the secret is shown once)",
               .example = "baygrid tokens create --id 9 --role auditor --name audit-office"}});
  rows->push_back({.id = RouteId::kRevokeToken,
                   .method = "POST",
                   .path = "/v1/tokens/{id}/revoke",
                   .roles = Only({Role::kAdmin}),
                   .who = "admin",
                   .summary = "Revoke an API token",
                   .cli = {.noun = "tokens",
                           .verb = "revoke",
                           .help = "Revoke a token",
                           .example = "baygrid tokens revoke 9"}});
  rows->push_back({.id = RouteId::kListTokens,
                   .method = "GET",
                   .path = "/v1/tokens",
                   .roles = Only({Role::kAdmin, Role::kAuditor}),
                   .who = "admin, auditor",
                   .summary = "Tokens: who holds each, its role, scope, stage, expiry and status "
                              "(never the secret)",
                   .query = {Limit(), After()},
                   .cli = {.noun = "tokens",
                           .verb = "list",
                           .help = "Tokens and their status (never the secret)",
                           .example = "baygrid tokens list"}});
  rows->push_back(
      {.id = RouteId::kListActivity,
       .method = "GET",
       .path = "/v1/activity",
       .roles = AnyRole(),
       .who = "auditor, admin (all); operator (its programme), enterprise and provider (their own)",
       .summary = "Who did what and when, from the journal, oldest first: applications filed "
                  "and reviewed, vouchers revoked, clawbacks, the blacklist, statements closed, "
                  "approved and paid, programme changes, tokens, registrations, jobs",
       .query = {May("actor", T::kText, {"--actor", K::kQuery, "Who (a token's name)"}),
                 May("programme", T::kId, {"--programme", K::kQuery, "Programme id"}),
                 May("enterprise", T::kId, {"--enterprise", K::kQuery, "Enterprise id"}),
                 May("from", T::kDate, {"--from", K::kQuery, "At or after (2025-03-01, UTC)"}),
                 May("to", T::kDate, {"--to", K::kQuery, "Before (UTC)"}), Limit(),
                 After(T::kCursor)},
       .cli = {.noun = "activity",
               .verb = "list",
               .help = "Who did what and when (from the journal)",
               .example = "baygrid activity list --programme 1 --actor dg-director"}});
  rows->push_back(
      {.id = RouteId::kGetJournalEntry,
       .method = "GET",
       .path = "/v1/journal/{id}",
       .roles = Only({Role::kAdmin, Role::kAuditor, Role::kOperator}),
       .who = "admin, auditor; operator (command names and its programme's transfers)",
       .summary = "One journal entry ({id} is its seq): time range, hashes, whether its hash "
                  "chain holds, its commands and the ledger transfers it made; the seqs before "
                  "and after",
       .cli = {.noun = "journal",
               .verb = "get",
               .help = "One journal entry: hashes, commands, transfers",
               .example = "baygrid journal get 324"}});
  rows->push_back({.id = RouteId::kRotateToken,
                   .method = "POST",
                   .path = "/v1/tokens/{id}/rotate",
                   .roles = Only({Role::kAdmin}),
                   .who = "admin",
                   .summary = "A new secret for a token (shown once); the old one stops working",
                   .body = {May("expires_in_days", T::kInt,
                                {"--expires-in-days", K::kNumber,
                                 "Days until it expires (1-3650, default 90)", true})},
                   .cli = {.noun = "tokens",
                           .verb = "rotate",
                           .help = "A new secret for a token; the old one stops working",
                           .example = "baygrid tokens rotate 9"}});
}

}  // namespace bg::api::spec::rows
