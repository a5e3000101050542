// A programme's life over HTTP: amended from a date (the version in force
// moves only then), topped up, cut, suspended, resumed and closed by its
// approver, each answered with the programme, its versions and history;
// and a definition read back is a definition that can be sent again.
#include "api/api_test_fixture.h"
#include "api/views.h"

namespace bg::api {
namespace {

TEST_F(ApiTest, AProgrammesDefinitionReadsBackAsItself) {
  auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
  ASSERT_TRUE(scenario.ok());
  size_t checked = 0;
  engine_->Read([&](const state::State& s) {
    for (const auto& [id, p] : s.registry().programmes()) {
      std::string code;
      std::string detail;
      std::optional<programme::ProgrammeRules> back = ReadProgramme(Definition(p), &code, &detail);
      ASSERT_TRUE(back.has_value()) << p.name << ": " << code << ": " << detail;
      back->level = p.level;
      EXPECT_TRUE(*back == p) << p.name << " does not read back as itself";
      ++checked;
    }
  });
  EXPECT_GE(checked, 5u);
}

TEST_F(ApiTest, AProgrammeIsAmendedToppedUpCutSuspendedAndClosedByItsApprover) {
  // Who: the programme's operator (no stage, or approver) and the admin;
  // not its reviewer or finance, not another role.
  const std::string amend = R"({"effective_from":"2025-04-01","reason":"Q2 terms",)"
                            R"("ratio_bp":3000,"per_order_cap_fen":1000000})";
  ExpectProblem(Call("POST", "/v1/programmes/1/amend", "reviewer", amend), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/programmes/1/amend", "finance", amend), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/programmes/1/amend", "enterprise", amend), 403, "forbidden");
  // What is wrong with a body is said.
  ExpectProblem(Call("POST", "/v1/programmes/1/amend", "operator", R"({"ratio_bp":3000})"), 400,
                "missing_field");
  ExpectProblem(Call("POST", "/v1/programmes/1/amend", "operator",
                     R"({"effective_from":"2025-04-01","reason":"x","total_budget_fen":1})"),
                400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/programmes/1/amend", "operator",
                     R"({"effective_from":"2025-04-01","reason":"x","ratio_bp":"half"})"),
                400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/programmes/1/amend", "operator",
                     R"({"effective_from":"2025-01-01","reason":"x","ratio_bp":3000})"),
                422, "invalid_amendment");
  ExpectProblem(Call("POST", "/v1/programmes/99/amend", "admin", amend), 404, "not_found");

  const auto amended = Call("POST", "/v1/programmes/1/amend", "operator", amend);
  ASSERT_EQ(amended.status, 200) << amended.body;
  Json p = Body(amended);
  ASSERT_EQ(p["versions"].size(), 2u);
  EXPECT_EQ(p["version_in_force"], 1);  // until 2025-04-01
  EXPECT_EQ(p["versions"][1]["definition"]["ratio_bp"], 3000);
  EXPECT_EQ(p["versions"][1]["definition"]["per_order_cap_fen"], 1000000);
  EXPECT_EQ(p["versions"][0]["definition"]["ratio_bp"], 5000);
  EXPECT_EQ(p["history"][0]["what"], "amend");
  EXPECT_EQ(p["history"][0]["reason"], "Q2 terms");
  clock_.Set(clock_.Now() + 30 * 86400 * kNanosPerSecond);  // 2025-04-02
  EXPECT_EQ(Body(Call("GET", "/v1/programmes/1", "auditor"))["version_in_force"], 2);

  // The budget: a top-up adds to the total; a cut takes only what is
  // uncommitted.
  const Money before =
      Money::Fen(Body(Call("GET", "/v1/programmes/1", "admin"))["total_budget_fen"]);
  const auto topped = Call("POST", "/v1/programmes/1/top-up", "admin",
                           R"({"amount_fen":100000,"reason":"second tranche"})");
  ASSERT_EQ(topped.status, 200) << topped.body;
  EXPECT_EQ(Body(topped)["total_budget_fen"], before.fen() + 100000);
  ExpectProblem(Call("POST", "/v1/programmes/1/cut", "operator",
                     R"({"amount_fen":999999999999,"reason":"all of it"})"),
                422, "cut_above_uncommitted");
  ExpectProblem(Call("POST", "/v1/programmes/1/cut", "operator", R"({"amount_fen":5})"), 400,
                "missing_field");

  // Suspended: no filing; resumed: filing again.
  const auto suspended =
      Call("POST", "/v1/programmes/1/suspend", "operator", R"({"reason":"audit"})");
  ASSERT_EQ(suspended.status, 200) << suspended.body;
  EXPECT_EQ(Body(suspended)["status"], "suspended");
  const std::string filing = R"({"id":60,"programme":1,"enterprise":1,"amount_fen":100000})";
  ExpectProblem(Call("POST", "/v1/applications", "enterprise", filing), 422, "programme_suspended");
  ExpectProblem(Call("POST", "/v1/programmes/1/suspend", "operator", R"({"reason":"again"})"), 422,
                "invalid_transition");
  ASSERT_EQ(Call("POST", "/v1/programmes/1/resume", "operator", R"({"reason":"done"})").status,
            200);
  EXPECT_EQ(Call("POST", "/v1/applications", "enterprise", filing).status, 201);

  // Dongguan pays at any provider of its platform: no list to change.
  ExpectProblem(Call("POST", "/v1/programmes/1/providers", "operator",
                     R"({"provider":1,"listed":true,"reason":"x"})"),
                422, "invalid_transition");

  // Closed: the uncommitted budget returns; nothing restarts it.
  const auto closed = Call("POST", "/v1/programmes/1/close", "admin", R"({"reason":"ends"})");
  ASSERT_EQ(closed.status, 200) << closed.body;
  p = Body(closed);
  EXPECT_EQ(p["status"], "closed");
  EXPECT_EQ(p["totals"]["uncommitted"]["fen"], 0);
  EXPECT_EQ(p["history"].size(), 5u);  // amend, top_up, suspend, resume, close
  EXPECT_EQ(p["history"][4]["what"], "close");
  ExpectProblem(Call("POST", "/v1/programmes/1/resume", "admin", R"({"reason":"again"})"), 422,
                "programme_closed");
}

// Pacing: the month's grant, the claim's subsidy at the hub in Shaoguan,
// the enterprise's cap use; the months end at the uncommitted budget; CSV
// for spreadsheets; the programme's own operator, admin and auditors only.
TEST_F(ApiTest, PacingShowsTheMonthsWhereTheSubsidyWentAndTheCaps) {
  MakeOwnedRecords();  // a 100,000-yuan voucher, a job, a direct claim of 10 yuan
  const auto r = Call("GET", "/v1/programmes/1/pacing", "operator");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json p = Body(r);
  EXPECT_EQ(p["programme_name"], "Dongguan 算力券");
  ASSERT_FALSE(p["months"].empty());
  const Json months = p["months"];
  const Json march = months.back();
  EXPECT_EQ(march["month"], "2025-03");
  EXPECT_EQ(march["granted"]["fen"], 10000000);
  EXPECT_EQ(march["uncommitted_after"], p["uncommitted"]);
  EXPECT_EQ(months.front()["topped_up"]["fen"], 5'000'000'000);  // the creation
  // The claim's 5 yuan (50% of 10) ran at the hub, in Shaoguan.
  bool shaoguan = false;
  for (const Json& city : p["by_city"]) shaoguan = shaoguan || city["city"] == "Shaoguan";
  EXPECT_TRUE(shaoguan) << p["by_city"].dump();
  ASSERT_FALSE(p["caps"].empty());
  EXPECT_EQ(p["caps"][0]["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_EQ(p["caps"][0]["cap"]["fen"], 100'000'000);
  // Granted 100,000 this month over the pace window: a positive pace, and
  // at it the 50 million last past the programme's end (no date).
  EXPECT_GT(p["pace_per_day"]["fen"].get<int64_t>(), 0);
  EXPECT_TRUE(p["exhausted_at"].is_null());

  const auto csv = Call("GET", "/v1/programmes/1/pacing?format=csv", "auditor");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(csv.body.rfind("month,granted,automatic,spent,held,", 0), 0u) << csv.body;
  EXPECT_NE(csv.body.find("\n2025-03,100000.00,"), std::string::npos) << csv.body;
  ExpectProblem(Call("GET", "/v1/programmes/1/pacing?format=xml", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/programmes/2/pacing", "operator"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/programmes/1/pacing", "enterprise"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/programmes/99/pacing", "admin"), 404, "not_found");
}

// At a slow pace a large budget outlasts the programme: no date, never a
// day's count times nanoseconds per day wrapped past 2^64 into the 1970s
// (the dashboard once said 1976-07-18).
TEST_F(ApiTest, PacingAtASlowPaceGivesNoDateRatherThanAWrappedOne) {
  IssueVoucher(1, 1, 1000);  // 10 yuan over the pace window: a few fen a day
  const auto r = Call("GET", "/v1/programmes/1/pacing", "operator");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json p = Body(r);
  EXPECT_GT(p["pace_per_day"]["fen"].get<int64_t>(), 0);
  EXPECT_LT(p["pace_per_day"]["fen"].get<int64_t>(), 1000);
  EXPECT_EQ(p["uncommitted"]["fen"], 5'000'000'000 - 1000);
  EXPECT_TRUE(p["exhausted_at"].is_null()) << p["exhausted_at"];
}

}  // namespace
}  // namespace bg::api
