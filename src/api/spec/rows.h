// Internal to api/spec: the rows of the route table, one file per area
// (the same areas as the handlers' api/routes_*.cc), and the shorthands
// they are written in.
#pragma once

#include <vector>

#include "api/spec/routes.h"

namespace bg::api::spec::rows {

using K = FlagKind;
using T = Type;

// A field the caller must send, or may send; with its CLI flag, if any.
inline Field Must(const char* name, Type type, Flag flag = {}) {
  return {.name = name, .type = type, .required = true, .flag = flag};
}
inline Field May(const char* name, Type type, Flag flag = {}) {
  return {.name = name, .type = type, .flag = flag};
}
// A query parameter that is one of some words ("json|csv").
inline Field Choice(const char* name, const char* choices, Flag flag = {}) {
  return {.name = name, .type = Type::kChoice, .choices = choices, .flag = flag};
}

// A list's ?limit= and ?after= (an id, or a Type::kCursor), with the CLI's
// --limit and --after.
inline Field Limit() {
  return May("limit", Type::kLimit, {"--limit", K::kQuery, "At most this many (1-1000)"});
}
inline Field After(Type type = Type::kId) {
  return May("after", type,
             {"--after", K::kQuery,
              type == Type::kCursor ? "The page after this cursor (the `more: --after` shown)"
                                    : "The page after this id (the last one shown)"});
}

void AddPublicRows(std::vector<Route>* rows);
void AddRegistryRows(std::vector<Route>* rows);
void AddProgrammeRows(std::vector<Route>* rows);
void AddApplicationRows(std::vector<Route>* rows);
void AddJobRows(std::vector<Route>* rows);
void AddProviderRows(std::vector<Route>* rows);
void AddSettlementRows(std::vector<Route>* rows);
void AddAdminRows(std::vector<Route>* rows);
void AddControlRows(std::vector<Route>* rows);
void AddNetworkRows(std::vector<Route>* rows);
void AddClaimRows(std::vector<Route>* rows);
void AddNoticeRows(std::vector<Route>* rows);
void AddRoundRows(std::vector<Route>* rows);

}  // namespace bg::api::spec::rows
