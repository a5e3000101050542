// The money trail (routes_trail.cc) over the real service and a SQLite
// file: a voucher's history adds up to what it has spent and holds, a
// job's transfers add up to its figures while it runs and once it is
// done, each usage record says whether its signature still verifies, and
// the journal entry a transfer names holds its chain and lists that
// transfer. Who may read each.
#include <set>

#include "api/api_test_fixture.h"
#include "common/hash.h"
#include "metering/usage.h"

namespace bg::api {
namespace {

class TrailTest : public ApiTest {
 protected:
  // Songshan Lake holds voucher 1 (100,000 yuan of Dongguan's); the
  // Shaoguan hub (provider 1) registered its key; job 1 runs 8 A800 cards
  // there.
  void SetUp() override {
    ApiTest::SetUp();
    IssueVoucher(1, 1, 10000000);
    RegisterKey(keys_);
    const auto placed = Call("POST", "/v1/jobs", "enterprise",
                             R"({"id":1,"accelerator":"A800","cards":8,"walltime_s":36000})");
    ASSERT_EQ(placed.status, 201) << placed.body;
    const Json running = Body(Call("GET", "/v1/placements", "provider"));
    ASSERT_EQ(running["items"].size(), 1u) << running.dump();
    start_ = running["items"][0]["start_unix_s"];
  }

  void RegisterKey(const metering::KeyPair& keys) {
    const std::string hex = ToHex(keys.public_key);
    const auto r =
        Call("POST", "/v1/provider-keys", "provider", "{\"public_key_hex\":\"" + hex + "\"}");
    ASSERT_EQ(r.status / 100, 2) << r.body;
  }

  // Record `id` of job 1: [from, to) seconds after its start on 8 cards;
  // signed on its own, or with its signature left zero (for a batch).
  metering::UsageRecord Record(uint64_t id, uint64_t from, uint64_t to, bool sign) const {
    metering::UsageRecord r{.id = id,
                            .provider = ProviderId(1),
                            .order = OrderId(1),
                            .start_s = start_ + from,
                            .end_s = start_ + to,
                            .cards = 8};
    if (sign) metering::SignRecord(&r, keys_.secret_key);
    return r;
  }
  static std::string RecordJson(const metering::UsageRecord& r) {
    return "{\"id\":" + std::to_string(r.id) + R"(,"provider":1,"order":1,"start_unix_s":)" +
           std::to_string(r.start_s) + ",\"end_unix_s\":" + std::to_string(r.end_s) +
           ",\"cards\":8,\"signature_hex\":\"" + ToHex(r.signature) + "\"}";
  }
  void Report(const std::string& body) {
    const auto r = Call("POST", "/v1/usage", "provider", body);
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Half an hour signed on its own, then a quarter of an hour in a batch.
  void ReportUsage() {
    clock_.Set(clock_.Now() + uint64_t{2} * 3600 * kNanosPerSecond);
    Report("{\"records\":[" + RecordJson(Record(1, 0, 1800, true)) + "]}");
    const metering::UsageRecord batched = Record(2, 1800, 2700, false);
    const metering::Signature batch = metering::SignBatch(std::span(&batched, 1), keys_.secret_key);
    Report("{\"records\":[" + RecordJson(batched) + "],\"batch_signature_hex\":\"" + ToHex(batch) +
           "\"}");
  }

  // Σ amount of the trail's transfers of `kind` that moved money.
  static int64_t Posted(const Json& trail, const std::string& kind) {
    int64_t sum = 0;
    for (const Json& t : trail["transfers"]) {
      if (t["kind"] == kind && t["state"] == "posted") sum += t["amount"]["fen"].get<int64_t>();
    }
    return sum;
  }

  // The trail's transfers add up to the job's figures, to the fen.
  static void ExpectAddsUp(const Json& trail) {
    const Json& job = trail["job"];
    EXPECT_EQ(Posted(trail, "redeem") + Posted(trail, "auto_grant"), job["voucher_charged"]["fen"]);
    EXPECT_EQ(Posted(trail, "co_pay"), job["copay_charged"]["fen"]);
    EXPECT_EQ(trail["totals"]["subsidy_posted"], job["voucher_charged"]);
    EXPECT_EQ(trail["totals"]["copay_posted"], job["copay_charged"]);
    EXPECT_EQ(trail["totals"]["reconciles"], true) << trail["totals"].dump();
    for (const Json& t : trail["transfers"]) {
      EXPECT_TRUE(t["id"].is_string()) << t.dump();
      EXPECT_TRUE(t["journal_entry"].is_number()) << t.dump();
    }
  }

  metering::KeyPair keys_ = metering::KeyPairFromNumber(77);
  uint64_t start_ = 0;
};

TEST_F(TrailTest, AJobsTransfersAddUpToItsFiguresWhileItRunsAndOnceDone) {
  ReportUsage();
  const Json running = Body(Call("GET", "/v1/jobs/1/trail", "enterprise"));
  ASSERT_TRUE(running.contains("transfers")) << running.dump();
  EXPECT_EQ(running["job"]["status"], "running");
  EXPECT_EQ(running["job"]["enterprise_name"], "Songshan Lake Precision Moulds");
  EXPECT_GT(running["job"]["voucher_charged"]["fen"].get<int64_t>(), 0);
  ExpectAddsUp(running);
  // While it runs the rest of the subsidy and the co-pay are held.
  EXPECT_GT(running["totals"]["subsidy_held"]["fen"].get<int64_t>(), 0);
  EXPECT_GT(running["totals"]["copay_held"]["fen"].get<int64_t>(), 0);
  // The subsidy moves from the voucher to the programme's payable; the
  // co-pay from the wallet to the hub's receivable.
  std::set<std::string> routes;
  for (const Json& t : running["transfers"]) {
    routes.insert(t["kind"].get<std::string>() + ": " + t["from_name"].get<std::string>() + " -> " +
                  t["to_name"].get<std::string>());
  }
  EXPECT_EQ(routes, (std::set<std::string>{
                        "redeem: voucher 1 · Songshan Lake Precision Moulds -> programme payable · "
                        "Dongguan 算力券",
                        "co_pay: wallet · Songshan Lake Precision Moulds -> receivable · Shaoguan "
                        "Hub Intelligent Computing Centre"}));

  // Usage: 45 minutes on 8 cards, one record signed alone, one in a batch.
  ASSERT_EQ(running["usage"].size(), 2u) << running["usage"].dump();
  EXPECT_EQ(running["usage"][0]["signature"], "verified");
  EXPECT_EQ(running["usage"][1]["signature"], "batch");
  EXPECT_EQ(running["usage"][0]["card_seconds"], 8 * 1800);
  EXPECT_EQ(running["usage_card_seconds"], 8 * 2700);
  EXPECT_EQ(running["usage_card_seconds"], running["job"]["card_seconds"]);

  // Finished: the unused holds are voided; what was posted stays.
  ASSERT_EQ(Call("POST", "/v1/jobs/1/finish", "provider", "{}").status, 200);
  const Json done = Body(Call("GET", "/v1/jobs/1/trail", "admin"));
  EXPECT_EQ(done["job"]["status"], "done");
  ExpectAddsUp(done);
  EXPECT_EQ(done["totals"]["subsidy_held"]["fen"], 0);
  EXPECT_EQ(done["totals"]["copay_held"]["fen"], 0);
  size_t voids = 0;
  for (const Json& t : done["transfers"]) {
    if (t["state"] == "voided") {
      ++voids;
      EXPECT_TRUE(t["pending_id"].is_string()) << t.dump();
    }
    EXPECT_NE(t["state"], "held") << t.dump();
  }
  EXPECT_GE(voids, 1u) << done["transfers"].dump();

  // A new key: the record signed with the old one no longer verifies.
  RegisterKey(metering::KeyPairFromNumber(78));
  const Json rotated = Body(Call("GET", "/v1/jobs/1/trail", "auditor"));
  EXPECT_EQ(rotated["usage"][0]["signature"], "unverifiable");
  EXPECT_EQ(rotated["usage"][1]["signature"], "batch");
}

TEST_F(TrailTest, AVouchersClaimsAddUpToWhatItHasSpentAndHolds) {
  ReportUsage();
  const Json v = Body(Call("GET", "/v1/vouchers/1", "enterprise"));
  ASSERT_TRUE(v.contains("history")) << v.dump();
  EXPECT_EQ(v["holder_name"], "Songshan Lake Precision Moulds");
  EXPECT_EQ(v["programme_name"], "Dongguan 算力券");
  EXPECT_EQ(v["status"], "live");
  int64_t drawn = 0;
  std::set<std::string> what;
  for (const Json& h : v["history"]) {
    what.insert(h["what"].get<std::string>());
    if (h["what"] != "claim") continue;
    EXPECT_EQ(h["job"], 1) << h.dump();
    drawn += h["held"]["fen"].get<int64_t>() + h["spent"]["fen"].get<int64_t>();
  }
  EXPECT_EQ(what, (std::set<std::string>{"granted", "issued", "claim"}));
  EXPECT_GT(drawn, 0);
  EXPECT_EQ(drawn, v["amount"]["fen"].get<int64_t>() - v["available"]["fen"].get<int64_t>());
  // As the list shows it, plus the history.
  Json listed = Body(Call("GET", "/v1/vouchers", "enterprise"))["items"][0];
  Json alone = v;
  alone.erase("history");
  EXPECT_EQ(alone, listed);
  // Finished: what was not spent is available again.
  ASSERT_EQ(Call("POST", "/v1/jobs/1/finish", "provider", "{}").status, 200);
  const Json after = Body(Call("GET", "/v1/vouchers/1", "operator"));
  int64_t spent = 0;
  for (const Json& h : after["history"]) {
    if (h["what"] == "claim") spent += h["spent"]["fen"].get<int64_t>();
  }
  EXPECT_EQ(spent,
            after["amount"]["fen"].get<int64_t>() - after["available"]["fen"].get<int64_t>());
  EXPECT_EQ(spent, Body(Call("GET", "/v1/jobs/1", "admin"))["voucher_charged"]["fen"]);

  // Revoked: what was left leaves the voucher, and the history says how
  // much, so that spent + swept make the face value up to the fen.
  ASSERT_EQ(
      Call("POST", "/v1/vouchers/1/revoke", "admin", R"({"reason":"false declaration"})").status,
      200);
  const Json revoked = Body(Call("GET", "/v1/vouchers/1", "auditor"));
  EXPECT_EQ(revoked["status"], "revoked");
  EXPECT_EQ(revoked["available"]["fen"], 0);
  const Json& last = revoked["history"].back();
  EXPECT_EQ(last["what"], "revoked") << last.dump();
  EXPECT_EQ(last["reason"], "admin: false declaration");
  EXPECT_FALSE(last["at"].is_null()) << "the revocation moved the money: its time is known";
  EXPECT_GT(last["amount"]["fen"].get<int64_t>(), 0);
  EXPECT_EQ(spent + last["amount"]["fen"].get<int64_t>(), revoked["amount"]["fen"].get<int64_t>());
}

TEST_F(TrailTest, ATransfersJournalEntryHoldsItsChainAndListsIt) {
  ReportUsage();
  const Json trail = Body(Call("GET", "/v1/jobs/1/trail", "admin"));
  ASSERT_FALSE(trail["transfers"].empty()) << trail.dump();
  const Json& last = trail["transfers"].back();
  const uint64_t seq = last["journal_entry"];
  const Json entry = Body(Call("GET", "/v1/journal/" + std::to_string(seq), "auditor"));
  EXPECT_EQ(entry["seq"], seq);
  EXPECT_EQ(entry["chain_ok"], true) << entry.dump();
  EXPECT_EQ(entry["prev"], seq - 1);
  EXPECT_EQ(entry["hash"].get<std::string>().size(), 64u);
  bool listed = false;
  for (const Json& t : entry["transfers"]) {
    EXPECT_EQ(t["journal_entry"], seq);
    if (t["id"] == last["id"]) {
      listed = true;
      EXPECT_EQ(t, last);
    }
  }
  EXPECT_TRUE(listed) << entry["transfers"].dump();
  ASSERT_FALSE(entry["commands"].empty());
  EXPECT_TRUE(entry["commands"][0].contains("actor"));
  // The entry before chains to it: its hash is this one's prev_hash.
  const Json before = Body(Call("GET", "/v1/journal/" + std::to_string(seq - 1), "admin"));
  EXPECT_EQ(before["hash"], entry["prev_hash"]);
  EXPECT_EQ(before["next"], seq);
  EXPECT_EQ(before["chain_ok"], true);
  EXPECT_TRUE(Body(Call("GET", "/v1/journal/1", "admin"))["prev"].is_null());

  // An operator reads it: command names only, its programme's transfers.
  const Json seen = Body(Call("GET", "/v1/journal/" + std::to_string(seq), "operator"));
  EXPECT_EQ(seen["chain_ok"], true);
  EXPECT_EQ(seen["commands"].size(), entry["commands"].size());
  EXPECT_FALSE(seen["commands"][0].contains("actor"));
  for (const Json& t : seen["transfers"]) EXPECT_NE(t["kind"], "co_pay") << t.dump();
}

// Once a job has been archived and its transfers have left the ledger's
// memory (Ledger::Retire: whole chunks of 1,024, ten days on), its trail
// and the journal entry of its transfers read the same: from the store's
// rows where the ledger no longer has them.
TEST_F(TrailTest, AJobsTrailReadsTheSameAfterItsTransfersLeftTheLedger) {
  ReportUsage();
  ASSERT_EQ(Call("POST", "/v1/jobs/1/finish", "provider", "{}").status, 200);
  const Json done = Body(Call("GET", "/v1/jobs/1/trail", "admin"));
  ExpectAddsUp(done);
  ASSERT_FALSE(done["transfers"].empty());
  const std::string first_id = done["transfers"][0]["id"];
  const uint64_t seq = done["transfers"][0]["journal_entry"];
  const Json entry = Body(Call("GET", "/v1/journal/" + std::to_string(seq), "auditor"));
  // Enough jobs, placed and cancelled at once (a hold and a void each for
  // the voucher and the co-pay), to fill the ledger's first chunk.
  for (uint64_t id = 2; id < 300; ++id) {
    scheduler::JobRequest r{.id = OrderId(id),
                            .enterprise = EnterpriseId(1),
                            .accelerator = "A800",
                            .cards = 1,
                            .walltime_s = 3600};
    ASSERT_TRUE(engine_->Execute(scheduler::SubmitJob{.request = r}).ok());
    ASSERT_TRUE(engine_->Execute(scheduler::CancelJob{.id = OrderId(id)}).ok());
  }
  clock_.Set(clock_.Now() + uint64_t{11} * 86'400 * kNanosPerSecond);
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":300,"accelerator":"A800","cards":1,"walltime_s":3600})")
                .status,
            201);
  engine_->Read([&](const state::State& s) {
    EXPECT_TRUE(s.scheduler().IsRetired(OrderId(1)));
    EXPECT_GE(s.ledger().live_from(), 1'024u);
    EXPECT_EQ(s.ledger().FindTransfer(TransferId(std::stoull(first_id))), nullptr);
    EXPECT_TRUE(s.ledger().retired_ids().Contains(std::stoull(first_id)));
    return 0;
  });
  const Json later = Body(Call("GET", "/v1/jobs/1/trail", "admin"));
  EXPECT_EQ(later["transfers"], done["transfers"]);
  EXPECT_EQ(later["totals"], done["totals"]);
  EXPECT_EQ(later["usage"], done["usage"]);
  EXPECT_EQ(Body(Call("GET", "/v1/journal/" + std::to_string(seq), "auditor"))["transfers"],
            entry["transfers"]);
}

TEST_F(TrailTest, BadSeqsAndOthersRecordsAreRefusedClearly) {
  ExpectProblem(Call("GET", "/v1/journal/abc", "auditor"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/journal/0", "auditor"), 400, "invalid_field");
  const auto missing = Call("GET", "/v1/journal/999999", "auditor");
  ExpectProblem(missing, 404, "unknown_journal_entry");
  EXPECT_NE(Body(missing)["detail"].get<std::string>().find("holds entries 1 to"),
            std::string::npos)
      << missing.body;
  const auto enterprise = Call("GET", "/v1/journal/1", "enterprise");
  ExpectProblem(enterprise, 403, "forbidden");
  EXPECT_NE(Body(enterprise)["detail"].get<std::string>().find("auditors and programme operators"),
            std::string::npos);
  ExpectProblem(Call("GET", "/v1/journal/1", "provider"), 403, "forbidden");

  ExpectProblem(Call("GET", "/v1/jobs/1/trail", "other_enterprise"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/jobs/1/trail", "other_provider"), 403, "forbidden");
  // An operator reads the trail of a job its programme pays for (Dongguan
  // pays job 1), as it reads the job; another programme's operator not.
  const auto own = Call("GET", "/v1/jobs/1/trail", "operator");
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "operator").status, 200);
  const Json zhuhai = Body(Call("POST", "/v1/tokens", "admin",
                                R"({"id":90,"role":"operator","scope":2,"name":"zh-operator"})"));
  const std::string other = zhuhai["token"].get<std::string>();
  ExpectProblem(Request(port_, "GET", "/v1/jobs/1/trail", other), 403, "forbidden");
  ExpectProblem(Request(port_, "GET", "/v1/jobs/1", other), 403, "forbidden");
  EXPECT_EQ(Call("GET", "/v1/jobs/1/trail", "provider").status, 200);
  ExpectProblem(Call("GET", "/v1/jobs/99/trail", "admin"), 404, "unknown_job");
  ExpectProblem(Call("GET", "/v1/jobs/x/trail", "admin"), 400, "invalid_field");

  ExpectProblem(Call("GET", "/v1/vouchers/1", "other_enterprise"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/vouchers/1", "provider"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/vouchers/77", "admin"), 404, "unknown_voucher");
  EXPECT_EQ(Call("GET", "/v1/vouchers/1", "auditor").status, 200);
}

}  // namespace
}  // namespace bg::api
