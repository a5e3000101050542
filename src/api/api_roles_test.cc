// Every route and every role: nobody changes or reads what is not theirs.
// The world holds records of Songshan Lake (enterprise 1: a voucher, a
// running job on the Shaoguan hub's pool, an application in draft) and of
// the Shaoguan hub (provider 1: its key, its pools, a held direct claim).
// Each POST route is tried with a well-formed body by roles that may not
// make that change; each is 403 and the state's hash does not move. A test
// that every POST route is in the table keeps it complete as routes are
// added.
#include <map>
#include <set>

#include "api/api_test_fixture.h"
#include "common/hash.h"
#include "metering/usage.h"

namespace bg::api {
namespace {

struct Try {
  const char* who;
  const char* pattern;  // the route, as the router knows it
  std::string target;
  std::string body;
};

std::vector<Try> Tries() {
  const std::string key = ToHex(metering::KeyPairFromNumber(99).public_key);
  const std::string usage =
      R"({"records":[{"id":77,"provider":1,"order":1,"start_unix_s":1741000000,)"
      R"("end_unix_s":1741000060,"cards":1,"signature_hex":")" +
      std::string(128, '0') + "\"}]}";
  const std::string job = R"({"id":9,"enterprise":1,"accelerator":"A800","cards":1,)"
                          R"("walltime_s":600})";
  const std::string pool =
      R"({"id":77,"site":1,"accelerator":"H20","memory_gb":96,"cards_total":64,)"
      R"("price_shared_fen":600,"price_exclusive_fen":936,"price_priority_fen":1500})";
  const std::string claim = R"({"id":5,"order":800,"enterprise":1,"provider":1,"amount_fen":1000})";
  const std::string programme =
      R"({"id":10,"name":"X","issuer":4,"valid_from":"2025-01-01","valid_until":"2026-01-01",)"
      R"("total_budget_fen":100,"ratio_bp":5000})";
  return {
      // Applications and vouchers: another enterprise, the provider, the
      // auditor; the applicant cannot review its own.
      {"other_enterprise", "/v1/applications", "/v1/applications",
       R"({"id":50,"programme":1,"enterprise":1,"amount_fen":100})"},
      {"other_enterprise", "/v1/applications/{id}/review", "/v1/applications/2/review",
       R"({"step":"submit"})"},
      {"enterprise", "/v1/applications/{id}/review", "/v1/applications/2/review",
       R"({"step":"approve"})"},
      {"provider", "/v1/applications/{id}/review", "/v1/applications/2/review",
       R"({"step":"withdraw"})"},
      {"auditor", "/v1/applications/{id}/review", "/v1/applications/2/review",
       R"({"step":"withdraw"})"},
      {"enterprise", "/v1/vouchers/{id}/revoke", "/v1/vouchers/1/revoke", R"({"reason":"x"})"},
      {"auditor", "/v1/vouchers/{id}/revoke", "/v1/vouchers/1/revoke", R"({"reason":"x"})"},
      // An operator sweeps its own programme's vouchers, not another's.
      {"operator", "/v1/vouchers/expire", "/v1/vouchers/expire", R"({"programme":2})"},
      {"enterprise", "/v1/vouchers/expire", "/v1/vouchers/expire", "{}"},
      {"enterprise", "/v1/enterprises/{id}/blacklist", "/v1/enterprises/1/blacklist",
       R"({"listed":false,"reason":"x"})"},
      {"auditor", "/v1/enterprises/{id}/blacklist", "/v1/enterprises/3/blacklist",
       R"({"listed":true,"reason":"x"})"},
      // Jobs: someone else's job, or a job for someone else.
      {"other_enterprise", "/v1/quotes", "/v1/quotes",
       R"({"enterprise":1,"accelerator":"A800","cards":1,"walltime_s":600})"},
      {"other_enterprise", "/v1/jobs", "/v1/jobs", job},
      {"auditor", "/v1/jobs", "/v1/jobs", job},
      {"other_enterprise", "/v1/jobs/{id}/cancel", "/v1/jobs/1/cancel", "{}"},
      {"provider", "/v1/jobs/{id}/cancel", "/v1/jobs/1/cancel", "{}"},
      {"other_enterprise", "/v1/jobs/{id}/extend", "/v1/jobs/1/extend", R"({"extra_s":60})"},
      {"other_provider", "/v1/jobs/{id}/finish", "/v1/jobs/1/finish", "{}"},
      {"enterprise", "/v1/jobs/{id}/finish", "/v1/jobs/1/finish", "{}"},
      {"enterprise", "/v1/jobs/{id}/clawback", "/v1/jobs/1/clawback", R"({"reason":"x"})"},
      {"auditor", "/v1/schedule", "/v1/schedule", "{}"},
      // Providers: another provider's key, usage, pools, claims.
      {"other_provider", "/v1/provider-keys", "/v1/provider-keys",
       R"({"provider":1,"public_key_hex":")" + key + "\"}"},
      {"enterprise", "/v1/provider-keys", "/v1/provider-keys",
       R"({"provider":1,"public_key_hex":")" + key + "\"}"},
      {"other_provider", "/v1/usage", "/v1/usage", usage},
      {"enterprise", "/v1/usage", "/v1/usage", usage},
      {"other_provider", "/v1/pools", "/v1/pools", pool},
      {"other_provider", "/v1/pools/{id}/offered", "/v1/pools/2/offered", R"({"cards":1})"},
      {"other_provider", "/v1/pools/{id}/prices", "/v1/pools/2/prices",
       R"({"shared_fen":1,"exclusive_fen":1,"priority_fen":1})"},
      {"other_provider", "/v1/claims", "/v1/claims", claim},
      {"enterprise", "/v1/claims", "/v1/claims", claim},
      {"other_provider", "/v1/claims/{id}/capture", "/v1/claims/1/capture", "{}"},
      {"enterprise", "/v1/claims/{id}/void", "/v1/claims/1/void", "{}"},
      {"provider", "/v1/claims/{id}/clawback", "/v1/claims/1/clawback", R"({"reason":"x"})"},
      // Settlement and audit.
      {"provider", "/v1/statements/close", "/v1/statements/close",
       R"({"programme":1,"period":"2025-02"})"},
      {"finance", "/v1/statements/close", "/v1/statements/close",
       R"({"programme":1,"period":"2025-02"})"},
      {"enterprise", "/v1/applications/review", "/v1/applications/review",
       R"({"ids":[2],"step":"reject","reason":"x"})"},
      // Each step of a statement is its own stage's: a reviewer neither
      // approves nor pays.
      {"reviewer", "/v1/statements/approve", "/v1/statements/approve",
       R"({"programme":1,"period":"2025-02"})"},
      {"reviewer", "/v1/statements/pay", "/v1/statements/pay",
       R"({"programme":1,"period":"2025-02","payee":1,"bank_reference":"x","paid_on":"2025-03-02"})"},
      {"enterprise", "/v1/statements/pay", "/v1/statements/pay",
       R"({"programme":1,"period":"2025-02","payee":1,"bank_reference":"x","paid_on":"2025-03-02"})"},
      {"enterprise", "/v1/audit/scan", "/v1/audit/scan", "{}"},
      {"operator", "/v1/audit/cases/{id}/close", "/v1/audit/cases/1/close",
       R"({"resolution":"x"})"},
      {"enterprise", "/v1/audit/verify", "/v1/audit/verify", "{}"},
      // A programme's life: its approver's (or an operator without a
      // stage), not its reviewer's or finance's, nor another role's.
      {"reviewer", "/v1/programmes/{id}/amend", "/v1/programmes/1/amend",
       R"({"effective_from":"2025-06-01","reason":"x","ratio_bp":3000})"},
      {"finance", "/v1/programmes/{id}/top-up", "/v1/programmes/1/top-up",
       R"({"amount_fen":100,"reason":"x"})"},
      {"enterprise", "/v1/programmes/{id}/cut", "/v1/programmes/1/cut",
       R"({"amount_fen":100,"reason":"x"})"},
      {"auditor", "/v1/programmes/{id}/suspend", "/v1/programmes/1/suspend", R"({"reason":"x"})"},
      {"provider", "/v1/programmes/{id}/resume", "/v1/programmes/1/resume", R"({"reason":"x"})"},
      {"reviewer", "/v1/programmes/{id}/close", "/v1/programmes/1/close", R"({"reason":"x"})"},
      {"finance", "/v1/programmes/{id}/providers", "/v1/programmes/1/providers",
       R"({"provider":1,"listed":false,"reason":"x"})"},
      // A preview writes nothing, but is for those who write programmes.
      {"enterprise", "/v1/programmes/preview", "/v1/programmes/preview",
       R"({"programme":)" + programme +
           R"(,"order":{"enterprise":1,"provider":1,"amount_fen":100}})"},
      // The registry, the network and tokens: the admin's.
      {"operator", "/v1/programmes", "/v1/programmes", programme},
      {"operator", "/v1/jurisdictions", "/v1/jurisdictions",
       R"({"id":90,"code":"x","name":"X","level":"city"})"},
      {"auditor", "/v1/enterprises", "/v1/enterprises",
       R"({"id":90,"name":"X","credit_code":"91440300MA5DC9Y39B","home":3})"},
      {"provider", "/v1/providers", "/v1/providers",
       R"({"id":90,"name":"X","credit_code":"91440300MA5DC9Y39B","home":3})"},
      {"provider", "/v1/sites", "/v1/sites",
       R"({"id":90,"code":"x","name":"X","city":4,"provider":1})"},
      {"provider", "/v1/facilities", "/v1/facilities",
       R"({"id":90,"name":"X","institution":1,"kind":"test_lab","own_fee_fen":0,)"
       R"("academic_fee_fen":100,"industry_fee_fen":200})"},
      // Bookings: the facility's institution or admin check in and out; a
      // user, the institution or admin cancel; an enterprise or admin book.
      {"operator", "/v1/bookings", "/v1/bookings",
       R"({"id":90,"facility":1,"start":"2025-03-04T02:00:00Z","hours":1})"},
      {"auditor", "/v1/bookings/{id}/check-in", "/v1/bookings/1/check-in", "{}"},
      {"auditor", "/v1/bookings/{id}/check-out", "/v1/bookings/1/check-out", R"({"minutes":10})"},
      {"operator", "/v1/bookings/{id}/cancel", "/v1/bookings/1/cancel", "{}"},
      // Proposal rounds: the user office's steps are admin's; a proposal is
      // its applicant's; feasibility also the facility's institution's.
      {"operator", "/v1/rounds", "/v1/rounds",
       R"({"id":1,"name":"X","proposals_from":"2026-01-01","proposals_until":"2026-02-01",)"
       R"("period_start":"2026-03-01","days":30,"facilities":[1]})"},
      {"enterprise", "/v1/rounds/{id}/assign", "/v1/rounds/1/assign", "{}"},
      {"provider", "/v1/rounds/{id}/allocate", "/v1/rounds/1/allocate", "{}"},
      {"provider", "/v1/proposals", "/v1/proposals",
       R"({"id":1,"round":1,"applicant":1,"title":"X","facilities":[1],"hours":8})"},
      {"enterprise", "/v1/proposals/{id}/screen", "/v1/proposals/1/screen",
       R"({"step":"admin_check","pass":true})"},
      {"provider", "/v1/proposals/{id}/score", "/v1/proposals/1/score",
       R"({"reviewer":1,"score":5})"},
      {"auditor", "/v1/proposals/{id}/outputs", "/v1/proposals/1/outputs",
       R"({"outputs":[{"kind":"paper","reference":"doi:x"}]})"},
      {"operator", "/v1/reviewers", "/v1/reviewers", R"({"id":1,"name":"X","institution":1})"},
      // Safety training: the facility's institution's, or admin's.
      {"enterprise", "/v1/trainings", "/v1/trainings",
       R"({"id":1,"user":1,"training":"X","by":1,"valid_until":"2027-01-01"})"},
      {"auditor", "/v1/trainings", "/v1/trainings",
       R"({"id":1,"user":1,"training":"X","by":1,"valid_until":"2027-01-01"})"},
      {"operator", "/v1/links", "/v1/links", R"({"a":4,"b":7,"latency_us":1,"bandwidth_mbps":1})"},
      {"operator", "/v1/tokens", "/v1/tokens", R"({"id":90,"role":"admin","name":"x"})"},
      {"auditor", "/v1/tokens/{id}/revoke", "/v1/tokens/1/revoke", "{}"},
      {"operator", "/v1/tokens/{id}/rotate", "/v1/tokens/1/rotate", "{}"},
      // Notices and webhooks: a recipient's own; admins and auditors have none.
      {"admin", "/v1/notices/read", "/v1/notices/read", R"({"up_to":5})"},
      {"auditor", "/v1/webhooks", "/v1/webhooks", R"({"url":"http://erp.example/hook"})"},
      {"admin", "/v1/webhooks/remove", "/v1/webhooks/remove", "{}"},
  };
}

TEST_F(ApiTest, NobodyChangesOrReadsWhatIsNotTheirs) {
  MakeOwnedRecords();

  const Hash256 before = engine_->StateHash();
  std::set<std::string> tried;
  for (const Try& t : Tries()) {
    tried.insert(t.pattern);
    const auto r = Call("POST", t.target, t.who, t.body);
    EXPECT_EQ(r.status, 403) << t.who << " POST " << t.target << ": " << r.body;
  }
  EXPECT_EQ(ToHex(engine_->StateHash()), ToHex(before)) << "a refused request changed the state";
  for (const Route& route : service_->router().routes()) {
    if (route.method != "POST") continue;
    EXPECT_EQ(tried.count(route.pattern), 1u)
        << "POST " << route.pattern << " has no forbidden try in this test";
  }

  // Reads of others' records.
  for (const auto& [who, target] :
       std::vector<std::pair<const char*, const char*>>{{"other_enterprise", "/v1/jobs/1"},
                                                        {"other_provider", "/v1/jobs/1"},
                                                        {"other_enterprise", "/v1/jobs/1/explain"},
                                                        {"other_enterprise", "/v1/jobs/1/trail"},
                                                        {"other_provider", "/v1/jobs/1/trail"},
                                                        {"other_enterprise", "/v1/vouchers/1"},
                                                        {"provider", "/v1/vouchers/1"},
                                                        {"enterprise", "/v1/journal/1"},
                                                        {"other_enterprise", "/v1/applications/2"},
                                                        {"provider", "/v1/applications/2"},
                                                        {"other_enterprise", "/v1/claims/1"},
                                                        {"other_provider", "/v1/claims/1"},
                                                        {"enterprise", "/v1/audit/cases"},
                                                        {"enterprise", "/v1/flows"},
                                                        {"operator", "/v1/programmes/2"}}) {
    const auto r = Call("GET", target, who);
    EXPECT_EQ(r.status, 403) << who << " GET " << target << ": " << r.body;
  }
  // Lists hold only what the caller may see.
  for (const char* list : {"/v1/jobs", "/v1/vouchers", "/v1/claims", "/v1/placements"}) {
    const Json items = Body(Call("GET", list, "other_enterprise"))["items"];
    EXPECT_TRUE(items.is_null() || items.empty()) << list << ": " << items.dump();
    const Json theirs = Body(Call("GET", list, "other_provider"))["items"];
    EXPECT_TRUE(theirs.is_null() || theirs.empty()) << list << ": " << theirs.dump();
  }
  EXPECT_EQ(Body(Call("GET", "/v1/jobs", "enterprise"))["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/placements", "provider"))["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/claims", "provider"))["items"].size(), 1u);
}

// A route's roles (its row of the route table: who the document says may
// call it) are the most it grants: a token of any other role never gets a
// success from it but an empty list, whatever record it names. The POSTs
// are sent the well-formed bodies of Tries().
TEST_F(ApiTest, NoRoleBeyondARoutesDeclaredRolesSucceeds) {
  MakeOwnedRecords();
  std::map<std::string, Try> tries;
  for (const Try& t : Tries()) tries.emplace(t.pattern, t);
  const Hash256 before = engine_->StateHash();
  size_t refused = 0;
  for (const Route& route : service_->router().routes()) {
    const spec::Route& row = spec::RouteOf(route.id);
    if (row.roles.public_route) continue;
    const bool list = route.method == "GET" && route.pattern.find('{') == std::string::npos;
    std::string target = route.pattern;
    if (const size_t at = target.find("{id}"); at != std::string::npos) target.replace(at, 4, "1");
    if (route.pattern == "/v1/statements") target += "?programme=1&period=2025-03";
    std::string body;
    if (route.method == "POST") {
      ASSERT_EQ(tries.count(route.pattern), 1u) << route.pattern;
      target = tries.at(route.pattern).target;
      body = tries.at(route.pattern).body;
    }
    for (const auto& [name, role] : spec::kRoleNames) {
      if (row.roles.Has(role)) continue;
      const auto r = Call(route.method, target, std::string(name), body);
      if (r.status / 100 != 2) {
        ++refused;
        continue;
      }
      EXPECT_TRUE(list) << name << " " << route.method << " " << target << ": " << r.body;
      EXPECT_TRUE(Body(r)["items"].empty()) << name << " " << target << ": " << r.body;
    }
  }
  EXPECT_GT(refused, 50u);
  EXPECT_EQ(ToHex(engine_->StateHash()), ToHex(before)) << "a refused request changed the state";
}

}  // namespace
}  // namespace bg::api
