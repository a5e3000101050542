// Crash test: a child process runs random load through the engine onto a
// SQLite store (synchronous=FULL) and reports each acknowledged command to
// the parent over a pipe; the parent kills it with SIGKILL at a random
// moment, reopens the store and checks that
//   - every acknowledged transfer is there, exactly as acknowledged;
//   - nothing is half-applied: linked chains are all there or all absent,
//     and the projection tables equal the state rebuilt from the journal;
//   - the ledger invariants hold.
// The same database is reused across kills, so recovery runs on the output
// of earlier recoveries. BG_CRASH_KILLS sets the number of kills (5 default).
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/rng.h"
#include "engine/engine.h"
#include "engine/projection.h"
#include "storage/sqlite_store.h"

namespace bg {
namespace {

using ledger::Transfer;
using ledger::TransferResult;
using state::CommandResult;

constexpr LedgerId kCny(1);
constexpr uint64_t kAccounts = 12;
constexpr uint64_t kCommandsPerRound = 1'000'000;

struct Ack {
  uint32_t command = 0;
  std::vector<TransferResult> results;
};

std::vector<ledger::Account> Accounts() {
  std::vector<ledger::Account> out;
  for (uint64_t i = 1; i <= kAccounts; ++i) {
    // Account 1 is the unlimited source; the others may not go negative.
    out.push_back({.id = AccountId(i),
                   .ledger = kCny,
                   .code = 1,
                   .flags = i == 1 ? uint16_t{0} : ledger::kDebitsMustNotExceedCredits});
  }
  return out;
}

// The k-th command of round `round`: 1-12 transfers, some funding, some
// spending, some holds posted or voided, some in linked chains. Ids are
// unique per (round, k, i) so the parent can regenerate what was sent.
std::vector<Transfer> MakeCommand(uint64_t seed, uint32_t round, uint32_t k) {
  Rng rng(seed * 1'000'003 + uint64_t{round} * 7'919 + k);
  const uint64_t base = (uint64_t{round} * kCommandsPerRound + k) * 16 + 1;
  std::vector<Transfer> out;
  const int n = static_cast<int>(rng.Range(1, 12));
  for (int i = 0; i < n; ++i) {
    Transfer t{.id = TransferId(base + static_cast<uint64_t>(i)),
               .amount = rng.Range(1, 500),
               .reference = base,
               .ledger = kCny,
               .code = 1};
    const uint64_t dr = rng.Percent(30) ? 1 : 2 + rng.Uniform(kAccounts - 1);
    uint64_t cr = 2 + rng.Uniform(kAccounts - 1);
    if (cr == dr) cr = dr == kAccounts ? 2 : dr + 1;
    t.debit_account_id = AccountId(dr);
    t.credit_account_id = AccountId(cr);
    if (rng.Percent(30)) t.flags |= ledger::kPending;
    if (!out.empty() && rng.Percent(20) && (out.back().flags & ledger::kPending) != 0) {
      // Resolve the hold just made, in the same chain.
      t = Transfer{.id = t.id,
                   .pending_id = out.back().id,
                   .reference = base,
                   .flags = rng.Percent(50) ? ledger::kPostPending : ledger::kVoidPending};
      if ((t.flags & ledger::kPostPending) != 0) t.amount = rng.Range(0, 5);
      out.back().flags |= ledger::kLinked;
    }
    if (i + 1 < n && rng.Percent(25)) t.flags |= ledger::kLinked;
    out.push_back(t);
  }
  out.back().flags &= static_cast<uint16_t>(~ledger::kLinked);
  return out;
}

void WriteAll(int fd, const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) _exit(3);
    p += w;
    n -= static_cast<size_t>(w);
  }
}

[[noreturn]] void ChildLoad(const std::string& path, uint64_t seed, uint32_t round, int fd) {
  auto store = storage::SqliteStore::Open({.path = path});
  if (!store.ok()) _exit(4);
  SystemClock clock;
  engine::EngineOptions options;
  options.snapshot_every_batches = 7;  // snapshots get killed mid-write too
  options.snapshot_min_commands = 0;
  auto e = engine::Engine::Open(store->get(), &clock, options);
  if (!e.ok()) _exit(5);
  if (!(*e)->Execute(state::CreateAccounts{Accounts()}).ok()) _exit(6);
  std::deque<std::pair<uint32_t, std::future<Result<CommandResult>>>> in_flight;
  for (uint32_t k = 0;; ++k) {
    in_flight.emplace_back(k, (*e)->Submit(state::CreateTransfers{MakeCommand(seed, round, k)}));
    if (in_flight.size() < 6) continue;
    auto [command, future] = std::move(in_flight.front());
    in_flight.pop_front();
    Result<CommandResult> r = future.get();
    if (!r.ok()) _exit(7);
    const auto& results = std::get<state::TransferResults>(*r).results;
    uint32_t header[2] = {command, static_cast<uint32_t>(results.size())};
    std::vector<uint8_t> record(sizeof(header) + results.size());
    std::memcpy(record.data(), header, sizeof(header));
    for (size_t i = 0; i < results.size(); ++i) {
      record[sizeof(header) + i] = static_cast<uint8_t>(results[i]);
    }
    WriteAll(fd, record.data(), record.size());  // the acknowledgement
  }
}

// Reads acks until `want` have arrived (or the child died), then returns.
bool ReadAck(int fd, Ack* ack) {
  uint32_t header[2];
  if (read(fd, header, sizeof(header)) != static_cast<ssize_t>(sizeof(header))) return false;
  std::vector<uint8_t> codes(header[1]);
  size_t got = 0;
  while (got < codes.size()) {
    ssize_t r = read(fd, codes.data() + got, codes.size() - got);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  ack->command = header[0];
  for (uint8_t c : codes) ack->results.push_back(static_cast<TransferResult>(c));
  return true;
}

class CrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/baygrid-crash-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs one child, kills it after `acks_before_kill` acknowledgements, and
  // returns every acknowledgement it managed to send.
  std::vector<Ack> RunAndKill(uint64_t seed, uint32_t round, uint64_t acks_before_kill) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    pid_t pid = fork();
    if (pid == 0) {
      close(fds[0]);
      ChildLoad(dir_ + "/crash.db", seed, round, fds[1]);
    }
    close(fds[1]);
    std::vector<Ack> acks;
    Ack ack;
    while (acks.size() < acks_before_kill && ReadAck(fds[0], &ack)) {
      acks.push_back(std::move(ack));
      ack = Ack{};
    }
    kill(pid, SIGKILL);
    int wstatus = 0;
    waitpid(pid, &wstatus, 0);
    // Acks written before the kill are still in the pipe.
    while (ReadAck(fds[0], &ack)) {
      acks.push_back(std::move(ack));
      ack = Ack{};
    }
    close(fds[0]);
    EXPECT_TRUE(WIFSIGNALED(wstatus) && WTERMSIG(wstatus) == SIGKILL)
        << "the child ended by itself (status " << wstatus << ") before it was killed";
    return acks;
  }

  std::string dir_;
};

void CheckAcknowledged(const state::State& state, uint64_t seed, uint32_t round,
                       const std::vector<Ack>& acks) {
  for (const Ack& ack : acks) {
    const std::vector<Transfer> sent = MakeCommand(seed, round, ack.command);
    ASSERT_EQ(sent.size(), ack.results.size()) << "command " << ack.command;
    for (size_t i = 0; i < sent.size(); ++i) {
      const TransferResult r = ack.results[i];
      const auto* stored = state.ledger().FindTransfer(sent[i].id);
      if (r == TransferResult::kOk || r == TransferResult::kExists) {
        ASSERT_NE(stored, nullptr) << "acknowledged transfer " << sent[i].id << " lost";
        EXPECT_EQ(stored->transfer.flags, sent[i].flags);
        EXPECT_EQ(stored->transfer.pending_id, sent[i].pending_id);
        EXPECT_EQ(stored->transfer.reference, sent[i].reference);
      } else {
        EXPECT_EQ(stored, nullptr) << "transfer " << sent[i].id << " failed but is stored";
        if (ledger::IsStateFailure(r)) {
          EXPECT_EQ(state.ledger().FailedResult(sent[i].id), r) << "transfer " << sent[i].id;
        }
      }
    }
  }
}

// Linked chains of every command sent in the round (acknowledged or not)
// are all stored or all absent.
void CheckChainsWhole(const state::State& state, uint64_t seed, uint32_t round, uint32_t commands) {
  for (uint32_t k = 0; k < commands; ++k) {
    const std::vector<Transfer> sent = MakeCommand(seed, round, k);
    size_t start = 0;
    for (size_t i = 0; i < sent.size(); ++i) {
      if ((sent[i].flags & ledger::kLinked) != 0) continue;
      if (i > start) {
        const bool first = state.ledger().FindTransfer(sent[start].id) != nullptr;
        for (size_t j = start; j <= i; ++j) {
          ASSERT_EQ(state.ledger().FindTransfer(sent[j].id) != nullptr, first)
              << "chain of command " << k << " is half-applied at transfer " << sent[j].id;
        }
      }
      start = i + 1;
    }
  }
}

void CheckProjection(storage::Store& store, const state::State& state) {
  auto accounts = store.ReadAccounts();
  auto transfers = store.ReadTransfers();
  ASSERT_TRUE(accounts.ok() && transfers.ok());
  ASSERT_EQ(accounts->size(), state.ledger().accounts().size());
  std::map<uint64_t, storage::AccountRow> by_id;
  for (const auto& a : state.ledger().accounts()) by_id[a.id.value()] = engine::ToRow(a);
  for (const auto& row : *accounts) EXPECT_EQ(row, by_id[row.id]) << "account row " << row.id;
  ASSERT_EQ(transfers->size(), state.ledger().transfers().size());
  for (const auto& row : *transfers) {
    const auto* t = state.ledger().FindTransfer(TransferId(row.id));
    ASSERT_NE(t, nullptr) << "transfer row " << row.id << " has no transfer in the journal";
    EXPECT_EQ(row, engine::ToRow(*t));
  }
}

TEST_F(CrashTest, AcknowledgedTransfersSurviveSigkillAndNothingIsHalfApplied) {
  // Read once on the main thread before any child starts; nothing calls setenv.
  const char* env = std::getenv("BG_CRASH_KILLS");  // NOLINT(concurrency-mt-unsafe)
  const uint32_t kills = env ? static_cast<uint32_t>(std::atoi(env)) : 5;
  const uint64_t seed = 20261125;
  Rng rng(seed);
  std::vector<std::vector<Ack>> all_acks;
  uint64_t total_acks = 0;
  for (uint32_t round = 0; round < kills; ++round) {
    SCOPED_TRACE("seed " + std::to_string(seed) + " round " + std::to_string(round));
    all_acks.push_back(RunAndKill(seed, round, rng.Uniform(40)));
    total_acks += all_acks.back().size();

    auto store = storage::SqliteStore::Open({.path = dir_ + "/crash.db"});
    ASSERT_TRUE(store.ok()) << store.status();
    SystemClock clock;
    engine::EngineOptions options;
    options.idle_tick = std::chrono::milliseconds(0);
    auto e = engine::Engine::Open(store->get(), &clock, options);
    ASSERT_TRUE(e.ok()) << e.status();
    (*e)->Read([&](const state::State& state) {
      EXPECT_EQ(state.ledger().CheckInvariants(), "");
      for (uint32_t r = 0; r <= round; ++r) CheckAcknowledged(state, seed, r, all_acks[r]);
      uint32_t sent = 0;
      for (const Ack& a : all_acks[round]) sent = std::max(sent, a.command + 1);
      CheckChainsWhole(state, seed, round, sent + 8);  // + the unacknowledged in flight
      CheckProjection(**store, state);
      return 0;
    });
    // Close without a snapshot being required: the next child recovers
    // whatever state this left.
  }
  EXPECT_GT(total_acks, 0u);
  std::printf("crash test: %u kills, %llu acknowledged commands verified\n", kills,
              static_cast<unsigned long long>(total_acks));  // NOLINT(google-runtime-int)
}

}  // namespace
}  // namespace bg
