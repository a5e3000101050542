// The lists' filters (jobs, vouchers, claims, audit cases), the names
// beside the ids in what they answer, and an operator's view of the jobs
// its programme pays for.
#include <set>

#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

size_t Count(const testing::RawResponse& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  const Json j = Body(r);
  return j.contains("items") ? j["items"].size() : 0;
}

TEST_F(ApiTest, JobsAreFilteredAndNamedAndAnOperatorSeesWhatItPays) {
  MakeOwnedRecords();  // Songshan Lake's job, running at the hub, paid by Dongguan
  const Json all = Body(Call("GET", "/v1/jobs?status=running", "admin"));
  ASSERT_EQ(all["items"].size(), 1u) << all.dump();
  const Json job = all["items"][0];
  EXPECT_EQ(job["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_FALSE(job["site_name"].get<std::string>().empty());
  EXPECT_EQ(job["provider_name"], "Shaoguan Hub Intelligent Computing Centre");
  ASSERT_EQ(job["programmes"].size(), 1u);
  EXPECT_EQ(job["programmes"][0]["programme_name"], "Dongguan 算力券");
  const std::string site = std::to_string(job["site"].get<uint64_t>());

  EXPECT_EQ(Count(Call("GET", "/v1/jobs?status=done,cancelled", "admin")), 0u);
  EXPECT_EQ(Count(Call("GET", "/v1/jobs?enterprise=3", "admin")), 0u);
  EXPECT_EQ(Count(Call("GET", "/v1/jobs?enterprise=1&site=" + site, "auditor")), 1u);
  EXPECT_EQ(Count(Call("GET", "/v1/jobs?submitted_from=2030-01-01", "admin")), 0u);
  EXPECT_EQ(Count(Call("GET", "/v1/jobs?submitted_to=2030-01-01", "admin")), 1u);
  // The programme's operator sees the jobs it pays for; no other
  // programme's.
  EXPECT_EQ(Count(Call("GET", "/v1/jobs", "operator")), 1u);
  EXPECT_EQ(Count(Call("GET", "/v1/jobs?programme=1", "reviewer")), 1u);
  ExpectProblem(Call("GET", "/v1/jobs?programme=2", "operator"), 403, "forbidden");
  EXPECT_EQ(Count(Call("GET", "/v1/jobs?programme=2", "admin")), 0u);
  // What is wrong with a filter is said.
  ExpectProblem(Call("GET", "/v1/jobs?status=flying", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/jobs?submitted_from=yesterday", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/jobs?site=0", "admin"), 400, "invalid_field");
}

TEST_F(ApiTest, PlacementsStartedFromListOnlyWhatWasPlacedSince) {
  MakeOwnedRecords();  // job 1, placed now at the hub
  clock_.Advance(600 * kNanosPerSecond);
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":2,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  EXPECT_EQ(Count(Call("GET", "/v1/placements", "provider")), 2u);
  const std::string since = FormatUtcTime(clock_.Now() - 60 * kNanosPerSecond);
  const Json recent = Body(Call("GET", "/v1/placements?started_from=" + since, "provider"));
  ASSERT_EQ(recent["items"].size(), 1u) << recent.dump();
  EXPECT_EQ(recent["items"][0]["job"], 2);
  ExpectProblem(Call("GET", "/v1/placements?started_from=yesterday", "provider"), 400,
                "invalid_field");
}

TEST_F(ApiTest, PoolsSitesQuotesAndPlacementsNameWhereTheyAre) {
  MakeOwnedRecords();  // Songshan Lake's job, running at the hub
  const Json pools = Body(Call("GET", "/v1/pools?provider=1", "provider"));
  ASSERT_FALSE(pools["items"].empty()) << pools.dump();
  for (const Json& p : pools["items"]) {
    EXPECT_EQ(p["provider"], 1) << p.dump();
    EXPECT_EQ(p["provider_name"], "Shaoguan Hub Intelligent Computing Centre");
    EXPECT_EQ(p["city_name_zh"], "韶关市");
    EXPECT_FALSE(p["site_name"].get<std::string>().empty());
  }
  // Every pool is some provider's: the filters split the whole list.
  const size_t all = Count(Call("GET", "/v1/pools?limit=1000", "admin"));
  size_t split = 0;
  const Json providers = Body(Call("GET", "/v1/providers", "admin"));
  for (const Json& p : providers["items"]) {
    split += Count(Call("GET", "/v1/pools?limit=1000&provider=" + p["id"].dump(), "admin"));
  }
  EXPECT_EQ(split, all);
  const std::string site = pools["items"][0]["site"].dump();
  EXPECT_EQ(Count(Call("GET", "/v1/pools?site=" + site + "&provider=2", "admin")), 0u);
  EXPECT_GT(Count(Call("GET", "/v1/pools?site=" + site, "admin")), 0u);
  ExpectProblem(Call("GET", "/v1/pools?provider=x", "admin"), 400, "invalid_field");

  const Json sites = Body(Call("GET", "/v1/sites", "enterprise"));
  EXPECT_EQ(sites["items"][0]["provider_name"], "Shaoguan Hub Intelligent Computing Centre");
  EXPECT_FALSE(sites["items"][0]["city_name"].get<std::string>().empty());

  const Json quote = Body(Call("POST", "/v1/quotes", "enterprise",
                               R"({"accelerator":"A800","cards":1,"walltime_s":3600})"));
  ASSERT_FALSE(quote["options"].empty()) << quote.dump();
  EXPECT_FALSE(quote["options"][0]["site_name"].get<std::string>().empty());
  EXPECT_FALSE(quote["options"][0]["provider_name"].get<std::string>().empty());
  for (const Json& e : quote["excluded"]) EXPECT_TRUE(e.contains("site_name")) << e.dump();

  const Json placements = Body(Call("GET", "/v1/placements", "provider"));
  ASSERT_EQ(placements["items"].size(), 1u) << placements.dump();
  EXPECT_EQ(placements["items"][0]["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_FALSE(placements["items"][0]["accelerator"].get<std::string>().empty());
}

TEST_F(ApiTest, VouchersClaimsAndCasesAreFiltered) {
  MakeOwnedRecords();  // a live voucher of Dongguan; a held direct claim at the hub
  const Json live = Body(Call("GET", "/v1/vouchers?status=live&programme=1", "operator"));
  ASSERT_EQ(live["items"].size(), 1u) << live.dump();
  EXPECT_EQ(live["items"][0]["holder_name"], "Songshan Lake Precision Moulds");
  EXPECT_EQ(live["items"][0]["programme_name"], "Dongguan 算力券");
  EXPECT_EQ(Count(Call("GET", "/v1/vouchers?status=expired,revoked", "admin")), 0u);
  EXPECT_EQ(Count(Call("GET", "/v1/vouchers?expires_before=2025-04-01", "admin")), 0u);
  EXPECT_EQ(Count(Call("GET", "/v1/vouchers?expires_before=2027-01-01", "admin")), 1u);
  EXPECT_EQ(Count(Call("GET", "/v1/vouchers?enterprise=3", "admin")), 0u);
  ExpectProblem(Call("GET", "/v1/vouchers?status=spent", "admin"), 400, "invalid_field");

  const Json held = Body(Call("GET", "/v1/claims?status=held&provider=1", "admin"));
  ASSERT_EQ(held["items"].size(), 1u) << held.dump();
  EXPECT_EQ(held["items"][0]["provider_name"], "Shaoguan Hub Intelligent Computing Centre");
  EXPECT_EQ(held["items"][0]["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_EQ(held["items"][0]["shares"][0]["programme_name"], "Dongguan 算力券");
  EXPECT_EQ(Count(Call("GET", "/v1/claims?status=captured", "admin")), 0u);
  EXPECT_EQ(Count(Call("GET", "/v1/claims?programme=1", "operator")), 1u);
  EXPECT_EQ(Count(Call("GET", "/v1/claims?enterprise=3", "admin")), 0u);

  ASSERT_EQ(Call("POST", "/v1/audit/scan", "auditor", "{}").status / 100, 2);
  const size_t open = Count(Call("GET", "/v1/audit/cases?state=open", "auditor"));
  EXPECT_EQ(Count(Call("GET", "/v1/audit/cases?state=closed", "auditor")), 0u);
  EXPECT_EQ(Count(Call("GET", "/v1/audit/cases", "auditor")), open);
  ExpectProblem(Call("GET", "/v1/audit/cases?state=sideways", "auditor"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/audit/cases?kind=nonsense", "auditor"), 400, "invalid_field");
}

TEST_F(ApiTest, AnEnterpriseSeesEachVouchersHistoryItsCapsAndItsBill) {
  MakeOwnedRecords();  // voucher 1 (100,000 yuan), job 1 running, claim 1 on order 700
  const auto r = Call("GET", "/v1/enterprises/1/money?month=2025-03", "enterprise");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json m = Body(r);
  EXPECT_EQ(m["enterprise_name"], "Songshan Lake Precision Moulds");
  ASSERT_EQ(m["vouchers"].size(), 1u);
  const Json v = m["vouchers"][0];
  EXPECT_EQ(v["programme_name"], "Dongguan 算力券");
  std::set<std::string> what;
  bool job = false, order = false;
  for (const Json& h : v["history"]) {
    what.insert(h["what"].get<std::string>());
    job = job || h.value("job", 0) == 1;
    order = order || h.value("order", 0) == 700;
  }
  EXPECT_EQ(what, (std::set<std::string>{"granted", "issued", "claim"})) << v["history"].dump();
  EXPECT_TRUE(job && order) << "the job's claim and the direct order's: " << v["history"].dump();
  ASSERT_EQ(m["caps"].size(), 1u);
  EXPECT_EQ(m["caps"][0]["cap"]["fen"], 100'000'000);  // 1,000,000 yuan a year
  EXPECT_GT(m["caps"][0]["used"]["fen"].get<int64_t>(), 0);
  const Json bill = m["bill"];
  EXPECT_EQ(bill["month"], "2025-03");
  ASSERT_EQ(bill["jobs"].size(), 1u) << bill.dump();
  EXPECT_EQ(bill["jobs"][0]["programmes"][0]["programme_name"], "Dongguan 算力券");
  EXPECT_GT(bill["jobs"][0]["planned_subsidy"]["fen"].get<int64_t>(), 0);
  EXPECT_EQ(
      Body(Call("GET", "/v1/enterprises/1/money?month=2025-04", "admin"))["bill"]["jobs"].size(),
      0u);
  ExpectProblem(Call("GET", "/v1/enterprises/1/money", "other_enterprise"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/enterprises/1/money", "provider"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/enterprises/1/money?month=2025-13", "auditor"), 400,
                "invalid_field");
  ExpectProblem(Call("GET", "/v1/enterprises/99/money", "admin"), 404, "not_found");
}

// Activity from the journal: who did what, scoped to the caller, filtered,
// paged with a cursor.
TEST_F(ApiTest, ActivityReadsWhoDidWhatFromTheJournal) {
  MakeOwnedRecords();  // application 1 filed by enterprise 1 and issued by the admin; more
  ASSERT_EQ(Call("POST", "/v1/programmes/1/suspend", "operator", R"({"reason":"audit"})").status,
            200);
  const Json all = Body(Call("GET", "/v1/activity?limit=1000", "auditor"));
  std::set<std::string> what;
  bool approved_by_admin = false;
  for (const Json& item : all["items"]) {
    what.insert(item["what"].get<std::string>());
    approved_by_admin =
        approved_by_admin || (item["what"] == "review_application" && item["actor"] == "admin" &&
                              item["detail"] == "approve application 1" &&
                              item["enterprise_name"] == "Songshan Lake Precision Moulds");
  }
  EXPECT_TRUE(approved_by_admin) << all.dump();
  // Every step also in Chinese (the console's first language).
  for (const Json& item : all["items"]) {
    EXPECT_FALSE(item["detail_zh"].get<std::string>().empty()) << item.dump();
  }
  for (const char* w : {"file_application", "review_application", "submit_job", "change_programme",
                        "create_api_token", "create_programme"}) {
    EXPECT_EQ(what.count(w), 1u) << w << " missing: " << all.dump();
  }
  // An operator sees its programme's steps; an enterprise its own; filters.
  const Json ops = Body(Call("GET", "/v1/activity?limit=1000", "operator"));
  EXPECT_FALSE(ops["items"].empty());
  for (const Json& item : ops["items"]) EXPECT_EQ(item["programme"], 1) << item.dump();
  const Json mine = Body(Call("GET", "/v1/activity?limit=1000", "other_enterprise"));
  for (const Json& item : mine["items"]) EXPECT_EQ(item["enterprise"], 3) << item.dump();
  const Json suspended = Body(Call("GET", "/v1/activity?actor=operator&programme=1", "admin"));
  ASSERT_EQ(suspended["items"].size(), 1u) << suspended.dump();
  EXPECT_EQ(suspended["items"][0]["detail"], "suspend: audit");
  EXPECT_EQ(suspended["items"][0]["detail_zh"], "暂停：audit");
  EXPECT_EQ(Body(Call("GET", "/v1/activity?to=2025-01-01", "admin"))["items"].size(), 0u);
  // A period: read from its first entry by time; nothing before or after.
  clock_.Set(clock_.Now() + 10 * 86400 * kNanosPerSecond);  // 2025-03-13
  ASSERT_EQ(Call("POST", "/v1/programmes/1/resume", "operator", R"({"reason":"cleared"})").status,
            200);
  const Json later = Body(Call("GET", "/v1/activity?from=2025-03-10", "admin"));
  ASSERT_EQ(later["items"].size(), 1u) << later.dump();
  EXPECT_EQ(later["items"][0]["detail"], "resume: cleared");
  EXPECT_TRUE(
      Body(Call("GET", "/v1/activity?from=2025-03-10&to=2025-03-12", "admin"))["items"].empty());
  EXPECT_TRUE(Body(Call("GET", "/v1/activity?from=2026-01-01", "admin"))["items"].empty());

  // Pages: one at a time, each after the last, ending with no cursor.
  std::string after;
  size_t seen = 0;
  for (; seen < 1000; ++seen) {
    const Json page = Body(
        Call("GET", "/v1/activity?limit=1&programme=1" + (after.empty() ? "" : "&after=" + after),
             "auditor"));
    if (page["items"].empty()) break;
    if (page["next_after"].is_null()) {
      ++seen;
      break;
    }
    after = page["next_after"];
  }
  EXPECT_EQ(seen,
            Body(Call("GET", "/v1/activity?limit=1000&programme=1", "auditor"))["items"].size());
  ExpectProblem(Call("GET", "/v1/activity?after=7", "auditor"), 400, "invalid_field");
}

}  // namespace
}  // namespace bg::api
