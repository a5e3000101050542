// Notices (notice/notice.h): each recipient's feed, read marks, and the
// webhook its notices are POSTed to.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddNoticeRows(std::vector<Route>* rows) {
  const Roles recipients = Only({Role::kOperator, Role::kEnterprise, Role::kProvider});
  rows->push_back(
      {.id = RouteId::kListNotices,
       .method = "GET",
       .path = "/v1/notices",
       .roles = AnyRole(),
       .who = "operator (its programme's), enterprise and provider (their own); admin, auditor "
              "(everyone's)",
       .summary = "Notices, unread first and newest first: application steps, vouchers issued, "
                  "expiring (30 and 7 days), expired or revoked, jobs placed, stopped or "
                  "finished, statements closed, approved or paid; with the unread count",
       .query = {Choice("unread", "true|false",
                        {"--unread", K::kQuery, "true: only those not yet read"}),
                 Choice("kind",
                        "application_submitted|application_step|voucher_issued|"
                        "voucher_expiring|voucher_expired|voucher_revoked|job_placed|"
                        "job_stopped|job_finished|statement_closed|statement_approved|"
                        "statement_paid",
                        {"--kind", K::kQuery, "Only this kind"}),
                 Limit(), After(T::kCursor)},
       .cli = {.noun = "notices",
               .verb = "list",
               .help = "Your notices, unread first",
               .example = "baygrid notices list --unread true",
               .columns = "id,at,kind,read,text"}});
  rows->push_back(
      {.id = RouteId::kReadNotices,
       .method = "POST",
       .path = "/v1/notices/read",
       .roles = recipients,
       .who = "operator, enterprise, provider (their own notices)",
       .summary = "Mark notices read: some by id, or every one up to an id",
       .body = {May("ids", T::kArray, {"--ids", K::kIds, "Notice ids, comma-separated"}),
                May("up_to", T::kId, {"--up-to", K::kId, "Every notice up to this id"})},
       .cli = {.noun = "notices",
               .verb = "read",
               .help = "Mark notices read",
               .example = "baygrid notices read --up-to 120"}});
  rows->push_back(
      {.id = RouteId::kListWebhooks,
       .method = "GET",
       .path = "/v1/webhooks",
       .roles = AnyRole(),
       .who = "operator, enterprise, provider (their own); admin, auditor (every one)",
       .summary = "Webhooks: the URL, the last notice acknowledged, what waits, failures and the "
                  "last error (never the secret)",
       .cli = {.noun = "webhooks",
               .verb = "list",
               .help = "Where your notices are POSTed, and how delivery stands",
               .example = "baygrid webhooks list"}});
  rows->push_back(
      {.id = RouteId::kSetWebhook,
       .method = "POST",
       .path = "/v1/webhooks",
       .roles = recipients,
       .who = "operator, enterprise, provider (their own)",
       .summary = "POST your notices to a URL, signed with HMAC-SHA256 (a new secret, shown once; "
                  "a new webhook starts with the next notice)",
       .body = {Must("url", T::kText,
                     {"--url", K::kText, "http://host[:port]/path that answers 2xx"})},
       .cli = {.noun = "webhooks",
               .verb = "set",
               .help = "POST your notices to a URL (the signing secret is shown once)",
               .example = "baygrid webhooks set --url http://erp.example:8080/baygrid"}});
  rows->push_back({.id = RouteId::kRemoveWebhook,
                   .method = "POST",
                   .path = "/v1/webhooks/remove",
                   .roles = recipients,
                   .who = "operator, enterprise, provider (their own)",
                   .summary = "Stop POSTing your notices (the feed keeps them)",
                   .cli = {.noun = "webhooks",
                           .verb = "remove",
                           .help = "Stop POSTing your notices",
                           .example = "baygrid webhooks remove"}});
}

}  // namespace bg::api::spec::rows
