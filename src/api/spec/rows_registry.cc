// Reads of the registry and the network (jurisdictions, programmes,
// providers, enterprises, sites, pools), and creating a programme.
#include "api/spec/rows.h"

namespace bg::api::spec::rows {

void AddRegistryRows(std::vector<Route>* rows) {
  rows->push_back({.id = RouteId::kListJurisdictions,
                   .method = "GET",
                   .path = "/v1/jurisdictions",
                   .roles = AnyRole(),
                   .who = "any",
                   .summary = "Jurisdictions (paged: limit, after)",
                   .query = {Limit(), After()},
                   .cli = {.noun = "jurisdictions",
                           .verb = "list",
                           .help = "Cities and districts",
                           .example = "baygrid jurisdictions list"}});
  rows->push_back({.id = RouteId::kListProgrammes,
                   .method = "GET",
                   .path = "/v1/programmes",
                   .roles = AnyRole(),
                   .who = "any",
                   .summary = "Programmes (paged)",
                   .query = {Limit(), After()},
                   .cli = {.noun = "programmes",
                           .verb = "list",
                           .help = "Programmes",
                           .example = "baygrid programmes list"}});
  rows->push_back(
      {.id = RouteId::kGetProgramme,
       .method = "GET",
       .path = "/v1/programmes/{id}",
       .roles = AnyRole(),
       .who = "any",
       .summary = "A programme, with its money totals for admin, its operator and auditors",
       .cli = {.noun = "programmes",
               .verb = "get",
               .help = "A programme and its money",
               .example = "baygrid programmes get 1"}});
  rows->push_back({.id = RouteId::kListProviders,
                   .method = "GET",
                   .path = "/v1/providers",
                   .roles = AnyRole(),
                   .who = "any",
                   .summary = "Providers (paged)",
                   .query = {Limit(), After()},
                   .cli = {.noun = "providers",
                           .verb = "list",
                           .help = "Providers",
                           .example = "baygrid providers list"}});
  // A provider's list is empty.
  rows->push_back(
      {.id = RouteId::kListEnterprises,
       .method = "GET",
       .path = "/v1/enterprises",
       .roles = Only({Role::kAdmin, Role::kOperator, Role::kAuditor, Role::kEnterprise}),
       .who = "admin, operator, auditor, enterprise",
       .summary = "Enterprises (an enterprise sees itself)",
       .query = {Limit(), After()},
       .cli = {.noun = "enterprises",
               .verb = "list",
               .help = "Enterprises",
               .example = "baygrid enterprises list"}});
  rows->push_back(
      {.id = RouteId::kEnterpriseMoney,
       .method = "GET",
       .path = "/v1/enterprises/{id}/money",
       .roles = Only({Role::kEnterprise, Role::kAdmin, Role::kAuditor}),
       .who = "the enterprise, admin, auditor",
       .summary = "An enterprise's money: each voucher with its history (grant, issue, every "
                  "claim and the job or order behind it, the sweep), yearly caps used and left "
                  "per programme, and a month's bill per job: what it paid, what each programme "
                  "paid, so far and planned",
       .query = {May("month", T::kText,
                     {"--month", K::kQuery,
                      "The bill's month, YYYY-MM "
                      "(default: this month)"})},
       .cli = {.noun = "enterprises",
               .verb = "money",
               .help = "An enterprise's vouchers and their history, caps and monthly bill",
               .example = "baygrid enterprises money 1 --month 2025-06"}});
  rows->push_back({.id = RouteId::kProviderMoney,
                   .method = "GET",
                   .path = "/v1/providers/{id}/money",
                   .roles = Only({Role::kProvider, Role::kAdmin, Role::kAuditor}),
                   .who = "the provider, admin, auditor",
                   .summary =
                       "What a provider is owed, programme by programme: held for running orders "
                       "(planned), charged in open periods, on statements payable, approved and "
                       "paid; each statement with its status, bank reference and value date",
                   .cli = {.noun = "providers",
                           .verb = "money",
                           .help = "What a provider is owed by each programme, and its statements",
                           .example = "baygrid providers money 5"}});
  rows->push_back({.id = RouteId::kListSites,
                   .method = "GET",
                   .path = "/v1/sites",
                   .roles = AnyRole(),
                   .who = "any",
                   .summary = "Sites of the network, their city and provider named (paged)",
                   .query = {Limit(), After()},
                   .cli = {.noun = "sites",
                           .verb = "list",
                           .help = "Sites of the network",
                           .example = "baygrid sites list"}});
  rows->push_back(
      {.id = RouteId::kListFacilities,
       .method = "GET",
       .path = "/v1/facilities",
       .roles = WithExpert(AnyRole()),
       .who = "any",
       .summary = "Shared research facilities and instruments (科技创新券 pays for their use): "
                  "kind, owner and city named, capacity, open hours (China Standard Time), "
                  "maintenance and fees per hour by user class (paged)",
       .query = {May("kind", T::kText,
                     {"--kind", K::kQuery,
                      "Only this kind: beamline, neutron_station, cryo_em, mass_spectrometer, "
                      "nmr, electron_microscope, supercomputer, test_lab"}),
                 May("institution", T::kId,
                     {"--institution", K::kQuery, "Only this institution's (a provider id)"}),
                 May("city", T::kId, {"--city", K::kQuery, "Only those in this city"}), Limit(),
                 After()},
       .cli = {.noun = "facilities",
               .verb = "list",
               .help = "Shared research facilities and instruments",
               .example = "baygrid facilities list --kind cryo_em",
               .columns = "id,name,kind,institution_name,city_name,capacity,own_fee_per_hour,"
                          "academic_fee_per_hour,industry_fee_per_hour,assumed"}});
  rows->push_back({.id = RouteId::kGetFacility,
                   .method = "GET",
                   .path = "/v1/facilities/{id}",
                   .roles = WithExpert(AnyRole()),
                   .who = "any",
                   .summary = "A facility, with its open hours over the next seven days",
                   .cli = {.noun = "facilities",
                           .verb = "get",
                           .help = "A facility and when it is open",
                           .example = "baygrid facilities get 1"}});
  rows->push_back(
      {.id = RouteId::kRegisterFacility,
       .method = "POST",
       .path = "/v1/facilities",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Register a shared facility or instrument of an institution (a provider): "
                  "kind, capacity, open hours in China Standard Time, maintenance, fees per hour",
       .body = {Must("id", T::kId, {"--id", K::kId, "Facility id"}),
                Must("name", T::kText, {"--name", K::kText, "Name, Chinese first"}),
                May("name_en", T::kText, {"--name-en", K::kText, "English name"}),
                Must("institution", T::kId,
                     {"--institution", K::kId, "The owning institution (a provider id)"}),
                Must("kind", T::kText,
                     {"--kind", K::kText,
                      "beamline, neutron_station, cryo_em, mass_spectrometer, nmr, "
                      "electron_microscope, supercomputer or test_lab"}),
                May("capacity", T::kInt,
                    {"--capacity", K::kNumber, "Users served at once (default 1)", true}),
                May("days", T::kArray),
                May("from_hour", T::kInt, {"--from-hour", K::kNumber, "Opens at (0-23, CST)"}),
                May("to_hour", T::kInt, {"--to-hour", K::kNumber, "Closes at (1-24, CST)"}),
                May("maintenance", T::kArray),
                Must("own_fee_fen", T::kFen,
                     {"--own-fee", K::kYuan, "Yuan per hour for the owner's staff"}),
                Must("academic_fee_fen", T::kFen,
                     {"--academic-fee", K::kYuan, "Yuan per hour for academic users"}),
                Must("industry_fee_fen", T::kFen,
                     {"--industry-fee", K::kYuan, "Yuan per hour for enterprises"}),
                May("training", T::kText,
                    {"--training", K::kText, "Safety training a user must hold"}),
                May("booking_quota_hours", T::kInt,
                    {"--booking-quota-hours", K::kNumber,
                     "Hours a user may book a week (0: proposal rounds only)"}),
                May("no_show_grace_minutes", T::kInt,
                    {"--no-show-grace-minutes", K::kNumber,
                     "Minutes after the start a booking without check-in is released", true}),
                May("assumed", T::kBool)},
       .cli = {.noun = "facilities",
               .verb = "register",
               .help = "Register a shared facility or instrument",
               .example = "baygrid facilities register --id 40 --name '冷冻电镜 Krios 3' "
                          "--institution 6 --kind cryo_em --from-hour 8 --to-hour 20 "
                          "--own-fee 300 --academic-fee 1000 --industry-fee 2500"}});
  rows->push_back(
      {.id = RouteId::kBookFacility,
       .method = "POST",
       .path = "/v1/bookings",
       .roles = Only({Role::kEnterprise, Role::kAdmin}),
       .who = "enterprise (for itself), admin (for anyone)",
       .summary = "Book a shared instrument directly: first come, whole hours it is open, "
                  "within its capacity and the weekly quota per user; the booking is an "
                  "order at the facility's institution",
       .body = {Must("id", T::kId, {"--id", K::kId, "Booking id (an order id)"}),
                Must("facility", T::kId, {"--facility", K::kId, "Facility id"}),
                May("user", T::kId,
                    {"--user", K::kId, "For whom (admin; an enterprise books for itself)"}),
                Must("start", T::kDate,
                     {"--start", K::kText, "Start, on the hour, UTC: 2026-03-02T02:00:00Z"}),
                Must("hours", T::kInt, {"--hours", K::kNumber, "Hours booked", true}),
                May("round", T::kInt,
                    {"--round", K::kNumber,
                     "A proposal round's allocation (admin): no quota, rounds-only facilities"})},
       .cli = {.noun = "bookings",
               .verb = "book",
               .help = "Book a shared instrument",
               .example = "baygrid bookings book --id 9001 --facility 12 "
                          "--start 2026-03-02T02:00:00Z --hours 3"}});
  rows->push_back(
      {.id = RouteId::kListBookings,
       .method = "GET",
       .path = "/v1/bookings",
       .roles = AnyRole(),
       .who = "the user, the facility's institution, the operator of a programme that paid, "
              "admin, auditor",
       .summary = "Bookings of shared facilities the caller may see, the facility, institution "
                  "and user named, with the fee, the voucher's share and the programmes that "
                  "paid it (paged)",
       .query = {May("facility", T::kId, {"--facility", K::kQuery, "Only this facility's"}),
                 May("user", T::kId, {"--user", K::kQuery, "Only this user's (an enterprise)"}),
                 May("programme", T::kId,
                     {"--programme", K::kQuery, "Only those this programme's vouchers paid"}),
                 May("status", T::kText,
                     {"--status", K::kQuery,
                      "Only these: booked, in_use, used, no_show, cancelled"}),
                 Limit(), After()},
       .cli = {.noun = "bookings",
               .verb = "list",
               .help = "Bookings of shared facilities",
               .example = "baygrid bookings list --facility 12 --status booked",
               .columns = "id,facility_name,user_name,start,hours,status,fee,voucher,self_pay"}});
  rows->push_back(
      {.id = RouteId::kGetBooking,
       .method = "GET",
       .path = "/v1/bookings/{id}",
       .roles = AnyRole(),
       .who = "the user, the facility's institution, the operator of a programme that paid, "
              "admin, auditor",
       .summary = "A booking, its use and its fee (404 for one the caller may not see)",
       .cli = {.noun = "bookings",
               .verb = "get",
               .help = "A booking",
               .example = "baygrid bookings get 9001"}});
  rows->push_back({.id = RouteId::kCheckIn,
                   .method = "POST",
                   .path = "/v1/bookings/{id}/check-in",
                   .roles = Only({Role::kProvider, Role::kAdmin}),
                   .who = "the facility's institution, admin",
                   .summary = "The user has come: from the start until the no-show grace ends",
                   .cli = {.noun = "bookings",
                           .verb = "check-in",
                           .help = "Check a user in",
                           .example = "baygrid bookings check-in 9001"}});
  rows->push_back(
      {.id = RouteId::kCheckOut,
       .method = "POST",
       .path = "/v1/bookings/{id}/check-out",
       .roles = Only({Role::kProvider, Role::kAdmin}),
       .who = "the facility's institution, admin",
       .summary = "The user has left: the minutes used are charged at the user's rate, the "
                  "innovation voucher (科技创新券) pays its share, the user the rest",
       .body = {Must("minutes", T::kInt, {"--minutes", K::kNumber, "Minutes used", true})},
       .cli = {.noun = "bookings",
               .verb = "check-out",
               .help = "Check a user out and charge the time used",
               .example = "baygrid bookings check-out 9001 --minutes 150"}});
  rows->push_back({.id = RouteId::kCancelBooking,
                   .method = "POST",
                   .path = "/v1/bookings/{id}/cancel",
                   .roles = Only({Role::kEnterprise, Role::kProvider, Role::kAdmin}),
                   .who = "the user, the facility's institution, admin",
                   .summary = "Cancel a booking before its start: its hours and quota are free",
                   .cli = {.noun = "bookings",
                           .verb = "cancel",
                           .help = "Cancel a booking",
                           .example = "baygrid bookings cancel 9001"}});
  rows->push_back(
      {.id = RouteId::kListPools,
       .method = "GET",
       .path = "/v1/pools",
       .roles = AnyRole(),
       .who = "any",
       .summary = "Pools with prices and cards offered and used, their site, city and "
                  "provider named (paged)",
       .query = {May("provider", T::kId, {"--provider", K::kQuery, "Only this provider's pools"}),
                 May("site", T::kId, {"--site", K::kQuery, "Only this site's pools"}), Limit(),
                 After()},
       .cli = {.noun = "pools",
               .verb = "list",
               .help = "Pools: prices and cards",
               .example = "baygrid pools list"}});
  rows->push_back(
      {.id = RouteId::kCreateProgramme,
       .method = "POST",
       .path = "/v1/programmes",
       .roles = Only({Role::kAdmin}),
       .who = "admin",
       .summary = "Create a programme from its whole definition (the shape GET "
                  "/v1/programmes/{id} answers)",
       .body = {Must("id", T::kId),
                Must("name", T::kText),
                May("kind", T::kText),
                Must("issuer", T::kId),
                Must("valid_from", T::kDate),
                Must("valid_until", T::kDate),
                May("apply_from", T::kDate),
                May("apply_until", T::kDate),
                Must("total_budget_fen", T::kFen),
                May("yearly_budget_fen", T::kFen),
                May("eligibility", T::kObject),
                Must("ratio_bp", T::kInt),
                May("combined_ceiling_bp", T::kInt),
                May("ratio_rules", T::kArray),
                May("per_order_cap_fen", T::kFen),
                May("per_award_cap_fen", T::kFen),
                May("purposes", T::kArray),
                May("covers", T::kText),
                May("facility_kinds", T::kArray),
                May("entity_year_cap_fen", T::kFen),
                May("cap_rules", T::kArray),
                May("providers", T::kObject),
                May("redemption", T::kText),
                May("voucher_validity_days", T::kInt),
                May("lapse", T::kText),
                May("sme_first", T::kBool),
                May("settlement", T::kText)},
       .cli = {.noun = "programmes",
               .verb = "create",
               .help = "Create a programme from a JSON definition (the shape `programmes get "
                       "--json` prints)",
               .example = "baygrid programmes create --file dongguan-innovation.json",
               .extra_flags = {{"--file", K::kFile, "The definition (JSON)"}}}});
}

}  // namespace bg::api::spec::rows
