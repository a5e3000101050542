// Quotes and jobs: submit, read, cancel, extend, explain; a placement pass.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {
namespace {

// The job request's fields after the enterprise's, which a quote and a job
// share (JobFrom in api/routes_jobs.cc reads them); the flags differ.
constexpr Flag kAccelerator = {"--accelerator", K::kText, "A800, H800, H20, 910B, 4090"};
constexpr Flag kCards = {"--cards", K::kNumber, "Cards", true};
constexpr Flag kHours = {"--hours", K::kHours, "Walltime in hours"};
constexpr Flag kTier = {"--tier", K::kText, "shared, exclusive or priority"};
constexpr Flag kMaxOop = {"--max-oop", K::kYuan, "Most you will pay (yuan)"};
constexpr Flag kPurpose = {"--purpose", K::kText, "training, fine_tuning or inference"};
constexpr Flag kEnterprise = {"--enterprise", K::kId, "Enterprise (admin tokens)"};

}  // namespace

void AddJobRows(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kQuote,
       .method = "POST",
       .path = "/v1/quotes",
       .roles = Only({Role::kEnterprise, Role::kAdmin}),
       .who = "enterprise (own), admin",
       .summary = "Quote a job across every pool: price after subsidy, start, finish, and why "
                  "pools are left out",
       .body = {May("enterprise", T::kId, kEnterprise), May("accelerator", T::kText, kAccelerator),
                May("min_memory_gb", T::kInt), Must("cards", T::kInt, kCards),
                Must("walltime_s", T::kInt, kHours), May("tier", T::kText, kTier),
                May("data_site", T::kId), May("data_gb", T::kInt), May("deadline_unix_s", T::kInt),
                May("max_out_of_pocket_fen", T::kFen, kMaxOop),
                May("objective", T::kText, {"--objective", K::kText, "cost, finish or latency"}),
                May("near_city", T::kId), May("purpose", T::kText, kPurpose), May("pool", T::kId)},
       .cli = {
           .noun = "jobs",
           .verb = "quote",
           .help = "Price a job on every pool, after subsidy",
           .example =
               "baygrid jobs quote --accelerator A800 --cards 8 --hours 10 --purpose training"}});
  rows->push_back(
      {.id = RouteId::kSubmitJob,
       .method = "POST",
       .path = "/v1/jobs",
       .roles = Only({Role::kEnterprise, Role::kAdmin}),
       .who = "enterprise (own), admin",
       .summary = "Submit a job: placed now or queued",
       .body = {Must("id", T::kId, {"--id", K::kId, "Job id"}),
                May("enterprise", T::kId, kEnterprise), May("accelerator", T::kText, kAccelerator),
                May("min_memory_gb", T::kInt), Must("cards", T::kInt, kCards),
                Must("walltime_s", T::kInt, kHours), May("tier", T::kText, kTier),
                May("data_site", T::kId), May("data_gb", T::kInt), May("deadline_unix_s", T::kInt),
                May("max_out_of_pocket_fen", T::kFen, kMaxOop), May("objective", T::kText),
                May("near_city", T::kId),
                May("pool", T::kId, {"--pool", K::kId, "Take this pool's quote"}),
                May("purpose", T::kText, kPurpose)},
       .cli = {.noun = "jobs",
               .verb = "submit",
               .help = "Submit a job (placed now or queued)",
               .example = "baygrid jobs submit --id 7 --accelerator A800 --cards 8 --hours 10 "
                          "--purpose training"}});
  // An operator's list is empty.
  rows->push_back(
      {.id = RouteId::kListJobs,
       .method = "GET",
       .path = "/v1/jobs",
       .roles = Only(
           {Role::kEnterprise, Role::kProvider, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "enterprise (own), provider (at its pools), operator (paid by its programme), "
              "admin, auditor",
       .summary = "Jobs (paged; scoped to the caller), filtered; names beside ids",
       .query = {May("enterprise", T::kId, {"--enterprise", K::kQuery, "Enterprise id"}),
                 May("programme", T::kId, {"--programme", K::kQuery, "Paid by this programme"}),
                 May("status", T::kText,
                     {"--status", K::kQuery,
                      "queued, running, done or cancelled (several: "
                      "comma-separated)"}),
                 May("site", T::kId, {"--site", K::kQuery, "Ran at this site"}),
                 May("submitted_from", T::kDate,
                     {"--submitted-from", K::kQuery, "Submitted at or after (2025-03-01, UTC)"}),
                 May("submitted_to", T::kDate,
                     {"--submitted-to", K::kQuery, "Submitted before (UTC)"}),
                 Limit(), After()},
       .cli = {.noun = "jobs",
               .verb = "list",
               .help = "Jobs you may see",
               .example = "baygrid jobs list",
               .columns = "id,status,enterprise_name,accelerator,cards,walltime_s,site_name,"
                          "list_cost,subsidy,out_of_pocket,submitted_at"}});
  rows->push_back(
      {.id = RouteId::kGetJob,
       .method = "GET",
       .path = "/v1/jobs/{id}",
       .roles = Only(
           {Role::kEnterprise, Role::kProvider, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "owner, its provider, operators of a programme that pays for it, admin, auditor",
       .summary = "A job",
       .cli = {.noun = "jobs", .verb = "get", .help = "A job", .example = "baygrid jobs get 7"}});
  rows->push_back(
      {.id = RouteId::kExplainJob,
       .method = "GET",
       .path = "/v1/jobs/{id}/explain",
       .roles = Only(
           {Role::kEnterprise, Role::kProvider, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "owner, its provider, operators of a programme that pays for it, admin, auditor",
       .summary = "Why a job waits, and what it would cost elsewhere",
       .cli = {.noun = "jobs",
               .verb = "explain",
               .help = "Why a job waits",
               .example = "baygrid jobs explain 7"}});
  rows->push_back(
      {.id = RouteId::kJobTrail,
       .method = "GET",
       .path = "/v1/jobs/{id}/trail",
       .roles = Only(
           {Role::kEnterprise, Role::kProvider, Role::kOperator, Role::kAdmin, Role::kAuditor}),
       .who = "owner, its provider, operators of a programme that pays for it, admin, auditor",
       .summary = "What makes up a job's money: its usage records (with their signature status), "
                  "its ledger transfers (with the journal entry of each) and whether they add up "
                  "to the job's figures",
       .cli = {.noun = "jobs",
               .verb = "trail",
               .help = "A job's usage, transfers and journal entries",
               .example = "baygrid jobs trail 7"}});
  rows->push_back({.id = RouteId::kCancelJob,
                   .method = "POST",
                   .path = "/v1/jobs/{id}/cancel",
                   .roles = Only({Role::kEnterprise, Role::kAdmin}),
                   .who = "owner, admin",
                   .summary = "Cancel: releases cards and holds",
                   .body = {May("reason", T::kText, {"--reason", K::kText, "Why"})},
                   .cli = {.noun = "jobs",
                           .verb = "cancel",
                           .help = "Cancel a job",
                           .example = "baygrid jobs cancel 7 --reason 'wrong data'"}});
  rows->push_back({.id = RouteId::kExtendJob,
                   .method = "POST",
                   .path = "/v1/jobs/{id}/extend",
                   .roles = Only({Role::kEnterprise, Role::kAdmin}),
                   .who = "owner, admin",
                   .summary = "More walltime, paid by the enterprise (or a stop signal)",
                   .body = {Must("extra_s", T::kInt, {"--minutes", K::kMinutes, "Minutes more"})},
                   .cli = {.noun = "jobs",
                           .verb = "extend",
                           .help = "More walltime (you pay it)",
                           .example = "baygrid jobs extend 7 --minutes 30"}});
  rows->push_back({.id = RouteId::kSchedule,
                   .method = "POST",
                   .path = "/v1/schedule",
                   .roles = Only({Role::kAdmin}),
                   .who = "admin",
                   .summary = "Run one placement pass over the queue",
                   .body = {May("max_jobs", T::kInt,
                                {"--max-jobs", K::kNumber, "At most this many placements"})},
                   .cli = {.noun = "jobs",
                           .verb = "schedule",
                           .help = "Run one placement pass over the queue",
                           .example = "baygrid jobs schedule"}});
}

}  // namespace bg::api::spec::rows
