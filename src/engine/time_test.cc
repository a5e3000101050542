// Time moves things by itself: on the engine's logical clock (a virtual
// clock here, moved by hand; no test sleeps), a running job whose walltime
// and grace period have passed is finished and releases its cards and what
// its holds did not pay, and a voucher past its validity expires — by a
// Tick (what the idle writer journals) or before any other command — and
// a replay of the journal makes the same decisions.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "common/codec.h"
#include "engine/audit.h"
#include "engine/engine.h"
#include "engine/projection.h"
#include "metering/signature.h"
#include "metering/usage.h"
#include "programme/pacing.h"
#include "programme/reconcile.h"
#include "settlement/export.h"
#include "settlement/receivables.h"
#include "storage/memory_store.h"
#include "storage/sqlite_store.h"
#include "storage/store_test_util.h"
#include "tests/testutil/faulty_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::engine {

using state::Command;
using state::CommandBody;
using state::CommandResult;
using state::DecodeCommand;
using state::EncodeCommand;
using state::EventCount;
using state::ExpireVouchers;
using state::ExtendJob;
using state::FileApplication;
using state::FinishJob;
using state::kTickEvents;
using state::RegisterProviderKey;
using state::ReviewApplication;
using state::Schedule;
using state::State;
using state::SubmitJob;
using state::SubmitUsage;
using state::Tick;
using state::TickResult;
namespace {

constexpr Timestamp kSecond = kNanosPerSecond;
constexpr Timestamp kStart = 1'741'000'000 * kSecond;  // 2025-03-03, inside Small Budget's window
constexpr Timestamp kGrace = scheduler::kFinishGraceS * kSecond;
constexpr EnterpriseId kAlphaMoulds(1);
constexpr ProviderId kNeutralCloud(2);
constexpr PoolId kNeutralPool(2);
constexpr VoucherId kVoucher(1);

class TimeTest : public ::testing::Test {
 protected:
  // small.toml; Alpha Moulds holds a Small Budget voucher of 1,000 yuan
  // (50% of spend at providers inside City A; 30 days' validity, lapse).
  std::unique_ptr<Engine> Open(storage::Store* store,
                               const char* world = "tests/scenarios/small.toml") {
    EngineOptions o;
    o.idle_tick = std::chrono::milliseconds(0);  // the test ticks, as the idle writer would
    auto e = Engine::Open(store, &clock_, o);
    EXPECT_TRUE(e.ok()) << e.status();
    if (!e.ok()) return nullptr;
    auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/" + world);
    EXPECT_TRUE(scenario.ok()) << scenario.status();
    for (CommandBody& c : world::ToCommands(*scenario))
      EXPECT_TRUE((*e)->Execute(std::move(c)).ok());
    return std::move(*e);
  }

  void IssueVoucher(Engine& e) {
    ASSERT_EQ(Book(e, FileApplication{.id = ApplicationId(kVoucher.value()),
                                      .programme = ProgrammeId(1),
                                      .enterprise = kAlphaMoulds,
                                      .amount = Money::Fen(100'000)}),
              programme::Code::kOk);
    for (programme::Step step : {programme::Step::kSubmit, programme::Step::kStartReview,
                                 programme::Step::kApprove, programme::Step::kIssue}) {
      ASSERT_EQ(Book(e, ReviewApplication{.id = ApplicationId(kVoucher.value()), .step = step}),
                programme::Code::kOk);
    }
  }
  programme::Code Book(Engine& e, CommandBody c) {
    auto r = e.Execute(std::move(c));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::get<programme::Outcome>(*r).code : programme::Code::kInvalidTransition;
  }

  // 8 A800 cards for two hours at Neutral Cloud: 96.00 list, 48.00 of it
  // on the voucher.
  scheduler::JobOutcome Place(Engine& e, uint64_t id, uint32_t walltime_s = 2 * 3600) {
    auto r = e.Execute(SubmitJob{.request = {.id = OrderId(id),
                                             .enterprise = kAlphaMoulds,
                                             .accelerator = "A800",
                                             .cards = 8,
                                             .walltime_s = walltime_s},
                                 .pool = kNeutralPool});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? std::get<scheduler::JobOutcome>(*r) : scheduler::JobOutcome{};
  }

  metering::UsageResult Usage(Engine& e, uint64_t record, OrderId order, uint64_t from_min,
                              uint64_t until_min) {
    const uint64_t start_s =
        e.Read([&](const State& s) { return s.scheduler().FindJob(order)->start_at; }) / kSecond;
    metering::UsageRecord r{.id = record,
                            .provider = kNeutralCloud,
                            .order = order,
                            .start_s = start_s + from_min * 60,
                            .end_s = start_s + until_min * 60,
                            .cards = 8};
    metering::SignRecord(&r, metering::KeyPairFromNumber(kNeutralCloud.value()).secret_key);
    auto out = e.Execute(SubmitUsage{.records = {r}});
    EXPECT_TRUE(out.ok()) << out.status();
    return out.ok() ? std::get<metering::UsageOutcome>(*out).results.at(0)
                    : metering::UsageResult::kUnknownOrder;
  }

  Timestamp EndOf(Engine& e, uint64_t id) {
    return e.Read([&](const State& s) { return s.scheduler().FindJob(OrderId(id))->end_at; });
  }
  scheduler::JobStatus StatusOf(Engine& e, uint64_t id) {
    return e.Read([&](const State& s) { return s.scheduler().FindJob(OrderId(id))->status; });
  }
  uint32_t CardsUsed(Engine& e, PoolId pool) {
    return e.Read([&](const State& s) {
      auto it = s.scheduler().use().find(pool);
      return it == s.scheduler().use().end() ? 0u : it->second.used;
    });
  }
  int64_t WalletHeld(Engine& e) {
    return e.Read([](const State& s) {
      const ledger::Account* a = s.ledger().FindAccount(programme::WalletAccount(kAlphaMoulds));
      return a == nullptr ? int64_t{0} : a->debits_pending;
    });
  }
  Money VoucherAvailable(Engine& e) {
    return e.Read([](const State& s) {
      return programme::Book::Available(s.ledger(), programme::VoucherAccount(kVoucher));
    });
  }
  void TickNow(Engine& e) { ASSERT_TRUE(e.Execute(Tick{}).ok()); }
  // Job 1, on the voucher, finished by the clock.
  void RunJobOne(Engine& e) {
    IssueVoucher(e);
    ASSERT_EQ(Place(e, 1).status, scheduler::JobStatus::kRunning);
    clock_.Set(EndOf(e, 1) + kGrace);
    TickNow(e);
  }
  // Time enough that what has ended by now is retired, and a Tick.
  void RetireEnded(Engine& e) {
    clock_.Set(clock_.Now() + (scheduler::kRetainEndedS + scheduler::kRetireEveryS) * kSecond);
    TickNow(e);
  }

  // Everything still reconciles, and the journal alone (replayed from the
  // first entry by the audit) rebuilds the same state.
  void ExpectReconciledAndReplayed(Engine& e, storage::Store& store) {
    e.Read([](const State& s) {
      EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), s.ledger()), "");
      EXPECT_EQ(s.ledger().CheckInvariants(), "");
      return 0;
    });
    const Hash256 live = e.StateHash();
    ASSERT_TRUE(e.Shutdown().ok());
    Result<AuditReport> audit = AuditStore(store);
    ASSERT_TRUE(audit.ok()) << audit.status();
    EXPECT_TRUE(audit->ok()) << audit->problem;
    EXPECT_EQ(audit->state_hash, live);
  }

  VirtualClock clock_{kStart};
  storage::MemoryStore store_;
};

// A provider that does not sign usage is paid for the reservation: the
// clock's finish captures it, like a finish the provider sends.
TEST_F(TimeTest, ARunningJobIsFinishedByTheClockOnceItsWalltimeAndGraceHavePassed) {
  auto e = Open(&store_);
  IssueVoucher(*e);
  ASSERT_EQ(Place(*e, 1).status, scheduler::JobStatus::kRunning);
  EXPECT_EQ(CardsUsed(*e, kNeutralPool), 8u);
  EXPECT_EQ(VoucherAvailable(*e), Money::Fen(100'000 - 4'800));
  const Timestamp end = EndOf(*e, 1);

  clock_.Set(end + kGrace - kSecond);
  TickNow(*e);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kRunning) << "still inside the grace period";
  EXPECT_EQ(CardsUsed(*e, kNeutralPool), 8u);

  clock_.Set(end + kGrace);
  TickNow(*e);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kDone);
  EXPECT_EQ(CardsUsed(*e, kNeutralPool), 0u);
  EXPECT_EQ(WalletHeld(*e), 0);
  e->Read([&](const State& s) {
    const scheduler::Job& job = *s.scheduler().FindJob(OrderId(1));
    EXPECT_EQ(job.finished_at / kSecond, (end + kGrace) / kSecond);
    EXPECT_EQ(job.charged, Money::Fen(9'600));
    EXPECT_EQ(s.book().FindClaim(job.claim)->status, programme::ClaimStatus::kCaptured);
    return 0;
  });
  // The finish the provider sends late is answered as for any ended job.
  auto late = e->Execute(FinishJob{.id = OrderId(1)});
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(std::get<scheduler::JobOutcome>(*late).code, scheduler::Code::kAlreadyEnded);
  ExpectReconciledAndReplayed(*e, store_);
}

// A provider that signs usage is paid for usage: late usage for the
// reserved interval counts during the grace period; after it, the job is
// finished before the next command is applied, whatever the command, so
// later usage is refused and what the holds did not pay goes back.
TEST_F(TimeTest, LateUsageCountsDuringTheGraceAndNotAfterTheJobIsFinished) {
  auto e = Open(&store_);
  IssueVoucher(*e);
  ASSERT_TRUE(
      e->Execute(RegisterProviderKey{kNeutralCloud,
                                     metering::KeyPairFromNumber(kNeutralCloud.value()).public_key})
          .ok());
  ASSERT_EQ(Place(*e, 1).status, scheduler::JobStatus::kRunning);
  const Timestamp end = EndOf(*e, 1);

  clock_.Set(end + 5 * 60 * kSecond);
  EXPECT_EQ(Usage(*e, 1, OrderId(1), 0, 60), metering::UsageResult::kOk);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kRunning);

  clock_.Set(end + kGrace + kSecond);
  EXPECT_EQ(Usage(*e, 2, OrderId(1), 60, 120), metering::UsageResult::kOrderEnded);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kDone);
  EXPECT_EQ(CardsUsed(*e, kNeutralPool), 0u);
  EXPECT_EQ(WalletHeld(*e), 0);
  // One hour of two was used: half the subsidy is spent, half back on the voucher.
  EXPECT_EQ(VoucherAvailable(*e), Money::Fen(100'000 - 2'400));
  e->Read([](const State& s) {
    EXPECT_EQ(s.scheduler().FindJob(OrderId(1))->charged, Money::Fen(4'800));
    return 0;
  });
  ExpectReconciledAndReplayed(*e, store_);
}

// An extension moves the end, and with it the moment the clock finishes.
TEST_F(TimeTest, AnExtendedJobRunsUntilItsNewEndAndGrace) {
  auto e = Open(&store_);
  IssueVoucher(*e);
  ASSERT_EQ(Place(*e, 1).status, scheduler::JobStatus::kRunning);
  const Timestamp end = EndOf(*e, 1);
  ASSERT_TRUE(e->Execute(ExtendJob{.id = OrderId(1), .extra_s = 3600}).ok());
  clock_.Set(end + kGrace);
  TickNow(*e);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kRunning);
  clock_.Set(end + 3600 * kSecond + kGrace);
  TickNow(*e);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kDone);
  ExpectReconciledAndReplayed(*e, store_);
}

// The clock's finish is part of a batch like any change: a batch that fails
// to commit takes it back exactly, and the next command does it again.
TEST_F(TimeTest, AFinishByTheClockInAFailedBatchIsRolledBackAndDoneAgain) {
  testutil::FaultyStore faulty(&store_);
  auto e = Open(&faulty);
  IssueVoucher(*e);
  ASSERT_EQ(Place(*e, 1).status, scheduler::JobStatus::kRunning);
  clock_.Set(EndOf(*e, 1) + kGrace);
  const Hash256 before = e->StateHash();
  faulty.FailNextCommits(1);
  EXPECT_FALSE(e->Execute(Tick{}).ok());
  EXPECT_EQ(e->StateHash(), before);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kRunning);
  TickNow(*e);
  EXPECT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kDone);
  EXPECT_EQ(CardsUsed(*e, kNeutralPool), 0u);
  ExpectReconciledAndReplayed(*e, store_);
}

// More jobs end together than one Tick finishes: the writer journals as
// many Ticks as it takes before the next command.
TEST_F(TimeTest, ManyJobsEndingTogetherAreAllFinishedBeforeTheNextCommand) {
  auto e = Open(&store_, "scenarios/gba.toml");
  constexpr uint64_t kJobs = 150;
  for (uint64_t id = 1; id <= kJobs; ++id) {
    auto r = e->Execute(SubmitJob{.request = {.id = OrderId(id),
                                              .enterprise = EnterpriseId(1),
                                              .accelerator = "A800",
                                              .cards = 1,
                                              .walltime_s = 3600}});
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(std::get<scheduler::JobOutcome>(*r).status, scheduler::JobStatus::kRunning);
  }
  clock_.Set(EndOf(*e, kJobs) + kGrace);
  ASSERT_TRUE(e->Execute(Schedule{}).ok());
  e->Read([&](const State& s) {
    for (uint64_t id = 1; id <= kJobs; ++id) {
      EXPECT_EQ(s.scheduler().FindJob(OrderId(id))->status, scheduler::JobStatus::kDone) << id;
    }
    for (const auto& [pool, use] : s.scheduler().use()) EXPECT_EQ(use.used, 0u) << pool;
    return 0;
  });
  ExpectReconciledAndReplayed(*e, store_);
}

// Small Budget's vouchers are valid 30 days and lapse: at its expiry the
// voucher is expired by the clock, no sweep asked for, and what it did not
// hold lapses.
TEST_F(TimeTest, AVoucherExpiresByTheClockWithoutASweep) {
  auto e = Open(&store_);
  IssueVoucher(*e);
  const Timestamp expires =
      e->Read([](const State& s) { return s.book().FindVoucher(kVoucher)->expires_at; });
  clock_.Set(expires - kSecond);
  TickNow(*e);
  EXPECT_EQ(e->Read([](const State& s) { return s.book().FindVoucher(kVoucher)->status; }),
            programme::VoucherStatus::kLive);
  clock_.Set(expires);
  TickNow(*e);
  EXPECT_EQ(e->Read([](const State& s) { return s.book().FindVoucher(kVoucher)->status; }),
            programme::VoucherStatus::kExpired);
  EXPECT_EQ(VoucherAvailable(*e), Money{});
  ExpectReconciledAndReplayed(*e, store_);
}

// The sweep an operator asks for touches its own programme's vouchers
// only; the clock's (a Tick) every programme's. Applied to the state
// directly, without the writer's Ticks in between.
TEST_F(TimeTest, TheSweepOfOneProgrammeLeavesOtherProgrammesVouchersLive) {
  State s;
  Timestamp ts = kStart;
  auto apply = [&](CommandBody body) {
    Command c{ts, std::move(body)};
    ts += EventCount(c.body);
    return s.Apply(c);
  };
  auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/tests/scenarios/small.toml");
  ASSERT_TRUE(scenario.ok()) << scenario.status();
  for (CommandBody& c : world::ToCommands(*scenario)) apply(std::move(c));
  // Alpha Moulds in Small Budget (1), Beta Lab in Listed Partners (4).
  for (const auto& [id, programme, who] :
       {std::tuple<uint64_t, uint64_t, uint64_t>{1, 1, 1}, {2, 4, 3}}) {
    apply(FileApplication{.id = ApplicationId(id),
                          .programme = ProgrammeId(programme),
                          .enterprise = EnterpriseId(who),
                          .amount = Money::Fen(100'000)});
    for (programme::Step step : {programme::Step::kSubmit, programme::Step::kStartReview,
                                 programme::Step::kApprove, programme::Step::kIssue}) {
      const CommandResult r = apply(ReviewApplication{.id = ApplicationId(id), .step = step});
      ASSERT_EQ(std::get<programme::Outcome>(r).code, programme::Code::kOk)
          << std::get<programme::Outcome>(r).message;
    }
  }
  ts = 1'767'312'000 * kSecond;  // 2026-01-02: both have expired
  const CommandResult r = apply(ExpireVouchers{.limit = 256, .programme = ProgrammeId(4)});
  EXPECT_EQ(std::get<programme::Outcome>(r).swept, 1u);
  EXPECT_EQ(s.book().FindVoucher(VoucherId(2))->status, programme::VoucherStatus::kExpired);
  EXPECT_EQ(s.book().FindVoucher(VoucherId(1))->status, programme::VoucherStatus::kLive);
  EXPECT_EQ(programme::StatusAt(*s.book().FindVoucher(VoucherId(1)), ts),
            programme::VoucherStatus::kExpired);
  EXPECT_EQ(s.NextDue(), s.book().FindVoucher(VoucherId(1))->expires_at);
  const CommandResult ticked = apply(Tick{});
  EXPECT_EQ(std::get<TickResult>(ticked).expired_vouchers, 1u);
  EXPECT_EQ(s.book().FindVoucher(VoucherId(1))->status, programme::VoucherStatus::kExpired);
  EXPECT_EQ(s.NextDue(), std::nullopt);
  EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), s.ledger()), "");
}

// A journal keeps the meaning it was written with: a Tick or a sweep of
// the journal format before the clock moved jobs and vouchers decodes as
// what it did then.
TEST_F(TimeTest, TicksAndSweepsDecodeAsTheyWereWritten) {
  const std::vector<Command> written = {
      {1, Tick{}},
      {2, Tick{.holds_only = true}},
      {5, Tick{.retires = false, .retires_lines = false, .retires_claims = false}},
      {6, Tick{.retires_lines = false, .retires_claims = false}},
      {7, Tick{.retires_claims = false}},
      {3, ExpireVouchers{.limit = 7}},
      {4, ExpireVouchers{.limit = 9, .programme = ProgrammeId(4)}}};
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  for (const Command& c : written) EncodeCommand(w, c);
  Reader r(bytes);
  for (const Command& c : written) {
    Command back;
    ASSERT_TRUE(DecodeCommand(r, &back));
    EXPECT_EQ(back.ts, c.ts);
    if (const auto* t = std::get_if<Tick>(&c.body)) {
      EXPECT_EQ(std::get<Tick>(back.body), *t) << c.ts;
    } else {
      EXPECT_EQ(std::get<ExpireVouchers>(back.body), std::get<ExpireVouchers>(c.body)) << c.ts;
    }
  }
  EXPECT_TRUE(r.done());
  EXPECT_EQ(EventCount(Tick{.holds_only = true}), 1u);
  EXPECT_EQ(EventCount(Tick{}), kTickEvents);
  // The tag of a Tick before this change (3) still means what it meant.
  std::vector<uint8_t> old = {1, 0, 0, 0, 0, 0, 0, 0, 3};
  Reader old_reader(old);
  Command back;
  ASSERT_TRUE(DecodeCommand(old_reader, &back));
  EXPECT_TRUE(std::get<Tick>(back.body).holds_only);
  // A Tick of a journal written before ticks retired jobs (33) retires none.
  std::vector<uint8_t> timed = {1, 0, 0, 0, 0, 0, 0, 0, 33};
  Reader timed_reader(timed);
  ASSERT_TRUE(DecodeCommand(timed_reader, &back));
  EXPECT_FALSE(std::get<Tick>(back.body).retires);
  EXPECT_FALSE(std::get<Tick>(back.body).holds_only);
  // One written before charge lines left memory (59) retires jobs, no lines.
  std::vector<uint8_t> jobs_only = {1, 0, 0, 0, 0, 0, 0, 0, 59};
  Reader jobs_reader(jobs_only);
  ASSERT_TRUE(DecodeCommand(jobs_reader, &back));
  EXPECT_TRUE(std::get<Tick>(back.body).retires);
  EXPECT_FALSE(std::get<Tick>(back.body).retires_lines);
  EXPECT_FALSE(std::get<Tick>(back.body).retires_claims);
  // One written before claims left memory with their jobs (60) retires
  // lines, no claims.
  std::vector<uint8_t> lines_too = {1, 0, 0, 0, 0, 0, 0, 0, 60};
  Reader lines_reader(lines_too);
  ASSERT_TRUE(DecodeCommand(lines_reader, &back));
  EXPECT_TRUE(std::get<Tick>(back.body).retires_lines);
  EXPECT_FALSE(std::get<Tick>(back.body).retires_claims);
}

}  // namespace
}  // namespace bg::engine

namespace bg::engine {
namespace {

// A job ended kRetainEndedS ago leaves the state by a Tick, in the same
// batch as its archive row: the row is the job as it was, the id stays
// taken, and the journal alone (the audit's replay) rebuilds the same
// state, retired ids and digest included.
TEST_F(TimeTest, AnEndedJobIsRetiredIntoTheArchiveByTheClock) {
  auto e = Open(&store_);
  IssueVoucher(*e);
  ASSERT_EQ(Place(*e, 1).status, scheduler::JobStatus::kRunning);
  clock_.Set(EndOf(*e, 1) + kGrace);
  TickNow(*e);
  ASSERT_EQ(StatusOf(*e, 1), scheduler::JobStatus::kDone);
  const scheduler::Job ended =
      e->Read([](const State& s) { return *s.scheduler().FindJob(OrderId(1)); });
  const Money charged = e->Read([](const State& s) { return s.scheduler().charged_total(); });

  clock_.Set(ended.finished_at + scheduler::kRetainEndedS * kSecond - kSecond);
  TickNow(*e);
  ASSERT_TRUE((*store_.FindArchived(storage::ArchiveKind::kJob, 1)).has_value() == false);
  clock_.Set(ended.finished_at + (scheduler::kRetainEndedS + scheduler::kRetireEveryS) * kSecond);
  TickNow(*e);
  e->Read([&](const State& s) {
    EXPECT_EQ(s.scheduler().FindJob(OrderId(1)), nullptr);
    EXPECT_TRUE(s.scheduler().IsRetired(OrderId(1)));
    EXPECT_EQ(s.scheduler().charged_total(), charged);
    return 0;
  });
  Result<std::optional<storage::ArchiveRow>> row =
      store_.FindArchived(storage::ArchiveKind::kJob, 1);
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->owner, kAlphaMoulds.value());
  EXPECT_EQ((*row)->at, ended.finished_at);
  Result<scheduler::Job> back = FromArchiveRow(**row);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, ended);
  Result<std::vector<scheduler::Job>> listed = ReadArchivedJobs(store_, kAlphaMoulds.value());
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_TRUE(ReadArchivedJobs(store_, kAlphaMoulds.value() + 1)->empty());
  // Its id is used once forever: submitting it again says it is archived.
  auto again = e->Execute(SubmitJob{.request = ended.submitted.request});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(std::get<scheduler::JobOutcome>(*again).code, scheduler::Code::kArchived);
  ExpectReconciledAndReplayed(*e, store_);
}

// Recovery stores what its replay retired: a file whose archive lost a
// row (as a journal written before the archive existed never had it) gets
// it back from the journal, the same row.
TEST_F(TimeTest, AReplayStoresTheJobsItRetiresIntoTheArchive) {
  storage::store_test::TempDir dir;
  const std::string path = dir.File("store.db");
  std::optional<storage::ArchiveRow> kept;
  {
    auto store = storage::SqliteStore::Open({.path = path});
    ASSERT_TRUE(store.ok()) << store.status();
    auto e = Open(store->get());
    IssueVoucher(*e);
    ASSERT_EQ(Place(*e, 1).status, scheduler::JobStatus::kRunning);
    clock_.Set(EndOf(*e, 1) + kGrace +
               (scheduler::kRetainEndedS + scheduler::kRetireEveryS) * kSecond);
    TickNow(*e);  // finishes the job
    clock_.Set(clock_.Now() + (scheduler::kRetainEndedS + scheduler::kRetireEveryS) * kSecond);
    TickNow(*e);  // retires it
    kept = *(*store)->FindArchived(storage::ArchiveKind::kJob, 1);
    ASSERT_TRUE(kept.has_value());
    ASSERT_TRUE(e->Shutdown().ok());
  }
  {  // Lose the row, and the snapshots, so that recovery replays the journal.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    EXPECT_EQ(
        sqlite3_exec(db, "DELETE FROM archive; DELETE FROM snapshots;", nullptr, nullptr, nullptr),
        SQLITE_OK);
    sqlite3_close(db);
  }
  auto store = storage::SqliteStore::Open({.path = path});
  ASSERT_TRUE(store.ok()) << store.status();
  Result<AuditReport> lost = AuditStore(**store);
  ASSERT_TRUE(lost.ok()) << lost.status();
  EXPECT_EQ(lost->problem, "archived job 1 is missing from the archive");
  EngineOptions o;
  o.idle_tick = std::chrono::milliseconds(0);
  auto e = Engine::Open(store->get(), &clock_, o);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ((*e)->recovery().snapshot_seq, 0u);
  EXPECT_EQ(*(*store)->FindArchived(storage::ArchiveKind::kJob, 1), kept);
  ASSERT_TRUE((*e)->Shutdown().ok());
  Result<AuditReport> audit = AuditStore(**store);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_TRUE(audit->ok()) << audit->problem;
  EXPECT_EQ(audit->archived_checked, 2u);  // the job and its claim
}

// A job's settled claim leaves memory with the job (programme::Book::
// RetireClaim) for the archive, in the same batch; what the book counts of
// it stays (reconciliation, pacing); a clawback carrying the archived claim
// brings it back clawed back; the audit replays all of it and checks that
// what the clawback carried is what the journal retired.
TEST_F(TimeTest, AJobsSettledClaimLeavesWithItAndIsClawedBackFromTheArchive) {
  auto e = Open(&store_);
  RunJobOne(*e);
  const programme::Claim claim = e->Read(
      [](const State& s) { return *s.book().FindClaim(s.scheduler().FindJob(OrderId(1))->claim); });
  ASSERT_EQ(claim.status, programme::ClaimStatus::kCaptured);
  auto pacing = [&] {
    return e->Read([](const State& s) {
      return *programme::PacingOf(s.book(), s.registry(), s.ledger(), ProgrammeId(1),
                                  s.ledger().last_timestamp());
    });
  };
  const programme::Pacing before = pacing();

  RetireEnded(*e);
  e->Read([&](const State& s) {
    EXPECT_TRUE(s.scheduler().IsRetired(OrderId(1)));
    EXPECT_EQ(s.book().FindClaim(claim.request.id), nullptr);
    EXPECT_EQ(programme::CheckReconciled(s.book(), s.registry(), s.ledger()), "");
    return 0;
  });
  EXPECT_EQ(pacing().months, before.months);
  EXPECT_EQ(pacing().total, before.total);
  Result<std::optional<storage::ArchiveRow>> row =
      store_.FindArchived(storage::ArchiveKind::kJobClaim, 1);
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->owner, kAlphaMoulds.value());
  EXPECT_EQ((*row)->at, claim.at);
  Result<programme::Claim> back = ClaimFromArchiveRow(**row);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, claim);

  // Without the archived claim the clawback is refused, and says why.
  programme::Clawback clawback{.claim = claim.request.id, .actor = "audit", .reason = "no run"};
  EXPECT_EQ(Book(*e, clawback), programme::Code::kArchivedClaimMismatch);
  clawback.archived = (*row)->body;
  ASSERT_EQ(Book(*e, clawback), programme::Code::kOk);
  e->Read([&](const State& s) {
    const programme::Claim* c = s.book().FindClaim(claim.request.id);
    EXPECT_NE(c, nullptr);
    if (c != nullptr) {
      EXPECT_EQ(c->status, programme::ClaimStatus::kClawedBack);
    }
    return 0;
  });
  EXPECT_EQ(Book(*e, clawback), programme::Code::kClaimNotCaptured);
  ExpectReconciledAndReplayed(*e, store_);
}

// The audit checks what a clawback carried against what the journal
// retired: a claim the book cannot tell apart by its sums (another hold's
// transfer id) is still not the claim that left.
TEST_F(TimeTest, TheAuditFindsAClawbackThatCarriedAnotherClaim) {
  auto e = Open(&store_);
  RunJobOne(*e);
  RetireEnded(*e);
  Result<std::optional<storage::ArchiveRow>> row =
      store_.FindArchived(storage::ArchiveKind::kJobClaim, 1);
  ASSERT_TRUE(row.ok() && row->has_value());
  programme::Claim forged = *ClaimFromArchiveRow(**row);
  forged.holds.at(0).transfer = TransferId(forged.holds.at(0).transfer.value() + 1'000);
  programme::Clawback clawback{.claim = forged.request.id, .actor = "x", .reason = "forged"};
  Writer w(&clawback.archived);
  programme::EncodeClaim(w, forged);
  ASSERT_EQ(Book(*e, clawback), programme::Code::kOk);
  ASSERT_TRUE(e->Shutdown().ok());
  Result<AuditReport> audit = AuditStore(store_);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_EQ(audit->problem, "the clawback of claim " + std::to_string(forged.request.id.value()) +
                                " carried a claim the journal did not retire");
}

// A charge line leaves the state once its month is two months gone
// (settlement::Settlement::RetireLines) and is archived with the batch: the
// statement of its month reads the same, detail lines and all, the flows
// and the receivables too, the month can still be closed from the sums, the
// audit finds the line in the archive, and a replay retires it again.
TEST_F(TimeTest, ChargeLinesOfMonthsGoneLeaveTheStateAndAreReadBackFromTheArchive) {
  storage::store_test::TempDir dir;
  auto store = storage::SqliteStore::Open({.path = dir.File("store.db")});
  ASSERT_TRUE(store.ok()) << store.status();
  auto e = Open(store->get());
  IssueVoucher(*e);
  ASSERT_EQ(Place(*e, 1).status, scheduler::JobStatus::kRunning);
  clock_.Set(EndOf(*e, 1) + kGrace + kSecond);
  TickNow(*e);  // finishes and charges it: one line, in March 2025
  const settlement::Period march{settlement::PeriodKind::kMonth, 2025, 3};
  const ProgrammeId programme(1);
  struct Seen {
    std::string statements;  // with their lines
    std::string totals;      // without
    std::vector<settlement::Flow> flows;
    std::vector<settlement::Receivable> receivables;
  };
  auto look = [&](Engine& engine) {
    return engine.Read([&](const State& s) {
      Seen seen;
      seen.statements = settlement::StatementsJson(
          s.settlement().Statements(programme, march, s.registry()), s.registry());
      seen.totals = settlement::StatementsJson(
          s.settlement().Statements(programme, march, s.registry(), /*with_lines=*/false),
          s.registry(), /*with_lines=*/false);
      Result<std::vector<settlement::Flow>> flows = s.settlement().Flows(0, UINT64_MAX);
      EXPECT_TRUE(flows.ok()) << flows.status();
      if (flows.ok()) seen.flows = *flows;
      seen.receivables =
          settlement::Receivables(s.settlement(), s.registry(), s.book(), kNeutralCloud);
      EXPECT_EQ(settlement::CheckStatements(s.settlement(), s.registry(), s.ledger()), "");
      return seen;
    });
  };
  const Seen before = look(*e);
  ASSERT_NE(before.statements.find("\"line_count\": 1"), std::string::npos) << before.statements;
  ASSERT_EQ(before.flows.size(), 1u);
  ASSERT_EQ(before.receivables.size(), 1u);
  EXPECT_FALSE(before.receivables[0].open.is_zero());

  // May: March is two months gone.
  clock_.Set(settlement::PeriodStart({settlement::PeriodKind::kMonth, 2025, 5}) + kSecond);
  TickNow(*e);
  e->Read([&](const State& s) {
    EXPECT_TRUE(s.settlement().lines().empty());
    EXPECT_EQ(s.settlement().first_seq(), 1u);
    return 0;
  });
  Result<std::optional<storage::ArchiveRow>> row =
      (*store)->FindArchived(storage::ArchiveKind::kChargeLine, 1);
  ASSERT_TRUE(row.ok()) << row.status();
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->owner, kAlphaMoulds.value());
  const Seen after = look(*e);
  EXPECT_EQ(after.statements, before.statements);
  EXPECT_EQ(after.totals, before.totals);
  ASSERT_EQ(after.flows.size(), 1u);
  EXPECT_EQ(after.flows[0].subsidy, before.flows[0].subsidy);
  EXPECT_EQ(after.flows[0].card_seconds, before.flows[0].card_seconds);
  EXPECT_EQ(after.flows[0].orders, 1u);
  ASSERT_EQ(after.receivables.size(), 1u);
  EXPECT_EQ(after.receivables[0].open, before.receivables[0].open);

  // Closed from the sums: the hold is the statement's subsidy.
  auto closed = e->Execute(
      state::CloseStatement{.programme = programme, .period = march, .actor = "operator"});
  ASSERT_TRUE(closed.ok()) << closed.status();
  const settlement::Outcome& outcome = std::get<settlement::Outcome>(*closed);
  EXPECT_EQ(outcome.code, settlement::Code::kOk) << outcome.message;
  EXPECT_EQ(outcome.paid, before.flows[0].subsidy);
  const Seen paid = look(*e);
  EXPECT_EQ(paid.receivables[0].payable, before.receivables[0].open);
  EXPECT_TRUE(paid.receivables[0].open.is_zero());
  ExpectReconciledAndReplayed(*e, **store);
  Result<AuditReport> audit = AuditStore(**store);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_EQ(audit->archived_checked, 3u);  // the job, its claim and its line

  // Recovery from the journal alone retires the line again; the statement
  // reads back the same.
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(dir.File("store.db").c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, "DELETE FROM snapshots;", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  e.reset();
  EngineOptions o;
  o.idle_tick = std::chrono::milliseconds(0);
  auto again = Engine::Open(store->get(), &clock_, o);
  ASSERT_TRUE(again.ok()) << again.status();
  const Seen replayed = look(**again);
  EXPECT_EQ(replayed.statements, paid.statements);
}

}  // namespace
}  // namespace bg::engine
