// Statements, closing periods, flows and audit cases; verifying the
// journal.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddSettlementRows(std::vector<Route>* rows) {
  // Payees (providers, enterprises) see the statements they are paid by.
  // Without a period: every closed period's statements, finance's queue.
  rows->push_back(
      {.id = RouteId::kGetStatements,
       .method = "GET",
       .path = "/v1/statements",
       .roles = AnyRole(),
       .who = "operator (programme), admin, auditor; payees see their own",
       .summary = "Statements: one period's of a programme, or every closed period's (finance's "
                  "queue), filtered by status and payee, with counts and totals per status "
                  "(json or csv)",
       .query = {May("programme", T::kId, {"--programme", K::kQuery, "Programme id"}),
                 May("period", T::kText,
                     {"--period", K::kQuery,
                      "YYYY-MM or YYYY-Qn (absent: every closed period, oldest first)"}),
                 May("status", T::kText,
                     {"--status", K::kQuery, "open, payable, approved, paid (comma-separated)"}),
                 May("provider", T::kId, {"--provider", K::kQuery, "Payee: this provider"}),
                 May("enterprise", T::kId, {"--enterprise", K::kQuery, "Payee: this enterprise"}),
                 Choice("format", "json|csv",
                        {"--format", K::kQuery, "json (default, a page of payees) or csv (all)"}),
                 Choice("lines", "true|false",
                        {"--lines", K::kQuery, "false: the totals without the lines"}),
                 Limit(), After(T::kCursor)},
       .cli = {.noun = "statements",
               .verb = "get",
               .help = "Statements of a period, or finance's queue across closed periods",
               .example = "baygrid statements get --status approved --lines false",
               .columns = "programme,period,payee_kind,payee,payee_name,status,subsidy,closed_at,"
                          "approved_by,bank_reference"}});
  // One payee's statement with its charge lines a page at a time: a
  // provider's month holds thousands, each linked to the job it billed.
  rows->push_back(
      {.id = RouteId::kStatementLines,
       .method = "GET",
       .path = "/v1/statements/lines",
       .roles = AnyRole(),
       .who = "operator (programme), admin, auditor; payees see their own",
       .summary = "One payee's statement of a period: its figures and steps, and its charge lines "
                  "(each with the job it billed and this programme's subsidy), paged",
       .query = {Must("programme", T::kId, {"--programme", K::kQuery, "Programme id"}),
                 Must("period", T::kText, {"--period", K::kQuery, "YYYY-MM or YYYY-Qn"}),
                 May("provider", T::kId, {"--provider", K::kQuery, "Payee: this provider"}),
                 May("enterprise", T::kId, {"--enterprise", K::kQuery, "Payee: this enterprise"}),
                 Limit(), After(T::kCursor)},
       .cli = {.noun = "statements",
               .verb = "lines",
               .help = "A statement's charge lines, with the job each billed",
               .example = "baygrid statements lines --programme 1 --period 2025-06 --provider 1",
               .columns =
                   "at,order,enterprise_name,pool,city_name,card_seconds,charge,subsidy,copay"}});
  // A statement is paid in three steps, each by its own people: the
  // programme's reviewers close the period (payable), finance approves
  // (not the one who closed it) and records the bank payment (settled).
  rows->push_back(
      {.id = RouteId::kCloseStatements,
       .method = "POST",
       .path = "/v1/statements/close",
       .roles = Only({Role::kOperator, Role::kAdmin}),
       .who = "operator (programme; stage reviewer or approver), admin",
       .summary = "Close a period: its statements become payable and their totals are held",
       .body = {Must("programme", T::kId, {"--programme", K::kId, "Programme id"}),
                Must("period", T::kText, {"--period", K::kText, "YYYY-MM or YYYY-Qn"})},
       .cli = {.noun = "statements",
               .verb = "close",
               .help = "Close a period: its statements become payable",
               .example = "baygrid statements close --programme 1 --period 2025-06"}});
  rows->push_back(
      {.id = RouteId::kApproveStatements,
       .method = "POST",
       .path = "/v1/statements/approve",
       .roles = Only({Role::kOperator, Role::kAdmin}),
       .who = "operator (programme; stage finance), admin; not the one who closed the period",
       .summary = "Approve a payable statement, or every payable statement of a closed period",
       .body = {Must("programme", T::kId, {"--programme", K::kId, "Programme id"}),
                Must("period", T::kText, {"--period", K::kText, "YYYY-MM or YYYY-Qn"}),
                May("payee", T::kId,
                    {"--payee", K::kId, "The payee (provider or enterprise); all when left out"})},
       .cli = {.noun = "statements",
               .verb = "approve",
               .help = "Approve statements for payment (finance)",
               .example = "baygrid statements approve --programme 1 --period 2025-06"}});
  rows->push_back(
      {.id = RouteId::kPayStatements,
       .method = "POST",
       .path = "/v1/statements/pay",
       .roles = Only({Role::kOperator, Role::kAdmin}),
       .who = "operator (programme; stage finance), admin",
       .summary = "Record the bank payment of an approved statement: its total is settled",
       .body = {Must("programme", T::kId, {"--programme", K::kId, "Programme id"}),
                Must("period", T::kText, {"--period", K::kText, "YYYY-MM or YYYY-Qn"}),
                Must("payee", T::kId, {"--payee", K::kId, "The payee (provider or enterprise)"}),
                Must("bank_reference", T::kText,
                     {"--bank-reference", K::kText, "The bank's reference of the payment"}),
                Must("paid_on", T::kText,
                     {"--paid-on", K::kText, "The payment's value date, YYYY-MM-DD (CST)"})},
       .cli = {.noun = "statements",
               .verb = "pay",
               .help = "Record a statement's bank payment (finance)",
               .example = "baygrid statements pay --programme 1 --period 2025-06 --payee 2 "
                          "--bank-reference ICBC-0042 --paid-on 2025-07-10"}});
  rows->push_back(
      {.id = RouteId::kListFlows,
       .method = "GET",
       .path = "/v1/flows",
       .roles = Only({Role::kAdmin, Role::kOperator, Role::kAuditor}),
       .who = "admin, operator, auditor",
       .summary = "Issuer -> city flows (json or csv)",
       .query = {May("from", T::kText, {"--from", K::kQuery, "First period"}),
                 May("to", T::kText, {"--to", K::kQuery, "Last period"}),
                 Choice("format", "json|csv", {"--format", K::kQuery, "json (default) or csv"}),
                 Limit(), After(T::kCursor)},
       .cli = {.noun = "flows",
               .verb = "list",
               .help = "Issuer -> city: card-hours and yuan",
               .example = "baygrid flows list --from 2025-06 --to 2025-Q3"}});
  rows->push_back(
      {.id = RouteId::kListCases,
       .method = "GET",
       .path = "/v1/audit/cases",
       .roles = Only({Role::kAdmin, Role::kAuditor}),
       .who = "admin, auditor",
       .summary = "Fraud audit cases, filtered by state and kind",
       .query = {Choice("state", "open|closed", {"--state", K::kQuery, "open or closed"}),
                 May("kind", T::kText,
                     {"--kind", K::kQuery, "The finding's kind (comma-separated)"}),
                 Limit(), After()},
       .cli = {.noun = "cases",
               .verb = "list",
               .help = "Fraud audit cases",
               .example = "baygrid cases list"}});
  rows->push_back({.id = RouteId::kScanForFraud,
                   .method = "POST",
                   .path = "/v1/audit/scan",
                   .roles = Only({Role::kAdmin, Role::kAuditor}),
                   .who = "admin, auditor",
                   .summary = "Run the fraud detectors",
                   .cli = {.noun = "cases",
                           .verb = "scan",
                           .help = "Run the fraud detectors",
                           .example = "baygrid cases scan"}});
  rows->push_back(
      {.id = RouteId::kVerifyJournal,
       .method = "POST",
       .path = "/v1/audit/verify",
       .roles = Only({Role::kAdmin, Role::kAuditor}),
       .who = "admin, auditor",
       .summary = "Verify the journal: hash chain, replay, signatures, snapshot, balances",
       .cli = {.noun = "audit",
               .verb = "verify",
               .help = "Verify the server's journal: hash chain, replay, signatures, snapshot, "
                       "balances",
               .example = "baygrid audit verify"}});
  rows->push_back({.id = RouteId::kCloseCase,
                   .method = "POST",
                   .path = "/v1/audit/cases/{id}/close",
                   .roles = Only({Role::kAdmin, Role::kAuditor}),
                   .who = "admin, auditor",
                   .summary = "Close a case with a resolution",
                   .body = {Must("resolution", T::kText,
                                 {"--resolution", K::kText, "What was found and done"})},
                   .cli = {.noun = "cases",
                           .verb = "close",
                           .help = "Close a case",
                           .example = "baygrid cases close 3 --resolution 'refunded'"}});
}

}  // namespace bg::api::spec::rows
