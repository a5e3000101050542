// Time in the API: a voucher past its validity is expired in every list
// before the engine's clock has swept it, and after; a programme's operator
// may sweep its own programme's vouchers, and only its own.
#include "api/api_test_fixture.h"

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
