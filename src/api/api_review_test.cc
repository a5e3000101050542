// Review as bureaus run it, over HTTP: a programme with review stages,
// operator tokens by stage, the two-person rule, and batch decisions.
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

// Dongguan (jurisdiction 4) funds programme 10, reviewed by the district
// (reviewers), the city (approvers) and finance; above 500,000 yuan
// finance needs two people.
constexpr const char* kReviewed = R"json({
  "id": 10, "name": "Dongguan 算力券 (reviewed)", "issuer": 4,
  "valid_from": "2025-01-01", "valid_until": "2026-01-01T00:00:00Z",
  "total_budget_fen": 2000000000,
  "eligibility": {"home": [4], "categories": ["manufacturing"]},
  "ratio_bp": 5000,
  "review": {"stages": [{"name": "district", "by": "reviewer"},
                        {"name": "city", "by": "approver"},
                        {"name": "finance", "by": "finance"}],
             "second_approval_above_fen": 50000000}
})json";

class ReviewTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    const auto created = Call("POST", "/v1/programmes", "admin", kReviewed);
    ASSERT_EQ(created.status, 201) << created.body;
    // The programme's staff, one token each.
    uint64_t id = 50;
    for (const auto& [name, stage] :
         {std::pair{"zhao", "reviewer"}, std::pair{"qian", "reviewer"},
          std::pair{"sun", "approver"}, std::pair{"li", "finance"}, std::pair{"zhou", "finance"}}) {
      const auto r =
          Call("POST", "/v1/tokens", "admin",
               "{\"id\":" + std::to_string(id++) + R"(,"role":"operator","scope":10,"name":")" +
                   name + R"(","stage":")" + stage + "\"}");
      ASSERT_EQ(r.status, 201) << r.body;
      EXPECT_EQ(Body(r)["stage"], stage);
      token_[name] = Body(r)["token"];
    }
  }
  // Songshan Lake files application `id` to programme 10 and submits it.
  void FileAndSubmit(uint64_t id, int64_t yuan) {
    const std::string body = "{\"id\":" + std::to_string(id) +
                             ",\"programme\":10,\"amount_fen\":" + std::to_string(yuan * 100) + "}";
    ASSERT_EQ(Call("POST", "/v1/applications", "enterprise", body).status, 201);
    ASSERT_EQ(Step(id, "enterprise", "submit").status, 200);
  }
  testing::RawResponse Step(uint64_t id, const std::string& who, const std::string& step) {
    return Call("POST", "/v1/applications/" + std::to_string(id) + "/review", who,
                R"({"step":")" + step + "\"}");
  }
  Json Decide(const std::string& who, const std::string& ids, const std::string& step) {
    const auto r = Call("POST", "/v1/applications/review", who,
                        R"({"ids":[)" + ids + R"(],"step":")" + step + R"(","reason":"batch"})");
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r);
  }
  // The code of each result of a batch decision, in order.
  static std::vector<std::string> Codes(const Json& decided) {
    std::vector<std::string> out;
    for (const Json& r : decided["results"]) out.push_back(r["code"]);
    return out;
  }
};

TEST_F(ReviewTest, EachStageIsItsRolesAndNobodyApprovesWhatTheyPrepared) {
  ExpectProblem(Call("POST", "/v1/tokens", "admin",
                     R"({"id":60,"role":"enterprise","scope":1,"name":"x","stage":"finance"})"),
                422, "stage_for_operators_only");
  FileAndSubmit(1, 600000);
  // Only a reviewer starts the review; who does prepares it.
  ExpectProblem(Step(1, "sun", "start_review"), 403, "forbidden");
  ASSERT_EQ(Step(1, "zhao", "start_review").status, 200);
  Json app = Body(Call("GET", "/v1/applications/1", "auditor"));
  EXPECT_EQ(app["review"]["stage"], "district");
  EXPECT_EQ(app["review"]["prepared_by"], "zhao");
  EXPECT_EQ(app["programme_name"], "Dongguan 算力券 (reviewed)");

  // District: a reviewer's, not the preparer's; not an approver's.
  const auto wrong_stage = Step(1, "sun", "approve");
  ExpectProblem(wrong_stage, 403, "forbidden");
  EXPECT_NE(Body(wrong_stage)["detail"].get<std::string>().find("stage district"),
            std::string::npos)
      << wrong_stage.body;
  ExpectProblem(Step(1, "zhao", "approve"), 422, "same_person");
  ASSERT_EQ(Step(1, "qian", "approve").status, 200);
  // City: an approver's; the programme 1 operator is no one here.
  ExpectProblem(Step(1, "operator", "approve"), 403, "forbidden");
  ASSERT_EQ(Step(1, "sun", "approve").status, 200);
  // Finance, above 500,000: two people.
  ExpectProblem(Step(1, "sun", "approve"), 403, "forbidden");
  ASSERT_EQ(Step(1, "li", "approve").status, 200);
  app = Body(Call("GET", "/v1/applications/1", "auditor"));
  EXPECT_EQ(app["status"], "under_review");
  EXPECT_EQ(app["review"]["stage"], "finance");
  EXPECT_EQ(app["review"]["approved_by"], Json::array({"qian", "sun", "li"}));
  ExpectProblem(Step(1, "li", "approve"), 422, "same_person");
  const auto approved = Step(1, "zhou", "approve");
  ASSERT_EQ(approved.status, 200) << approved.body;
  app = Body(approved);
  EXPECT_EQ(app["status"], "approved");
  EXPECT_TRUE(app["review"].is_null());
  // The history names each stage and who signed it.
  std::vector<std::string> stages;
  for (const Json& h : app["history"]) {
    if (!h["stage"].is_null())
      stages.push_back(h["actor"].get<std::string>() + "@" + h["stage"].get<std::string>());
  }
  EXPECT_EQ(stages,
            (std::vector<std::string>{"qian@district", "sun@city", "li@finance", "zhou@finance"}));
}

TEST_F(ReviewTest, ABatchDecisionAnswersForEachApplication) {
  for (uint64_t id : {11u, 12u, 13u}) FileAndSubmit(id, 1000);
  // Application 2 is the Dongguan programme's (1): not this reviewer's.
  ASSERT_EQ(Call("POST", "/v1/applications", "enterprise",
                 R"({"id":2,"programme":1,"amount_fen":100000})")
                .status,
            201);
  const Json started = Decide("zhao", "11,12,2,99,13", "start_review");
  EXPECT_EQ(Codes(started),
            (std::vector<std::string>{"ok", "ok", "forbidden", "unknown_application", "ok"}));
  EXPECT_EQ(started["ok"], 3);
  EXPECT_EQ(started["refused"], 2);
  EXPECT_EQ(started["results"][0]["application"]["review"]["stage"], "district");
  // The preparer's batch approval is refused item by item; another
  // reviewer's passes the district, and a repeat finds them at the city.
  EXPECT_EQ(Codes(Decide("zhao", "11,12", "approve")),
            (std::vector<std::string>{"same_person", "same_person"}));
  EXPECT_EQ(Codes(Decide("qian", "11,12,13", "approve")),
            (std::vector<std::string>{"ok", "ok", "ok"}));
  EXPECT_EQ(Codes(Decide("qian", "11", "approve")), (std::vector<std::string>{"forbidden"}));
  EXPECT_EQ(Codes(Decide("sun", "11,12,13", "reject")),
            (std::vector<std::string>{"ok", "ok", "ok"}));
  EXPECT_EQ(Body(Call("GET", "/v1/applications?programme=10", "admin"))["counts"]["rejected"], 3);
  // One reason for all, in each history.
  const Json app = Body(Call("GET", "/v1/applications/12", "admin"));
  EXPECT_EQ(app["history"].back()["reason"], "batch");
  EXPECT_EQ(app["history"].back()["actor"], "sun");

  ExpectProblem(Call("POST", "/v1/applications/review", "sun", R"({"ids":[11],"step":"submit"})"),
                400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/applications/review", "sun", R"({"ids":[],"step":"reject"})"),
                400, "invalid_field");
}

}  // namespace
}  // namespace bg::api
