// A proposal round over HTTP: the user office (admin) opens a call; an
// enterprise proposes for itself; the facility's institution judges
// feasibility but not the admin check; reviewers are assigned after the
// window; the applicant sees its mean score and rank but not who
// reviewed; the assigned reviewer scores with its own expert token and
// sees nothing else; the allocation's shifts are bookings the applicant can read;
// outputs are reported after it. A proposal the caller may not see
// answers like one that does not exist; bad input is refused naming the
// field.
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

// A neutron station at provider 1, open round the clock, rounds only.
void RegisterStation(engine::Engine& engine) {
  const facility::Facility station{
      .id = FacilityId(2),
      .name = "小角中子散射仪",
      .name_en = "small-angle neutron scattering",
      .institution = ProviderId(1),
      .kind = facility::FacilityKind::kNeutronStation,
      .capacity = 1,
      .fees = {
          .own = Money::Fen(0), .academic = Money::Fen(150'000), .industry = Money::Fen(600'000)}};
  const auto r = engine.Execute(state::RegisterFacility{station});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(std::get<state::RegistryResult>(*r).result, programme::RegistryResult::kOk);
}

// The clock stands at 2025-03-03; the call takes proposals for a week and
// allocates the week from Monday 17 March 00:00 CST.
constexpr const char* kCall =
    R"({"id":1,"name":"2025 spring cycle","proposals_from":"2025-03-01",)"
    R"("proposals_until":"2025-03-10","period_start":"2025-03-16T16:00:00Z","days":7,)"
    R"("facilities":[2],"offered_percent":50,"reviewers_per_proposal":1})";

TEST_F(ApiTest, ARoundGoesFromCallToShiftsOverHttp) {
  RegisterStation(*engine_);
  const auto opened = Call("POST", "/v1/rounds", "admin", kCall);
  ASSERT_EQ(opened.status, 201) << opened.body;
  EXPECT_EQ(Body(opened)["status"], "open");
  EXPECT_EQ(Body(opened)["facilities"][0]["name"], "小角中子散射仪");
  EXPECT_EQ(Call("POST", "/v1/rounds", "admin", kCall).status, 200);  // the same call again

  const auto proposed =
      Call("POST", "/v1/proposals", "enterprise",
           R"({"id":7,"round":1,"title":"减速器齿面残余应力","facilities":[2],"hours":24,)"
           R"("windows":[{"from":"2025-03-18T16:00:00Z","until":"2025-03-21T16:00:00Z"}]})");
  ASSERT_EQ(proposed.status, 201) << proposed.body;
  EXPECT_EQ(Body(proposed)["applicant"], 1);
  EXPECT_EQ(Body(proposed)["status"], "submitted");
  ExpectProblem(Call("GET", "/v1/proposals/7", "other_enterprise"), 404, "unknown_proposal");
  ExpectProblem(Call("POST", "/v1/proposals/7/screen", "other_provider",
                     R"({"step":"feasibility","pass":true})"),
                404, "unknown_proposal");
  // The institution judges feasibility, not the admin check.
  EXPECT_EQ(
      Call("POST", "/v1/proposals/7/screen", "provider", R"({"step":"admin_check","pass":true})")
          .status,
      403);
  ASSERT_EQ(Call("POST", "/v1/proposals/7/screen", "admin", R"({"step":"admin_check","pass":true})")
                .status,
            200);
  const auto feasible =
      Call("POST", "/v1/proposals/7/screen", "provider", R"({"step":"feasibility","pass":true})");
  ASSERT_EQ(feasible.status, 200) << feasible.body;
  EXPECT_EQ(Body(feasible)["status"], "feasible");

  ASSERT_EQ(Call("POST", "/v1/reviewers", "admin",
                 R"({"id":1,"name":"Prof. Li","institution":3,"kinds":["neutron_station"]})")
                .status,
            201);
  ExpectProblem(Call("POST", "/v1/rounds/1/assign", "admin", "{}"), 422, "wrong_step");
  clock_.Set(1'741'600'000 * kNanosPerSecond);  // 2025-03-10 09:46 UTC
  const auto assigned = Call("POST", "/v1/rounds/1/assign", "admin", "{}");
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(Body(assigned)["status"], "in_review");
  EXPECT_FALSE(Body(Call("GET", "/v1/proposals/7", "enterprise")).contains("reviewers"));
  EXPECT_EQ(Body(Call("GET", "/v1/proposals/7", "admin"))["reviewers"][0]["name"], "Prof. Li");
  ExpectProblem(Call("POST", "/v1/proposals/7/score", "admin", R"({"reviewer":2,"score":4})"), 422,
                "not_assigned");
  ExpectProblem(Call("POST", "/v1/proposals/7/score", "admin", R"({"score":4})"), 400,
                "missing_field");
  // Prof. Li scores with an expert token of its own: it sees the proposal
  // assigned to it, scores as itself only, and sees its own score, never
  // who else reviewed; an expert not assigned sees nothing of it.
  token_["li"] = Token(70, access::TokenRole::kExpert, 1);
  const Json seen = Body(Call("GET", "/v1/proposals/7", "li"));
  EXPECT_EQ(seen["title"], "减速器齿面残余应力");
  EXPECT_TRUE(seen["my_score"].is_null());
  EXPECT_FALSE(seen.contains("reviewers"));
  EXPECT_EQ(Body(Call("GET", "/v1/proposals", "li"))["items"].size(), 1u);
  EXPECT_TRUE(Body(Call("GET", "/v1/proposals", "expert"))["items"].empty());
  ExpectProblem(Call("GET", "/v1/proposals/7", "expert"), 404, "unknown_proposal");
  ExpectProblem(Call("POST", "/v1/proposals/7/score", "expert", R"({"score":4})"), 404,
                "unknown_proposal");
  ExpectProblem(Call("POST", "/v1/proposals/7/score", "li", R"({"reviewer":900,"score":4})"), 403,
                "forbidden");
  const auto scored = Call("POST", "/v1/proposals/7/score", "li", R"({"score":4})");
  ASSERT_EQ(scored.status, 200) << scored.body;
  EXPECT_EQ(Body(scored)["my_score"], 4);
  EXPECT_EQ(Body(Call("GET", "/v1/proposals/7", "admin"))["reviewers"][0]["score"], 4);
  // Experts read calls and facilities, never the platform's parties or money.
  EXPECT_EQ(Call("GET", "/v1/rounds/1", "li").status, 200);
  EXPECT_EQ(Call("GET", "/v1/facilities", "li").status, 200);
  EXPECT_EQ(Call("GET", "/v1/jobs", "li").status, 403);
  EXPECT_EQ(Call("GET", "/v1/enterprises", "li").status, 403);

  const auto allocated = Call("POST", "/v1/rounds/1/allocate", "admin", "{}");
  ASSERT_EQ(allocated.status, 200) << allocated.body;
  EXPECT_EQ(Body(allocated)["status"], "allocated");
  const Json p = Body(Call("GET", "/v1/proposals/7", "enterprise"));
  EXPECT_EQ(p["status"], "allocated");
  EXPECT_EQ(p["mean_score"], "4.00");
  EXPECT_EQ(p["rank"], 1);
  EXPECT_EQ(p["allocated_hours"], 24);
  ASSERT_EQ(p["shifts"].size(), 3u);
  // The first shift starts in the proposal's window, and it is a booking
  // the applicant reads like any other.
  EXPECT_EQ(p["shifts"][0]["start"], "2025-03-18T16:00:00Z");
  const uint64_t shift = p["shifts"][0]["booking"].get<uint64_t>();
  const Json b = Body(Call("GET", "/v1/bookings/" + std::to_string(shift), "enterprise"));
  EXPECT_EQ(b["round"], 1);
  EXPECT_EQ(b["status"], "booked");

  const auto reported = Call("POST", "/v1/proposals/7/outputs", "enterprise",
                             R"({"outputs":[{"kind":"paper","reference":"doi:10.1000/x"}]})");
  ASSERT_EQ(reported.status, 200) << reported.body;
  EXPECT_EQ(Body(reported)["outputs"][0]["kind"], "paper");
  const Json listed = Body(Call("GET", "/v1/proposals?round=1&status=allocated", "provider"));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/proposals", "other_enterprise"))["items"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/v1/rounds/1", "other_enterprise"))["items"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/v1/rounds/1", "enterprise"))["items"].size(), 1u);
}

TEST_F(ApiTest, RoundInputIsRefusedNamingTheField) {
  RegisterStation(*engine_);
  std::string too_long = kCall;
  too_long.replace(too_long.find(R"("days":7)"), 8, R"("days":93)");
  ExpectProblem(Call("POST", "/v1/rounds", "admin", too_long), 400, "invalid_field");
  std::string unknown = kCall;
  unknown.replace(unknown.find(R"("facilities":[2])"), 16, R"("facilities":[9])");
  ExpectProblem(Call("POST", "/v1/rounds", "admin", unknown), 404, "unknown_facility");
  ASSERT_EQ(Call("POST", "/v1/rounds", "admin", kCall).status, 201);
  // A window outside the period; part of a shift; an outputs report before
  // any allocation; a proposal to a round that does not exist.
  ExpectProblem(Call("POST", "/v1/proposals", "enterprise",
                     R"({"id":8,"round":1,"title":"x","facilities":[2],"hours":8,)"
                     R"("windows":[{"from":"2025-04-01","until":"2025-04-02"}]})"),
                400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/proposals", "enterprise",
                     R"({"id":8,"round":1,"title":"x","facilities":[2],"hours":4})"),
                400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/proposals", "enterprise",
                     R"({"id":8,"round":2,"title":"x","facilities":[2],"hours":8})"),
                404, "unknown_round");
  ASSERT_EQ(Call("POST", "/v1/proposals", "enterprise",
                 R"({"id":8,"round":1,"title":"x","facilities":[2],"hours":8})")
                .status,
            201);
  ExpectProblem(Call("POST", "/v1/proposals/8/outputs", "enterprise",
                     R"({"outputs":[{"kind":"poem","reference":"x"}]})"),
                400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/proposals/8/outputs", "enterprise",
                     R"({"outputs":[{"kind":"paper","reference":"doi:x"}]})"),
                422, "wrong_step");
  ExpectProblem(Call("POST", "/v1/proposals", "enterprise",
                     R"({"id":9,"round":1,"applicant":3,"title":"x","facilities":[2],"hours":8})"),
                403, "forbidden");
}

}  // namespace
}  // namespace bg::api
