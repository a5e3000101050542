// Direct bookings over HTTP: an enterprise books an instrument for itself;
// the facility's institution checks it in and out and the answer carries
// the fee, the voucher's share and the self-pay; a booking the caller may
// not see answers like one that does not exist; a user may cancel but not
// check itself in; the desk's bookings name the user; a round's
// allocation is the desk's alone; clear refusals of what breaks a rule.
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

// A test bench at the Shenzhen provider (3): two at once, 08-20 CST on
// weekdays, 10 hours a week per user; `training`: the course it requires.
void RegisterBench(engine::Engine& engine, const std::string& training = {}) {
  const facility::Facility bench{.id = FacilityId(2),
                                 .name = "机器人关节可靠性测试台",
                                 .name_en = "robot joint reliability test bench",
                                 .institution = ProviderId(3),
                                 .kind = facility::FacilityKind::kTestLab,
                                 .capacity = 2,
                                 .hours = {.days = 0x1f, .from_hour = 8, .to_hour = 20},
                                 .fees = {.own = Money::Fen(0),
                                          .academic = Money::Fen(30'000),
                                          .industry = Money::Fen(60'000)},
                                 .training = training,
                                 .booking_quota_hours = 10};
  const auto r = engine.Execute(state::RegisterFacility{bench});
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_EQ(std::get<state::RegistryResult>(*r).result, programme::RegistryResult::kOk);
}

// The clock stands at Monday 2025-03-03 11:06 UTC; Tuesday 10:00 CST is
// 02:00 UTC.
constexpr const char* kTuesday10 = "2025-03-04T02:00:00Z";

TEST_F(ApiTest, ABookingIsMadeUsedAndChargedOverHttp) {
  RegisterBench(*engine_);
  token_["lab"] = Token(60, access::TokenRole::kProvider, 3);
  const auto booked =
      Call("POST", "/v1/bookings", "enterprise",
           std::string(R"({"id":9001,"facility":2,"start":")") + kTuesday10 + R"(","hours":3})");
  ASSERT_EQ(booked.status, 201) << booked.body;
  const Json b = Body(booked);
  EXPECT_EQ(b["user"], 1);
  EXPECT_EQ(b["status"], "booked");
  EXPECT_EQ(b["facility_name"], "机器人关节可靠性测试台");
  EXPECT_EQ(b["end"], "2025-03-04T05:00:00Z");
  EXPECT_EQ(b["rate_per_hour"]["fen"], 60'000);
  // The same again is the same booking; a different body is a conflict.
  EXPECT_EQ(
      Call("POST", "/v1/bookings", "enterprise",
           std::string(R"({"id":9001,"facility":2,"start":")") + kTuesday10 + R"(","hours":3})")
          .status,
      200);
  ExpectProblem(
      Call("POST", "/v1/bookings", "enterprise",
           std::string(R"({"id":9001,"facility":2,"start":")") + kTuesday10 + R"(","hours":2})"),
      409, "exists_with_different_body");

  // Others see nothing of it: as if it did not exist.
  ExpectProblem(Call("GET", "/v1/bookings/9001", "other_enterprise"), 404, "unknown_booking");
  ExpectProblem(Call("POST", "/v1/bookings/9001/check-in", "other_provider", "{}"), 404,
                "unknown_booking");
  EXPECT_TRUE(Body(Call("GET", "/v1/bookings", "other_enterprise"))["items"].empty());
  EXPECT_EQ(Body(Call("GET", "/v1/bookings", "lab"))["items"].size(), 1u);
  // The user reads it, but checking in is the institution's.
  EXPECT_EQ(Call("GET", "/v1/bookings/9001", "enterprise").status, 200);
  ExpectProblem(Call("POST", "/v1/bookings/9001/check-in", "enterprise", "{}"), 403, "forbidden");

  ExpectProblem(Call("POST", "/v1/bookings/9001/check-in", "lab", "{}"), 422, "invalid_step");
  clock_.Set(*ParseUtcTime(kTuesday10) + Timestamp{600} * kNanosPerSecond);
  ASSERT_EQ(Call("POST", "/v1/bookings/9001/check-in", "lab", "{}").status, 200);
  ExpectProblem(Call("POST", "/v1/bookings/9001/check-out", "lab", R"({"minutes":181})"), 422,
                "invalid_step");
  const auto out = Call("POST", "/v1/bookings/9001/check-out", "lab", R"({"minutes":95})");
  ASSERT_EQ(out.status, 200) << out.body;
  const Json used = Body(out);
  EXPECT_EQ(used["status"], "used");
  EXPECT_EQ(used["minutes_used"], 95);
  // 600 yuan an hour for 95 minutes: 950 yuan; no innovation voucher held.
  EXPECT_EQ(used["fee"]["fen"], 95'000);
  EXPECT_EQ(used["voucher"]["fen"], 0);
  EXPECT_EQ(used["self_pay"]["fen"], 95'000);
  EXPECT_NE(used["voucher_unpaid_why"].get<std::string>().find("no live innovation voucher"),
            std::string::npos)
      << used.dump();
}

TEST_F(ApiTest, BookingRefusalsSayWhatWasWrong) {
  RegisterBench(*engine_);
  auto book = [&](const std::string& who, const std::string& fields) {
    return Call("POST", "/v1/bookings", who, R"({"facility":2,)" + fields + "}");
  };
  ExpectProblem(book("admin", std::string(R"("id":1,"start":")") + kTuesday10 + R"(","hours":1)"),
                400, "missing_field");
  ExpectProblem(book("enterprise",
                     std::string(R"("id":1,"user":3,"start":")") + kTuesday10 + R"(","hours":1)"),
                403, "forbidden");
  ExpectProblem(book("enterprise",
                     std::string(R"("id":1,"round":1,"start":")") + kTuesday10 + R"(","hours":1)"),
                403, "forbidden");
  const auto closed = book("enterprise", R"("id":1,"start":"2025-03-04T12:00:00Z","hours":1)");
  ExpectProblem(closed, 422, "closed");
  EXPECT_NE(Body(closed)["detail"].get<std::string>().find("closed at 2025-03-04 20:00 CST"),
            std::string::npos);
  ExpectProblem(book("enterprise", R"("id":1,"start":"2025-03-04T00:00:00Z","hours":11)"), 422,
                "over_quota");
  ExpectProblem(book("enterprise", R"("id":1,"start":"2025-03-01T02:00:00Z","hours":1)"), 422,
                "invalid_time");
  ExpectProblem(
      Call("POST", "/v1/bookings", "enterprise",
           std::string(R"({"id":1,"facility":99,"start":")") + kTuesday10 + R"(","hours":1})"),
      404, "unknown_facility");
  // Two at once, then full; the desk books for another user.
  ASSERT_EQ(
      book("enterprise", std::string(R"("id":1,"start":")") + kTuesday10 + R"(","hours":1)").status,
      201);
  const auto desk =
      book("admin", std::string(R"("id":2,"user":3,"start":")") + kTuesday10 + R"(","hours":1)");
  ASSERT_EQ(desk.status, 201) << desk.body;
  EXPECT_EQ(Body(desk)["user"], 3);
  const auto full =
      book("admin", std::string(R"("id":3,"user":3,"start":")") + kTuesday10 + R"(","hours":1)");
  ExpectProblem(full, 422, "full");
  // The user cancels its own before the start; its hour is free again.
  ASSERT_EQ(Call("POST", "/v1/bookings/1/cancel", "enterprise", "{}").status, 200);
  EXPECT_EQ(
      book("admin", std::string(R"("id":3,"user":3,"start":")") + kTuesday10 + R"(","hours":1)")
          .status,
      201);
  ExpectProblem(Call("GET", "/v1/bookings?status=lost", "admin"), 400, "invalid_field");
  EXPECT_EQ(Body(Call("GET", "/v1/bookings?status=cancelled", "auditor"))["items"].size(), 1u);
}

// An innovation-voucher programme (covers: facilities) pays half of the
// fee at check-out; its claim is the booking's, read on the booking, not
// among the direct claims; the programme reads back what it covers.
TEST_F(ApiTest, AnInnovationVoucherPaysItsShareOfACheckOut) {
  RegisterBench(*engine_);
  token_["lab"] = Token(60, access::TokenRole::kProvider, 3);
  const auto made =
      Call("POST", "/v1/programmes", "admin",
           R"({"id":50,"name":"Test 科技创新券","kind":"科技创新券","covers":"facilities",)"
           R"("facility_kinds":["test_lab"],"issuer":4,"valid_from":"2025-01-01",)"
           R"("valid_until":"2026-01-01","total_budget_fen":100000000,"ratio_bp":5000})");
  ASSERT_EQ(made.status, 201) << made.body;
  const Json programme = Body(Call("GET", "/v1/programmes/50", "admin"));
  EXPECT_EQ(programme["covers"], "facilities");
  EXPECT_EQ(programme["facility_kinds"], Json({"test_lab"}));
  ExpectProblem(Call("POST", "/v1/programmes", "admin",
                     R"({"id":51,"name":"X","covers":"facilities","facility_kinds":["laser"],)"
                     R"("issuer":4,"valid_from":"2025-01-01","valid_until":"2026-01-01",)"
                     R"("total_budget_fen":100,"ratio_bp":5000})"),
                422, "invalid_facility");
  IssueVoucher(70, 50, 1'000'000);

  ASSERT_EQ(
      Call("POST", "/v1/bookings", "enterprise",
           std::string(R"({"id":9002,"facility":2,"start":")") + kTuesday10 + R"(","hours":2})")
          .status,
      201);
  clock_.Set(*ParseUtcTime(kTuesday10));
  ASSERT_EQ(Call("POST", "/v1/bookings/9002/check-in", "lab", "{}").status, 200);
  const auto out = Call("POST", "/v1/bookings/9002/check-out", "lab", R"({"minutes":120})");
  ASSERT_EQ(out.status, 200) << out.body;
  // 600 yuan an hour for 2 hours: 1,200 yuan, half of it on the voucher.
  EXPECT_EQ(Body(out)["fee"]["fen"], 120'000);
  EXPECT_EQ(Body(out)["voucher"]["fen"], 60'000);
  EXPECT_EQ(Body(out)["self_pay"]["fen"], 60'000);
  EXPECT_EQ(Body(out)["voucher_unpaid_why"], "");
  EXPECT_EQ(Body(out)["programmes"][0]["programme"], 50);
  EXPECT_EQ(Body(out)["programmes"][0]["programme_name"], "Test 科技创新券");
  EXPECT_EQ(Body(out)["programmes"][0]["subsidy"]["fen"], 60'000);
  EXPECT_TRUE(Body(Call("GET", "/v1/claims", "admin"))["items"].empty());

  // The voucher operator sees what its programme paid for, and no more: the
  // operator of another programme sees nothing of it.
  token_["voucher_desk"] = Token(61, access::TokenRole::kOperator, 50);
  const Json paid = Body(Call("GET", "/v1/bookings", "voucher_desk"));
  ASSERT_EQ(paid["items"].size(), 1u) << paid.dump();
  EXPECT_EQ(paid["items"][0]["id"], 9002);
  EXPECT_EQ(Call("GET", "/v1/bookings/9002", "voucher_desk").status, 200);
  EXPECT_TRUE(Body(Call("GET", "/v1/bookings", "operator"))["items"].empty());
  ExpectProblem(Call("GET", "/v1/bookings/9002", "operator"), 404, "unknown_booking");
  EXPECT_EQ(Body(Call("GET", "/v1/bookings?programme=50", "admin"))["items"].size(), 1u);
  EXPECT_TRUE(Body(Call("GET", "/v1/bookings?programme=1", "admin"))["items"].empty());
}

// Safety training: no check-in without the facility's course; only the
// facility's institution (or admin) records it; the user and that
// institution see the record, other enterprises do not.
TEST_F(ApiTest, CheckInNeedsTheFacilitysSafetyTraining) {
  RegisterBench(*engine_, "实验室安全培训");
  token_["lab"] = Token(60, access::TokenRole::kProvider, 3);
  ASSERT_EQ(
      Call("POST", "/v1/bookings", "enterprise",
           std::string(R"({"id":9003,"facility":2,"start":")") + kTuesday10 + R"(","hours":2})")
          .status,
      201);
  clock_.Set(*ParseUtcTime(kTuesday10));
  const auto refused = Call("POST", "/v1/bookings/9003/check-in", "lab", "{}");
  ExpectProblem(refused, 422, "training_missing");
  EXPECT_NE(Body(refused)["detail"].get<std::string>().find("实验室安全培训"), std::string::npos)
      << refused.body;

  const std::string record =
      R"({"id":1,"user":1,"training":"实验室安全培训","valid_until":"2026-03-04"})";
  ExpectProblem(Call("POST", "/v1/trainings", "enterprise", record), 403, "forbidden");
  // Another institution has no facility requiring the course.
  ExpectProblem(Call("POST", "/v1/trainings", "other_provider", record), 400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/trainings", "other_provider",
                     R"({"id":1,"user":1,"training":"实验室安全培训","by":3,)"
                     R"("valid_until":"2026-03-04"})"),
                403, "forbidden");
  ExpectProblem(Call("POST", "/v1/trainings", "admin", record), 400, "missing_field");
  ExpectProblem(Call("POST", "/v1/trainings", "lab",
                     R"({"id":1,"user":1,"training":"实验室安全培训","valid_until":"2024-01-01"})"),
                400, "invalid_field");
  const auto recorded = Call("POST", "/v1/trainings", "lab", record);
  ASSERT_EQ(recorded.status, 201) << recorded.body;
  EXPECT_EQ(Body(recorded)["by"], 3);
  EXPECT_EQ(Body(recorded)["valid_until"], "2026-03-04T00:00:00Z");
  EXPECT_EQ(Call("POST", "/v1/trainings", "lab", record).status, 200);  // the same again

  EXPECT_EQ(Body(Call("GET", "/v1/trainings", "enterprise"))["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/trainings", "lab"))["items"].size(), 1u);
  EXPECT_TRUE(Body(Call("GET", "/v1/trainings", "other_enterprise"))["items"].empty());
  EXPECT_TRUE(Body(Call("GET", "/v1/trainings", "other_provider"))["items"].empty());
  EXPECT_TRUE(Body(Call("GET", "/v1/trainings?user=2", "admin"))["items"].empty());
  EXPECT_EQ(Body(Call("GET", "/v1/trainings?user=1", "auditor"))["items"].size(), 1u);

  ASSERT_EQ(Call("POST", "/v1/bookings/9003/check-in", "lab", "{}").status, 200);
}

}  // namespace
}  // namespace bg::api
