// Registering enterprises, and the programme controls: revoking a voucher,
// clawing back a claim, the blacklist, sweeping expired vouchers.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddControlRows(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kRegisterEnterprise,
       .method = "POST",
       .path = "/v1/enterprises",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Register an enterprise (credit code checked)",
       .body = {Must("id", T::kId, {"--id", K::kId, "Enterprise id"}),
                Must("name", T::kText, {"--name", K::kText, "Name"}),
                Must("credit_code", T::kText,
                     {"--credit-code", K::kText, "统一社会信用代码 (18 characters)"}),
                Must("home", T::kId, {"--home", K::kId, "Jurisdiction id"}),
                May("category", T::kText,
                    {"--category", K::kText, "manufacturing, software_it, university, ..."})},
       .cli = {.noun = "enterprises",
               .verb = "register",
               .help = "Register an enterprise",
               .example = "baygrid enterprises register --id 900 --name 'Pearl Bay AI' "
                          "--credit-code 91440... --home 3"}});
  rows->push_back({.id = RouteId::kRevokeVoucher,
                   .method = "POST",
                   .path = "/v1/vouchers/{id}/revoke",
                   .roles = Only({Role::kOperator, Role::kAdmin}),
                   .who = "operator (programme), admin",
                   .summary = "Revoke a voucher: what is not held returns to the budget",
                   .body = {Must("reason", T::kText, {"--reason", K::kText, "Why"})},
                   .cli = {.noun = "vouchers",
                           .verb = "revoke",
                           .help = "Revoke a voucher",
                           .example = "baygrid vouchers revoke 9001 --reason fraud"}});
  rows->push_back({.id = RouteId::kClawBackClaim,
                   .method = "POST",
                   .path = "/v1/claims/{id}/clawback",
                   .roles = Only({Role::kOperator, Role::kAdmin}),
                   .who = "operator (a paying programme), admin",
                   .summary = "Claw back a captured subsidy",
                   .body = {Must("reason", T::kText, {"--reason", K::kText, "Why"})},
                   .cli = {.noun = "claims",
                           .verb = "clawback",
                           .help = "Claw back a captured subsidy",
                           .example = "baygrid claims clawback 17 --reason 'double claim'"}});
  rows->push_back(
      {.id = RouteId::kBlacklist,
       .method = "POST",
       .path = "/v1/enterprises/{id}/blacklist",
       .roles = Only({Role::kAdmin, Role::kOperator}),
       .who = "admin, operator",
       .summary = "Put an enterprise on the blacklist, or take it off",
       .body = {Must("listed", T::kBool, {"--listed", K::kBool, "true or false"}),
                Must("reason", T::kText, {"--reason", K::kText, "Why"})},
       .cli = {.noun = "enterprises",
               .verb = "blacklist",
               .help = "Put an enterprise on the blacklist (--listed true) or take it off "
                       "(--listed false)",
               .example = "baygrid enterprises blacklist 5 --listed true --reason 'resold "
                          "vouchers'"}});
  rows->push_back(
      {.id = RouteId::kExpireVouchers,
       .method = "POST",
       .path = "/v1/vouchers/expire",
       .roles = Only({Role::kAdmin, Role::kOperator}),
       .who = "admin, operator (its programme)",
       .summary = "Sweep vouchers whose validity has ended now (the engine also does it by "
                  "itself at expiry)",
       .body = {May("limit", T::kInt, {"--limit", K::kNumber, "At most this many"}),
                May("programme", T::kId,
                    {"--programme", K::kId, "Only this programme's (an operator: its own)"})},
       .cli = {.noun = "vouchers",
               .verb = "expire",
               .help = "Sweep vouchers past their validity now (the engine does it by itself at "
                       "expiry)",
               .example = "baygrid vouchers expire --programme 1"}});
}

}  // namespace bg::api::spec::rows
