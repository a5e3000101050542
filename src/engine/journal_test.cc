#include "engine/journal.h"

#include <cstddef>

#include <gtest/gtest.h>

#include "common/codec.h"
#include "state/command_test_examples.h"

namespace bg::engine {

using state::Command;
using state::CommandBody;
using state::CommandName;
using state::CreateAccounts;
using state::CreateTransfers;
using state::EventCount;
using state::Tick;
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

// One entry holding every kind of command comes back as it went in, each
// command in its own timestamps (the command table's own tests are
// state/command_test.cc).
TEST(JournalTest, PayloadRoundTripsEveryCommandKind) {
  std::vector<Command> commands;
  Timestamp ts = 100;
  for (CommandBody& body : state::examples::EveryKind()) {
    commands.push_back(Command{ts, std::move(body)});
    ts += EventCount(commands.back().body);
  }
  storage::JournalEntry entry = MakeEntry(1, Hash256{}, commands);
  EXPECT_EQ(entry.first_ts, 100u);
  EXPECT_EQ(entry.last_ts, ts - 1);  // the last command's last timestamp
  Result<std::vector<Command>> decoded = DecodePayload(entry.payload);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_EQ(decoded->size(), commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    EXPECT_EQ((*decoded)[i].ts, commands[i].ts) << CommandName(commands[i].body);
    EXPECT_TRUE((*decoded)[i].body == commands[i].body) << CommandName(commands[i].body);
  }
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
