// Notices end to end below the API: the engine's writer derives them as
// commands are applied (derive.h) and they are stored with their batches;
// the outbox (outbox.h) delivers them in order through a poster that
// fails on demand, retries after a backoff, and signs each delivery.
#include <future>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "common/hash.h"
#include "engine/engine.h"
#include "notice/derive.h"
#include "notice/outbox.h"
#include "storage/memory_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::notice {
namespace {

using nlohmann::json;

constexpr Timestamp kSecond = kNanosPerSecond;
constexpr Timestamp kDay = 86'400 * kSecond;
constexpr Timestamp kStart = 1'741'000'000 * kSecond;  // 2025-03-03
constexpr EnterpriseId kAlphaMoulds(1);
constexpr PoolId kNeutralPool(2);  // Neutral Cloud's (provider 2)

// The deriver, counting what it derives (stored or not).
class Counting final : public engine::Observer {
 public:
  void Reset(const state::State& s, Timestamp last) override { inner_.Reset(s, last); }
  void Applied(const state::State& s, const state::Command& c, const state::CommandResult& r,
               storage::NoticeRows* out) override {
    const size_t before = out->notices.size();
    inner_.Applied(s, c, r, out);
    derived += out->notices.size() - before;
  }
  size_t derived = 0;

 private:
  Deriver inner_;
};

class NoticeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine::EngineOptions o;
    o.idle_tick = std::chrono::milliseconds(0);
    o.observer = &deriver_;
    auto e = engine::Engine::Open(&store_, &clock_, o);
    ASSERT_TRUE(e.ok()) << e.status();
    engine_ = std::move(*e);
    auto scenario =
        world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/tests/scenarios/small.toml");
    ASSERT_TRUE(scenario.ok()) << scenario.status();
    for (state::CommandBody& c : world::ToCommands(*scenario)) {
      ASSERT_TRUE(engine_->Execute(std::move(c)).ok());
    }
  }

  void Do(state::CommandBody c) {
    auto r = engine_->Execute(std::move(c));
    ASSERT_TRUE(r.ok()) << r.status();
  }

  // Alpha Moulds' voucher 1 of the Small Budget programme (1): filed,
  // reviewed, approved and issued; valid 30 days.
  void IssueVoucher() {
    Do(programme::FileApplication{.id = ApplicationId(1),
                                  .programme = ProgrammeId(1),
                                  .enterprise = kAlphaMoulds,
                                  .amount = Money::Fen(100'000)});
    for (programme::Step step : {programme::Step::kSubmit, programme::Step::kStartReview,
                                 programme::Step::kApprove, programme::Step::kIssue}) {
      Do(programme::ReviewApplication{.id = ApplicationId(1), .step = step, .actor = "dg-1"});
    }
  }

  // Every notice of `recipient`, oldest first, as (kind, the body's JSON).
  std::vector<std::pair<std::string, json>> Feed(const std::string& recipient) {
    auto rows = store_.NoticesAfter(recipient, 0, 1000);
    EXPECT_TRUE(rows.ok());
    std::vector<std::pair<std::string, json>> out;
    for (const storage::NoticeRow& r : *rows) out.emplace_back(r.kind, json::parse(r.body));
    return out;
  }
  std::vector<std::string> Kinds(const std::string& recipient) {
    std::vector<std::string> out;
    for (const auto& [kind, body] : Feed(recipient)) out.push_back(kind);
    return out;
  }

  VirtualClock clock_{kStart};
  storage::MemoryStore store_;
  Counting deriver_;
  std::unique_ptr<engine::Engine> engine_;
};

TEST_F(NoticeTest, AnApplicationsStepsAndItsVoucherReachTheEnterpriseAndTheProgramme) {
  IssueVoucher();
  EXPECT_EQ(Kinds("programme:1"), std::vector<std::string>{"application_submitted"});
  // Issued 30 days before it ends: the 30-day warning comes with it.
  EXPECT_EQ(Kinds("enterprise:1"),
            (std::vector<std::string>{"application_step", "application_step", "application_step",
                                      "voucher_issued", "voucher_expiring"}));
  const auto feed = Feed("enterprise:1");
  EXPECT_EQ(feed[1].second["status"], "approved");
  EXPECT_EQ(feed[1].second["programme_name"], "Small Budget");
  EXPECT_EQ(feed[3].second["amount"]["yuan"], "1000.00");
  EXPECT_EQ(feed[4].second["days"], 30);
  EXPECT_FALSE(feed[3].second["text_zh"].get<std::string>().empty());
  // Nobody else hears of it.
  EXPECT_TRUE(Kinds("enterprise:2").empty());
}

TEST_F(NoticeTest, ExpiryIsWarnedOf7DaysAheadAndTheExpiryItselfOnce) {
  IssueVoucher();
  clock_.Set(kStart + 23 * kDay - kSecond);
  Do(state::Tick{});
  EXPECT_EQ(Kinds("enterprise:1").size(), 5u);  // not yet
  clock_.Set(kStart + 23 * kDay + kSecond);
  Do(state::Tick{});
  ASSERT_EQ(Kinds("enterprise:1").size(), 6u);
  EXPECT_EQ(Feed("enterprise:1").back().second["days"], 7);
  clock_.Set(kStart + 31 * kDay);
  Do(state::Tick{});
  Do(state::Tick{});
  const auto kinds = Kinds("enterprise:1");
  ASSERT_EQ(kinds.size(), 7u);
  EXPECT_EQ(kinds.back(), "voucher_expired");
}

TEST_F(NoticeTest, AJobPlacedAndFinishedIsToldToItsEnterpriseAndItsProvider) {
  Do(scheduler::SubmitJob{.request = {.id = OrderId(70),
                                      .enterprise = kAlphaMoulds,
                                      .accelerator = "A800",
                                      .cards = 8,
                                      .walltime_s = 3600},
                          .pool = kNeutralPool});
  Do(scheduler::SubmitJob{.request = {.id = OrderId(71),
                                      .enterprise = kAlphaMoulds,
                                      .accelerator = "A800",
                                      .cards = 8,
                                      .walltime_s = 3600},
                          .pool = kNeutralPool});
  Do(scheduler::FinishJob{.id = OrderId(70)});
  Do(scheduler::CancelJob{.id = OrderId(71), .reason = "wrong data set"});
  EXPECT_EQ(Kinds("enterprise:1"),
            (std::vector<std::string>{"job_placed", "job_placed", "job_finished", "job_stopped"}));
  EXPECT_EQ(Kinds("provider:2"), Kinds("enterprise:1"));
  EXPECT_EQ(Feed("provider:2")[0].second["enterprise_name"], "Alpha Moulds");
  EXPECT_EQ(Feed("enterprise:1")[3].second["note"], "wrong data set");
}

TEST_F(NoticeTest, ANoticeIsStoredOnceHoweverOftenItIsDerived) {
  IssueVoucher();
  const size_t before = Feed("enterprise:1").size();
  // The watermark moved back (as after a failed commit): the 30-day
  // warning is derived again at the next command, and not stored again.
  engine_->Read([&](const state::State& s) {
    deriver_.Reset(s, kStart - kDay);
    return 0;
  });
  clock_.Set(kStart + kDay);
  const size_t derived = deriver_.derived;
  Do(state::Tick{});
  EXPECT_EQ(deriver_.derived, derived + 1);        // derived again...
  EXPECT_EQ(Feed("enterprise:1").size(), before);  // ...stored once
}

// A poster that answers `status` to each delivery and keeps what it got.
struct Receiver {
  std::vector<int> answers;                           // the next answers, then 200
  std::vector<std::pair<uint64_t, std::string>> got;  // (notice id, signature ok?)
  std::set<uint64_t> ids;
  size_t expect = 0;
  std::promise<void> all;  // set once `expect` notices were acknowledged

  Poster Post(const std::string& secret) {
    return [this, secret](const std::string& url, const std::string& body,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          std::chrono::milliseconds) -> Result<int> {
      EXPECT_EQ(url, "http://erp.local/hook");
      std::map<std::string, std::string> h(headers.begin(), headers.end());
      const bool signed_ok =
          h["Baygrid-Signature"] == Signature(secret, h["Baygrid-Timestamp"], body);
      const uint64_t id = std::stoull(h["Baygrid-Notice-Id"]);
      EXPECT_EQ(json::parse(body)["id"], id);
      got.emplace_back(id, signed_ok ? "signed" : "forged");
      int status = 200;
      if (!answers.empty()) {
        status = answers.front();
        answers.erase(answers.begin());
      }
      if (status == 200 && ids.insert(id).second && ids.size() == expect) all.set_value();
      return status;
    };
  }
};

TEST_F(NoticeTest, TheOutboxDeliversInOrderRetriesAfterAFailureAndMovesTheCursor) {
  storage::NoticeRows hook;
  hook.webhooks.push_back({.recipient = "enterprise:1",
                           .url = "http://erp.local/hook",
                           .secret = "s3cret",
                           .created_at = kStart});
  std::promise<Status> kept;
  engine_->Note(std::move(hook), [&](const Status& s) { kept.set_value(s); });
  ASSERT_TRUE(kept.get_future().get().ok());
  IssueVoucher();  // five notices for enterprise:1
  Receiver receiver;
  receiver.answers = {200, 503};  // the second delivery fails once
  receiver.expect = 5;
  std::future<void> all = receiver.all.get_future();
  {
    Outbox outbox(
        &store_, engine_.get(), receiver.Post("s3cret"),
        {.poll = std::chrono::milliseconds(5), .first_retry = std::chrono::milliseconds(1)});
    ASSERT_EQ(all.wait_for(std::chrono::seconds(60)), std::future_status::ready);
    // Stopping lets the round that delivered the last one note its cursor.
  }
  // A command after that note: its batch (or an earlier one) carried it.
  Do(state::Tick{});
  auto hooks = store_.ReadWebhooks();
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 1u);
  EXPECT_EQ(hooks->front().delivered, *receiver.ids.rbegin());
  auto pending = store_.NoticesAfter("enterprise:1", hooks->front().delivered, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  // In order: the failed one was sent again before any later one.
  ASSERT_GE(receiver.got.size(), 6u);
  EXPECT_EQ(receiver.got[1].first, receiver.got[2].first);
  for (size_t i = 1; i < receiver.got.size(); ++i) {
    EXPECT_LE(receiver.got[i - 1].first, receiver.got[i].first);
  }
  for (const auto& [id, sig] : receiver.got) EXPECT_EQ(sig, "signed") << id;
}

TEST(BackoffTest, DoublesFromTheFirstRetryUpToTheCap) {
  const OutboxOptions o;
  EXPECT_EQ(Backoff(1, o), std::chrono::milliseconds(1000));
  EXPECT_EQ(Backoff(2, o), std::chrono::milliseconds(2000));
  EXPECT_EQ(Backoff(5, o), std::chrono::milliseconds(16000));
  EXPECT_EQ(Backoff(40, o), std::chrono::milliseconds(300'000));
}

TEST(SignatureTest, IsHmacSha256OfTheTimestampAndTheBody) {
  EXPECT_EQ(Signature("Jefe", "what do ya want ", "for nothing?"),
            "v1=" + ToHex(HmacSha256("Jefe", "what do ya want .for nothing?")));
  EXPECT_NE(Signature("Jefe", "1", "{}"), Signature("Jefe", "2", "{}"));
}

}  // namespace
}  // namespace bg::notice
