// The choose and commit steps: the three policies on one small network, the
// queue's priority order (urgency, fair share, SMEs first), and placement
// as one all-or-nothing change that a batch rollback undoes.
#include "scheduler/scheduler.h"

#include <gtest/gtest.h>

#include "programme/book_util.h"
#include "world/world.h"

namespace bg::scheduler {
namespace {

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/tests/scenarios/small.toml");
    ASSERT_TRUE(s.ok()) << s.status();
    for (int pass = 0; pass < 3; ++pass) {
      for (const auto& j : s->jurisdictions) (void)reg_.AddJurisdiction(j);
    }
    for (const auto& j : s->jurisdictions) book_.OpenJurisdiction(j, Next(), ledger_);
    for (const auto& e : s->enterprises)
      ASSERT_EQ(reg_.AddEnterprise(e), programme::RegistryResult::kOk);
    for (const auto& p : s->providers)
      ASSERT_EQ(reg_.AddProvider(p), programme::RegistryResult::kOk);
    for (const auto& p : s->programmes) {
      ASSERT_EQ(reg_.AddProgramme(p), programme::RegistryResult::kOk);
      book_.OpenProgramme(p, reg_, Next(10), ledger_);
    }
    for (const auto& site : s->sites) ASSERT_EQ(net_.AddSite(site), network::NetworkResult::kOk);
    for (const auto& p : s->pools) ASSERT_EQ(net_.AddPool(p), network::NetworkResult::kOk);
  }

  Timestamp Next(size_t events = kPlacementEvents * 4) {
    const Timestamp t = now_;
    now_ += events;
    return t;
  }
  World W() { return World{net_, reg_, book_, ledger_}; }
  JobOutcome Submit(uint64_t id, EnterpriseId e, uint32_t cards,
                    Policy policy = Policy::kVoucherAware) {
    SubmitJob c{.request = {.id = OrderId(id),
                            .enterprise = e,
                            .accelerator = "A800",
                            .cards = cards,
                            .walltime_s = 4 * 3600},
                .policy = policy};
    return sched_.Apply(c, W(), Next());
  }
  PoolId PoolOf(uint64_t id) { return sched_.FindJob(OrderId(id))->pool; }
  // sched_ encoded and decoded again; `whole` says the decoder read it all.
  Scheduler RoundTrip(bool* whole) {
    std::vector<uint8_t> bytes;
    Writer w(&bytes);
    sched_.Encode(w);
    Scheduler back;
    Reader r(bytes);
    EXPECT_TRUE(Scheduler::Decode(r, &back));
    *whole = r.done();
    return back;
  }

  network::Network net_;
  programme::Registry reg_;
  programme::Book book_;
  ledger::Ledger ledger_;
  Scheduler sched_;
  Timestamp now_ = 1'741'000'000 * kNanosPerSecond;
};

constexpr EnterpriseId kAlphaMoulds(1), kAlphaSoftware(2), kBetaLab(3), kDelta(5);

// Small network: pool 1 Alpha Compute 4.00 (related to Alpha Moulds), pool
// 2 Neutral Cloud 6.00, pool 3 Far Cloud 5.00; 16 cards each.
TEST_F(SchedulerTest, ThePoliciesChooseDifferently) {
  ASSERT_EQ(Submit(1, kBetaLab, 4, Policy::kFirstFit).status, JobStatus::kRunning);
  EXPECT_EQ(PoolOf(1), PoolId(1));  // the first pool
  ASSERT_EQ(Submit(2, kBetaLab, 4, Policy::kCheapestList).status, JobStatus::kRunning);
  EXPECT_EQ(PoolOf(2), PoolId(1));  // 4.00 is the lowest list price
  // Ours: the lowest out of pocket. Alpha Moulds holds no voucher, so that
  // is the lowest list price, at the related party's pool: a related party
  // loses the subsidy, not the right to buy (domain.md §0).
  ASSERT_EQ(Submit(3, kAlphaMoulds, 4).status, JobStatus::kRunning);
  EXPECT_EQ(PoolOf(3), PoolId(1));
  EXPECT_EQ(sched_.FindJob(OrderId(3))->subsidy, Money{});
}

TEST_F(SchedulerTest, AFullNetworkQueuesAndAFinishFreesCards) {
  for (uint64_t id = 1; id <= 3; ++id)
    ASSERT_EQ(Submit(id, kBetaLab, 16).status, JobStatus::kRunning);
  EXPECT_EQ(Submit(4, kBetaLab, 8).status, JobStatus::kQueued);
  EXPECT_EQ(sched_.Apply(Schedule{}, W(), Next()).placed, 0u);
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(3)}, W(), Next(kSettleEvents)).ok());
  EXPECT_EQ(sched_.Apply(Schedule{}, W(), Next()).placed, 1u);
  EXPECT_EQ(sched_.FindJob(OrderId(4))->status, JobStatus::kRunning);
  EXPECT_TRUE(sched_.queue().empty());
}

// Fair share: with one slot free, the enterprise that has received less
// goes first, whatever the submission order.
TEST_F(SchedulerTest, FairShareOrdersTheQueue) {
  ASSERT_EQ(Submit(1, kBetaLab, 16).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(2, kBetaLab, 16).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(3, kDelta, 12).status, JobStatus::kRunning);
  EXPECT_EQ(Submit(4, kBetaLab, 8).status, JobStatus::kQueued);        // Beta Lab has had the most
  EXPECT_EQ(Submit(5, kAlphaSoftware, 8).status, JobStatus::kQueued);  // nothing so far
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(1)}, W(), Next(kSettleEvents)).ok());
  EXPECT_EQ(sched_.Apply(Schedule{.max_jobs = 1}, W(), Next()).placed, 1u);
  EXPECT_EQ(sched_.FindJob(OrderId(5))->status, JobStatus::kRunning);
  EXPECT_EQ(sched_.FindJob(OrderId(4))->status, JobStatus::kQueued);
  // The baselines take the queue in submission order.
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(2)}, W(), Next(kSettleEvents)).ok());
  EXPECT_EQ(Submit(6, kAlphaSoftware, 8, Policy::kFirstFit).status, JobStatus::kRunning);
}

TEST_F(SchedulerTest, APlacementIsUndoneWholeByABatchRollback) {
  std::vector<uint8_t> before;
  Writer w(&before);
  sched_.Encode(w);
  ledger_.Encode(&before);
  ledger_.BeginBatch();
  book_.BeginBatch();
  sched_.BeginBatch();
  ASSERT_EQ(Submit(1, kBetaLab, 8).status, JobStatus::kRunning);
  EXPECT_EQ(sched_.use().at(PoolOf(1)).used, 8u);
  ledger_.RollbackBatch();
  book_.RollbackBatch();
  sched_.RollbackBatch();
  std::vector<uint8_t> after;
  Writer w2(&after);
  sched_.Encode(w2);
  ledger_.Encode(&after);
  EXPECT_EQ(after, before);
  EXPECT_EQ(sched_.FindJob(OrderId(1)), nullptr);
  for (const auto& [pool, use] : sched_.use()) EXPECT_EQ(use.used, 0u);
}

// The engine's clock finishes a running job once its walltime and grace
// period have passed (state::Tick): which jobs are due, earliest end
// first, follows placements, extensions, finishes, rollbacks and decoding.
TEST_F(SchedulerTest, OverdueJobsAreTheRunningOnesPastTheirEndAndGraceEarliestFirst) {
  constexpr Timestamp kGrace = kFinishGraceS * kNanosPerSecond;
  EXPECT_EQ(sched_.NextOverdue(), std::nullopt);
  ASSERT_EQ(Submit(1, kBetaLab, 4).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(2, kBetaLab, 4).status, JobStatus::kRunning);
  const Timestamp end1 = sched_.FindJob(OrderId(1))->end_at;
  const Timestamp end2 = sched_.FindJob(OrderId(2))->end_at;
  ASSERT_LT(end1, end2);
  EXPECT_EQ(sched_.NextOverdue(), end1 + kGrace);
  EXPECT_TRUE(sched_.Overdue(end1 + kGrace - 1, 10).empty());
  EXPECT_EQ(sched_.Overdue(end2 + kGrace, 10), (std::vector{OrderId(1), OrderId(2)}));
  EXPECT_EQ(sched_.Overdue(end2 + kGrace, 1), (std::vector{OrderId(1)}));

  // An extension moves job 1 behind job 2.
  ASSERT_TRUE(sched_.Apply(ExtendJob{OrderId(1), 3600}, W(), Next(4)).ok());
  EXPECT_EQ(sched_.NextOverdue(), end2 + kGrace);
  EXPECT_EQ(sched_.Overdue(end2 + kGrace, 10), (std::vector{OrderId(2)}));

  // A finish rolled back with its batch leaves the job due; one that stays
  // does not.
  ledger_.BeginBatch();
  book_.BeginBatch();
  sched_.BeginBatch();
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(2)}, W(), Next(kSettleEvents)).ok());
  EXPECT_EQ(sched_.NextOverdue(), end1 + 3600 * kNanosPerSecond + kGrace);
  EXPECT_EQ(sched_.running(), (std::set{OrderId(1)}));
  ledger_.RollbackBatch();
  book_.RollbackBatch();
  sched_.RollbackBatch();
  EXPECT_EQ(sched_.NextOverdue(), end2 + kGrace);
  EXPECT_EQ(sched_.running(), (std::set{OrderId(1), OrderId(2)}));
  ASSERT_TRUE(sched_.Apply(CancelJob{OrderId(2), "changed plans"}, W(), Next(kSettleEvents)).ok());
  EXPECT_EQ(sched_.NextOverdue(), end1 + 3600 * kNanosPerSecond + kGrace);
  EXPECT_EQ(sched_.running(), (std::set{OrderId(1)}));

  bool whole = false;
  const Scheduler back = RoundTrip(&whole);
  EXPECT_EQ(back.NextOverdue(), sched_.NextOverdue());
  EXPECT_EQ(back.running(), sched_.running());
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(1)}, W(), Next(kSettleEvents)).ok());
  EXPECT_EQ(sched_.NextOverdue(), std::nullopt);
}

// What /metrics reads: the charged total is kept up to date by every
// change of a job — bills of metered usage, finishes billed by the
// reservation, cancels, extensions — and by a batch rollback, and equals
// the sum over every job; a decoded scheduler rebuilds it.
TEST_F(SchedulerTest, TheChargedTotalIsEveryJobsChargeAddedUp) {
  auto rescan = [this] {
    int64_t fen = 0;
    for (const auto& [id, job] : sched_.jobs()) fen += job.charged.fen();
    return Money::Fen(fen);
  };
  ASSERT_EQ(Submit(1, kBetaLab, 4).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(2, kAlphaSoftware, 4).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(3, kDelta, 4).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(4, kBetaLab, 16).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(5, kBetaLab, 16).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(6, kDelta, 16).status, JobStatus::kQueued);
  EXPECT_EQ(sched_.charged_total(), Money{});

  sched_.Bill(OrderId(1), 4 * 3600, W(), Next(Scheduler::kBillEvents));
  sched_.Bill(OrderId(1), 4 * 7200, W(), Next(Scheduler::kBillEvents));
  EXPECT_GT(sched_.charged_total().fen(), 0);
  EXPECT_EQ(sched_.charged_total(), rescan());

  // A bill and a finish rolled back with their batch leave the total as it was.
  const Money before = sched_.charged_total();
  ledger_.BeginBatch();
  book_.BeginBatch();
  sched_.BeginBatch();
  sched_.Bill(OrderId(2), 4 * 1800, W(), Next(Scheduler::kBillEvents));
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(3)}, W(), Next(kSettleEvents)).ok());
  EXPECT_EQ(sched_.charged_total(), rescan());
  EXPECT_GT(sched_.charged_total(), before);
  ledger_.RollbackBatch();
  book_.RollbackBatch();
  sched_.RollbackBatch();
  EXPECT_EQ(sched_.charged_total(), before);
  EXPECT_EQ(sched_.charged_total(), rescan());

  // A batch that commits keeps its changes: the metered job finishes on its
  // usage, one finishes on its reservation (extended first), one is
  // cancelled after a bill, and the queued one is cancelled.
  ledger_.BeginBatch();
  book_.BeginBatch();
  sched_.BeginBatch();
  ASSERT_TRUE(
      sched_.Apply(FinishJob{.id = OrderId(1), .metered = true}, W(), Next(kSettleEvents)).ok());
  ASSERT_TRUE(sched_.Apply(ExtendJob{OrderId(3), 3600}, W(), Next(4)).ok());
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(3)}, W(), Next(kSettleEvents)).ok());
  sched_.Bill(OrderId(2), 4 * 600, W(), Next(Scheduler::kBillEvents));
  ASSERT_TRUE(sched_.Apply(CancelJob{OrderId(2), "changed plans"}, W(), Next(kSettleEvents)).ok());
  ASSERT_TRUE(sched_.Apply(CancelJob{OrderId(6), "changed plans"}, W(), Next(kSettleEvents)).ok());
  ledger_.CommitBatch();
  book_.CommitBatch();
  sched_.CommitBatch();
  EXPECT_EQ(sched_.FindJob(OrderId(3))->charged,
            programme::book::Plus(sched_.FindJob(OrderId(3))->list_cost,
                                  sched_.FindJob(OrderId(3))->extension_list));
  EXPECT_EQ(sched_.charged_total(), rescan());

  bool whole = false;
  const Scheduler back = RoundTrip(&whole);
  EXPECT_TRUE(back == sched_);
  EXPECT_EQ(back.charged_total(), sched_.charged_total());
}

TEST_F(SchedulerTest, EncodingRoundTrips) {
  ASSERT_EQ(Submit(1, kBetaLab, 16).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(2, kBetaLab, 16).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(3, kBetaLab, 16).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(4, kDelta, 4).status, JobStatus::kQueued);
  bool whole = false;
  const Scheduler back = RoundTrip(&whole);
  EXPECT_TRUE(whole);
  EXPECT_TRUE(back == sched_);
  EXPECT_EQ(back.use().at(PoolId(2)).used, 16u);  // rebuilt from the running jobs
  EXPECT_EQ(back.queue().size(), 1u);
}

}  // namespace
}  // namespace bg::scheduler

namespace bg::scheduler {
namespace {

// A job ended kRetainEndedS ago (on the next whole hour) leaves the state:
// its id stays taken, its charge stays in the running total, the digest
// covers it, and a batch rollback puts it back exactly.
TEST_F(SchedulerTest, AnEndedJobIsRetiredAfterItsRetentionAndItsIdStaysTaken) {
  ASSERT_EQ(Submit(1, kBetaLab, 4).status, JobStatus::kRunning);
  ASSERT_EQ(Submit(2, kBetaLab, 4).status, JobStatus::kRunning);
  const Timestamp ended = Next(kSettleEvents);
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(1)}, W(), ended).ok());
  const Money charged = sched_.charged_total();
  ASSERT_GT(charged.fen(), 0);
  const Job before = *sched_.FindJob(OrderId(1));
  const Timestamp due = *sched_.NextRetirement();
  EXPECT_GE(due, ended + kRetainEndedS * kNanosPerSecond);
  EXPECT_LT(due, ended + (kRetainEndedS + kRetireEveryS) * kNanosPerSecond);
  EXPECT_EQ(due % (kRetireEveryS * kNanosPerSecond), 0u);
  EXPECT_TRUE(sched_.Retire(due - 1, 100).empty());

  std::vector<uint8_t> kept;
  Writer w(&kept);
  sched_.Encode(w);
  sched_.BeginBatch();
  std::vector<Job> retired = sched_.Retire(due, 100);
  ASSERT_EQ(retired.size(), 1u);
  EXPECT_EQ(retired[0], before);
  EXPECT_EQ(sched_.FindJob(OrderId(1)), nullptr);
  EXPECT_TRUE(sched_.IsRetired(OrderId(1)));
  EXPECT_NE(sched_.retired_digest(), Hash256{});
  sched_.RollbackBatch();
  std::vector<uint8_t> back;
  Writer w2(&back);
  sched_.Encode(w2);
  EXPECT_EQ(back, kept);
  ASSERT_NE(sched_.FindJob(OrderId(1)), nullptr);

  ASSERT_EQ(sched_.Retire(due, 100).size(), 1u);
  EXPECT_EQ(sched_.charged_total(), charged);         // the retired charge stays counted
  EXPECT_FALSE(sched_.NextRetirement().has_value());  // job 2 still runs
  // The id is used once forever: submitting it again, or finishing it, says so.
  const JobOutcome again = Submit(1, kBetaLab, 4);
  EXPECT_EQ(again.code, Code::kArchived);
  EXPECT_NE(again.message.find("archived"), std::string::npos) << again.message;
  const JobOutcome finish = sched_.Apply(FinishJob{OrderId(1)}, W(), Next(kSettleEvents));
  EXPECT_EQ(finish.code, Code::kAlreadyEnded);
  EXPECT_EQ(sched_.Apply(CancelJob{OrderId(99)}, W(), Next()).code, Code::kUnknownJob);

  // The encoding carries the retired ids, the digest and the retired charge.
  bool whole = false;
  const Scheduler decoded = RoundTrip(&whole);
  EXPECT_TRUE(whole);
  EXPECT_TRUE(decoded == sched_);
  EXPECT_TRUE(decoded.IsRetired(OrderId(1)));
  EXPECT_EQ(decoded.charged_total(), sched_.charged_total());
  EXPECT_EQ(decoded.retired_digest(), sched_.retired_digest());
}

// Retirement takes the earliest ended first, at most `max` at a time, and
// a decoded scheduler retires the same jobs as the original.
TEST_F(SchedulerTest, RetirementIsInEndOrderAndSurvivesDecoding) {
  for (uint64_t id = 1; id <= 3; ++id)
    ASSERT_EQ(Submit(id, kBetaLab, 4).status, JobStatus::kRunning);
  ASSERT_TRUE(sched_.Apply(FinishJob{OrderId(3)}, W(), Next(kSettleEvents)).ok());
  ASSERT_TRUE(sched_.Apply(CancelJob{OrderId(1)}, W(), Next(kSettleEvents)).ok());
  bool whole = false;
  Scheduler decoded = RoundTrip(&whole);
  ASSERT_TRUE(whole);
  const Timestamp later = now_ + (kRetainEndedS + kRetireEveryS) * kNanosPerSecond;
  std::vector<Job> first = sched_.Retire(later, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].submitted.request.id, OrderId(3));
  std::vector<Job> rest = sched_.Retire(later, 10);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].submitted.request.id, OrderId(1));
  EXPECT_EQ(decoded.Retire(later, 10).size(), 2u);
  EXPECT_TRUE(decoded == sched_);
  EXPECT_EQ(decoded.retired().ranges(), 2u);  // ids 1 and 3
}

}  // namespace
}  // namespace bg::scheduler
