// Time in the API: a voucher past its validity is expired in every list
// before the engine's clock has swept it, and after; a programme's operator
// may sweep its own programme's vouchers, and only its own.
#include "api/api_test_fixture.h"
#include "programme/reconcile.h"

namespace bg::api {
namespace {

// The status of voucher `id` in the list `who` reads.
std::string StatusIn(const Json& page, uint64_t id) {
  for (const Json& v : page["items"]) {
    if (v["id"] == id) return v["status"];
  }
  return "not listed";
}

TEST_F(ApiTest, AVoucherPastItsValidityIsExpiredInEveryList) {
  IssueVoucher(1, 1, 10'000'000);  // Dongguan's: valid 365 days
  for (const char* who : {"enterprise", "operator", "admin", "auditor"}) {
    EXPECT_EQ(StatusIn(Body(Call("GET", "/v1/vouchers", who)), 1), "live") << who;
  }
  clock_.Set(clock_.Now() + Timestamp{400} * 86'400 * kNanosPerSecond);
  // Nothing has been sent since: the engine has not swept it yet, and it
  // pays nothing already.
  for (const char* who : {"enterprise", "operator", "admin", "auditor"}) {
    EXPECT_EQ(StatusIn(Body(Call("GET", "/v1/vouchers", who)), 1), "expired") << who;
  }
  // The next command finds it swept by the clock.
  const auto swept = Call("POST", "/v1/vouchers/expire", "admin", "{}");
  ASSERT_EQ(swept.status, 200) << swept.body;
  EXPECT_EQ(Body(swept)["swept"], 0);
  const Json page = Body(Call("GET", "/v1/vouchers", "enterprise"));
  EXPECT_EQ(StatusIn(page, 1), "expired");
  EXPECT_EQ(page["items"][0]["available"]["fen"], 0);
}

TEST_F(ApiTest, AProgrammesOperatorSweepsItsOwnVouchersOnly) {
  // The Dongguan programme's operator (scope 1): its own, by default or by name.
  auto own = Call("POST", "/v1/vouchers/expire", "operator", "{}");
  EXPECT_EQ(own.status, 200) << own.body;
  own = Call("POST", "/v1/vouchers/expire", "operator", R"({"programme":1,"limit":10})");
  EXPECT_EQ(own.status, 200) << own.body;
  ExpectProblem(Call("POST", "/v1/vouchers/expire", "operator", R"({"programme":2})"), 403,
                "forbidden");
  EXPECT_EQ(Call("POST", "/v1/vouchers/expire", "admin", R"({"programme":2})").status, 200);
  ExpectProblem(Call("POST", "/v1/vouchers/expire", "enterprise", "{}"), 403, "forbidden");
}

}  // namespace
}  // namespace bg::api

namespace bg::api {
namespace {

// A job ended more than scheduler::kRetainEndedS ago has left the engine's
// state for the archive: it reads the same by id, in the lists, in its
// explanation and in its enterprise's bill; its id stays taken; and
// another enterprise still may not read it.
TEST_F(ApiTest, AnArchivedJobReadsAsItDidBeforeItLeftTheState) {
  IssueVoucher(1, 1, 10'000'000);
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":1,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  ASSERT_EQ(Call("POST", "/v1/jobs/1/cancel", "enterprise", R"({"reason":"done early"})").status,
            200);
  const std::string job = Call("GET", "/v1/jobs/1", "enterprise").body;
  const Json before = Json::parse(job);
  ASSERT_EQ(before["status"], "cancelled");
  const std::string month = "/v1/enterprises/1/money?month=2025-03";
  const Json bill = Body(Call("GET", month, "enterprise"))["bill"];
  ASSERT_EQ(bill["jobs"].size(), 1u);

  clock_.Set(clock_.Now() +
             (scheduler::kRetainEndedS + 2 * scheduler::kRetireEveryS) * kNanosPerSecond);
  // The next command finds the job retired by the clock.
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":2,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  engine_->Read([](const state::State& s) {
    EXPECT_EQ(s.scheduler().FindJob(OrderId(1)), nullptr);
    EXPECT_TRUE(s.scheduler().IsRetired(OrderId(1)));
    return 0;
  });
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "enterprise").body, job);
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "admin").body, job);
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "other_enterprise").status, 403);
  const Json explained = Body(Call("GET", "/v1/jobs/1/explain", "enterprise"));
  EXPECT_EQ(explained["status"], "cancelled");
  // Lists merge the archive with the state, by id, across pages.
  for (const char* who : {"enterprise", "admin"}) {
    const Json page = Body(Call("GET", "/v1/jobs?limit=1", who));
    ASSERT_EQ(page["items"].size(), 1u) << who;
    EXPECT_EQ(page["items"][0]["id"], 1) << who;
    EXPECT_EQ(page["next_after"], 1) << who;
    const Json rest = Body(Call("GET", "/v1/jobs?limit=5&after=1", who));
    ASSERT_EQ(rest["items"].size(), 1u) << who;
    EXPECT_EQ(rest["items"][0]["id"], 2) << who;
    EXPECT_TRUE(rest["next_after"].is_null()) << who;
  }
  EXPECT_EQ(Body(Call("GET", "/v1/jobs?status=cancelled", "enterprise"))["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/jobs?status=running,queued", "enterprise"))["items"].size(), 1u);
  EXPECT_EQ(Body(Call("GET", "/v1/jobs", "other_enterprise"))["items"].size(), 0u);
  const Json after = Body(Call("GET", month, "enterprise"))["bill"];
  ASSERT_EQ(after["jobs"].size(), 2u);  // job 2 is March's too
  EXPECT_EQ(after["jobs"][0], bill["jobs"][0]);
  // The id is used once forever.
  const auto again = Call("POST", "/v1/jobs", "enterprise",
                          R"({"id":1,"accelerator":"A800","cards":1,"walltime_s":3600})");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(Body(again)["title"], "archived");
  const auto cancel = Call("POST", "/v1/jobs/1/cancel", "other_enterprise", "{}");
  EXPECT_EQ(cancel.status, 403) << cancel.body;
}

}  // namespace
}  // namespace bg::api

namespace bg::api {
namespace {

// A job's settled claim leaves memory with the job (programme::Book::
// RetireClaim): the job still reads with the programmes that paid for it,
// its programme's operator still finds it, by id and in the list, its
// voucher's history still lists the claim, and its subsidy can still be
// clawed back: the command carries the claim as archived, and the claim
// comes back into memory, clawed back (once).
TEST_F(ApiTest, AnArchivedJobsClaimReadsAndIsClawedBackAsBefore) {
  IssueVoucher(1, 1, 10'000'000);
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":1,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  clock_.Set(clock_.Now() + 1800 * kNanosPerSecond);
  const auto finished = Call("POST", "/v1/jobs/1/finish", "provider", "{}");
  ASSERT_EQ(finished.status, 200) << finished.body;
  const std::string job = Call("GET", "/v1/jobs/1", "operator").body;
  ASSERT_FALSE(Json::parse(job)["programmes"].empty()) << job;
  const Json history = Body(Call("GET", "/v1/vouchers/1", "enterprise"))["history"];
  const Json listed = Body(Call("GET", "/v1/jobs?programme=1", "admin"))["items"];
  ASSERT_EQ(listed.size(), 1u);
  const ClaimId claim = engine_->Read([](const state::State& s) {
    const programme::Claim* c = s.book().FindClaim(s.scheduler().FindJob(OrderId(1))->claim);
    EXPECT_NE(c, nullptr);
    EXPECT_EQ(c->status, programme::ClaimStatus::kCaptured);
    return c->request.id;
  });

  clock_.Set(clock_.Now() +
             (scheduler::kRetainEndedS + 2 * scheduler::kRetireEveryS) * kNanosPerSecond);
  // The next command finds the job, and its claim, retired by the clock.
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":2,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  engine_->Read([&](const state::State& s) {
    EXPECT_TRUE(s.scheduler().IsRetired(OrderId(1)));
    EXPECT_EQ(s.book().FindClaim(claim), nullptr);
    EXPECT_FALSE(s.book().retired_claims().days.empty());
    return 0;
  });
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "operator").body, job);
  EXPECT_EQ(Call("GET", "/v1/jobs/1/explain", "operator").status, 200);
  // The voucher's history: the same, and job 2's claim after it.
  const Json now_history = Body(Call("GET", "/v1/vouchers/1", "enterprise"))["history"];
  ASSERT_EQ(now_history.size(), history.size() + 1);
  for (size_t i = 0; i < history.size(); ++i) EXPECT_EQ(now_history[i], history[i]) << i;
  EXPECT_EQ(now_history.back()["job"], 2);
  // Job 2 draws on the voucher too.
  const Json after = Body(Call("GET", "/v1/jobs?programme=1", "admin"))["items"];
  ASSERT_EQ(after.size(), 2u);
  EXPECT_EQ(after[0], listed[0]);
  EXPECT_EQ(Body(Call("GET", "/v1/jobs?programme=1", "operator"))["items"], after);

  const auto clawed =
      Call("POST", "/v1/jobs/1/clawback", "operator", R"({"reason":"the job never ran"})");
  ASSERT_EQ(clawed.status, 200) << clawed.body;
  engine_->Read([&](const state::State& s) {
    const programme::Claim* c = s.book().FindClaim(claim);
    EXPECT_NE(c, nullptr);
    if (c != nullptr) {
      EXPECT_EQ(c->status, programme::ClaimStatus::kClawedBack);
    }
    EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), s.ledger()), "");
    return 0;
  });
  ExpectProblem(Call("POST", "/v1/jobs/1/clawback", "operator", R"({"reason":"again"})"), 422,
                "claim_not_captured");
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/1", "operator"))["programmes"],
            Json::parse(job)["programmes"]);
}

}  // namespace
}  // namespace bg::api
