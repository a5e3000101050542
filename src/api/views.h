// Domain records as JSON (responses). Internal to api/.
#pragma once

#include "api/json.h"
#include "network/network.h"
#include "programme/book.h"
#include "programme/registry.h"
#include "scheduler/job.h"
#include "scheduler/quote.h"
#include "settlement/settlement.h"

namespace bg::api {

Json View(const programme::Jurisdiction& j);
Json View(const programme::ProgrammeRules& p);
Json View(const programme::Enterprise& e);
Json View(const programme::Provider& p);
Json View(const network::Site& s);
Json View(const network::Pool& p, uint32_t used);
Json View(const programme::Application& a);
Json View(const programme::Voucher& v, Money available);
Json View(const scheduler::Job& j);
Json View(const scheduler::Quote& q);
Json TimeJson(Timestamp t);  // RFC 3339 UTC, or null for 0

}  // namespace bg::api
