// A programme's life (programme/lifecycle.h): amendments, budget top-ups
// and cuts, suspension, resumption, the close and the provider list; each
// by an admin or the programme's operator with an approver's stage, each
// with a reason. And the preview of draft terms on a sample order, which
// changes nothing.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {
namespace {

constexpr const char* kWho = "admin, operator (the programme; stage approver)";

Field Reason() {
  return Must("reason", T::kText, {"--reason", K::kText, "Why (kept in its history)"});
}

// A change with nothing but a reason: suspend, resume, close.
Route StatusRow(RouteId id, const char* path, const char* summary, const char* verb,
                const char* help, const char* example) {
  return {.id = id,
          .method = "POST",
          .path = path,
          .roles = Only({Role::kAdmin, Role::kOperator}),
          .who = kWho,
          .summary = summary,
          .body = {Reason()},
          .cli = {.noun = "programmes", .verb = verb, .help = help, .example = example}};
}

}  // namespace

void AddProgrammeRows(std::vector<Route>* rows) {
  rows->push_back(
      {.id = RouteId::kProgrammePacing,
       .method = "GET",
       .path = "/v1/programmes/{id}/pacing",
       .roles = Only({Role::kAdmin, Role::kOperator, Role::kAuditor}),
       .who = "admin, operator (the programme), auditor",
       .summary = "Budget pacing: per month granted, automatic, spent, held, lapsed, returned, "
                  "clawed back, topped up, cut and the uncommitted budget after it; the pace "
                  "and the day the budget runs out at it; subsidy by category, by city of "
                  "compute and to SMEs; each enterprise's use of its yearly cap (json or csv: "
                  "the months)",
       .query = {Choice("format", "json|csv",
                        {"--format", K::kQuery, "json (default) or csv (the months)"})},
       .cli = {.noun = "programmes",
               .verb = "pacing",
               .help = "A programme's budget month by month, its pace and forecast",
               .example = "baygrid programmes pacing 1 --format csv"}});
  rows->push_back(
      {.id = RouteId::kAmendProgramme,
       .method = "POST",
       .path = "/v1/programmes/{id}/amend",
       .roles = Only({Role::kAdmin, Role::kOperator}),
       .who = kWho,
       .summary = "A new version of the programme's terms from an effective date (now or "
                  "later); vouchers already granted keep their version's terms. Send the fields "
                  "that change, as a definition has them; id, name, kind, issuer, "
                  "total_budget_fen, redemption, settlement, providers and review are every "
                  "version's and do not change here",
       .body = {Must("effective_from", T::kDate,
                     {"--effective-from", K::kText, "From this day (2026-01-01), now or later"}),
                Reason(),
                May("valid_until", T::kDate, {"--valid-until", K::kText, "New end (exclusive)"}),
                May("apply_from", T::kDate), May("apply_until", T::kDate),
                May("yearly_budget_fen", T::kFen,
                    {"--yearly-budget", K::kYuan, "Yearly budget (yuan)"}),
                May("eligibility", T::kObject),
                May("ratio_bp", T::kInt, {"--ratio-bp", K::kNumber, "Default ratio, 1/10000"}),
                May("combined_ceiling_bp", T::kInt), May("ratio_rules", T::kArray),
                May("per_order_cap_fen", T::kFen,
                    {"--per-order-cap", K::kYuan, "Cap per order (yuan)"}),
                May("per_award_cap_fen", T::kFen,
                    {"--per-award-cap", K::kYuan, "Cap per award (yuan)"}),
                May("purposes", T::kArray),
                May("entity_year_cap_fen", T::kFen,
                    {"--entity-year-cap", K::kYuan, "Cap per entity and year (yuan)"}),
                May("cap_rules", T::kArray),
                May("voucher_validity_days", T::kInt,
                    {"--voucher-validity-days", K::kNumber, "Days a voucher lasts", true}),
                May("lapse", T::kText, {"--lapse", K::kText, "return_to_budget or lapse"}),
                May("sme_first", T::kBool, {"--sme-first", K::kBool, "true or false"})},
       .cli = {.noun = "programmes",
               .verb = "amend",
               .help = "Amend a programme's terms from a date (issued vouchers keep theirs)",
               .example = "baygrid programmes amend 1 --effective-from 2026-04-01 --ratio-bp 3000 "
                          "--reason '2026年第2号通知'",
               .extra_flags = {{"--file", K::kFile,
                                "JSON object with the changed fields (ratio_rules, ...)"}}}});
  rows->push_back(
      {.id = RouteId::kTopUpProgramme,
       .method = "POST",
       .path = "/v1/programmes/{id}/top-up",
       .roles = Only({Role::kAdmin, Role::kOperator}),
       .who = kWho,
       .summary = "Add to the programme's budget from its issuer's funding",
       .body = {Must("amount_fen", T::kFen, {"--amount", K::kYuan, "Yuan to add"}), Reason()},
       .cli = {.noun = "programmes",
               .verb = "top-up",
               .help = "Add to a programme's budget",
               .example = "baygrid programmes top-up 1 --amount 5000000 --reason "
                          "'second tranche'"}});
  rows->push_back(
      {.id = RouteId::kCutProgramme,
       .method = "POST",
       .path = "/v1/programmes/{id}/cut",
       .roles = Only({Role::kAdmin, Role::kOperator}),
       .who = kWho,
       .summary = "Give part of the uncommitted budget back to the issuer's funding",
       .body = {Must("amount_fen", T::kFen, {"--amount", K::kYuan, "Yuan to take"}), Reason()},
       .cli = {.noun = "programmes",
               .verb = "cut",
               .help = "Cut a programme's uncommitted budget",
               .example = "baygrid programmes cut 1 --amount 1000000 --reason "
                          "'reallocated'"}});
  rows->push_back(StatusRow(RouteId::kSuspendProgramme, "/v1/programmes/{id}/suspend",
                            "Suspend: no filing, review, approval or automatic grant until "
                            "resumed; issued vouchers stay spendable",
                            "suspend", "Suspend a programme",
                            "baygrid programmes suspend 1 --reason 'audit'"));
  rows->push_back(StatusRow(RouteId::kResumeProgramme, "/v1/programmes/{id}/resume",
                            "Resume a suspended programme", "resume", "Resume a programme",
                            "baygrid programmes resume 1 --reason 'audit closed'"));
  rows->push_back(StatusRow(RouteId::kCloseProgramme, "/v1/programmes/{id}/close",
                            "Close for good: the uncommitted budget returns to the issuer; "
                            "issued vouchers stay spendable until they expire",
                            "close", "Close a programme",
                            "baygrid programmes close 1 --reason 'programme ends'"));
  rows->push_back(
      {.id = RouteId::kListProgrammeProvider,
       .method = "POST",
       .path = "/v1/programmes/{id}/providers",
       .roles = Only({Role::kAdmin, Role::kOperator}),
       .who = kWho,
       .summary = "Put a provider on the programme's list (算力伙伴), or take it off; the list "
                  "applies to every voucher",
       .body = {Must("provider", T::kId, {"--provider", K::kId, "Provider id"}),
                Must("listed", T::kBool, {"--listed", K::kBool, "true: on the list; false: off"}),
                Reason()},
       .cli = {.noun = "programmes",
               .verb = "list-provider",
               .help = "Put a provider on a programme's list (--listed true) or take it off",
               .example = "baygrid programmes list-provider 1 --provider 3 --listed true "
                          "--reason 'joined the partner list'"}});
  // Writes nothing, so any operator may (its own programme's terms or a
  // new programme's).
  rows->push_back(
      {.id = RouteId::kPreviewProgramme,
       .method = "POST",
       .path = "/v1/programmes/preview",
       .roles = Only({Role::kAdmin, Role::kOperator}),
       .who = "admin, operator (its programme's id or a new one)",
       .summary = "The subsidy a sample order would get under a programme definition, without "
                  "creating or changing anything: `programme` is a whole definition as POST "
                  "/v1/programmes takes it (a bad one answers the same problem); `order` is "
                  "{enterprise, provider, amount_fen, purpose?, resource? (domestic|foreign, "
                  "default foreign), at? (default now)}. Answers eligible, refusal, amount, "
                  "subsidy, self_pay, ratio_bp, bound_by, limits, cap_year, cap_used_this_year, "
                  "cap_used_recorded and the explanation",
       .body = {Must("programme", T::kObject), Must("order", T::kObject)},
       .cli = {.noun = "programmes",
               .verb = "preview",
               .help = "The subsidy of a sample order under a draft definition (nothing is "
                       "written)",
               .example = "baygrid programmes preview --file preview.json",
               .extra_flags = {{"--file", K::kFile,
                                "JSON object {\"programme\": {definition}, \"order\": "
                                "{\"enterprise\", \"provider\", \"amount_fen\", ...}}"}}}});
}

}  // namespace bg::api::spec::rows
