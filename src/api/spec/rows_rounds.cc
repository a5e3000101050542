// Proposal rounds for scarce facilities (issue 19, facility/rounds.h): the
// user office's call, assignment and allocation (admin); proposals and
// outputs (the applicant, an enterprise token, or admin for it); screening
// (admin; feasibility also the facility's institution, a provider token);
// reviewers' scores (the assigned reviewer's own expert token, or entered by
// the user office from a paper review);
// safety training records (the facility's institution, or admin).
#include "api/spec/rows.h"

namespace bg::api::spec::rows {
namespace {

void AddRoundCalls(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kListRounds,
       .method = "GET",
       .path = "/v1/rounds",
       .roles = WithExpert(AnyRole()),
       .who = "any role",
       .summary = "Proposal rounds (calls) for scarce facilities: window, period, facilities "
                  "offered, status and proposal count",
       .query = {Limit(), After()},
       .cli = {.noun = "rounds",
               .verb = "list",
               .help = "Proposal rounds for scarce facilities",
               .example = "baygrid rounds list",
               .columns = "id,name,status,proposals_from,proposals_until,period_start,days,"
                          "proposals"}});
  rows->push_back(
      {.id = RouteId::kGetRound,
       .method = "GET",
       .path = "/v1/rounds/{id}",
       .roles = WithExpert(AnyRole()),
       .who = "any role (proposals: those the caller may see)",
       .summary = "A round: its call, the facilities offered, and the proposals the caller may "
                  "see with status, reviewers, scores, rank, hours allocated and why",
       .cli = {
           .noun = "rounds", .verb = "get", .help = "A round", .example = "baygrid rounds get 1"}});
  rows->push_back(
      {.id = RouteId::kOpenCall,
       .method = "POST",
       .path = "/v1/rounds",
       .roles = Only({Role::kAdmin}),
       .who = "admin (the user office)",
       .summary = "Open a call: a window for proposals, a period of 8-hour shifts after it, the "
                  "facilities and the share of their open shifts offered",
       .body =
           {Must("id", T::kInt, {"--id", K::kNumber, "Round id (1-65535)", true}),
            Must("name", T::kText, {"--name", K::kText, "The call's name"}),
            Must("proposals_from", T::kDate,
                 {"--proposals-from", K::kText, "Proposals taken from (UTC)"}),
            Must("proposals_until", T::kDate,
                 {"--proposals-until", K::kText, "Proposals taken until (UTC)"}),
            Must("period_start", T::kDate,
                 {"--period-start", K::kText, "The period allocated starts (on the hour, UTC)"}),
            Must("days", T::kInt, {"--days", K::kNumber, "Days in the period (1-92)", true}),
            Must("facilities", T::kArray,
                 {"--facilities", K::kIds, "Facility ids offered, comma-separated"}),
            May("offered_percent", T::kInt,
                {"--offered-percent", K::kNumber,
                 "Share of each facility's open shifts offered (1-100; 100)", true}),
            May("min_hours", T::kInt,
                {"--min-hours", K::kNumber, "Least hours worth allocating (8)", true}),
            May("reviewers_per_proposal", T::kInt,
                {"--reviewers-per-proposal", K::kNumber, "Reviewers per proposal (1-5; 2)", true}),
            May("outputs_required", T::kBool,
                {"--outputs-required", K::kBool,
                 "Refuse a proposal from one who used an allocation without reporting outputs"})},
       .cli = {.noun = "rounds",
               .verb = "open",
               .help = "Open a call for proposals",
               .example = "baygrid rounds open --id 1 --name '2026年第二轮机时' "
                          "--proposals-from 2026-03-01 --proposals-until 2026-03-15 "
                          "--period-start 2026-04-01T00:00:00Z --days 91 --facilities 1,2,3"}});
  rows->push_back({.id = RouteId::kAssignRound,
                   .method = "POST",
                   .path = "/v1/rounds/{id}/assign",
                   .roles = Only({Role::kAdmin}),
                   .who = "admin (the user office)",
                   .summary = "After the window, every screened proposal gets its reviewers; "
                              "none of the applicant's institution or with a declared relation",
                   .cli = {.noun = "rounds",
                           .verb = "assign",
                           .help = "Assign reviewers to the round's feasible proposals",
                           .example = "baygrid rounds assign 1"}});
  rows->push_back(
      {.id = RouteId::kAllocateRound,
       .method = "POST",
       .path = "/v1/rounds/{id}/allocate",
       .roles = Only({Role::kAdmin}),
       .who = "admin (the user office)",
       .summary = "Rank by the reviewers' scores, allocate hours within each facility's offer, "
                  "place them in shifts (min-cost flow) and book each shift for its applicant",
       .cli = {.noun = "rounds",
               .verb = "allocate",
               .help = "Allocate the round: rank, allocate, place and book",
               .example = "baygrid rounds allocate 1"}});
}

void AddProposals(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kSubmitProposal,
       .method = "POST",
       .path = "/v1/proposals",
       .roles = Only({Role::kEnterprise, Role::kAdmin}),
       .who = "enterprise (for itself), admin (for anyone)",
       .summary = "Submit a proposal to an open round: hours on facilities of one kind, within "
                  "windows the team can come ([{from, until}], inside the round's period)",
       .body = {Must("id", T::kId, {"--id", K::kId, "Proposal id"}),
                Must("round", T::kInt, {"--round", K::kNumber, "Round id", true}),
                May("applicant", T::kId,
                    {"--applicant", K::kId, "For whom (admin; an enterprise applies for itself)"}),
                Must("title", T::kText, {"--title", K::kText, "The proposal's title"}),
                Must("facilities", T::kArray,
                     {"--facilities", K::kIds, "Facility ids (one kind), comma-separated"}),
                Must("hours", T::kInt,
                     {"--hours", K::kNumber, "Hours asked (whole shifts of 8)", true}),
                May("windows", T::kArray)},
       .cli = {
           .noun = "proposals",
           .verb = "submit",
           .help = "Submit a proposal to a round",
           .example = "baygrid proposals submit --id 7 --round 1 --title '减速器齿面残余应力' "
                      "--facilities 3 --hours 24",
           .extra_flags = {{"--file", K::kFile,
                            "JSON object with the fields (windows: [{\"from\", \"until\"}])"}}}});
  rows->push_back(
      {.id = RouteId::kListProposals,
       .method = "GET",
       .path = "/v1/proposals",
       .roles =
           Only({Role::kEnterprise, Role::kProvider, Role::kAdmin, Role::kAuditor, Role::kExpert}),
       .who = "the applicant, the institutions of its facilities, its assigned reviewers, admin, "
              "auditor",
       .summary = "Proposals the caller may see, with status, rank and hours allocated (paged)",
       .query = {May("round", T::kInt, {"--round", K::kQuery, "Only this round's"}),
                 May("applicant", T::kId, {"--applicant", K::kQuery, "Only this applicant's"}),
                 May("status", T::kText,
                     {"--status", K::kQuery,
                      "Only these: submitted, checked, feasible, in_review, allocated, "
                      "not_allocated, rejected"}),
                 Limit(), After()},
       .cli = {.noun = "proposals",
               .verb = "list",
               .help = "Proposals to rounds",
               .example = "baygrid proposals list --round 1 --status allocated",
               .columns = "id,round,applicant_name,title,kind,hours,status,mean_score,"
                          "allocated_hours"}});
  rows->push_back({.id = RouteId::kGetProposal,
                   .method = "GET",
                   .path = "/v1/proposals/{id}",
                   .roles = Only({Role::kEnterprise, Role::kProvider, Role::kAdmin, Role::kAuditor,
                                  Role::kExpert}),
                   .who = "the applicant, the institutions of its facilities, its assigned "
                          "reviewers, admin, auditor",
                   .summary = "A proposal: screening, reviewers, scores, rank, its shifts and "
                              "outputs (404 for one the caller may not see)",
                   .cli = {.noun = "proposals",
                           .verb = "get",
                           .help = "A proposal",
                           .example = "baygrid proposals get 7"}});
  rows->push_back(
      {.id = RouteId::kScreenProposal,
       .method = "POST",
       .path = "/v1/proposals/{id}/screen",
       .roles = Only({Role::kAdmin, Role::kProvider}),
       .who = "admin (admin check, feasibility), the facility's institution (feasibility)",
       .summary = "Screen a proposal: the admin check, then feasibility; a failure needs a "
                  "reason and ends the proposal",
       .body = {Must("step", T::kText, {"--step", K::kText, "admin_check or feasibility"}),
                Must("pass", T::kBool, {"--pass", K::kBool, "Passed (true) or failed (false)"}),
                May("reason", T::kText, {"--reason", K::kText, "Why it failed"})},
       .cli = {.noun = "proposals",
               .verb = "screen",
               .help = "Screen a proposal (admin check, feasibility)",
               .example = "baygrid proposals screen 7 --step admin_check --pass true"}});
  rows->push_back({.id = RouteId::kScoreProposal,
                   .method = "POST",
                   .path = "/v1/proposals/{id}/score",
                   .roles = Only({Role::kAdmin, Role::kExpert}),
                   .who =
                       "the assigned reviewer (an expert token), admin (the user office enters a "
                       "reviewer's score from paper)",
                   .summary = "An assigned reviewer's score, 1 (poor) to 5 (outstanding), once",
                   .body = {May("reviewer", T::kInt,
                                {"--reviewer", K::kNumber,
                                 "Reviewer id (admin; an expert scores as itself)", true}),
                            Must("score", T::kInt, {"--score", K::kNumber, "1 to 5", true})},
                   .cli = {.noun = "proposals",
                           .verb = "score",
                           .help = "Enter a reviewer's score",
                           .example = "baygrid proposals score 7 --reviewer 3 --score 4"}});
  rows->push_back({.id = RouteId::kReportOutputs,
                   .method = "POST",
                   .path = "/v1/proposals/{id}/outputs",
                   .roles = Only({Role::kEnterprise, Role::kAdmin}),
                   .who = "the applicant, admin",
                   .summary =
                       "Report what came of an allocation: papers, patents, datasets, reports "
                       "([{kind, reference}])",
                   .body = {Must("outputs", T::kArray)},
                   .cli = {.noun = "proposals",
                           .verb = "outputs",
                           .help = "Report a proposal's outputs",
                           .example = "baygrid proposals outputs 7 --file outputs.json",
                           .extra_flags = {{"--file", K::kFile,
                                            "JSON object {\"outputs\": [{\"kind\": \"paper\", "
                                            "\"reference\": \"doi:...\"}]}"}}}});
}

void AddReviewers(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kRegisterReviewer,
       .method = "POST",
       .path = "/v1/reviewers",
       .roles = Only({Role::kAdmin}),
       .who = "admin (the user office)",
       .summary = "Register an expert reviewer: institution, declared relations (enterprises "
                  "they may not review), facility kinds known, most proposals a round",
       .body = {Must("id", T::kInt, {"--id", K::kNumber, "Reviewer id", true}),
                Must("name", T::kText, {"--name", K::kText, "Name as the alliance lists it"}),
                Must("institution", T::kId,
                     {"--institution", K::kId, "University or institute (a provider id)"}),
                May("related", T::kArray,
                    {"--related", K::kIds, "Enterprises declared related, comma-separated"}),
                May("kinds", T::kArray),
                May("max_load", T::kInt,
                    {"--max-load", K::kNumber, "Most proposals a round (10)", true})},
       .cli = {.noun = "reviewers",
               .verb = "register",
               .help = "Register an expert reviewer",
               .example = "baygrid reviewers register --id 3 --name '张教授' --institution 2 "
                          "--related 31,32"}});
  rows->push_back({.id = RouteId::kListReviewers,
                   .method = "GET",
                   .path = "/v1/reviewers",
                   .roles = Only({Role::kAdmin, Role::kAuditor}),
                   .who = "admin, auditor",
                   .summary = "Expert reviewers with institution, relations and kinds (paged)",
                   .query = {Limit(), After()},
                   .cli = {.noun = "reviewers",
                           .verb = "list",
                           .help = "Expert reviewers",
                           .example = "baygrid reviewers list",
                           .columns = "id,name,institution_name,kinds,max_load"}});
}

void AddTrainings(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kRecordTraining,
       .method = "POST",
       .path = "/v1/trainings",
       .roles = Only({Role::kAdmin, Role::kProvider}),
       .who = "provider (its own facilities' courses), admin",
       .summary = "Record that a user passed the safety training a facility requires, valid "
                  "until a time; check-in at that facility needs it (a renewal is a new record)",
       .body = {Must("id", T::kInt, {"--id", K::kNumber, "Record id", true}),
                Must("user", T::kId, {"--user", K::kId, "The user (an enterprise id)"}),
                Must("training", T::kText,
                     {"--training", K::kText, "The training as the facility names it"}),
                May("by", T::kId,
                    {"--by", K::kId, "The institution (provider id; a provider token: its own)"}),
                Must("valid_until", T::kDate,
                     {"--valid-until", K::kText, "Valid until (UTC date or time)"})},
       .cli = {.noun = "trainings",
               .verb = "record",
               .help = "Record a user's safety training",
               .example = "baygrid trainings record --id 1 --user 31 --training '辐射安全培训' "
                          "--valid-until 2027-12-31"}});
  rows->push_back({.id = RouteId::kListTrainings,
                   .method = "GET",
                   .path = "/v1/trainings",
                   .roles = AnyRole(),
                   .who = "admin, auditor: all; provider: those it gave; enterprise: its own",
                   .summary = "Safety training records: user, training, institution, valid until "
                              "(paged; ?user= for one user)",
                   .query = {May("user", T::kId, {"--user", K::kQuery, "One user (enterprise id)"}),
                             Limit(), After()},
                   .cli = {.noun = "trainings",
                           .verb = "list",
                           .help = "Safety training records",
                           .example = "baygrid trainings list",
                           .columns = "id,user_name,training,by_name,valid_until"}});
}

}  // namespace

void AddRoundRows(std::vector<Route>* rows) {
  AddRoundCalls(rows);
  AddProposals(rows);
  AddReviewers(rows);
  AddTrainings(rows);
}

}  // namespace bg::api::spec::rows
