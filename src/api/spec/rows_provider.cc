// What providers do: register a key, read their placements, report signed
// usage, finish jobs, change the cards a pool offers and its prices.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddProviderRows(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kRegisterKey,
       .method = "POST",
       .path = "/v1/provider-keys",
       .roles = Only({Role::kProvider, Role::kAdmin}),
       .who = "provider (own), admin",
       .summary = "Register or rotate a provider's Ed25519 public key",
       .body = {Must("public_key_hex", T::kText,
                     {"--key-file", K::kPublicKeyOf, "From `baygrid keys generate`"}),
                May("provider", T::kId, {"--provider", K::kId, "Provider id (admin tokens)"})},
       .cli = {.noun = "keys",
               .verb = "register",
               .help = "Register (or rotate) your provider's public key, from a key file",
               .example = "baygrid keys register --key-file shaoguan.key"}});
  rows->push_back({.id = RouteId::kListPlacements,
                   .method = "GET",
                   .path = "/v1/placements",
                   .roles = Only({Role::kProvider, Role::kAdmin, Role::kAuditor}),
                   .who = "provider, admin, auditor",
                   .summary = "What to run: running jobs on the caller's pools",
                   .query = {Limit(), After(),
                             May("started_from", T::kDate,
                                 {"--started-from", K::kQuery,
                                  "Placed at or after (2025-03-01T08:00:00Z, UTC): an agent's "
                                  "poll between full listings"})},
                   .cli = {.noun = "placements",
                           .verb = "list",
                           .help = "What to run (providers)",
                           .example = "baygrid placements list"}});
  rows->push_back({.id = RouteId::kFinishJob,
                   .method = "POST",
                   .path = "/v1/jobs/{id}/finish",
                   .roles = Only({Role::kProvider, Role::kAdmin}),
                   .who = "provider (own pools), admin",
                   .summary = "The job ended (its provider)",
                   .cli = {.noun = "jobs",
                           .verb = "finish",
                           .help = "The job ended (providers)",
                           .example = "baygrid jobs finish 7"}});
  // The CLI signs one record from its flags (cli/provider_keys.h).
  rows->push_back(
      {.id = RouteId::kReportUsage,
       .method = "POST",
       .path = "/v1/usage",
       .roles = Only({Role::kProvider, Role::kAdmin}),
       .who = "provider (own), admin",
       .summary = "Signed usage records (one signature each, or batch_signature_hex)",
       .body = {Must("records", T::kArray), May("batch_signature_hex", T::kText)},
       .cli = {
           .noun = "usage",
           .verb = "report",
           .help = "Sign a usage record with your key file and send it",
           .example = "baygrid usage report --key-file shaoguan.key --id 1 --provider 1 "
                      "--order 900001 --start 2025-06-01T08:00:00Z --end "
                      "2025-06-01T09:00:00Z --cards 8",
           .extra_flags = {
               {"--key-file", K::kSignWith, "From `baygrid keys generate`"},
               {"--id", K::kNumber, "Record id (yours, unique per provider)", false, "id"},
               {"--provider", K::kId, "Provider id", false, "provider"},
               {"--order", K::kId, "The job (order) the cards ran", false, "order"},
               {"--start", K::kTime, "Unix seconds or 2025-06-01T08:00:00Z", false, "start_unix_s"},
               {"--end", K::kTime, "Unix seconds or RFC 3339 (exclusive)", false, "end_unix_s"},
               {"--cards", K::kNumber, "Cards used", false, "cards"}}}});
  rows->push_back(
      {.id = RouteId::kPricePool,
       .method = "POST",
       .path = "/v1/pools/{id}/prices",
       .roles = Only({Role::kProvider, Role::kAdmin}),
       .who = "provider (own), admin",
       .summary = "Change a pool's prices per tier (running jobs keep theirs)",
       .body = {Must("shared_fen", T::kFen, {"--shared", K::kYuan, "Yuan per card-hour"}),
                Must("exclusive_fen", T::kFen, {"--exclusive", K::kYuan, "Yuan per card-hour"}),
                Must("priority_fen", T::kFen, {"--priority", K::kYuan, "Yuan per card-hour"})},
       .cli = {
           .noun = "pools",
           .verb = "price",
           .help = "Change a pool's prices per tier",
           .example = "baygrid pools price 2 --shared 6.20 --exclusive 9.70 --priority 15.50"}});
  rows->push_back(
      {.id = RouteId::kOfferPool,
       .method = "POST",
       .path = "/v1/pools/{id}/offered",
       .roles = Only({Role::kProvider, Role::kAdmin}),
       .who = "provider (own), admin",
       .summary = "Change the cards a pool offers",
       .body = {Must("cards", T::kInt,
                     {"--cards", K::kNumber, "Cards offered (at most the pool's cards)"})},
       .cli = {.noun = "pools",
               .verb = "offer",
               .help = "Change the cards a pool offers to the network",
               .example = "baygrid pools offer 2 --cards 200"}});
}

}  // namespace bg::api::spec::rows
