// What the engine's tests share: the accounts and transfers they make, and
// the parameterised fixture EngineTest whose TEST_Ps (engine_test.cc) run on
// every store, so that what the engine promises cannot hold on one store
// and not on another. engine_test instantiates them for the memory and
// SQLite stores (engine_stores_test.cc), engine_pg_test for PostgreSQL
// (engine_pg_test.cc), with the factories of the Store tests
// (storage/store_test_util.h). Included by test files only.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/clock.h"
#include "engine/engine.h"
#include "storage/memory_store.h"
#include "storage/store.h"
#include "storage/store_test_util.h"

namespace bg::engine::engine_test {

using storage::store_test::StoreFactory;

inline constexpr LedgerId kCny(1);

inline ledger::Account MakeAccount(uint64_t id, uint16_t flags = 0) {
  return ledger::Account{.id = AccountId(id), .ledger = kCny, .code = 1, .flags = flags};
}

inline ledger::Transfer MakeTransfer(uint64_t id, uint64_t dr, uint64_t cr, int64_t amount,
                                     uint16_t flags = 0) {
  return ledger::Transfer{.id = TransferId(id),
                          .debit_account_id = AccountId(dr),
                          .credit_account_id = AccountId(cr),
                          .amount = amount,
                          .ledger = kCny,
                          .code = 1,
                          .flags = flags};
}

inline std::vector<ledger::TransferResult> Transfers(Engine& e, std::vector<ledger::Transfer> ts) {
  Result<state::CommandResult> r = e.Execute(state::CreateTransfers{std::move(ts)});
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) {
    return {};
  }
  return std::get<state::TransferResults>(*r).results;
}

inline EngineOptions TestOptions() {
  EngineOptions o;
  o.idle_tick = std::chrono::milliseconds(0);  // tests tick explicitly
  return o;
}

// The instantiations' test names end in the store's name.
inline std::string StoreName(const testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

// store_ is a fresh store of the kind the parameter names, opened in SetUp;
// every engine a test opens on it is closed within the test, before the
// store (and the store before its database or directory goes).
class EngineTest : public testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<storage::Store>> store = GetParam().open(dir_, &scratch_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }

  std::unique_ptr<Engine> OpenEngine(storage::Store* store,
                                     const EngineOptions& o = TestOptions()) {
    Result<std::unique_ptr<Engine>> e = Engine::Open(store, &clock_, o);
    EXPECT_TRUE(e.ok()) << e.status();
    return e.ok() ? std::move(*e) : nullptr;
  }
  // Account 1 funds account 2 (limited: debits must not exceed credits).
  static void Fund(Engine& e, int64_t amount) {
    ASSERT_TRUE(e.Execute(state::CreateAccounts{
                              {MakeAccount(1), MakeAccount(2, ledger::kDebitsMustNotExceedCredits),
                               MakeAccount(3)}})
                    .ok());
    ASSERT_EQ(Transfers(e, {MakeTransfer(1000, 1, 2, amount)})[0], ledger::TransferResult::kOk);
  }
  static int64_t Available(Engine& e, uint64_t id) {
    return e.Read([id](const state::State& s) {
      const ledger::Account* a = s.ledger().FindAccount(AccountId(id));
      return a->credits_posted - a->debits_posted - a->debits_pending;
    });
  }

  // The journal of store_ alone (no snapshot, no projections): opening an
  // engine on it replays everything from genesis.
  void CopyJournalTo(storage::MemoryStore* copy) {
    ASSERT_TRUE(
        store_
            ->ReadJournal(
                0, [&](const storage::JournalEntry& entry) { return copy->Commit(entry, {}); })
            .ok());
  }

  VirtualClock clock_;
  storage::store_test::TempDir dir_;
  std::unique_ptr<storage::store_test::Scratch> scratch_;
  std::unique_ptr<storage::Store> store_;  // declared last: closed before its place goes
};

// store_ as an engine that shut down cleanly leaves it: three journal
// entries and a snapshot after entry 3. The tests copy parts of it, or of
// another history, into a fresh MemoryStore, as a damaged or forked file
// would be: what is checked is the engine's recovery, the copy's store
// matters not.
class JournalSurgeryTest : public EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    auto e = OpenEngine(store_.get());
    ASSERT_NE(e, nullptr);
    Fund(*e, 1000);
    Transfers(*e, {MakeTransfer(1, 2, 3, 100)});
  }  // the clean shutdown writes a snapshot at seq 3

  // A file whose journal is `from`'s entries up to `last_seq` and whose
  // snapshot is store_'s (taken after entry 3), opened by an engine.
  Result<std::unique_ptr<Engine>> OpenSpliced(storage::Store& from, uint64_t last_seq) {
    spliced_ = std::make_unique<storage::MemoryStore>();
    Status copied = from.ReadJournal(0, [&](const storage::JournalEntry& entry) {
      return entry.seq <= last_seq ? spliced_->Commit(entry, {}) : Status::Ok();
    });
    Result<std::optional<storage::SnapshotRecord>> snapshot = store_->LatestSnapshot();
    if (copied.ok()) {
      copied = snapshot.status();
    }
    if (copied.ok() && !snapshot->has_value()) {
      copied = Internal("the clean shutdown left no snapshot");
    }
    if (copied.ok()) {
      copied = spliced_->SaveSnapshot(**snapshot);
    }
    if (!copied.ok()) {
      return copied;
    }
    return Engine::Open(spliced_.get(), &clock_, TestOptions());
  }

  std::unique_ptr<storage::MemoryStore> spliced_;
};

}  // namespace bg::engine::engine_test
