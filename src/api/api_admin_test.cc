// The API's administrative writes end to end: programmes from their whole
// definition, links between cities, and direct claims (orders sold outside
// the scheduler).
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

// Dongguan (jurisdiction 4) funds a start-up programme: 60% for start-ups
// on domestic cards, 40% otherwise, a 小巨人 cap, listed providers only.
constexpr const char* kProgramme = R"({
  "id": 10, "name": "Dongguan 创新券", "kind": "创新券", "issuer": 4,
  "valid_from": "2025-01-01", "valid_until": "2026-01-01T00:00:00Z",
  "total_budget_fen": 2000000000, "yearly_budget_fen": 1000000000,
  "eligibility": {"home": [4], "categories": ["manufacturing", "start_up"]},
  "ratio_bp": 4000,
  "ratio_rules": [{"category": "start_up", "resource": "domestic", "ratio_bp": 6000}],
  "entity_year_cap_fen": 50000000,
  "cap_rules": [{"flags_any": ["little_giant"], "entity_year_cap_fen": 200000000}],
  "providers": {"listed": [1, 2]},
  "redemption": "point_of_sale", "settlement": "quarterly", "sme_first": true
})";

TEST_F(ApiTest, AProgrammeIsCreatedFromItsDefinitionAndReadsBackTheSame) {
  const auto created = Call("POST", "/v1/programmes", "admin", kProgramme);
  ASSERT_EQ(created.status, 201) << created.body;
  Json got = Body(Call("GET", "/v1/programmes/10", "admin"));
  EXPECT_EQ(got["level"], "city");
  EXPECT_EQ(got["ratio_rules"][0]["ratio_bp"], 6000);
  EXPECT_EQ(got["cap_rules"][0]["flags_any"], Json::array({"little_giant"}));
  EXPECT_EQ(got["providers"]["listed"], Json::array({1, 2}));
  EXPECT_EQ(got["valid_until"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(got["settlement"], "quarterly");
  EXPECT_EQ(got["totals"]["funded"]["fen"], 2000000000) << got.dump();
  // Sending again what was read (without what is derived) makes the same
  // programme: the same id answers 200, another id an equal copy.
  Json again = got;
  for (const char* derived : {"level", "total_budget", "ratio_percent", "totals", "issuer_name",
                              "status", "version_in_force", "versions", "history"}) {
    again.erase(derived);
  }
  EXPECT_EQ(Call("POST", "/v1/programmes", "admin", again.dump()).status, 200);
  again["id"] = 11;
  ASSERT_EQ(Call("POST", "/v1/programmes", "admin", again.dump()).status, 201);
  Json copy = Body(Call("GET", "/v1/programmes/11", "admin"));
  copy["id"] = 10;
  for (const char* not_definition : {"totals", "versions"}) {
    copy.erase(not_definition);
    got.erase(not_definition);
  }
  EXPECT_EQ(copy, got);
  again["total_budget_fen"] = 1;
  ExpectProblem(Call("POST", "/v1/programmes", "admin", again.dump()), 409,
                "exists_with_different_body");

  // It is a programme like the others: Songshan Lake applies and is issued.
  ASSERT_EQ(Call("POST", "/v1/applications", "enterprise",
                 R"({"id":40,"programme":10,"amount_fen":1000000})")
                .status,
            201);
  ASSERT_EQ(Call("POST", "/v1/applications/40/review", "enterprise", R"({"step":"submit"})").status,
            200);
  for (const char* step : {"start_review", "approve", "issue"}) {
    const auto r = Call("POST", "/v1/applications/40/review", "admin",
                        std::string(R"({"step":")") + step + "\"}");
    ASSERT_EQ(r.status, 200) << step << ": " << r.body;
  }
}

TEST_F(ApiTest, AProgrammeDefinitionThatIsWrongSaysWhere) {
  auto with = [](const std::string& key, const Json& value) {
    Json j = Json::parse(kProgramme);
    j[key] = value;
    return j.dump();
  };
  auto post = [&](const std::string& body) {
    return Call("POST", "/v1/programmes", "admin", body);
  };
  ExpectProblem(post(with("ratio_bp", 12000)), 400, "invalid_field");
  ExpectProblem(post(with("valid_from", "2025-02-30")), 400, "invalid_field");
  ExpectProblem(post(with("redemption", "cash")), 400, "invalid_field");
  ExpectProblem(post(with("colour", "red")), 400, "unknown_field");
  ExpectProblem(post(with("issuer", 999)), 404, "unknown_jurisdiction");
  ExpectProblem(post(with("providers", {{"listed", {999}}})), 404, "unknown_provider");
  ExpectProblem(post(with("yearly_budget_fen", 3000000000)), 422, "yearly_budget_above_total");
  ExpectProblem(post(with("valid_until", "2024-01-01")), 422, "validity_must_end_after_it_starts");
  ExpectProblem(post(with("total_budget_fen", 0)), 422, "budget_must_be_positive");
  const auto flag = post(
      with("cap_rules", Json::array({{{"flags_any", {"giant"}}, {"entity_year_cap_fen", 1}}})));
  ExpectProblem(flag, 400, "invalid_field");
  EXPECT_NE(Body(flag)["detail"].get<std::string>().find("cap_rules[0].flags_any"),
            std::string::npos)
      << flag.body;
  const auto nested = post(with("eligibility", {{"home", {4}}, {"good_credit", true}}));
  ExpectProblem(nested, 400, "unknown_field");
  EXPECT_NE(Body(nested)["detail"].get<std::string>().find("eligibility.good_credit"),
            std::string::npos);
  ExpectProblem(Call("POST", "/v1/programmes", "operator", kProgramme), 403, "forbidden");
  // Nothing of the refused ones was made.
  ExpectProblem(Call("GET", "/v1/programmes/10", "admin"), 404, "not_found");
}

TEST_F(ApiTest, LinksBetweenCitiesAreSetByTheAdmin) {
  const std::string link = R"({"a":4,"b":7,"latency_us":3500,"bandwidth_mbps":400000})";
  const auto set = Call("POST", "/v1/links", "admin", link);
  ASSERT_EQ(set.status, 201) << set.body;
  EXPECT_EQ(Body(set)["latency_us"], 3500);
  ExpectProblem(Call("POST", "/v1/links", "provider", link), 403, "forbidden");
  ExpectProblem(
      Call("POST", "/v1/links", "admin", R"({"a":4,"b":4,"latency_us":1,"bandwidth_mbps":1})"), 422,
      "link_to_itself");
  ExpectProblem(
      Call("POST", "/v1/links", "admin", R"({"a":4,"b":999,"latency_us":1,"bandwidth_mbps":1})"),
      404, "unknown_jurisdiction");
  ExpectProblem(
      Call("POST", "/v1/links", "admin", R"({"a":4,"b":7,"latency_us":1,"bandwidth_mbps":0})"), 422,
      "bandwidth_must_be_positive");
}

// A provider sells Songshan Lake (enterprise 1) a contract outside the
// scheduler and redeems it against its Dongguan voucher.
TEST_F(ApiTest, ADirectClaimIsHeldCapturedAndOnTheStatement) {
  IssueVoucher(1, 1, 10000000);
  const std::string claim =
      R"({"id":1,"order":700,"enterprise":1,"provider":1,"amount_fen":300000})";
  ExpectProblem(Call("POST", "/v1/claims", "other_provider", claim), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/claims", "enterprise", claim), 403, "forbidden");
  const auto held = Call("POST", "/v1/claims", "provider", claim);
  ASSERT_EQ(held.status, 201) << held.body;
  EXPECT_EQ(Body(held)["status"], "held");
  EXPECT_EQ(Body(held)["subsidy"]["fen"], 150000);  // Dongguan pays 50%
  EXPECT_FALSE(Body(held)["explain"].get<std::string>().empty());
  EXPECT_EQ(Call("POST", "/v1/claims", "provider", claim).status, 200);  // the same again
  EXPECT_EQ(Body(Call("GET", "/v1/vouchers", "enterprise"))["items"][0]["available"]["fen"],
            10000000 - 150000);

  // Who sees it: its enterprise, its provider, the paying operator, auditors.
  EXPECT_EQ(Body(Call("GET", "/v1/claims", "enterprise"))["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/claims", "operator"))["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/claims", "other_enterprise"))["items"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/v1/claims", "other_provider"))["items"].size(), 0u);
  ExpectProblem(Call("GET", "/v1/claims/1", "other_enterprise"), 403, "forbidden");
  EXPECT_EQ(Call("GET", "/v1/claims/1", "auditor").status, 200);

  ExpectProblem(Call("POST", "/v1/claims/1/capture", "other_provider", "{}"), 403, "forbidden");
  const auto captured = Call("POST", "/v1/claims/1/capture", "provider", "{}");
  ASSERT_EQ(captured.status, 200) << captured.body;
  EXPECT_EQ(Body(captured)["status"], "captured");
  EXPECT_EQ(Body(captured)["posted"]["fen"], 150000);
  EXPECT_EQ(Call("POST", "/v1/claims/1/void", "provider", "{}").status, 422);
  ExpectProblem(Call("POST", "/v1/claims/2/capture", "provider", "{}"), 404, "unknown_claim");

  // The capture is a line on March's statement for the Shaoguan hub.
  const Json st =
      Body(Call("GET", "/v1/statements?programme=1&period=2025-03", "operator"))["items"];
  ASSERT_EQ(st.size(), 1u) << st.dump();
  EXPECT_EQ(st[0]["subsidy"]["fen"], 150000);

  // Orders are one id space: a direct claim cannot take a job's order id,
  // nor a job a directly claimed order's.
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":900,"accelerator":"A800","cards":1,"walltime_s":600})")
                .status,
            201);
  ExpectProblem(Call("POST", "/v1/claims", "provider",
                     R"({"id":2,"order":900,"enterprise":1,"provider":1,"amount_fen":1000})"),
                422, "order_is_a_job");
  ExpectProblem(Call("POST", "/v1/jobs", "enterprise",
                     R"({"id":700,"accelerator":"A800","cards":1,"walltime_s":600})"),
                422, "order_claimed_directly");

  // And the operator can claw it back.
  const auto clawed =
      Call("POST", "/v1/claims/1/clawback", "operator", R"({"reason":"invoice not verified"})");
  EXPECT_EQ(clawed.status, 200) << clawed.body;
  EXPECT_EQ(Body(Call("GET", "/v1/claims/1", "enterprise"))["status"], "clawed_back");
}

TEST_F(ApiTest, APlacedJobsSubsidyIsClawedBackThroughTheJob) {
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":2,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  ExpectProblem(Call("POST", "/v1/jobs/2/clawback", "operator", R"({"reason":"x"})"), 422,
                "no_subsidy");  // no voucher yet
  IssueVoucher(1, 1, 10000000);
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":3,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  ExpectProblem(Call("POST", "/v1/jobs/3/clawback", "operator", R"({"reason":"x"})"), 422,
                "claim_not_captured");
  ASSERT_EQ(Call("POST", "/v1/jobs/3/finish", "provider", "{}").status, 200);
  ExpectProblem(Call("POST", "/v1/jobs/3/clawback", "enterprise", R"({"reason":"x"})"), 403,
                "forbidden");
  const auto r = Call("POST", "/v1/jobs/3/clawback", "operator", R"({"reason":"resold"})");
  EXPECT_EQ(r.status, 200) << r.body;
  ExpectProblem(Call("POST", "/v1/jobs/99/clawback", "admin", R"({"reason":"x"})"), 404,
                "unknown_job");
}

// Tokens are cached after their first use; a revocation takes effect at
// once all the same.
TEST_F(ApiTest, ARevokedTokenIsRefusedAtOnce) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(Call("GET", "/v1/programmes/1", "operator").status, 200);
  ASSERT_EQ(Call("POST", "/v1/tokens/2/revoke", "admin", "{}").status, 200);
  ExpectProblem(Call("GET", "/v1/programmes/1", "operator"), 401, "unauthenticated");
  EXPECT_EQ(Call("GET", "/v1/programmes/1", "admin").status, 200);
}

// Statements and flows page like the other lists, by payee and by issuer
// and city: direct claims at two providers make two statements. (Dongguan
// pays only at providers on its platform: the Shaoguan hub and Foshan.)
TEST_F(ApiTest, StatementsAndFlowsArePaged) {
  IssueVoucher(1, 1, 10000000);
  const char* tokens[] = {"provider", "admin"};
  const uint64_t providers[] = {1, 6};
  for (size_t i = 0; i < 2; ++i) {
    const std::string id = std::to_string(i + 1);
    const auto held = Call("POST", "/v1/claims", tokens[i],
                           "{\"id\":" + id + ",\"order\":70" + id +
                               ",\"enterprise\":1,\"provider\":" + std::to_string(providers[i]) +
                               ",\"amount_fen\":10000}");
    ASSERT_EQ(held.status, 201) << held.body;
    ASSERT_EQ(Call("POST", "/v1/claims/" + id + "/capture", tokens[i], "{}").status, 200);
  }
  const std::string base = "/v1/statements?programme=1&period=2025-03&lines=false";
  const Json first = Body(Call("GET", base + "&limit=1", "operator"));
  ASSERT_EQ(first["items"].size(), 1u) << first.dump();
  EXPECT_EQ(first["items"][0]["payee"], 1);
  ASSERT_TRUE(first["next_after"].is_string());
  const Json second = Body(
      Call("GET", base + "&limit=1&after=" + first["next_after"].get<std::string>(), "operator"));
  ASSERT_EQ(second["items"].size(), 1u) << second.dump();
  EXPECT_EQ(second["items"][0]["payee"], 6);
  EXPECT_TRUE(second["next_after"].is_null());
  ExpectProblem(Call("GET", base + "&limit=0", "operator"), 400, "invalid_field");
  // A payee sees its own statement only.
  EXPECT_EQ(Body(Call("GET", base, "provider"))["items"].size(), 1u);

  const Json flows = Body(Call("GET", "/v1/flows?limit=1", "auditor"));
  ASSERT_EQ(flows["items"].size(), 1u) << flows.dump();
  ASSERT_TRUE(flows["next_after"].is_string());
  const Json rest =
      Body(Call("GET", "/v1/flows?after=" + flows["next_after"].get<std::string>(), "auditor"));
  ASSERT_EQ(rest["items"].size(), 1u) << rest.dump();
  EXPECT_NE(rest["items"][0]["city"], flows["items"][0]["city"]);
}

}  // namespace
}  // namespace bg::api
