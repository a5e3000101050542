// The table assembled from the areas' rows, in RouteId order, and checked:
// one row per RouteId.
#include "api/spec/routes.h"

#include <algorithm>

#include "api/spec/rows.h"
#include "common/check.h"

namespace bg::api::spec {
namespace {

std::vector<Route> Build() {
  std::vector<Route> table;
  table.reserve(kRouteCount);
  rows::AddPublicRows(&table);
  rows::AddRegistryRows(&table);
  rows::AddProgrammeRows(&table);
  rows::AddApplicationRows(&table);
  rows::AddJobRows(&table);
  rows::AddProviderRows(&table);
  rows::AddSettlementRows(&table);
  rows::AddAdminRows(&table);
  rows::AddControlRows(&table);
  rows::AddNetworkRows(&table);
  rows::AddClaimRows(&table);
  rows::AddNoticeRows(&table);
  rows::AddRoundRows(&table);
  std::sort(table.begin(), table.end(), [](const Route& a, const Route& b) { return a.id < b.id; });
  // A RouteId without its row, or with two, is a table written wrong:
  // nothing could serve or document that route.
  BG_CHECK(table.size() == kRouteCount) << table.size() << " rows for " << kRouteCount << " routes";
  for (size_t i = 0; i < table.size(); ++i) {
    BG_CHECK(static_cast<size_t>(table[i].id) == i)
        << "route " << i << " has no row (or another has two): " << table[i].path;
  }
  return table;
}

}  // namespace

const char* RoleName(Role r) { return NameOf(kRoleNames, r).data(); }

std::vector<Flag> Route::Flags() const {
  std::vector<Flag> out = cli.extra_flags;
  for (const std::vector<Field>* fields : {&query, &body}) {
    for (const Field& f : *fields) {
      if (f.flag.name == nullptr) continue;
      out.push_back(f.flag);
      out.back().key = f.name;
    }
  }
  return out;
}

const std::vector<Route>& Routes() {
  static const std::vector<Route> table = Build();
  return table;
}

const Route& RouteOf(RouteId id) {
  const auto i = static_cast<size_t>(id);
  BG_CHECK(i < kRouteCount) << "no route " << i;
  return Routes()[i];
}

}  // namespace bg::api::spec
