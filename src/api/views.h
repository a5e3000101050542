// Domain records as JSON (responses). Internal to api/.
#pragma once

#include <optional>
#include <string>

#include "api/json.h"
#include "network/network.h"
#include "programme/book.h"
#include "programme/registry.h"
#include "scheduler/job.h"
#include "scheduler/quote.h"
#include "settlement/settlement.h"
#include "state/state.h"

namespace bg::api {

Json View(const programme::Jurisdiction& j);
// A programme's whole definition, in the shape POST /v1/programmes reads
// (programme_json.cc), plus what is derived: level, total_budget in yuan,
// ratio_percent.
Json View(const programme::ProgrammeRules& p);
// The definition alone, as POST /v1/programmes reads it (View without what
// is derived): ReadProgramme(Definition(p)) gives p back, level aside.
Json Definition(const programme::ProgrammeRules& p);
// A programme as GET /v1/programmes/{id} answers: its latest definition,
// status, the version in force at `now`, every version (number, effective
// from, definition) and its history; with its money totals when `totals`.
Json ProgrammeDetail(const state::State& s, ProgrammeId id, Timestamp now, bool totals);
// Reads a programme definition from a request body; the first error goes to
// *code and *detail (a problem code and what was wrong).
std::optional<programme::ProgrammeRules> ReadProgramme(const Json& body, std::string* code,
                                                       std::string* detail);
// The optional "purpose" of an order (training, fine_tuning, inference):
// unspecified when absent; a refusal listing the names when unknown.
programme::Purpose ReadPurpose(Fields& f);
Json View(const programme::Enterprise& e);
Json View(const programme::Provider& p);
Json View(const network::Site& s);
Json View(const network::Pool& p, uint32_t used);
// Where a site is, in words beside the ids: site_name, city and city_name
// (city_name_zh), provider and provider_name — added to `out`. Lists of
// sites and pools, quotes and placements carry them, so no client has to
// look a name up.
void NameSite(const state::State& s, SiteId site, Json* out);
// A site or pool as the lists answer it: the View with NameSite's names.
Json SiteWithNames(const network::Site& site, const state::State& s);
Json PoolWithNames(const network::Pool& p, const state::State& s);
// An application with the names of its programme and enterprise beside
// their ids, when it was filed and last moved; and its history, unless a
// list leaves it out.
Json View(const programme::Application& a, const programme::Registry& registry,
          bool with_history = true);
// A voucher as of `now`: one past its validity is `expired` even before
// the engine's clock has swept it.
Json View(const programme::Voucher& v, Money available, Timestamp now);
// The programmes a claim (null: none) draws on, named, each with its
// share: a job's and a booking's "programmes".
Json ProgrammesJson(const programme::Claim* claim, const programme::Registry& registry);
Json View(const scheduler::Job& j);
// A job with the names beside its ids: the enterprise, the pool's site and
// provider, and the programmes its subsidy draws on (each with its share:
// `claim`, the job's, in memory or read back with it; job_history.h).
Json JobWithNames(const scheduler::Job& j, const state::State& s, const programme::Claim* claim);
// A quote: each option and each pool left out with its site's names.
Json View(const scheduler::Quote& q, const state::State& s);
Json TimeJson(Timestamp t);  // RFC 3339 UTC, or null for 0

}  // namespace bg::api
