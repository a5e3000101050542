// Registering jurisdictions, providers, sites and pools, and the links
// between cities (the scenario file does the same at start-up).
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddNetworkRows(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kRegisterJurisdiction,
       .method = "POST",
       .path = "/v1/jurisdictions",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Register a jurisdiction (city, district, ...) and its funding account",
       .body = {Must("id", T::kId, {"--id", K::kId, "Jurisdiction id"}),
                Must("code", T::kText, {"--code", K::kText, "Short code (\"dongguan\")"}),
                Must("name", T::kText, {"--name", K::kText, "Name"}),
                May("name_zh", T::kText, {"--name-zh", K::kText, "Chinese name"}),
                Must("level", T::kText,
                     {"--level", K::kText, "district, cooperation_zone, city, province, national"}),
                May("parent", T::kId, {"--parent", K::kId, "The jurisdiction above"}),
                May("currency", T::kText, {"--currency", K::kText, "CNY, HKD or MOP"})},
       .cli = {.noun = "jurisdictions",
               .verb = "register",
               .help = "Register a city, district, ...",
               .example = "baygrid jurisdictions register --id 30 --code qingyuan --name Qingyuan "
                          "--level city --parent 1"}});
  rows->push_back(
      {.id = RouteId::kRegisterProvider,
       .method = "POST",
       .path = "/v1/providers",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Register a provider (credit code checked)",
       .body = {Must("id", T::kId, {"--id", K::kId, "Provider id"}),
                Must("name", T::kText, {"--name", K::kText, "Name"}),
                Must("credit_code", T::kText,
                     {"--credit-code", K::kText, "统一社会信用代码 (18 characters)"}),
                Must("home", T::kId, {"--home", K::kId, "Jurisdiction id"}),
                // The compute platforms it is connected to.
                May("platforms", T::kArray)},
       .cli = {.noun = "providers",
               .verb = "register",
               .help = "Register a provider",
               .example = "baygrid providers register --id 9 --name 'Qingyuan Cloud' --credit-code "
                          "91441... --home 30"}});
  rows->push_back(
      {.id = RouteId::kRegisterSite,
       .method = "POST",
       .path = "/v1/sites",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Register a site of a provider in a city",
       .body = {Must("id", T::kId, {"--id", K::kId, "Site id"}),
                Must("code", T::kText, {"--code", K::kText, "Short code"}),
                Must("name", T::kText, {"--name", K::kText, "Name"}),
                Must("city", T::kId, {"--city", K::kId, "Jurisdiction id"}),
                Must("provider", T::kId, {"--provider", K::kId, "Provider id"})},
       .cli = {.noun = "sites",
               .verb = "register",
               .help = "Register a provider's site in a city",
               .example =
                   "baygrid sites register --id 9 --code qy-1 --name 'Qingyuan DC' --city 30 "
                   "--provider 9"}});
  rows->push_back(
      {.id = RouteId::kSetLink,
       .method = "POST",
       .path = "/v1/links",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Set latency and bandwidth between two cities",
       .body = {Must("a", T::kId, {"--a", K::kId, "Jurisdiction id"}),
                Must("b", T::kId, {"--b", K::kId, "Jurisdiction id"}),
                Must("latency_us", T::kInt,
                     {"--latency-us", K::kNumber, "Round trip, microseconds"}),
                Must("bandwidth_mbps", T::kInt, {"--bandwidth-mbps", K::kNumber, "Mbit/s"})},
       .cli = {
           .noun = "links",
           .verb = "set",
           .help = "Set latency and bandwidth between two cities",
           .example = "baygrid links set --a 4 --b 7 --latency-us 3500 --bandwidth-mbps 400000"}});
  rows->push_back(
      {.id = RouteId::kAddPool,
       .method = "POST",
       .path = "/v1/pools",
       .roles = Only({Role::kAdmin, Role::kProvider}),
       .who = "admin, provider (own sites)",
       .summary = "Add a pool: accelerator, memory, cards, prices per tier",
       .body = {Must("id", T::kId, {"--id", K::kId, "Pool id"}),
                Must("site", T::kId, {"--site", K::kId, "Site id"}),
                Must("accelerator", T::kText,
                     {"--accelerator", K::kText, "A800, H800, H20, 910B, 4090, ..."}),
                May("domestic", T::kBool),
                Must("memory_gb", T::kInt, {"--memory-gb", K::kNumber, "Memory per card"}),
                Must("cards_total", T::kInt, {"--cards", K::kNumber, "Cards in the pool"}),
                May("cards_offered", T::kInt,
                    {"--offered", K::kNumber, "Cards offered to the network"}),
                Must("price_shared_fen", T::kFen,
                     {"--price-shared", K::kYuan, "Yuan per card-hour, shared"}),
                Must("price_exclusive_fen", T::kFen,
                     {"--price-exclusive", K::kYuan, "Yuan per card-hour, exclusive"}),
                Must("price_priority_fen", T::kFen,
                     {"--price-priority", K::kYuan, "Yuan per card-hour, priority"})},
       .cli = {.noun = "pools",
               .verb = "add",
               .help = "Add a pool at a site",
               .example =
                   "baygrid pools add --id 20 --site 9 --accelerator H20 --memory-gb 96 "
                   "--cards 64 --price-shared 6 --price-exclusive 9.36 --price-priority 15"}});
}

}  // namespace bg::api::spec::rows
