// Notices over HTTP: each caller's feed (unread first, its unread count),
// read marks, who may mark, and webhooks (set with a secret shown once,
// listed without it, removed).
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

class NoticesTest : public ApiTest {
 protected:
  // Songshan Lake (enterprise 1) files application `id` to Dongguan
  // (programme 1) and submits it; the admin starts the review and approves.
  void ApplyAndApprove(uint64_t id) {
    const std::string body =
        "{\"id\":" + std::to_string(id) + ",\"programme\":1,\"amount_fen\":500000}";
    ASSERT_EQ(Call("POST", "/v1/applications", "enterprise", body).status, 201);
    const std::string review = "/v1/applications/" + std::to_string(id) + "/review";
    ASSERT_EQ(Call("POST", review, "enterprise", R"({"step":"submit"})").status, 200);
    for (const char* step : {"start_review", "approve"}) {
      const auto r = Call("POST", review, "admin", std::string(R"({"step":")") + step + "\"}");
      ASSERT_EQ(r.status, 200) << step << ": " << r.body;
    }
  }
  Json Feed(const std::string& who, const std::string& query = "") {
    const auto r = Call("GET", "/v1/notices" + query, who);
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r);
  }
};

TEST_F(NoticesTest, EachCallerReadsItsOwnFeedUnreadFirstAndMarksItRead) {
  ApplyAndApprove(21);
  ApplyAndApprove(22);
  const Json mine = Feed("enterprise");
  ASSERT_EQ(mine["items"].size(), 4u);  // start_review and approve, twice
  EXPECT_EQ(mine["unread"], 4);
  EXPECT_EQ(mine["items"][0]["kind"], "application_step");
  EXPECT_EQ(mine["items"][0]["subject"]["id"], 22);  // newest first
  EXPECT_EQ(mine["items"][0]["status"], "approved");
  EXPECT_EQ(mine["items"][0]["programme_name"], "Dongguan 算力券");
  EXPECT_EQ(mine["items"][0]["read"], false);
  // The programme's operators hear of each submission; nobody else of any.
  const Json programme = Feed("operator");
  ASSERT_EQ(programme["items"].size(), 2u);
  EXPECT_EQ(programme["items"][0]["kind"], "application_submitted");
  EXPECT_EQ(programme["items"][0]["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_TRUE(Feed("other_enterprise")["items"].empty());
  // Admins and auditors read everyone's, with no unread count of their own.
  const Json all = Feed("auditor");
  EXPECT_EQ(all["items"].size(), 6u);
  EXPECT_TRUE(all["unread"].is_null());

  // Marking the older two read puts them last.
  const uint64_t older = mine["items"][2]["id"].get<uint64_t>();
  const auto marked =
      Call("POST", "/v1/notices/read", "enterprise", "{\"up_to\":" + std::to_string(older) + "}");
  ASSERT_EQ(marked.status, 200) << marked.body;
  const Json after = Feed("enterprise");
  EXPECT_EQ(after["unread"], 2);
  EXPECT_EQ(after["items"][0]["read"], false);
  EXPECT_EQ(after["items"][3]["read"], true);
  EXPECT_EQ(Feed("enterprise", "?unread=true")["items"].size(), 2u);
  // Pages: a cursor after the first two.
  const Json first = Feed("enterprise", "?limit=2");
  ASSERT_TRUE(first["next_after"].is_string());
  const Json second =
      Feed("enterprise", "?limit=2&after=" + first["next_after"].get<std::string>());
  ASSERT_EQ(second["items"].size(), 2u);
  EXPECT_EQ(second["items"][0]["read"], true);
  EXPECT_TRUE(second["next_after"].is_null());
  // Someone else's ids mark nothing of theirs.
  ASSERT_EQ(Call("POST", "/v1/notices/read", "other_enterprise",
                 "{\"ids\":[" + mine["items"][0]["id"].dump() + "]}")
                .status,
            200);
  EXPECT_EQ(Feed("enterprise")["unread"], 2);
}

TEST_F(NoticesTest, BadFeedQueriesAndMarksAreRefusedWithTheReason) {
  auto r = Call("GET", "/v1/notices?kind=voucher_lost", "enterprise");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("voucher_expiring"), std::string::npos) << r.body;
  EXPECT_EQ(Call("GET", "/v1/notices?unread=yes", "enterprise").status, 400);
  EXPECT_EQ(Call("GET", "/v1/notices?after=12", "enterprise").status, 400);
  r = Call("POST", "/v1/notices/read", "enterprise", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("up_to"), std::string::npos) << r.body;
  EXPECT_EQ(Call("POST", "/v1/notices/read", "admin", R"({"up_to":5})").status, 403);
}

TEST_F(NoticesTest, AWebhookIsSetWithASecretShownOnceListedWithoutItAndRemoved) {
  auto r = Call("POST", "/v1/webhooks", "enterprise", R"({"url":"ftp://erp.example/hook"})");
  EXPECT_EQ(r.status, 400);
  r = Call("POST", "/v1/webhooks", "enterprise", R"({"url":"https://erp.example/hook"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("TLS proxy"), std::string::npos) << r.body;
  EXPECT_EQ(Call("POST", "/v1/webhooks", "enterprise", R"({"url":"http://:80/x"})").status, 400);
  EXPECT_EQ(Call("POST", "/v1/webhooks", "admin", R"({"url":"http://a/x"})").status, 403);

  r = Call("POST", "/v1/webhooks", "enterprise", R"({"url":"http://erp.example:8080/hook"})");
  ASSERT_EQ(r.status, 201) << r.body;
  const Json set = Body(r);
  EXPECT_EQ(set["recipient"], "enterprise:1");
  EXPECT_EQ(set["secret"].get<std::string>().size(), 64u);
  ApplyAndApprove(31);
  const Json listed = Body(Call("GET", "/v1/webhooks", "enterprise"));
  ASSERT_EQ(listed["items"].size(), 1u);
  EXPECT_EQ(listed["items"][0]["url"], "http://erp.example:8080/hook");
  EXPECT_EQ(listed["items"][0]["pending"], 2);  // nobody delivers in this test
  EXPECT_FALSE(listed["items"][0].contains("secret"));
  EXPECT_EQ(listed.dump().find(set["secret"].get<std::string>()), std::string::npos);
  EXPECT_TRUE(Body(Call("GET", "/v1/webhooks", "other_enterprise"))["items"].empty());
  EXPECT_EQ(Body(Call("GET", "/v1/webhooks", "auditor"))["items"].size(), 1u);

  EXPECT_EQ(Call("POST", "/v1/webhooks/remove", "enterprise").status, 200);
  EXPECT_TRUE(Body(Call("GET", "/v1/webhooks", "enterprise"))["items"].empty());
  EXPECT_EQ(Call("POST", "/v1/webhooks/remove", "enterprise").status, 404);
}

}  // namespace
}  // namespace bg::api
