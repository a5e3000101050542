// Voucher applications and their review, and the vouchers.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddApplicationRows(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kFileApplication,
       .method = "POST",
       .path = "/v1/applications",
       .roles = Only({Role::kEnterprise, Role::kAdmin}),
       .who = "enterprise (own), admin",
       .summary = "File a voucher application (Draft)",
       .body = {Must("id", T::kId, {"--id", K::kId, "Application id"}),
                Must("programme", T::kId, {"--programme", K::kId, "Programme id"}),
                May("enterprise", T::kId, {"--enterprise", K::kId, "Enterprise (admin tokens)"}),
                Must("amount_fen", T::kFen, {"--amount", K::kYuan, "Amount in yuan"}),
                May("note", T::kText, {"--note", K::kText, "A note"})},
       .cli = {.noun = "applications",
               .verb = "file",
               .help = "Apply for a voucher",
               .example = "baygrid applications file --id 9001 --programme 1 --amount 50000"}});
  // The applicant submits and withdraws; the programme's operator reviews.
  rows->push_back(
      {.id = RouteId::kReviewApplication,
       .method = "POST",
       .path = "/v1/applications/{id}/review",
       .roles = Only({Role::kEnterprise, Role::kOperator, Role::kAdmin}),
       .who = "enterprise, operator (programme), admin",
       .summary = "A step: submit, withdraw (applicant); start_review, approve, reject, "
                  "return_for_info, issue (operator)",
       .body = {Must("step", T::kText, {"--step", K::kText, "The step"}),
                May("reason", T::kText, {"--reason", K::kText, "Why (reject, return_for_info)"}),
                May("amount_fen", T::kFen,
                    {"--amount", K::kYuan, "Approve less than applied for (yuan)"})},
       .cli = {.noun = "applications",
               .verb = "review",
               .help = "A step: submit, start_review, approve, reject, return_for_info, issue, "
                       "withdraw",
               .example = "baygrid applications review 9001 --step approve"}});
  rows->push_back(
      {.id = RouteId::kGetApplication,
       .method = "GET",
       .path = "/v1/applications/{id}",
       .roles = Only({Role::kEnterprise, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "owner, operator, admin, auditor",
       .summary = "An application and its history",
       .cli = {.noun = "applications",
               .verb = "get",
               .help = "An application and its history",
               .example = "baygrid applications get 9001"}});
  rows->push_back(
      {.id = RouteId::kListApplications,
       .method = "GET",
       .path = "/v1/applications",
       .roles = Only({Role::kEnterprise, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "operator (programme), enterprise (own), admin, auditor",
       .summary = "The inbox: applications filtered, sorted and paged, with counts per status",
       .query = {May("programme", T::kId, {"--programme", K::kQuery, "Programme id"}),
                 May("status", T::kText,
                     {"--status", K::kQuery,
                      "draft, submitted, under_review, approved, rejected, returned_for_info, "
                      "issued or withdrawn (several: comma-separated)"}),
                 May("enterprise", T::kId, {"--enterprise", K::kQuery, "Enterprise id"}),
                 May("filed_from", T::kDate,
                     {"--filed-from", K::kQuery, "Filed at or after (2025-03-01, UTC)"}),
                 May("filed_to", T::kDate, {"--filed-to", K::kQuery, "Filed before (UTC)"}),
                 May("amount_min_fen", T::kFen,
                     {"--amount-min-fen", K::kQuery, "Requested at least (fen)"}),
                 May("amount_max_fen", T::kFen,
                     {"--amount-max-fen", K::kQuery, "Requested at most (fen)"}),
                 Choice("sort", "filed|-filed|amount|-amount|updated|-updated|id|-id",
                        {"--sort", K::kQuery, "Order (default -filed: newest first)"}),
                 Limit(), After(T::kCursor)},
       .cli = {.noun = "applications",
               .verb = "list",
               .help = "The review inbox: filter, sort, page; counts per status",
               .example = "baygrid applications list --programme 1 --status submitted,under_review "
                          "--sort amount"}});
  rows->push_back(
      {.id = RouteId::kReviewApplications,
       .method = "POST",
       .path = "/v1/applications/review",
       .roles = Only({Role::kOperator, Role::kAdmin}),
       .who = "operator (programme; the stage each application is at), admin",
       .summary = "One step on many applications with one reason: a result per application",
       .body = {Must("ids", T::kArray,
                     {"--ids", K::kIds, "Application ids, comma-separated (at most 500)"}),
                Must("step", T::kText,
                     {"--step", K::kText,
                      "start_review, approve, reject, return_for_info or issue"}),
                May("reason", T::kText, {"--reason", K::kText, "Why (reject, return_for_info)"})},
       .cli = {.noun = "applications",
               .verb = "decide",
               .help = "One step on many applications (a batch decision)",
               .example = "baygrid applications decide --ids 9001,9002 --step reject --reason "
                          "'outside the categories'"}});
  // A provider's list is empty.
  rows->push_back(
      {.id = RouteId::kListVouchers,
       .method = "GET",
       .path = "/v1/vouchers",
       .roles = Only({Role::kEnterprise, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "holder, operator, admin, auditor",
       .summary = "Vouchers with what is available (paged), filtered; names beside ids",
       .query = {May("programme", T::kId, {"--programme", K::kQuery, "Programme id"}),
                 May("enterprise", T::kId, {"--enterprise", K::kQuery, "Holder"}),
                 May("status", T::kText,
                     {"--status", K::kQuery,
                      "approved, live, expired or revoked (as of now; "
                      "several: comma-separated)"}),
                 May("expires_before", T::kDate,
                     {"--expires-before", K::kQuery, "Live and ending before (2025-06-01)"}),
                 Limit(), After()},
       .cli = {.noun = "vouchers",
               .verb = "list",
               .help = "Vouchers and what is left",
               .example = "baygrid vouchers list"}});
  rows->push_back(
      {.id = RouteId::kGetVoucher,
       .method = "GET",
       .path = "/v1/vouchers/{id}",
       .roles = Only({Role::kEnterprise, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "holder, operator (its programme), admin, auditor",
       .summary = "A voucher as the list shows it, with its history: the grant, the issue, every "
                  "claim on it (the job or order, held and spent), the sweep at expiry or "
                  "revocation",
       .cli = {.noun = "vouchers",
               .verb = "get",
               .help = "A voucher and its history",
               .example = "baygrid vouchers get 12"}});
}

}  // namespace bg::api::spec::rows
