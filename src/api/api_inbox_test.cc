// The operator's inbox (GET /v1/applications): filters, sort orders,
// cursor pages, counts per status, and each caller's scope.
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

class InboxTest : public ApiTest {
 protected:
  // Songshan Lake (enterprise 1) files application `id` to Dongguan
  // (programme 1) for `yuan`, a day after the one before, and takes it
  // through `steps` (its own submit, then the admin's).
  void Apply(uint64_t id, int64_t yuan, std::initializer_list<const char*> steps) {
    clock_.Set(clock_.Now() + 86400 * kNanosPerSecond);
    const std::string body = "{\"id\":" + std::to_string(id) +
                             ",\"programme\":1,\"amount_fen\":" + std::to_string(yuan * 100) + "}";
    ASSERT_EQ(Call("POST", "/v1/applications", "enterprise", body).status, 201);
    const std::string review = "/v1/applications/" + std::to_string(id) + "/review";
    for (const char* step : steps) {
      const bool own = std::string(step) == "submit";
      const auto r = Call("POST", review, own ? "enterprise" : "admin",
                          std::string(R"({"step":")") + step + "\"}");
      ASSERT_EQ(r.status, 200) << step << ": " << r.body;
    }
  }
  // The ids of a list's items, in order.
  static std::vector<uint64_t> Ids(const Json& page) {
    std::vector<uint64_t> out;
    for (const Json& item : page["items"]) out.push_back(item["id"].get<uint64_t>());
    return out;
  }
  Json Get(const std::string& who, const std::string& query) {
    const auto r = Call("GET", "/v1/applications" + query, who);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body;
    return Body(r);
  }
};

TEST_F(InboxTest, FiltersSortPagesAndCountsWhatTheCallerMaySee) {
  Apply(11, 5000, {});                                       // draft
  Apply(12, 80000, {"submit"});                              // submitted
  Apply(13, 20000, {"submit", "start_review"});              // under review
  Apply(14, 120000, {"submit", "start_review", "approve"});  // approved
  Apply(15, 30000, {"submit"});                              // submitted

  // Newest first by default, with names beside the ids and no history.
  const Json all = Get("operator", "");
  EXPECT_EQ(Ids(all), (std::vector<uint64_t>{15, 14, 13, 12, 11}));
  EXPECT_EQ(all["items"][0]["programme_name"], "Dongguan 算力券");
  EXPECT_EQ(all["items"][0]["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_FALSE(all["items"][0].contains("history"));
  EXPECT_EQ(all["counts"]["submitted"], 2);
  EXPECT_EQ(all["counts"]["under_review"], 1);
  EXPECT_EQ(all["counts"]["issued"], 0);

  // The review queue: waiting ones, largest first; the counts ignore the
  // status filter (they are the queue's tabs) but keep the others.
  const Json queue = Get("operator", "?status=submitted,under_review&sort=-amount");
  EXPECT_EQ(Ids(queue), (std::vector<uint64_t>{12, 15, 13}));
  EXPECT_EQ(queue["counts"]["draft"], 1);
  const Json mid = Get("admin", "?amount_min_fen=2000000&amount_max_fen=8000000&sort=amount");
  EXPECT_EQ(Ids(mid), (std::vector<uint64_t>{13, 15, 12}));
  EXPECT_EQ(mid["counts"]["approved"], 0);

  // Filed between: the third and fourth day.
  const std::string filed = all["items"][2]["filed_at"];  // 13's
  const Json window = Get("auditor", "?sort=filed&filed_from=" + filed);
  EXPECT_EQ(Ids(window), (std::vector<uint64_t>{13, 14, 15}));

  // Pages: a cursor holds the position, so a page stays right while new
  // applications arrive.
  const Json first = Get("operator", "?sort=amount&limit=2");
  EXPECT_EQ(Ids(first), (std::vector<uint64_t>{11, 13}));
  ASSERT_TRUE(first["next_after"].is_string());
  Apply(16, 100, {});  // the smallest: sorts before the cursor
  const Json second =
      Get("operator", "?sort=amount&limit=2&after=" + first["next_after"].get<std::string>());
  EXPECT_EQ(Ids(second), (std::vector<uint64_t>{15, 12}));
  const Json last =
      Get("operator", "?sort=amount&limit=2&after=" + second["next_after"].get<std::string>());
  EXPECT_EQ(Ids(last), (std::vector<uint64_t>{14}));
  EXPECT_TRUE(last["next_after"].is_null());

  // Scope: an enterprise sees its own, another enterprise nothing, an
  // operator only its programme.
  EXPECT_EQ(Ids(Get("enterprise", "?sort=id")).size(), 6u);
  EXPECT_TRUE(Ids(Get("other_enterprise", "")).empty());
  EXPECT_EQ(Get("other_enterprise", "")["counts"]["draft"], 0);
  ExpectProblem(Call("GET", "/v1/applications?programme=2", "operator"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/applications?enterprise=1", "other_enterprise"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/applications", "provider"), 403, "forbidden");

  // Bad filters are named.
  for (const char* bad : {"?status=pending", "?sort=name", "?filed_from=yesterday",
                          "?amount_min_fen=-5", "?programme=x", "?after=12"}) {
    const auto r = Call("GET", std::string("/v1/applications") + bad, "admin");
    ExpectProblem(r, 400, "invalid_field");
    const std::string name = std::string(bad).substr(1, std::string(bad).find('=') - 1);
    EXPECT_NE(Body(r)["detail"].get<std::string>().find(name == "after" ? "after" : name),
              std::string::npos)
        << bad << ": " << r.body;
  }
}

}  // namespace
}  // namespace bg::api
