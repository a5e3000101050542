// Tokens over HTTP: they expire (90 days unless set), are listed without
// their secret, and are rotated (the old secret stops at once).
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

TEST_F(ApiTest, TokensExpireAreListedWithoutSecretsAndRotate) {
  const auto made = Call("POST", "/v1/tokens", "admin",
                         R"({"id":70,"role":"operator","scope":1,"name":"wang","stage":"finance",)"
                         R"("expires_in_days":2})");
  ASSERT_EQ(made.status, 201) << made.body;
  const std::string secret = Body(made)["token"];
  const auto plain =
      Call("POST", "/v1/tokens", "admin", R"({"id":71,"role":"auditor","name":"audit-office"})");
  ASSERT_EQ(plain.status, 201) << plain.body;
  EXPECT_EQ(Request(port_, "GET", "/v1/vouchers", secret).status, 200);

  // The list names what each acts for and never shows a secret.
  const auto listed = Call("GET", "/v1/tokens", "auditor");
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_EQ(listed.body.find("\"token\""), std::string::npos);
  Json wang;
  const Json items = Body(listed)["items"];
  for (const Json& t : items) {
    if (t["id"] == 70) wang = t;
  }
  EXPECT_EQ(wang["scope_name"], "Dongguan 算力券");
  EXPECT_EQ(wang["stage"], "finance");
  EXPECT_EQ(wang["status"], "active");
  ExpectProblem(Call("GET", "/v1/tokens", "operator"), 403, "forbidden");
  // Steps are journaled by the holder's name: a token names someone.
  ExpectProblem(
      Call("POST", "/v1/tokens", "admin", R"({"id":72,"role":"operator","scope":1,"name":" "})"),
      400, "invalid_field");

  // Two days on: refused like an unknown token (the cache does not keep
  // it alive), and listed as expired. The auditor's (90 days) still works.
  clock_.Set(clock_.Now() + 2 * 86400 * kNanosPerSecond);
  ExpectProblem(Request(port_, "GET", "/v1/vouchers", secret), 401, "unauthenticated");
  EXPECT_EQ(Request(port_, "GET", "/v1/vouchers", Body(plain)["token"]).status, 200);
  const Json later = Body(Call("GET", "/v1/tokens", "admin"))["items"];
  for (const Json& t : later) {
    if (t["id"] == 70) {
      EXPECT_EQ(t["status"], "expired");
    }
  }

  // Rotated: a new secret for the same token; the old one stops.
  const std::string auditor = Body(plain)["token"];
  const auto rotated = Call("POST", "/v1/tokens/71/rotate", "admin", R"({"expires_in_days":30})");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string fresh = Body(rotated)["token"];
  EXPECT_NE(fresh, auditor);
  ExpectProblem(Request(port_, "GET", "/v1/vouchers", auditor), 401, "unauthenticated");
  EXPECT_EQ(Request(port_, "GET", "/v1/vouchers", fresh).status, 200);
  ExpectProblem(Call("POST", "/v1/tokens/99/rotate", "admin", "{}"), 404, "unknown_token");
  ExpectProblem(Call("POST", "/v1/tokens/71/rotate", "admin", R"({"expires_in_days":0})"), 400,
                "invalid_field");
  ASSERT_EQ(Call("POST", "/v1/tokens/71/revoke", "admin", "{}").status, 200);
  ExpectProblem(Call("POST", "/v1/tokens/71/rotate", "admin", "{}"), 422, "already_revoked");
  ExpectProblem(Request(port_, "GET", "/v1/vouchers", fresh), 401, "unauthenticated");
}

// Who a token acts for, for the console's sign-in and any other client.
TEST_F(ApiTest, ATokenSaysWhoItActsFor) {
  const Json finance = Body(Call("GET", "/v1/me", "finance"));
  EXPECT_EQ(finance["name"], "dg-finance") << finance.dump();
  EXPECT_EQ(finance["role"], "operator");
  EXPECT_EQ(finance["scope"], 1);
  EXPECT_EQ(finance["scope_name"], "Dongguan 算力券");
  EXPECT_EQ(finance["stage"], "finance");
  const Json hub = Body(Call("GET", "/v1/me", "provider"));
  EXPECT_EQ(hub["role"], "provider");
  EXPECT_EQ(hub["scope_name"], "Shaoguan Hub Intelligent Computing Centre");
  EXPECT_EQ(Body(Call("GET", "/v1/me", "auditor"))["role"], "auditor");
  ExpectProblem(Call("GET", "/v1/me", ""), 401, "unauthenticated");
}

}  // namespace
}  // namespace bg::api
