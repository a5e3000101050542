#include "engine/journal.h"

#include <cstddef>

#include <gtest/gtest.h>

#include "common/codec.h"

namespace bg::engine {

using state::CommandBody;
using state::SubmitUsage;
using state::Tick;
using state::RegisterProviderKey;
using state::CreateTransfers;
using state::CloseStatement;
using state::ScanForFraud;
using state::CreateAccounts;
using state::Command;
using state::CloseAuditCase;
using state::SetPoolPrices;
using state::EncodeCommand;
using state::kTickEvents;
using state::FinishJob;
using state::ExtendJob;
using state::Redeem;
using state::FileApplication;
using state::ReviewApplication;
using state::SettleClaim;
using state::ExpireVouchers;
using state::RevokeVoucher;
using state::Clawback;
using state::SetBlacklist;
namespace {

std::vector<Command> SomeCommands() {
  ledger::Transfer t{.id = TransferId(9),
                     .debit_account_id = AccountId(1),
                     .credit_account_id = AccountId(2),
                     .amount = 500,
                     .ledger = LedgerId(1),
                     .code = 1};
  ledger::Account a{.id = AccountId(1), .ledger = LedgerId(1), .code = 3, .owner = 77};
  return {Command{100, CreateAccounts{{a}}}, Command{101, CreateTransfers{{t, t}}},
          Command{103, Tick{}}};
}

TEST(JournalTest, PayloadRoundTripsEveryCommandKind) {
  std::vector<Command> commands = SomeCommands();
  storage::JournalEntry entry = MakeEntry(1, Hash256{}, commands);
  EXPECT_EQ(entry.first_ts, 100u);
  EXPECT_EQ(entry.last_ts, 103u + kTickEvents - 1);  // a Tick's timestamps are its work's
  Result<std::vector<Command>> decoded = DecodePayload(entry.payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->size(), 3u);
  EXPECT_EQ(std::get<CreateAccounts>((*decoded)[0].body).accounts[0].owner, 77u);
  EXPECT_EQ(std::get<CreateTransfers>((*decoded)[1].body).transfers[1],
            std::get<CreateTransfers>(commands[1].body).transfers[1]);
  EXPECT_EQ((*decoded)[2].ts, 103u);
  EXPECT_TRUE(std::holds_alternative<Tick>((*decoded)[2].body));
}

// Every programme-book command comes back from the journal as it went in.
TEST(JournalTest, BookCommandsRoundTrip) {
  const std::vector<CommandBody> bodies = {
      FileApplication{.id = ApplicationId(7),
                      .programme = ProgrammeId(1),
                      .enterprise = EnterpriseId(2),
                      .amount = Money::Fen(60'000'000),
                      .actor = "applicant",
                      .note = "训练 ResNet"},
      ReviewApplication{.id = ApplicationId(7),
                        .step = programme::Step::kApprove,
                        .actor = "reviewer",
                        .reason = "ok",
                        .amount = Money::Fen(50'000'000)},
      Redeem{.id = ClaimId(3),
             .order = OrderId(4),
             .enterprise = EnterpriseId(2),
             .provider = ProviderId(5),
             .currency_ledger = 2,
             .amount = Money::Fen(12'345),
             .resource = programme::ResourceClass::kDomesticAccelerator,
             .purpose = programme::Purpose::kFineTuning},
      SettleClaim{.id = ClaimId(3), .capture = false},
      ExpireVouchers{.limit = 17},
      RevokeVoucher{.id = VoucherId(7), .actor = "ops", .reason = "fraud"},
      Clawback{.claim = ClaimId(3), .actor = "auditor", .reason = "double claim"},
      SetBlacklist{.enterprise = EnterpriseId(2), .listed = true, .actor = "ops", .reason = "x"},
      RegisterProviderKey{ProviderId(5), metering::KeyPairFromNumber(5).public_key},
      SubmitUsage{.records = {metering::UsageRecord{.id = 1,
                                                    .provider = ProviderId(5),
                                                    .order = OrderId(4),
                                                    .start_s = 10,
                                                    .end_s = 70,
                                                    .cards = 2,
                                                    .signature = {1, 2, 3}},
                              metering::UsageRecord{.id = 2}},
                  .checked = {1, 0}},
      CloseStatement{.programme = ProgrammeId(1),
                     .period = {settlement::PeriodKind::kQuarter, 2025, 4},
                     .actor = "ops"},
      FinishJob{.id = OrderId(4)},
      ScanForFraud{},
      CloseAuditCase{.id = 3, .actor = "auditor", .resolution = "refunded"},
      ExtendJob{.id = OrderId(4), .extra_s = 600},
      SetPoolPrices{PoolId(2), {Money::Fen(650), Money::Fen(1014), Money::Fen(1625)}},
  };
  std::vector<Command> commands;
  for (size_t i = 0; i < bodies.size(); ++i) commands.push_back(Command{200 + i, bodies[i]});
  Result<std::vector<Command>> decoded = DecodePayload(MakeEntry(1, Hash256{}, commands).payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->size(), bodies.size());
  for (size_t i = 0; i < bodies.size(); ++i) {
    // Same kind, and the same bytes again: no field was dropped or changed.
    EXPECT_EQ((*decoded)[i].body.index(), bodies[i].index()) << "command " << i;
    std::vector<uint8_t> again, original;
    Writer wa(&again), wo(&original);
    EncodeCommand(wa, (*decoded)[i]);
    EncodeCommand(wo, commands[i]);
    EXPECT_EQ(again, original) << "command " << i;
  }
  EXPECT_EQ(std::get<Redeem>((*decoded)[2].body), std::get<Redeem>(bodies[2]));
  EXPECT_EQ(std::get<FileApplication>((*decoded)[0].body).note, "训练 ResNet");
  EXPECT_EQ(std::get<SubmitUsage>((*decoded)[9].body), std::get<SubmitUsage>(bodies[9]));
  EXPECT_EQ(std::get<CloseStatement>((*decoded)[10].body), std::get<CloseStatement>(bodies[10]));
  EXPECT_EQ(std::get<CloseAuditCase>((*decoded)[13].body), std::get<CloseAuditCase>(bodies[13]));
  EXPECT_EQ(std::get<ExtendJob>((*decoded)[14].body), std::get<ExtendJob>(bodies[14]));
}

TEST(JournalTest, ChainVerifiesAndAnyFlippedByteIsDetected) {
  storage::JournalEntry first = MakeEntry(1, Hash256{}, SomeCommands());
  storage::JournalEntry second = MakeEntry(2, first.hash, SomeCommands());
  EXPECT_TRUE(VerifyEntry(first, 1, Hash256{}).ok());
  EXPECT_TRUE(VerifyEntry(second, 2, first.hash).ok());
  EXPECT_EQ(VerifyEntry(second, 3, first.hash).code(), StatusCode::kDataLoss);
  EXPECT_EQ(VerifyEntry(second, 2, Hash256{}).code(), StatusCode::kDataLoss);
  for (size_t i = 0; i < second.payload.size(); i += 7) {
    storage::JournalEntry tampered = second;
    tampered.payload[i] ^= 0x01;
    EXPECT_EQ(VerifyEntry(tampered, 2, first.hash).code(), StatusCode::kDataLoss) << "byte " << i;
  }
}

TEST(JournalTest, TruncatedPayloadIsDataLossNotACrash) {
  storage::JournalEntry entry = MakeEntry(1, Hash256{}, SomeCommands());
  for (size_t n = 0; n < entry.payload.size(); n += 5) {
    std::vector<uint8_t> cut(entry.payload.begin(),
                             entry.payload.begin() + static_cast<std::ptrdiff_t>(n));
    EXPECT_EQ(DecodePayload(cut).status().code(), StatusCode::kDataLoss);
  }
}

}  // namespace
}  // namespace bg::engine
