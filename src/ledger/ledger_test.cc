// Unit tests for Ledger: one table case per result code, then the rules of
// docs/ledger.md §1.1 one at a time (limits, two-phase transfers, expiry,
// linked chains, ids, closing, batches, snapshots, the F8 oracle of §9).
#include "ledger/ledger.h"

#include <array>
#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ledger/reference_model.h"

namespace bg::ledger {
namespace {

constexpr Timestamp kStart = 1'700'000'000 * kNanosPerSecond;
constexpr int64_t kInt64Max = std::numeric_limits<int64_t>::max();
constexpr uint64_t kUint64Max = std::numeric_limits<uint64_t>::max();

// debits_pending, debits_posted, credits_pending, credits_posted.
using Balances = std::array<int64_t, 4>;

Account MakeAccount(uint64_t id, uint32_t ledger, uint16_t flags = 0) {
  Account a;
  a.id = AccountId(id);
  a.ledger = LedgerId(ledger);
  a.code = 1;
  a.flags = flags;
  return a;
}

Transfer Plain(uint64_t id, uint64_t dr, uint64_t cr, int64_t amount, uint32_t ledger = 1) {
  Transfer t;
  t.id = TransferId(id);
  t.debit_account_id = AccountId(dr);
  t.credit_account_id = AccountId(cr);
  t.amount = amount;
  t.ledger = LedgerId(ledger);
  t.code = 1;
  return t;
}

Transfer Hold(uint64_t id, uint64_t dr, uint64_t cr, int64_t amount, uint32_t timeout = 0,
              uint32_t ledger = 1) {
  Transfer t = Plain(id, dr, cr, amount, ledger);
  t.flags = kPending;
  t.timeout = timeout;
  return t;
}

Transfer Post(uint64_t id, uint64_t pending_id, int64_t amount = 0) {
  Transfer t;
  t.id = TransferId(id);
  t.pending_id = TransferId(pending_id);
  t.amount = amount;
  t.flags = kPostPending;
  return t;
}

Transfer Void(uint64_t id, uint64_t pending_id) {
  Transfer t = Post(id, pending_id);
  t.flags = kVoidPending;
  return t;
}

Transfer Linked(Transfer t) {
  t.flags |= kLinked;
  return t;
}

// Returns `t` after `edit` has changed it: With(Plain(...), [](Transfer& t) { ... }).
template <typename T, typename Edit>
T With(T t, Edit edit) {
  edit(t);
  return t;
}

class LedgerTest : public ::testing::Test {
 protected:
  // Applies one CreateTransfers call at now_, then moves the clock on.
  std::vector<TransferResult> Apply(const std::vector<Transfer>& transfers) {
    std::vector<TransferResult> results = ledger_.CreateTransfers(transfers, now_);
    now_ += 1000;
    return results;
  }
  TransferResult Apply(const Transfer& t) { return Apply(std::vector<Transfer>{t})[0]; }

  void CreateAccounts(const std::vector<Account>& accounts) {
    for (AccountResult r : ledger_.CreateAccounts(accounts, now_)) {
      ASSERT_EQ(r, AccountResult::kOk);
    }
    now_ += 1000;
  }

  Balances BalancesOf(uint64_t id) const {
    const Account* a = ledger_.FindAccount(AccountId(id));
    if (a == nullptr) {
      ADD_FAILURE() << "no account " << id;
      return {};
    }
    return {a->debits_pending, a->debits_posted, a->credits_pending, a->credits_posted};
  }
  bool IsClosed(uint64_t id) const {
    const Account* a = ledger_.FindAccount(AccountId(id));
    return a != nullptr && (a->flags & kAccountClosed) != 0;
  }
  PendingStatus StatusOf(uint64_t id) const {
    const StoredTransfer* s = ledger_.FindTransfer(TransferId(id));
    if (s == nullptr) {
      ADD_FAILURE() << "no transfer " << id;
      return PendingStatus::kNone;
    }
    return s->status;
  }
  std::vector<Account> AllAccounts() const {
    return {ledger_.accounts().begin(), ledger_.accounts().end()};
  }

  // Accounts 1 (no limit), 2 (debits must not exceed credits, funded with
  // `funds` from 1), 3 (no limit) and 4 (credits must not exceed debits).
  void MakeWallet(int64_t funds) {
    CreateAccounts({MakeAccount(1, 1), MakeAccount(2, 1, kDebitsMustNotExceedCredits),
                    MakeAccount(3, 1), MakeAccount(4, 1, kCreditsMustNotExceedDebits)});
    if (funds > 0) {
      ASSERT_EQ(Apply(Plain(1, 1, 2, funds)), TransferResult::kOk);
    }
  }

  // The state every result-code case starts from:
  //   ledger 1: 1 bank, 2 wallet (limit, funded 1000), 3 sink, 4 (credit limit)
  //   ledger 2: 5, 6 open; 7, 8 closed by the closing hold 206
  //   ledger 3: 11..14, balances near INT64_MAX (for the overflow codes)
  //   holds: 200 open (2->3 100), 201 posted by 202, 203 voided by 204,
  //          205 expired; 300 is a plain 1->3 10 with reference 5.
  void BuildWorld() {
    CreateAccounts({MakeAccount(1, 1), MakeAccount(2, 1, kDebitsMustNotExceedCredits),
                    MakeAccount(3, 1), MakeAccount(4, 1, kCreditsMustNotExceedDebits),
                    MakeAccount(5, 2), MakeAccount(6, 2), MakeAccount(7, 2), MakeAccount(8, 2),
                    MakeAccount(11, 3), MakeAccount(12, 3), MakeAccount(13, 3),
                    MakeAccount(14, 3)});
    const std::vector<Transfer> setup = {
        Plain(100, 1, 2, 1000),
        Hold(200, 2, 3, 100),
        Hold(201, 2, 3, 10),
        Post(202, 201),
        Hold(203, 2, 3, 10),
        Void(204, 203),
        Hold(205, 2, 3, 10, /*timeout=*/1),
        With(Hold(206, 7, 8, 1, 0, 2),
             [](Transfer& t) { t.flags |= kClosingDebit | kClosingCredit; }),
        With(Plain(300, 1, 3, 10), [](Transfer& t) { t.reference = 5; }),
        Plain(400, 11, 12, kInt64Max - 10, 3),
        Hold(401, 13, 14, kInt64Max - 10, 0, 3),
    };
    for (TransferResult r : Apply(setup)) ASSERT_EQ(r, TransferResult::kOk);
    now_ += 2 * kNanosPerSecond;
    ASSERT_EQ(ledger_.ExpireDue(now_), 1u);
    ASSERT_EQ(StatusOf(205), PendingStatus::kExpired);
    ASSERT_TRUE(IsClosed(7));
    ASSERT_TRUE(IsClosed(8));
    ASSERT_EQ(ledger_.CheckInvariants(), "");
  }

  Ledger ledger_;
  Timestamp now_ = kStart;
};

struct TransferCase {
  std::string name;
  std::vector<Transfer> transfers;
  std::vector<TransferResult> want;
  Timestamp at = 0;  // 0: the world's clock
};

std::vector<TransferCase> TransferCases() {
  using R = TransferResult;
  const Transfer p300 = With(Plain(300, 1, 3, 10), [](Transfer& t) { t.reference = 5; });
  const Transfer fresh = Plain(900, 1, 3, 5);
  auto edit = [](Transfer t, auto f) { return With(t, f); };
  return {
      {"a valid transfer", {fresh}, {R::kOk}},
      // The body alone is wrong.
      {"timestamp set",
       {edit(fresh, [](Transfer& t) { t.timestamp = 1; })},
       {R::kTimestampMustBeZero}},
      {"unknown flag", {edit(fresh, [](Transfer& t) { t.flags = 1u << 8; })}, {R::kReservedFlag}},
      {"id zero", {Plain(0, 1, 3, 5)}, {R::kIdMustNotBeZero}},
      {"id max", {Plain(kUint64Max, 1, 3, 5)}, {R::kIdMustNotBeIntMax}},
      {"pending and post",
       {edit(fresh, [](Transfer& t) { t.flags = kPending | kPostPending; })},
       {R::kFlagsAreMutuallyExclusive}},
      {"no debit account", {Plain(900, 0, 3, 5)}, {R::kDebitAccountIdMustNotBeZero}},
      {"no credit account", {Plain(900, 1, 0, 5)}, {R::kCreditAccountIdMustNotBeZero}},
      {"same account twice", {Plain(900, 1, 1, 5)}, {R::kAccountsMustBeDifferent}},
      {"plain with a pending id",
       {edit(fresh, [](Transfer& t) { t.pending_id = TransferId(200); })},
       {R::kPendingIdMustBeZero}},
      {"post without a pending id", {Post(900, 0)}, {R::kPendingIdMustNotBeZero}},
      {"post of itself", {Post(900, 900)}, {R::kPendingIdMustBeDifferent}},
      {"plain with a timeout",
       {edit(fresh, [](Transfer& t) { t.timeout = 5; })},
       {R::kTimeoutReservedForPendingTransfer}},
      {"plain closing transfer",
       {edit(fresh, [](Transfer& t) { t.flags = kClosingDebit; })},
       {R::kClosingTransferMustBePending}},
      {"amount zero", {Plain(900, 1, 3, 0)}, {R::kAmountMustNotBeZero}},
      {"amount negative", {Plain(900, 1, 3, -1)}, {R::kAmountMustNotBeNegative}},
      {"ledger zero", {Plain(900, 1, 3, 5, 0)}, {R::kLedgerMustNotBeZero}},
      {"code zero", {edit(fresh, [](Transfer& t) { t.code = 0; })}, {R::kCodeMustNotBeZero}},
      // The id exists.
      {"exists, other flags",
       {edit(p300, [](Transfer& t) { t.flags = kPending; })},
       {R::kExistsWithDifferentFlags}},
      {"exists, other pending id", {Post(202, 203)}, {R::kExistsWithDifferentPendingId}},
      {"exists, other timeout", {Hold(200, 2, 3, 100, 7)}, {R::kExistsWithDifferentTimeout}},
      {"exists, other debit account",
       {edit(p300, [](Transfer& t) { t.debit_account_id = AccountId(4); })},
       {R::kExistsWithDifferentDebitAccountId}},
      {"exists, other credit account",
       {edit(p300, [](Transfer& t) { t.credit_account_id = AccountId(4); })},
       {R::kExistsWithDifferentCreditAccountId}},
      {"exists, other amount",
       {edit(p300, [](Transfer& t) { t.amount = 11; })},
       {R::kExistsWithDifferentAmount}},
      {"exists, other reference",
       {edit(p300, [](Transfer& t) { t.reference = 6; })},
       {R::kExistsWithDifferentReference}},
      {"exists, other ledger",
       {edit(p300, [](Transfer& t) { t.ledger = LedgerId(2); })},
       {R::kExistsWithDifferentLedger}},
      {"exists, other code",
       {edit(p300, [](Transfer& t) { t.code = 2; })},
       {R::kExistsWithDifferentCode}},
      {"exists, same body", {p300}, {R::kExists}},
      // Decided against the state.
      {"unknown debit account", {Plain(900, 99, 3, 5)}, {R::kDebitAccountNotFound}},
      {"unknown credit account", {Plain(900, 1, 99, 5)}, {R::kCreditAccountNotFound}},
      {"accounts on two ledgers", {Plain(900, 1, 5, 5)}, {R::kAccountsMustHaveTheSameLedger}},
      {"transfer on another ledger",
       {Plain(900, 1, 3, 5, 2)},
       {R::kTransferMustHaveTheSameLedgerAsAccounts}},
      {"post of an unknown hold", {Post(900, 999)}, {R::kPendingTransferNotFound}},
      {"post of a plain transfer", {Post(900, 300)}, {R::kPendingTransferNotPending}},
      {"post naming another debit account",
       {edit(Post(900, 200), [](Transfer& t) { t.debit_account_id = AccountId(1); })},
       {R::kPendingTransferHasDifferentDebitAccountId}},
      {"post naming another credit account",
       {edit(Post(900, 200), [](Transfer& t) { t.credit_account_id = AccountId(1); })},
       {R::kPendingTransferHasDifferentCreditAccountId}},
      {"post naming another ledger",
       {edit(Post(900, 200), [](Transfer& t) { t.ledger = LedgerId(2); })},
       {R::kPendingTransferHasDifferentLedger}},
      {"post naming another code",
       {edit(Post(900, 200), [](Transfer& t) { t.code = 9; })},
       {R::kPendingTransferHasDifferentCode}},
      {"post of more than the hold", {Post(900, 200, 101)}, {R::kExceedsPendingTransferAmount}},
      {"void of part of the hold",
       {edit(Void(900, 200), [](Transfer& t) { t.amount = 50; })},
       {R::kPendingTransferHasDifferentAmount}},
      {"post of a posted hold", {Post(900, 201)}, {R::kPendingTransferAlreadyPosted}},
      {"void of a voided hold", {Void(900, 203)}, {R::kPendingTransferAlreadyVoided}},
      {"post of an expired hold", {Post(900, 205)}, {R::kPendingTransferExpired}},
      {"debit account closed", {Plain(900, 7, 5, 5, 2)}, {R::kDebitAccountAlreadyClosed}},
      {"credit account closed", {Plain(900, 5, 8, 5, 2)}, {R::kCreditAccountAlreadyClosed}},
      {"debits posted overflow", {Plain(900, 11, 13, 20, 3)}, {R::kOverflowsDebitsPosted}},
      {"credits posted overflow", {Plain(900, 13, 12, 20, 3)}, {R::kOverflowsCreditsPosted}},
      {"debits pending overflow", {Hold(900, 13, 11, 20, 0, 3)}, {R::kOverflowsDebitsPending}},
      {"credits pending overflow", {Hold(900, 11, 14, 20, 0, 3)}, {R::kOverflowsCreditsPending}},
      {"debits (pending + posted) overflow", {Plain(900, 13, 11, 20, 3)}, {R::kOverflowsDebits}},
      {"credits (pending + posted) overflow", {Plain(900, 12, 14, 20, 3)}, {R::kOverflowsCredits}},
      {"deadline past the end of time",
       {Hold(900, 1, 3, 5, std::numeric_limits<uint32_t>::max())},
       {R::kOverflowsTimeout},
       kUint64Max - kNanosPerSecond},
      {"wallet overspent (the open hold counts)", {Plain(900, 2, 3, 891)}, {R::kExceedsCredits}},
      {"credit limit exceeded", {Plain(900, 1, 4, 1)}, {R::kExceedsDebits}},
      // The platform's range (programme budgets, vouchers): not a client's.
      {"id in the system range", {Plain(kSystemIdFloor + 1, 1, 3, 5)}, {R::kIdReservedForSystem}},
      {"post of a system hold", {Post(900, kSystemIdFloor + 1)}, {R::kIdReservedForSystem}},
      {"debit from a system account",
       {Plain(900, kSystemIdFloor | 7, 3, 5)},
       {R::kAccountReservedForSystem}},
      {"credit to a system account",
       {Plain(900, 1, kSystemIdFloor | 7, 5)},
       {R::kAccountReservedForSystem}},
      // Linked chains.
      {"chain with a failing event",
       {Linked(fresh), Plain(901, 99, 3, 5)},
       {R::kLinkedEventFailed, R::kDebitAccountNotFound}},
      {"chain open at the end", {Linked(fresh)}, {R::kLinkedEventChainOpen}},
  };
}

TEST_F(LedgerTest, EveryTransferResultIsReturnedAndARejectionChangesNoBalance) {
  std::set<TransferResult> seen;
  for (const TransferCase& c : TransferCases()) {
    SCOPED_TRACE(c.name);
    ledger_ = Ledger();
    now_ = kStart;
    BuildWorld();
    if (HasFatalFailure()) return;
    const std::vector<Account> before = AllAccounts();
    const size_t transfers_before = ledger_.transfers().size();

    const std::vector<TransferResult> got =
        ledger_.CreateTransfers(c.transfers, c.at != 0 ? c.at : now_);

    EXPECT_EQ(got, c.want);
    seen.insert(c.want.begin(), c.want.end());
    if (c.want != std::vector<TransferResult>{TransferResult::kOk}) {
      EXPECT_EQ(AllAccounts(), before);
      EXPECT_EQ(ledger_.transfers().size(), transfers_before);
    } else {
      EXPECT_EQ(ledger_.transfers().size(), transfers_before + 1);
    }
    EXPECT_EQ(ledger_.CheckInvariants(), "");
  }
  for (int i = 0; i < kTransferResultCount; ++i) {
    const auto r = static_cast<TransferResult>(i);
    EXPECT_TRUE(seen.contains(r)) << "no case returns " << TransferResultName(r);
  }
}

TEST_F(LedgerTest, EveryAccountResultIsReturnedAndARejectionCreatesNothing) {
  struct AccountCase {
    std::string name;
    Account account;
    AccountResult want;
  };
  const Account existing =
      With(MakeAccount(1, 1, kDebitsMustNotExceedCredits), [](Account& a) { a.owner = 7; });
  auto edit = [](Account a, auto f) {
    f(a);
    return a;
  };
  const Account fresh = MakeAccount(2, 1);
  const std::vector<AccountCase> cases = {
      {"a valid account", fresh, AccountResult::kOk},
      {"timestamp set", edit(fresh, [](Account& a) { a.timestamp = 1; }),
       AccountResult::kTimestampMustBeZero},
      {"unknown flag", edit(fresh, [](Account& a) { a.flags = 1u << 9; }),
       AccountResult::kReservedFlag},
      {"closed flag set by the client", edit(fresh, [](Account& a) { a.flags = kAccountClosed; }),
       AccountResult::kReservedFlag},
      {"id zero", MakeAccount(0, 1), AccountResult::kIdMustNotBeZero},
      {"id max", MakeAccount(kUint64Max, 1), AccountResult::kIdMustNotBeIntMax},
      {"both limits",
       edit(
           fresh,
           [](Account& a) { a.flags = kDebitsMustNotExceedCredits | kCreditsMustNotExceedDebits; }),
       AccountResult::kFlagsAreMutuallyExclusive},
      {"ledger zero", MakeAccount(2, 0), AccountResult::kLedgerMustNotBeZero},
      {"code zero", edit(fresh, [](Account& a) { a.code = 0; }), AccountResult::kCodeMustNotBeZero},
      {"a balance given", edit(fresh, [](Account& a) { a.credits_posted = 5; }),
       AccountResult::kBalancesMustBeZero},
      {"exists, other flags", edit(existing, [](Account& a) { a.flags = 0; }),
       AccountResult::kExistsWithDifferentFlags},
      {"exists, other owner", edit(existing, [](Account& a) { a.owner = 8; }),
       AccountResult::kExistsWithDifferentOwner},
      {"exists, other ledger", edit(existing, [](Account& a) { a.ledger = LedgerId(2); }),
       AccountResult::kExistsWithDifferentLedger},
      {"exists, other code", edit(existing, [](Account& a) { a.code = 2; }),
       AccountResult::kExistsWithDifferentCode},
      {"exists, same body", existing, AccountResult::kExists},
      {"id in the system range", MakeAccount(kSystemIdFloor, 1),
       AccountResult::kIdReservedForSystem},
  };
  std::set<AccountResult> seen;
  for (const AccountCase& c : cases) {
    SCOPED_TRACE(c.name);
    ledger_ = Ledger();
    CreateAccounts({existing});
    const std::vector<Account> before = AllAccounts();
    const std::vector<AccountResult> got = ledger_.CreateAccounts({&c.account, 1}, now_);
    EXPECT_EQ(got, std::vector<AccountResult>{c.want});
    seen.insert(c.want);
    if (c.want == AccountResult::kOk) {
      EXPECT_EQ(ledger_.accounts().size(), 2u);
    } else {
      EXPECT_EQ(AllAccounts(), before);
    }
  }
  for (int i = 0; i < kAccountResultCount; ++i) {
    const auto r = static_cast<AccountResult>(i);
    EXPECT_TRUE(seen.contains(r)) << "no case returns " << AccountResultName(r);
  }
}

TEST_F(LedgerTest, OnlyThePlatformUsesTheSystemRange) {
  const Account budget = MakeAccount(kSystemIdFloor | 2, 1, kDebitsMustNotExceedCredits);
  const Account client = MakeAccount(1, 1);
  EXPECT_EQ(ledger_.CreateAccounts({&budget, 1}, now_),
            std::vector{AccountResult::kIdReservedForSystem});
  EXPECT_EQ(ledger_.CreateAccounts({&budget, 1}, now_, Origin::kSystem),
            std::vector{AccountResult::kOk});
  EXPECT_EQ(ledger_.CreateAccounts({&client, 1}, now_ + 1), std::vector{AccountResult::kOk});
  const Transfer fund = Plain(kSystemIdFloor + 1, 1, kSystemIdFloor | 2, 500);
  EXPECT_EQ(ledger_.CreateTransfers({&fund, 1}, now_ + 2),
            std::vector{TransferResult::kIdReservedForSystem});
  EXPECT_EQ(ledger_.CreateTransfers({&fund, 1}, now_ + 2, Origin::kSystem),
            std::vector{TransferResult::kOk});
  EXPECT_EQ(ledger_.FindAccount(AccountId(kSystemIdFloor | 2))->credits_posted, 500);
}

TEST_F(LedgerTest, HoldsCountAgainstTheDebitLimit) {
  MakeWallet(500);
  ASSERT_EQ(Apply(Hold(10, 2, 3, 300)), TransferResult::kOk);
  EXPECT_EQ(Apply(Plain(11, 2, 3, 201)), TransferResult::kExceedsCredits);
  EXPECT_EQ(Apply(Hold(12, 2, 3, 201)), TransferResult::kExceedsCredits);
  EXPECT_EQ(Apply(Plain(13, 2, 3, 200)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(2), (Balances{300, 200, 0, 500}));
}

TEST_F(LedgerTest, HoldsCountAgainstTheCreditLimit) {
  MakeWallet(0);
  ASSERT_EQ(Apply(Plain(10, 4, 1, 100)), TransferResult::kOk);  // 4 may now take 100
  ASSERT_EQ(Apply(Hold(11, 1, 4, 60)), TransferResult::kOk);
  EXPECT_EQ(Apply(Plain(12, 1, 4, 41)), TransferResult::kExceedsDebits);
  EXPECT_EQ(Apply(Hold(13, 1, 4, 41)), TransferResult::kExceedsDebits);
  EXPECT_EQ(Apply(Plain(14, 1, 4, 40)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(4), (Balances{0, 100, 60, 40}));
}

TEST_F(LedgerTest, APartialPostMovesThePostedAmountAndReleasesTheRest) {
  MakeWallet(500);
  ASSERT_EQ(Apply(Hold(10, 2, 3, 100)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(2), (Balances{100, 0, 0, 500}));
  ASSERT_EQ(Apply(Post(11, 10, 30)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 30, 0, 500}));
  EXPECT_EQ(BalancesOf(3), (Balances{0, 0, 0, 30}));
  EXPECT_EQ(StatusOf(10), PendingStatus::kPosted);
  EXPECT_EQ(ledger_.FindTransfer(TransferId(11))->transfer.amount, 30);
}

TEST_F(LedgerTest, APostOfAmountZeroPostsTheWholeHold) {
  MakeWallet(500);
  ASSERT_EQ(Apply(Hold(10, 2, 3, 100)), TransferResult::kOk);
  ASSERT_EQ(Apply(Post(11, 10)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 100, 0, 500}));
  EXPECT_EQ(BalancesOf(3), (Balances{0, 0, 0, 100}));
  EXPECT_EQ(ledger_.FindTransfer(TransferId(11))->transfer.amount, 100);
}

TEST_F(LedgerTest, AVoidReleasesTheWholeHold) {
  MakeWallet(500);
  ASSERT_EQ(Apply(Hold(10, 2, 3, 100)), TransferResult::kOk);
  ASSERT_EQ(Apply(Void(11, 10)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 0, 0, 500}));
  EXPECT_EQ(BalancesOf(3), (Balances{0, 0, 0, 0}));
  EXPECT_EQ(StatusOf(10), PendingStatus::kVoided);
}

TEST_F(LedgerTest, AHoldIsResolvedAtMostOnce) {
  MakeWallet(500);
  ASSERT_EQ(Apply(Hold(10, 2, 3, 100)), TransferResult::kOk);
  ASSERT_EQ(Apply(Hold(20, 2, 3, 100)), TransferResult::kOk);
  ASSERT_EQ(Apply(Post(11, 10, 40)), TransferResult::kOk);
  ASSERT_EQ(Apply(Void(21, 20)), TransferResult::kOk);
  EXPECT_EQ(Apply(Post(12, 10)), TransferResult::kPendingTransferAlreadyPosted);
  EXPECT_EQ(Apply(Void(13, 10)), TransferResult::kPendingTransferAlreadyPosted);
  EXPECT_EQ(Apply(Void(22, 20)), TransferResult::kPendingTransferAlreadyVoided);
  EXPECT_EQ(Apply(Post(23, 20)), TransferResult::kPendingTransferAlreadyVoided);
  // In one call, the second resolution sees the first.
  ASSERT_EQ(Apply(Hold(30, 2, 3, 100)), TransferResult::kOk);
  EXPECT_EQ(Apply({Post(31, 30), Void(32, 30)}),
            (std::vector{TransferResult::kOk, TransferResult::kPendingTransferAlreadyPosted}));
  EXPECT_EQ(BalancesOf(2), (Balances{0, 140, 0, 500}));
}

TEST_F(LedgerTest, AHoldCanBePostedOneNanosecondBeforeItsDeadline) {
  MakeWallet(500);
  const Timestamp created = now_;
  ASSERT_EQ(Apply(Hold(10, 2, 3, 100, /*timeout=*/2)), TransferResult::kOk);
  EXPECT_EQ(ledger_.FindTransfer(TransferId(10))->expires_at, created + 2 * kNanosPerSecond);
  now_ = created + 2 * kNanosPerSecond - 1;
  EXPECT_EQ(Apply(Post(11, 10)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 100, 0, 500}));
}

TEST_F(LedgerTest, AHoldIsExpiredExactlyAtItsDeadline) {
  MakeWallet(500);
  const Timestamp created = now_;
  ASSERT_EQ(Apply(Hold(10, 2, 3, 100, /*timeout=*/2)), TransferResult::kOk);
  now_ = created + 2 * kNanosPerSecond;
  EXPECT_EQ(Apply(Post(11, 10)), TransferResult::kPendingTransferExpired);
  EXPECT_EQ(StatusOf(10), PendingStatus::kExpired);  // swept at the start of the call
  EXPECT_EQ(BalancesOf(2), (Balances{0, 0, 0, 500}));
  EXPECT_EQ(Apply(Void(12, 10)), TransferResult::kPendingTransferExpired);
}

TEST_F(LedgerTest, AHoldThatFallsDueDuringACallIsExpiredForTheLaterEvents) {
  MakeWallet(500);
  const Timestamp created = now_;
  ASSERT_EQ(Apply(Hold(10, 2, 3, 100, /*timeout=*/1)), TransferResult::kOk);
  const Timestamp deadline = created + kNanosPerSecond;
  // The call starts 1 ns before the deadline; its second event is stamped at it.
  EXPECT_EQ(ledger_.CreateTransfers(std::vector{Plain(11, 1, 3, 1), Post(12, 10)}, deadline - 1),
            (std::vector{TransferResult::kOk, TransferResult::kPendingTransferExpired}));
  EXPECT_EQ(StatusOf(10), PendingStatus::kOpen);  // due, not yet swept
  EXPECT_EQ(ledger_.ExpireDue(deadline), 1u);
  EXPECT_EQ(StatusOf(10), PendingStatus::kExpired);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 0, 0, 500}));
}

TEST_F(LedgerTest, ExpireDueReleasesHoldsInDeadlineOrder) {
  MakeWallet(500);
  const Timestamp t0 = now_;
  ASSERT_EQ(Apply({Hold(10, 2, 3, 1, 3), Hold(11, 2, 3, 10, 1)}),
            (std::vector{TransferResult::kOk, TransferResult::kOk}));
  const Timestamp t1 = now_;
  ASSERT_EQ(Apply(Hold(12, 2, 3, 100, 2)), TransferResult::kOk);
  const Timestamp due10 = t0 + 3 * kNanosPerSecond;
  const Timestamp due11 = t0 + 1 + kNanosPerSecond;
  const Timestamp due12 = t1 + 2 * kNanosPerSecond;
  EXPECT_EQ(BalancesOf(2), (Balances{111, 0, 0, 500}));

  EXPECT_EQ(ledger_.NextExpiry(), due11);
  EXPECT_EQ(ledger_.ExpireDue(due11 - 1), 0u);
  EXPECT_EQ(ledger_.ExpireDue(due11), 1u);
  EXPECT_EQ(StatusOf(11), PendingStatus::kExpired);
  EXPECT_EQ(BalancesOf(2), (Balances{101, 0, 0, 500}));

  EXPECT_EQ(ledger_.NextExpiry(), due12);
  EXPECT_EQ(ledger_.ExpireDue(due12), 1u);
  EXPECT_EQ(StatusOf(12), PendingStatus::kExpired);
  EXPECT_EQ(StatusOf(10), PendingStatus::kOpen);
  EXPECT_EQ(BalancesOf(2), (Balances{1, 0, 0, 500}));

  EXPECT_EQ(ledger_.NextExpiry(), due10);
  EXPECT_EQ(ledger_.ExpireDue(due10), 1u);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 0, 0, 500}));
  EXPECT_EQ(ledger_.NextExpiry(), std::nullopt);
  EXPECT_EQ(ledger_.ExpireDue(due10 + kNanosPerSecond), 0u);
}

TEST_F(LedgerTest, ALinkedChainFailsAsAUnit) {
  MakeWallet(100);
  const std::vector<Account> before = AllAccounts();
  const size_t transfers_before = ledger_.transfers().size();
  using R = TransferResult;
  EXPECT_EQ(Apply({Linked(Plain(10, 1, 3, 5)), Linked(Hold(11, 2, 3, 50)),
                   Linked(Plain(12, 2, 3, 60)),  // 50 held + 60 > 100
                   Linked(Plain(13, 1, 3, 1)), Plain(14, 1, 3, 1), Plain(15, 1, 3, 1)}),
            (std::vector{R::kLinkedEventFailed, R::kLinkedEventFailed, R::kExceedsCredits,
                         R::kLinkedEventFailed, R::kLinkedEventFailed, R::kOk}));
  EXPECT_EQ(BalancesOf(2), (Balances{0, 0, 0, 100}));
  EXPECT_EQ(AllAccounts()[1], before[1]);
  EXPECT_EQ(ledger_.transfers().size(), transfers_before + 1);  // only 15
  EXPECT_EQ(ledger_.FindTransfer(TransferId(11)), nullptr);
  // The failing event burnt its id; the others' ids are free.
  EXPECT_EQ(ledger_.FailedResult(TransferId(12)), TransferResult::kExceedsCredits);
  EXPECT_EQ(ledger_.FailedResult(TransferId(10)), std::nullopt);
  EXPECT_EQ(Apply(Plain(10, 1, 3, 5)), TransferResult::kOk);
  EXPECT_EQ(ledger_.CheckInvariants(), "");
}

TEST_F(LedgerTest, EachEventOfAChainSeesTheOnesBeforeIt) {
  MakeWallet(100);
  EXPECT_EQ(Apply({Linked(Plain(10, 1, 2, 100)), Linked(Hold(11, 2, 3, 150)), Post(12, 11, 120)}),
            (std::vector{TransferResult::kOk, TransferResult::kOk, TransferResult::kOk}));
  EXPECT_EQ(BalancesOf(2), (Balances{0, 120, 0, 200}));
}

TEST_F(LedgerTest, ARetryInsideAChainCountsAsSuccess) {
  MakeWallet(100);
  const std::vector<Transfer> chain = {Linked(Plain(10, 1, 3, 5)), Plain(11, 1, 3, 5)};
  ASSERT_EQ(Apply(chain), (std::vector{TransferResult::kOk, TransferResult::kOk}));
  EXPECT_EQ(Apply(chain), (std::vector{TransferResult::kExists, TransferResult::kExists}));
  // The retried body is the one sent (kLinked included); the chain goes on.
  EXPECT_EQ(Apply({Linked(Plain(10, 1, 3, 5)), Plain(12, 1, 3, 5)}),
            (std::vector{TransferResult::kExists, TransferResult::kOk}));
  EXPECT_EQ(BalancesOf(3), (Balances{0, 0, 0, 15}));
}

TEST_F(LedgerTest, AChainLeftOpenAtTheEndOfACallFails) {
  MakeWallet(100);
  const std::vector<Account> before = AllAccounts();
  using R = TransferResult;
  EXPECT_EQ(Apply({Linked(Plain(10, 1, 3, 5)), Linked(Plain(11, 1, 3, 5))}),
            (std::vector{R::kLinkedEventFailed, R::kLinkedEventChainOpen}));
  EXPECT_EQ(AllAccounts(), before);
  EXPECT_EQ(Apply({Plain(12, 1, 3, 5), Linked(Plain(13, 1, 3, 5))}),
            (std::vector{R::kOk, R::kLinkedEventChainOpen}));
  EXPECT_EQ(BalancesOf(3), (Balances{0, 0, 0, 5}));
  // Chain open is about the call, not the id: it can be sent again, closed.
  EXPECT_EQ(Apply(Plain(13, 1, 3, 5)), R::kOk);
}

TEST_F(LedgerTest, ARetryWithTheSameBodyReturnsExistsAndChangesNothing) {
  MakeWallet(500);
  const std::vector<Transfer> bodies = {
      Plain(10, 1, 3, 5),
      Hold(11, 2, 3, 100, 60),
      Post(12, 11, 30),
      Hold(13, 2, 3, 100),
      With(Void(14, 13), [](Transfer& t) { t.amount = 100; }),
      Hold(15, 2, 3, 100),
      Post(16, 15),
  };
  for (const Transfer& t : bodies) ASSERT_EQ(Apply(t), TransferResult::kOk) << t.id;
  for (const Transfer& t : bodies) EXPECT_EQ(Apply(t), TransferResult::kExists) << t.id;
  // A post or void may name the hold's fields, or leave them zero.
  EXPECT_EQ(Apply(Void(14, 13)), TransferResult::kExists);
  EXPECT_EQ(Apply(Post(16, 15, 100)), TransferResult::kExists);
  EXPECT_EQ(Apply(With(Post(12, 11, 30), [](Transfer& t) { t.debit_account_id = AccountId(2); })),
            TransferResult::kExists);
  // ...but "post the whole hold" is not the partial post that was done.
  EXPECT_EQ(Apply(Post(12, 11)), TransferResult::kExistsWithDifferentAmount);
  EXPECT_EQ(Apply(Post(12, 11, 31)), TransferResult::kExistsWithDifferentAmount);
  EXPECT_EQ(Apply(Post(12, 15, 30)), TransferResult::kExistsWithDifferentPendingId);
  EXPECT_EQ(Apply(Hold(11, 2, 3, 100, 61)), TransferResult::kExistsWithDifferentTimeout);
  // Balances and the transfer list are as before.
  EXPECT_EQ(ledger_.transfers().size(), 8u);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 130, 0, 500}));
}

TEST_F(LedgerTest, AnIdThatFailedAgainstTheStateReturnsItsFirstFailureForever) {
  MakeWallet(100);
  ASSERT_EQ(Apply(Plain(10, 2, 3, 150)), TransferResult::kExceedsCredits);
  ASSERT_EQ(Apply(Plain(11, 1, 2, 100)), TransferResult::kOk);  // now 150 would fit
  EXPECT_EQ(Apply(Plain(10, 2, 3, 150)), TransferResult::kExceedsCredits);
  EXPECT_EQ(Apply(Plain(10, 2, 3, 10)), TransferResult::kExceedsCredits);  // any body
  EXPECT_EQ(Apply(Hold(10, 1, 3, 10)), TransferResult::kExceedsCredits);
  EXPECT_EQ(ledger_.FailedResult(TransferId(10)), TransferResult::kExceedsCredits);
  EXPECT_EQ(ledger_.FindTransfer(TransferId(10)), nullptr);
  EXPECT_EQ(ledger_.failed_count(), 1u);  // recorded once, not per retry

  ASSERT_EQ(Apply(Post(20, 21)), TransferResult::kPendingTransferNotFound);
  ASSERT_EQ(Apply(Hold(21, 2, 3, 10)), TransferResult::kOk);
  EXPECT_EQ(Apply(Post(20, 21)), TransferResult::kPendingTransferNotFound);
  EXPECT_EQ(StatusOf(21), PendingStatus::kOpen);
  // A body error still comes first: it is about the body, not the id.
  EXPECT_EQ(Apply(Plain(10, 2, 3, 0)), TransferResult::kAmountMustNotBeZero);
}

TEST_F(LedgerTest, AnIdRejectedForItsBodyCanBeRetriedWithACorrectedBody) {
  MakeWallet(100);
  ASSERT_EQ(Apply(Plain(10, 1, 3, 0)), TransferResult::kAmountMustNotBeZero);
  ASSERT_EQ(Apply(With(Plain(10, 1, 3, 5), [](Transfer& t) { t.code = 0; })),
            TransferResult::kCodeMustNotBeZero);
  EXPECT_EQ(ledger_.FailedResult(TransferId(10)), std::nullopt);
  EXPECT_EQ(Apply(Plain(10, 1, 3, 5)), TransferResult::kOk);
  EXPECT_EQ(BalancesOf(3), (Balances{0, 0, 0, 5}));
}

TEST_F(LedgerTest, AClosingHoldClosesItsAccountsUntilItIsVoided) {
  MakeWallet(100);
  ASSERT_EQ(Apply(With(Hold(10, 2, 3, 5), [](Transfer& t) { t.flags |= kClosingDebit; })),
            TransferResult::kOk);
  EXPECT_TRUE(IsClosed(2));
  EXPECT_FALSE(IsClosed(3));
  EXPECT_EQ(Apply(Plain(11, 2, 3, 1)), TransferResult::kDebitAccountAlreadyClosed);
  EXPECT_EQ(Apply(Plain(12, 1, 2, 1)), TransferResult::kCreditAccountAlreadyClosed);
  // The account's body is unchanged: re-creating it is a plain retry.
  EXPECT_EQ(
      ledger_.CreateAccounts(std::vector{MakeAccount(2, 1, kDebitsMustNotExceedCredits)}, now_),
      std::vector{AccountResult::kExists});
  ASSERT_EQ(Apply(Void(13, 10)), TransferResult::kOk);
  EXPECT_FALSE(IsClosed(2));
  EXPECT_EQ(Apply(Plain(14, 2, 3, 1)), TransferResult::kOk);
}

TEST_F(LedgerTest, AClosingHoldThatExpiresReopensItsAccounts) {
  MakeWallet(100);
  const Timestamp created = now_;
  ASSERT_EQ(Apply(With(Hold(10, 2, 3, 5, 1),
                       [](Transfer& t) { t.flags |= kClosingDebit | kClosingCredit; })),
            TransferResult::kOk);
  EXPECT_TRUE(IsClosed(2));
  EXPECT_TRUE(IsClosed(3));
  EXPECT_EQ(ledger_.ExpireDue(created + kNanosPerSecond), 1u);
  EXPECT_FALSE(IsClosed(2));
  EXPECT_FALSE(IsClosed(3));
}

TEST_F(LedgerTest, APostedClosingHoldLeavesItsAccountClosed) {
  MakeWallet(100);
  ASSERT_EQ(Apply(With(Hold(10, 2, 3, 5), [](Transfer& t) { t.flags |= kClosingCredit; })),
            TransferResult::kOk);
  ASSERT_EQ(Apply(Post(11, 10)), TransferResult::kOk);
  EXPECT_TRUE(IsClosed(3));
  EXPECT_FALSE(IsClosed(2));
  EXPECT_EQ(Apply(Plain(12, 1, 3, 1)), TransferResult::kCreditAccountAlreadyClosed);
}

TEST_F(LedgerTest, RollbackBatchRestoresTheStateHashExactly) {
  BuildWorld();
  const Hash256 before = ledger_.StateHash();
  const Timestamp last = ledger_.last_timestamp();
  ledger_.BeginBatch();
  ASSERT_EQ(ledger_.CreateAccounts(std::vector{MakeAccount(20, 1)}, now_)[0], AccountResult::kOk);
  now_ += 1000;
  EXPECT_EQ(Apply({Plain(900, 1, 20, 50), Hold(901, 2, 3, 5, 1), Post(902, 200, 40), Void(903, 206),
                   Plain(904, 2, 3, 5000)}),
            (std::vector{TransferResult::kOk, TransferResult::kOk, TransferResult::kOk,
                         TransferResult::kOk, TransferResult::kExceedsCredits}));
  now_ += 5 * kNanosPerSecond;
  EXPECT_EQ(ledger_.ExpireDue(now_), 1u);
  EXPECT_NE(ledger_.StateHash(), before);
  ledger_.RollbackBatch();
  EXPECT_EQ(ledger_.StateHash(), before);
  EXPECT_EQ(ledger_.last_timestamp(), last);
  EXPECT_EQ(ledger_.FindAccount(AccountId(20)), nullptr);
  EXPECT_EQ(ledger_.FailedResult(TransferId(904)), std::nullopt);
  EXPECT_EQ(StatusOf(200), PendingStatus::kOpen);
  EXPECT_TRUE(IsClosed(7));
  EXPECT_EQ(ledger_.CheckInvariants(), "");
  // The ledger goes on normally after a rollback.
  EXPECT_EQ(Apply(Post(902, 200, 40)), TransferResult::kOk);
}

TEST_F(LedgerTest, CommitBatchKeepsTheChanges) {
  MakeWallet(100);
  Ledger unbatched = ledger_;
  const std::vector<Transfer> batch = {Plain(10, 1, 3, 5), Hold(11, 2, 3, 50)};
  ledger_.BeginBatch();
  EXPECT_EQ(ledger_.CreateTransfers(batch, now_),
            (std::vector{TransferResult::kOk, TransferResult::kOk}));
  ledger_.CommitBatch();
  unbatched.CreateTransfers(batch, now_);
  EXPECT_EQ(ledger_.StateHash(), unbatched.StateHash());
  EXPECT_EQ(BalancesOf(2), (Balances{50, 0, 0, 100}));
  // The committed batch is not undone by a later rollback.
  ledger_.BeginBatch();
  ledger_.CreateTransfers(std::vector{Void(12, 11)}, now_ + 1000);
  ledger_.RollbackBatch();
  EXPECT_EQ(ledger_.StateHash(), unbatched.StateHash());
}

TEST_F(LedgerTest, TwoOpenBatchesRollBackTogetherOrCommitOldestFirst) {
  MakeWallet(100);
  const Hash256 start = ledger_.StateHash();
  ledger_.BeginBatch();
  ASSERT_EQ(Apply(Hold(10, 2, 3, 40)), TransferResult::kOk);
  const uint32_t second_first = static_cast<uint32_t>(ledger_.transfers().size());
  ledger_.BeginBatch();
  ASSERT_EQ(Apply(Post(11, 10)), TransferResult::kOk);
  EXPECT_EQ(ledger_.open_batches(), 2u);
  const BatchChanges changes = ledger_.Changes();  // the newest batch's
  EXPECT_EQ(changes.first_new_transfer, second_first);
  EXPECT_EQ(changes.resolved_pending, std::vector<uint32_t>{second_first - 1});
  ledger_.RollbackBatch();  // both
  EXPECT_EQ(ledger_.open_batches(), 0u);
  EXPECT_EQ(ledger_.StateHash(), start);

  ledger_.BeginBatch();
  ASSERT_EQ(Apply(Hold(10, 2, 3, 40)), TransferResult::kOk);
  const Hash256 after_first = ledger_.StateHash();
  ledger_.BeginBatch();
  ASSERT_EQ(Apply(Post(11, 10)), TransferResult::kOk);
  ledger_.CommitBatch();  // the oldest is durable
  EXPECT_EQ(ledger_.open_batches(), 1u);
  ledger_.RollbackBatch();  // the newest is not
  EXPECT_EQ(ledger_.StateHash(), after_first);
  EXPECT_EQ(StatusOf(10), PendingStatus::kOpen);
  EXPECT_EQ(BalancesOf(2), (Balances{40, 0, 0, 100}));
}

TEST_F(LedgerTest, RollbackBatchKeepsAnIdThatFailedBeforeTheBatchFailed) {
  MakeWallet(100);
  ASSERT_EQ(Apply(Plain(10, 2, 3, 150)), TransferResult::kExceedsCredits);
  const Hash256 before = ledger_.StateHash();
  ledger_.BeginBatch();
  EXPECT_EQ(Apply(Plain(10, 2, 3, 150)), TransferResult::kExceedsCredits);
  ledger_.RollbackBatch();
  EXPECT_EQ(ledger_.StateHash(), before);
  EXPECT_EQ(ledger_.FailedResult(TransferId(10)), TransferResult::kExceedsCredits);
  ASSERT_EQ(Apply(Plain(11, 1, 2, 100)), TransferResult::kOk);
  EXPECT_EQ(Apply(Plain(10, 2, 3, 150)), TransferResult::kExceedsCredits);
}

TEST_F(LedgerTest, AHoldRolledBackAndCreatedAgainExpiresOnlyAtItsOwnDeadline) {
  MakeWallet(100);
  // A batch that is rolled back (its storage commit failed)...
  const Timestamp t0 = now_;
  ledger_.BeginBatch();
  ASSERT_EQ(Apply(Hold(10, 2, 3, 50, /*timeout=*/1)), TransferResult::kOk);
  ledger_.RollbackBatch();
  // ...and a chain that fails, both with a 1 s hold.
  ASSERT_EQ(
      Apply({Linked(Hold(20, 2, 3, 10, 1)), Plain(21, 99, 3, 1)}),
      (std::vector{TransferResult::kLinkedEventFailed, TransferResult::kDebitAccountNotFound}));
  // The ids are free again; the client retries them with other deadlines.
  ASSERT_EQ(Apply(Hold(10, 2, 3, 50)), TransferResult::kOk);
  ASSERT_EQ(Apply(Hold(20, 2, 3, 10, 10)), TransferResult::kOk);
  EXPECT_EQ(ledger_.NextExpiry(), ledger_.FindTransfer(TransferId(20))->expires_at);
  EXPECT_EQ(ledger_.ExpireDue(t0 + 2 * kNanosPerSecond), 0u);
  EXPECT_EQ(StatusOf(10), PendingStatus::kOpen);
  EXPECT_EQ(StatusOf(20), PendingStatus::kOpen);
  EXPECT_EQ(BalancesOf(2), (Balances{60, 0, 0, 100}));
}

TEST_F(LedgerTest, NextExpiryInsideABatchLosesNoDeadlineOnRollback) {
  MakeWallet(100);
  const Timestamp created = now_;
  ASSERT_EQ(Apply(Hold(10, 2, 3, 50, /*timeout=*/1)), TransferResult::kOk);
  ledger_.BeginBatch();
  ASSERT_EQ(Apply(Void(11, 10)), TransferResult::kOk);
  EXPECT_EQ(ledger_.NextExpiry(), std::nullopt);
  ledger_.RollbackBatch();
  EXPECT_EQ(ledger_.NextExpiry(), created + kNanosPerSecond);
  EXPECT_EQ(ledger_.ExpireDue(created + kNanosPerSecond), 1u);
  EXPECT_EQ(StatusOf(10), PendingStatus::kExpired);
  EXPECT_EQ(BalancesOf(2), (Balances{0, 0, 0, 100}));
}

TEST_F(LedgerTest, ChangesListsTouchedAccountsNewTransfersAndResolvedHolds) {
  MakeWallet(100);
  CreateAccounts({MakeAccount(5, 1)});
  const Timestamp created = now_;
  ASSERT_EQ(Apply({Hold(10, 2, 3, 10), Hold(11, 2, 3, 10, 1), Hold(12, 1, 5, 1)}),
            (std::vector{TransferResult::kOk, TransferResult::kOk, TransferResult::kOk}));
  const uint32_t first_new = static_cast<uint32_t>(ledger_.transfers().size());
  auto account_index = [&](uint64_t id) {
    return static_cast<uint32_t>(ledger_.FindAccount(AccountId(id)) - ledger_.accounts().data());
  };
  auto transfer_index = [&](uint64_t id) {
    const auto& transfers = ledger_.transfers();
    for (uint32_t i = 0; i < transfers.size(); ++i) {
      if (transfers[i].transfer.id == TransferId(id)) return i;
    }
    ADD_FAILURE() << "no transfer " << id;
    return uint32_t{0};
  };

  ledger_.BeginBatch();
  EXPECT_EQ(ledger_.Changes().accounts, std::vector<uint32_t>{});
  ASSERT_EQ(ledger_.CreateAccounts(std::vector{MakeAccount(6, 1)}, now_)[0], AccountResult::kOk);
  now_ = created + 1 + kNanosPerSecond;  // hold 11 (the call's 2nd event) is due
  ASSERT_EQ(Apply({Post(20, 10, 4), Plain(21, 1, 6, 7), Plain(22, 99, 6, 1)}),
            (std::vector{TransferResult::kOk, TransferResult::kOk,
                         TransferResult::kDebitAccountNotFound}));
  const BatchChanges changes = ledger_.Changes();
  ledger_.CommitBatch();

  // 1, 2, 3 (hold 11 expired, hold 10 posted), 6 (created, credited); not 4 or 5.
  const std::set<uint32_t> accounts(changes.accounts.begin(), changes.accounts.end());
  EXPECT_EQ(accounts.size(), changes.accounts.size()) << "an account listed twice";
  EXPECT_EQ(accounts,
            (std::set{account_index(1), account_index(2), account_index(3), account_index(6)}));
  EXPECT_EQ(changes.first_new_transfer, first_new);
  EXPECT_EQ(ledger_.transfers().size(), first_new + 2u);  // 20 and 21
  const std::set<uint32_t> resolved(changes.resolved_pending.begin(),
                                    changes.resolved_pending.end());
  EXPECT_EQ(resolved, (std::set{transfer_index(10), transfer_index(11)}));
  EXPECT_EQ(StatusOf(11), PendingStatus::kExpired);
  EXPECT_EQ(StatusOf(12), PendingStatus::kOpen);
}

TEST_F(LedgerTest, EncodeThenDecodeGivesTheSameStateHash) {
  BuildWorld();
  ASSERT_EQ(Apply({Hold(900, 2, 3, 5, 10), Plain(901, 2, 3, 5000)}),
            (std::vector{TransferResult::kOk, TransferResult::kExceedsCredits}));
  std::vector<uint8_t> bytes;
  ledger_.Encode(&bytes);
  Ledger decoded;
  ASSERT_TRUE(Ledger::Decode(bytes, &decoded));
  EXPECT_EQ(decoded.StateHash(), ledger_.StateHash());
  EXPECT_EQ(decoded.CheckInvariants(), "");
  EXPECT_EQ(decoded.FailedResult(TransferId(901)), TransferResult::kExceedsCredits);
  EXPECT_EQ(decoded.NextExpiry(), ledger_.NextExpiry());
  // Both go on the same way, expiry included.
  const std::vector<Transfer> next = {Plain(901, 2, 3, 1), Post(902, 200), Post(903, 900)};
  const Timestamp later = now_ + 20 * kNanosPerSecond;
  EXPECT_EQ(decoded.CreateTransfers(next, later), ledger_.CreateTransfers(next, later));
  EXPECT_EQ(decoded.StateHash(), ledger_.StateHash());
  EXPECT_EQ(decoded.FindTransfer(TransferId(900))->status, PendingStatus::kExpired);
}

TEST_F(LedgerTest, DecodeRefusesTruncatedOrPaddedBytes) {
  BuildWorld();
  std::vector<uint8_t> bytes;
  ledger_.Encode(&bytes);
  Ledger target;
  const Hash256 empty = target.StateHash();
  for (size_t n = 0; n < bytes.size(); ++n) {
    ASSERT_FALSE(Ledger::Decode({bytes.data(), n}, &target)) << "accepted " << n << " bytes";
  }
  EXPECT_EQ(target.StateHash(), empty);  // a refused decode leaves the target alone
  bytes.push_back(0);
  EXPECT_FALSE(Ledger::Decode(bytes, &target));
  bytes.pop_back();
  bytes[0] ^= 1;  // the magic
  EXPECT_FALSE(Ledger::Decode(bytes, &target));
}

// §9 F8: N holds of a against a balance B grant exactly floor(B / a).
TEST_F(LedgerTest, TwentyHoldsOf75AgainstABalanceOf500GrantExactlySix) {
  MakeWallet(500);
  std::vector<Transfer> holds;
  for (uint64_t i = 0; i < 20; ++i) holds.push_back(Hold(100 + i, 2, 3, 75));
  const std::vector<TransferResult> results = Apply(holds);
  int granted = 0;
  for (TransferResult r : results) {
    if (r == TransferResult::kOk) {
      ++granted;
    } else {
      EXPECT_EQ(r, TransferResult::kExceedsCredits);
    }
  }
  EXPECT_EQ(granted, 6);
  EXPECT_EQ(BalancesOf(2), (Balances{450, 0, 0, 500}));
  EXPECT_EQ(ledger_.CheckInvariants(), "");
}

TEST_F(LedgerTest, TwentyHoldsOf75InSeparateCallsAlsoGrantExactlySix) {
  MakeWallet(500);
  int granted = 0;
  for (uint64_t i = 0; i < 20; ++i) {
    granted += Apply(Hold(100 + i, 2, 3, 75)) == TransferResult::kOk;
  }
  EXPECT_EQ(granted, 6);
}

}  // namespace
}  // namespace bg::ledger
