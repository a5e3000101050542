// The statements list: one period's, or every closed period's — finance's
// queue — filtered by status and payee, paged oldest period first, with
// counts and totals per status, and narrowed to what the caller may read.
#include <algorithm>

#include <sqlite3.h>

#include "api/api_test_fixture.h"
#include "common/hash.h"
#include "metering/usage.h"

namespace bg::api {
namespace {

class StatementsTest : public ApiTest {
 protected:
  // Songshan Lake's job `id` runs an hour on 8 cards at the Shaoguan hub
  // (provider 1), reported and finished now: 52.00 yuan charged, 26.00 paid
  // by Dongguan (programme 1).
  void RunAnHour(uint64_t id) {
    const auto placed = Call(
        "POST", "/v1/jobs", "enterprise",
        "{\"id\":" + std::to_string(id) + R"(,"accelerator":"A800","cards":8,"walltime_s":36000})");
    ASSERT_EQ(placed.status, 201) << placed.body;
    const Json running = Body(Call("GET", "/v1/placements", "provider"));
    ASSERT_EQ(running["items"].size(), 1u) << running.dump();
    ASSERT_EQ(running["items"][0]["job"], id);
    const uint64_t start = running["items"][0]["start_unix_s"];
    clock_.Set(clock_.Now() + 2 * 3600 * kNanosPerSecond);
    metering::UsageRecord rec{.id = id,
                              .provider = ProviderId(1),
                              .order = OrderId(id),
                              .start_s = start,
                              .end_s = start + 3600,
                              .cards = 8};
    metering::SignRecord(&rec, keys_.secret_key);
    const std::string usage = R"({"records":[{"id":)" + std::to_string(id) +
                              R"(,"provider":1,"order":)" + std::to_string(id) +
                              R"(,"start_unix_s":)" + std::to_string(start) + R"(,"end_unix_s":)" +
                              std::to_string(start + 3600) + R"(,"cards":8,"signature_hex":")" +
                              ToHex(rec.signature) + "\"}]}";
    const Json charged = Body(Call("POST", "/v1/usage", "provider", usage));
    ASSERT_EQ(charged["subsidy"]["fen"], 2600) << charged.dump();
    const std::string finish = "/v1/jobs/" + std::to_string(id) + "/finish";
    ASSERT_EQ(Call("POST", finish, "provider", "{}").status, 200);
  }

  // Songshan Lake holds a Dongguan voucher; the hub's usage key is registered.
  void VoucherAndKey() {
    IssueVoucher(1, 1, 10000000);
    const std::string hex = ToHex(keys_.public_key);
    ASSERT_EQ(Call("POST", "/v1/provider-keys", "provider", "{\"public_key_hex\":\"" + hex + "\"}")
                  .status,
              201);
  }

  // Jobs 1 to 3 each charged an hour, all in March 2025: 78.00 yuan of
  // subsidy on the hub's statement.
  void ThreeHoursInMarch() {
    VoucherAndKey();
    for (uint64_t id = 1; id <= 3; ++id) RunAnHour(id);
  }

  // March and April each charged an hour and closed: two payable
  // statements of the hub, 26.00 yuan each.
  void CloseMarchAndApril() {
    VoucherAndKey();
    RunAnHour(1);                                             // 2025-03-03
    clock_.Set(clock_.Now() + 40 * 86400 * kNanosPerSecond);  // 2025-04-12
    RunAnHour(2);
    clock_.Set(clock_.Now() + 30 * 86400 * kNanosPerSecond);  // 2025-05-12
    for (const char* period : {"2025-04", "2025-03"}) {  // the order closed is not the order listed
      const auto closed = Call("POST", "/v1/statements/close", "reviewer",
                               std::string(R"({"programme":1,"period":")") + period + "\"}");
      ASSERT_EQ(closed.status, 201) << closed.body;
    }
  }

  // The periods of a page, in order.
  std::vector<std::string> Periods(const Json& page) {
    std::vector<std::string> out;
    for (const Json& st : page["items"]) out.push_back(st["period"]);
    return out;
  }

  metering::KeyPair keys_ = metering::KeyPairFromNumber(77);
};

using Strings = std::vector<std::string>;

TEST_F(StatementsTest, FinancesQueueListsEveryClosedPeriodOldestFirstWithCountsPerStatus) {
  CloseMarchAndApril();
  // Finance's token names its programme: no parameter is needed.
  const Json payable = Body(Call("GET", "/v1/statements?status=payable&lines=false", "finance"));
  EXPECT_EQ(Periods(payable), (Strings{"2025-03", "2025-04"})) << payable.dump();
  EXPECT_EQ(payable["items"][0]["payee_name"], "Shaoguan Hub Intelligent Computing Centre");
  EXPECT_EQ(payable["items"][0]["programme_name"], "Dongguan 算力券");
  EXPECT_EQ(payable["items"][0]["subsidy"]["fen"], 2600);
  EXPECT_TRUE(payable["items"][0]["lines"].is_null());
  EXPECT_EQ(payable["counts"]["payable"], 2);
  EXPECT_EQ(payable["totals"]["payable"]["fen"], 5200);
  EXPECT_TRUE(payable["next_after"].is_null());

  // A page at a time, by the cursor of the page before.
  const Json first = Body(Call("GET", "/v1/statements?status=payable&limit=1", "finance"));
  EXPECT_EQ(Periods(first), (Strings{"2025-03"}));
  EXPECT_EQ(first["items"][0]["line_count"], 1);
  ASSERT_TRUE(first["next_after"].is_string()) << first.dump();
  const Json second = Body(
      Call("GET",
           "/v1/statements?status=payable&limit=1&after=" + first["next_after"].get<std::string>(),
           "finance"));
  EXPECT_EQ(Periods(second), (Strings{"2025-04"}));
  EXPECT_TRUE(second["next_after"].is_null());

  // March approved: it leaves the payable queue for the one to pay.
  ASSERT_EQ(
      Call("POST", "/v1/statements/approve", "finance", R"({"programme":1,"period":"2025-03"})")
          .status,
      201);
  const Json after = Body(Call("GET", "/v1/statements?status=payable", "finance"));
  EXPECT_EQ(Periods(after), (Strings{"2025-04"}));
  EXPECT_EQ(after["counts"]["payable"], 1);
  EXPECT_EQ(after["counts"]["approved"], 1);
  EXPECT_EQ(after["totals"]["approved"]["fen"], 2600);
  EXPECT_EQ(after["counts"]["paid"], 0);
  const Json to_pay = Body(Call("GET", "/v1/statements?status=approved", "finance"));
  EXPECT_EQ(Periods(to_pay), (Strings{"2025-03"}));
  EXPECT_EQ(to_pay["items"][0]["approved_by"], "dg-finance");
  EXPECT_EQ(Periods(Body(Call("GET", "/v1/statements", "finance"))),
            (Strings{"2025-03", "2025-04"}));

  // One period's list takes the same filters; its open statements count too.
  const Json march =
      Body(Call("GET", "/v1/statements?programme=1&period=2025-03&status=open", "auditor"));
  EXPECT_TRUE(march["items"].empty()) << march.dump();
  EXPECT_EQ(march["counts"]["approved"], 1);

  // The CSV is the whole queue: a header and a row per line.
  const auto csv = Call("GET", "/v1/statements?status=payable,approved&format=csv", "finance");
  ASSERT_EQ(csv.status, 200) << csv.body;
  EXPECT_EQ(std::count(csv.body.begin(), csv.body.end(), '\n'), 3) << csv.body;
}

TEST_F(StatementsTest, TheQueueIsNarrowedToWhatTheCallerMayRead) {
  CloseMarchAndApril();
  // Admins and auditors read every programme's; a filter narrows.
  EXPECT_EQ(Body(Call("GET", "/v1/statements", "auditor"))["items"].size(), 2u);
  EXPECT_EQ(Body(Call("GET", "/v1/statements?programme=2", "admin"))["items"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/v1/statements?provider=1", "admin"))["items"].size(), 2u);
  EXPECT_EQ(Body(Call("GET", "/v1/statements?enterprise=1", "admin"))["items"].size(), 0u);
  // An operator reads its programme's only.
  ExpectProblem(Call("GET", "/v1/statements?programme=2", "operator"), 403, "forbidden");
  // A payee reads what it is paid, and no other payee's.
  EXPECT_EQ(Body(Call("GET", "/v1/statements", "provider"))["items"].size(), 2u);
  const Json other = Body(Call("GET", "/v1/statements", "other_provider"));
  EXPECT_EQ(other["items"].size(), 0u) << other.dump();
  EXPECT_EQ(other["counts"]["payable"], 0);  // nor counts it
  ExpectProblem(Call("GET", "/v1/statements?provider=5", "provider"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/statements?enterprise=1", "provider"), 403, "forbidden");
  EXPECT_EQ(Body(Call("GET", "/v1/statements", "enterprise"))["items"].size(), 0u);
}

// A statement's lines a page at a time, each with the job it billed; the
// pages add up to the statement's figures.
TEST_F(StatementsTest, AStatementsLinesArePagedAndAddUpToItsTotals) {
  ThreeHoursInMarch();
  const std::string march = "/v1/statements/lines?programme=1&period=2025-03";
  const Json first = Body(Call("GET", march + "&provider=1&limit=2", "operator"));
  EXPECT_EQ(first["payee_name"], "Shaoguan Hub Intelligent Computing Centre") << first.dump();
  EXPECT_EQ(first["status"], "open");
  EXPECT_EQ(first["line_count"], 3);
  EXPECT_EQ(first["subsidy"]["fen"], 7800);
  EXPECT_FALSE(first.contains("lines"));
  ASSERT_EQ(first["items"].size(), 2u);
  EXPECT_EQ(first["items"][0]["job"], 1);
  EXPECT_EQ(first["items"][0]["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_EQ(first["items"][0]["city_name"], "Shaoguan");
  EXPECT_EQ(first["items"][0]["city_name_zh"], "韶关市");
  ASSERT_TRUE(first["next_after"].is_string());
  const Json second = Body(
      Call("GET", march + "&provider=1&limit=2&after=" + first["next_after"].get<std::string>(),
           "operator"));
  ASSERT_EQ(second["items"].size(), 1u) << second.dump();
  EXPECT_EQ(second["items"][0]["job"], 3);
  EXPECT_TRUE(second["next_after"].is_null());
  int64_t subsidy = 0;
  for (const Json* page : {&first, &second}) {
    for (const Json& line : (*page)["items"]) subsidy += line["subsidy"]["fen"].get<int64_t>();
  }
  EXPECT_EQ(subsidy, 7800);
  // The payee reads its own without naming itself; nobody reads another's.
  EXPECT_EQ(Body(Call("GET", march, "provider"))["items"].size(), 3u);
  ExpectProblem(Call("GET", march + "&provider=1", "other_provider"), 403, "forbidden");
  ExpectProblem(Call("GET", march, "other_provider"), 404, "not_found");
  ExpectProblem(Call("GET", march + "&provider=1", "enterprise"), 403, "forbidden");
  ExpectProblem(
      Call("GET", "/v1/statements/lines?programme=2&period=2025-03&provider=1", "operator"), 403,
      "forbidden");
  // What is missing or wrong is named.
  ExpectProblem(Call("GET", march, "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", march + "&provider=1&enterprise=1", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/statements/lines?programme=1&period=March&provider=1", "admin"),
                400, "invalid_field");
  ExpectProblem(Call("GET", march + "&provider=1&after=7", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", march + "&provider=99", "admin"), 404, "not_found");
}

// Once March is two months gone its lines leave the engine's memory for the
// archive: the statement, its lines page, its CSV and the flows read the
// same; an archive that lost them answers 503, never a short statement.
TEST_F(StatementsTest, LinesThatLeftMemoryAreReadBackFromTheArchiveOrTheAnswerSaysSo) {
  ThreeHoursInMarch();
  const std::string lines = "/v1/statements/lines?programme=1&period=2025-03&provider=1";
  const std::string csv = "/v1/statements?programme=1&period=2025-03&format=csv";
  const std::string list = "/v1/statements?programme=1&period=2025-03";
  auto read = [&] {
    return std::vector<std::string>{
        Call("GET", lines, "operator").body, Call("GET", csv, "operator").body,
        Call("GET", list, "operator").body, Call("GET", "/v1/flows?format=csv", "auditor").body};
  };
  const std::vector<std::string> before = read();
  ASSERT_NE(before[1].find("2025-03"), std::string::npos) << before[1];

  clock_.Set(clock_.Now() + 60 * 86400 * kNanosPerSecond);  // May 2025
  ASSERT_TRUE(engine_->Execute(state::Tick{}).ok());
  EXPECT_EQ(engine_->Read([](const state::State& s) { return s.settlement().lines().size(); }), 0u);
  EXPECT_EQ(read(), before);

  {  // The archive loses the lines.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_ / "api.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "DELETE FROM archive WHERE kind = 2", nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
  }
  ExpectProblem(Call("GET", lines, "operator"), 503, "unavailable");
  ExpectProblem(Call("GET", csv, "operator"), 503, "unavailable");
  ExpectProblem(Call("GET", "/v1/flows", "auditor"), 503, "unavailable");
  // The totals never needed the lines.
  const Json totals = Body(Call("GET", list + "&lines=false", "operator"));
  EXPECT_EQ(totals["items"][0]["subsidy"]["fen"], 7800) << totals.dump();
  EXPECT_EQ(totals["items"][0]["line_count"], 3);
}

TEST_F(StatementsTest, WhatIsWrongWithAQueryIsSaid) {
  ExpectProblem(Call("GET", "/v1/statements?status=owed", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/statements?provider=1&enterprise=1", "admin"), 400,
                "invalid_field");
  ExpectProblem(Call("GET", "/v1/statements?period=2025-03", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/statements?period=March", "finance"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/statements?format=csv&limit=5", "finance"), 400, "invalid_field");
  const auto unknown = Call("GET", "/v1/statements?programme=999", "admin");
  EXPECT_EQ(Body(unknown).value("title", ""), "unknown_programme") << unknown.body;
}

}  // namespace
}  // namespace bg::api
