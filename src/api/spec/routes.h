// The route table: every HTTP route of the API declared once, as data —
// its method and path, who may call it, its summary, the query parameters
// or body fields it takes and, for the CLI, its `baygrid <noun> <verb>`,
// help, example and flags. Three things are built from it: the router
// (api/service.cc binds one handler per RouteId), the OpenAPI document
// (api/openapi.cc) and the HTTP CLI (cli/commands.cc). Adding a route is a
// RouteId, a row (rows_*.cc) and a handler; docs/design.md, "How to add a
// route", says what the compiler and the tests then ask for.
//
// This library is data only and depends on common/ alone, so the CLI can
// use it without linking the server.
//
// Thread-safety: Routes() builds the table once (a function-local static)
// and never changes it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "common/enum_names.h"

namespace bg::api::spec {

// One per route. The order is the order of the CLI's help (its nouns
// appear in the order of their first command); the router tries routes in
// this order, so it is also the order of a 405's Allow header. kCount
// comes last: it counts the routes and is none.
enum class RouteId : uint8_t {
  // Public: no token, no CLI command.
  kHealthz,
  kMetrics,
  kOpenApi,
  // The CLI's commands, in the order of its help.
  kListPools,
  kListSites,
  kListFacilities,
  kGetFacility,
  kRegisterFacility,
  kBookFacility,
  kListBookings,
  kGetBooking,
  kCheckIn,
  kCheckOut,
  kCancelBooking,
  kListRounds,
  kGetRound,
  kOpenCall,
  kAssignRound,
  kAllocateRound,
  kSubmitProposal,
  kListProposals,
  kGetProposal,
  kScreenProposal,
  kScoreProposal,
  kReportOutputs,
  kRegisterReviewer,
  kListReviewers,
  kRecordTraining,
  kListTrainings,
  kListProgrammes,
  kGetProgramme,
  kProgrammePacing,
  kAmendProgramme,
  kTopUpProgramme,
  kCutProgramme,
  kSuspendProgramme,
  kResumeProgramme,
  kCloseProgramme,
  kListProgrammeProvider,
  kPreviewProgramme,
  kListProviders,
  kListEnterprises,
  kEnterpriseMoney,
  kProviderMoney,
  kListJurisdictions,
  kFileApplication,
  kReviewApplication,
  kGetApplication,
  kListApplications,
  kReviewApplications,
  kListVouchers,
  kGetVoucher,
  kQuote,
  kSubmitJob,
  kListJobs,
  kGetJob,
  kExplainJob,
  kJobTrail,
  kCancelJob,
  kExtendJob,
  kFinishJob,
  kListPlacements,
  kGetStatements,
  kStatementLines,
  kCloseStatements,
  kApproveStatements,
  kPayStatements,
  kListFlows,
  kListCases,
  kScanForFraud,
  kVerifyJournal,
  kOfferPool,
  kSchedule,
  kCloseCase,
  kRegisterEnterprise,
  kRegisterJurisdiction,
  kRegisterProvider,
  kRegisterSite,
  kPricePool,
  kAddPool,
  kBlacklist,
  kRevokeVoucher,
  kExpireVouchers,
  kCreateProgramme,
  kSetLink,
  kRegisterKey,
  kReportUsage,
  kRedeemClaim,
  kCaptureClaim,
  kVoidClaim,
  kListClaims,
  kGetClaim,
  kClawBackJob,
  kClawBackClaim,
  kCreateToken,
  kRevokeToken,
  kListTokens,
  kRotateToken,
  kListActivity,
  kGetJournalEntry,
  kListNotices,
  kReadNotices,
  kListWebhooks,
  kSetWebhook,
  kRemoveWebhook,
  kMe,
  kCount
};
inline constexpr size_t kRouteCount = static_cast<size_t>(RouteId::kCount);

// The roles of API tokens (docs/api.md), numbered as access::TokenRole.
// kExpert, a proposal round's outside reviewer, reaches only the routes
// that name it (WithExpert): never the platform's money or parties.
enum class Role : uint8_t { kAdmin = 0, kOperator, kEnterprise, kProvider, kAuditor, kExpert };
inline constexpr std::array<EnumName<Role>, 6> kRoleNames = {{
    {"admin", Role::kAdmin},
    {"operator", Role::kOperator},
    {"enterprise", Role::kEnterprise},
    {"provider", Role::kProvider},
    {"auditor", Role::kAuditor},
    {"expert", Role::kExpert},
}};
static_assert(IsNameTable(kRoleNames));
const char* RoleName(Role r);

// Who may call a route: anyone without a token (public), or holders of a
// token of some roles. The handler still decides for each record (an
// enterprise reads its own jobs); the set is what no other role ever gets
// a success from, which a test holds the handlers to.
struct Roles {
  uint8_t bits = 0;
  bool public_route = false;

  constexpr bool Has(Role r) const { return ((bits >> static_cast<uint8_t>(r)) & 1) != 0; }
};
constexpr Roles Public() { return {.bits = 0, .public_route = true}; }
// Every party's role: admin, operator, enterprise, provider, auditor.
constexpr Roles AnyRole() { return {.bits = 0x1f, .public_route = false}; }
constexpr Roles WithExpert(Roles r) {
  r.bits = static_cast<uint8_t>(r.bits | (1u << static_cast<uint8_t>(Role::kExpert)));
  return r;
}
constexpr Roles Only(std::initializer_list<Role> roles) {
  Roles out;
  for (Role r : roles) out.bits = static_cast<uint8_t>(out.bits | (1u << static_cast<uint8_t>(r)));
  return out;
}

// A field's type on the wire, as the OpenAPI document states it: id (1 to
// 2^54-1), int (>= 0), fen (integer fen), text, bool, date ("2026-01-01"
// or RFC 3339 UTC), array, object; for query parameters also a page size
// (1-1000, default 100), a string cursor (the next_after of the page
// before) and a choice among words ("json|csv").
enum class Type : uint8_t {
  kId,
  kInt,
  kFen,
  kText,
  kBool,
  kDate,
  kArray,
  kObject,
  kLimit,
  kCursor,
  kChoice
};

// How a CLI flag travels: into the body as an id, a whole number, a
// string, true/false, an amount in yuan (sent as fen), hours or minutes
// (sent as seconds), a time (Unix seconds or RFC 3339, sent as Unix
// seconds), ids separated by commas (sent as an array); into the query
// string; or, for flags that are no field, a JSON
// file whose object is the body (other flags are added to it), a key file
// (cli/provider_keys.h) whose public key is sent, or one that signs the
// flags as a usage record.
enum class FlagKind : uint8_t {
  kId,
  kNumber,
  kText,
  kBool,
  kYuan,
  kHours,
  kMinutes,
  kTime,
  kIds,
  kQuery,
  kFile,
  kPublicKeyOf,
  kSignWith
};

struct Flag {
  const char* name = nullptr;  // "--amount"; nullptr: no flag
  FlagKind kind = FlagKind::kText;
  const char* help = "";
  // A whole number (kNumber) that must be at least 1, such as a job's
  // cards; other numbers may be 0, ids start at 1, durations are more than 0.
  bool at_least_one = false;
  // The JSON field or query key it fills: a field's flag fills its field
  // (Route::Flags sets it); a CLI-only flag names its own, or none.
  const char* key = "";
};

// A query parameter (GET) or a body field (POST), and its CLI flag if any.
struct Field {
  const char* name;
  Type type;
  bool required = false;
  const char* choices = "";  // Type::kChoice: "json|csv"
  Flag flag = {};
};

// The route's `baygrid <noun> <verb>`; no noun: no command (public routes).
struct Command {
  const char* noun = nullptr;
  const char* verb = nullptr;
  const char* help = "";
  const char* example = "";
  // A list's table: its columns, comma-separated, in order ("" = every
  // scalar column); `--wide` shows every column.
  const char* columns = "";
  // Flags that are no field of the route (a JSON file, a key file, the
  // fields of a usage record to sign), shown before the fields' flags.
  std::vector<Flag> extra_flags = {};
};

struct Route {
  RouteId id;
  const char* method;  // "GET" or "POST"
  const char* path;    // "/v1/jobs/{id}/cancel": {id} is a path parameter
  Roles roles;
  const char* who;  // the roles in words, as the document shows them: "owner, admin"
  const char* summary;
  std::vector<Field> query = {};  // the query parameters it takes (any other is refused)
  std::vector<Field> body = {};   // a POST's JSON object (any other field is refused)
  Command cli = {};

  // The CLI's flags in the order `--help` shows them: the extra flags,
  // then the query's and the body's, each with its key set.
  std::vector<Flag> Flags() const;
};

// Every route, in RouteId order (Routes()[i].id is RouteId i).
const std::vector<Route>& Routes();
const Route& RouteOf(RouteId id);

}  // namespace bg::api::spec
