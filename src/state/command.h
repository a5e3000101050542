// Commands: everything that changes baygrid's state is a Command, applied by
// the engine's one writer and journaled. A command carries the logical
// timestamp the writer stamped on it, so applying it is a pure function of
// (state, command) and replay rebuilds the same state bit for bit.
//
// Results are not journaled; replay recomputes them.
//
// A kind is an alternative of CommandBody. What the journal knows of it
// (its tag, name, wire form and event count) is its row of the command
// table in command.cc, and what it does is its State::Apply overload
// (state.h); a kind without either does not compile. docs/design.md, "How
// to add a command".
#pragma once

#include <array>
#include <variant>
#include <vector>

#include "access/tokens.h"
#include "common/clock.h"
#include "facility/bookings.h"
#include "facility/registry.h"
#include "facility/rounds.h"
#include "fraud/cases.h"
#include "ledger/ledger.h"
#include "metering/metering.h"
#include "network/network.h"
#include "programme/book.h"
#include "programme/lifecycle.h"
#include "programme/participants.h"
#include "programme/registry.h"
#include "programme/rules.h"
#include "scheduler/job.h"
#include "settlement/settlement.h"

namespace bg {
class Writer;
class Reader;
}  // namespace bg

namespace bg::state {

struct CreateAccounts {
  std::vector<ledger::Account> accounts;
  friend bool operator==(const CreateAccounts&, const CreateAccounts&) = default;
};

struct CreateTransfers {
  std::vector<ledger::Transfer> transfers;
  friend bool operator==(const CreateTransfers&, const CreateTransfers&) = default;
};

// Moves the logical clock: what time makes due happens even when no other
// command arrives (State::Apply): holds past their deadline are released,
// then running jobs whose walltime and grace period (scheduler::
// kFinishGraceS) have passed are finished, earliest end first, at most
// kMaxFinishesPerTick, then vouchers past their validity expire, at most
// kMaxExpiriesPerTick, then bookings, then jobs ended more than
// scheduler::kRetainEndedS ago leave the state for the store's archive, at
// most kMaxRetiresPerTick. The writer journals one while idle when anything is
// due, and before any command at whose time anything is due, so every
// command sees time's work done first, on replay too.
//
// `holds_only`: a Tick of a journal written before ticks finished jobs and
// expired vouchers (it releases holds and nothing else, as it did then).
// `retires` false: a Tick of a journal written before ticks retired jobs
// (it retires none, as then), so that an old journal replays as it ran;
// `retires_lines` false: one written before charge lines left memory
// (settlement::Settlement::RetireLines); `retires_claims` false: one
// written before the claims of retired jobs left memory with them
// (programme::Book::RetireClaim).
struct Tick {
  bool holds_only = false;
  bool retires = true;
  bool retires_lines = true;
  bool retires_claims = true;
  friend bool operator==(const Tick&, const Tick&) = default;
};
inline constexpr size_t kMaxFinishesPerTick = 64;
inline constexpr size_t kMaxExpiriesPerTick = 1024;
// Facility bookings past their no-show grace or their end (facility/
// bookings.h), at most this many per Tick; a use checked out by the clock
// is charged in a facility fee's timestamps.
inline constexpr size_t kMaxBookingsPerTick = 64;
// Jobs retired into the archive per Tick (scheduler::kRetainEndedS); they
// take no timestamps.
inline constexpr size_t kMaxRetiresPerTick = 4096;
inline constexpr size_t kFacilityFeeEvents = programme::kRedeemEvents + programme::kSettleEvents;
// Logical timestamps a Tick may use: a finish's each, then a sweep's each,
// then a booking's each.
inline constexpr size_t kTickEvents = kMaxFinishesPerTick * scheduler::kSettleEvents +
                                      kMaxExpiriesPerTick +
                                      kMaxBookingsPerTick * kFacilityFeeEvents;

// Participants and programmes (programme/registry.h).
struct RegisterJurisdiction {
  programme::Jurisdiction jurisdiction;
  friend bool operator==(const RegisterJurisdiction&, const RegisterJurisdiction&) = default;
};
struct RegisterEnterprise {
  programme::Enterprise enterprise;
  friend bool operator==(const RegisterEnterprise&, const RegisterEnterprise&) = default;
};
struct RegisterProvider {
  programme::Provider provider;
  friend bool operator==(const RegisterProvider&, const RegisterProvider&) = default;
};
struct CreateProgramme {
  programme::ProgrammeRules rules;
  friend bool operator==(const CreateProgramme&, const CreateProgramme&) = default;
};

// Applications, vouchers, claims and controls (programme/book.h): the book
// applies them, with the ledger transfers they imply.
using programme::AmendProgramme;
using programme::ChangeProgramme;
using programme::Clawback;
using programme::ExpireVouchers;
using programme::FileApplication;
using programme::Redeem;
using programme::ReviewApplication;
using programme::ReviewApplications;
using programme::RevokeVoucher;
using programme::SetBlacklist;
using programme::SettleClaim;

// The compute network (network/network.h).
struct RegisterSite {
  network::Site site;
  friend bool operator==(const RegisterSite&, const RegisterSite&) = default;
};
struct RegisterPool {
  network::Pool pool;
  friend bool operator==(const RegisterPool&, const RegisterPool&) = default;
};
struct SetLink {
  network::Link link;
  friend bool operator==(const SetLink&, const SetLink&) = default;
};
// A provider changes the cards it offers to the network.
struct SetPoolOffered {
  PoolId pool{};
  uint32_t cards = 0;
  friend bool operator==(const SetPoolOffered&, const SetPoolOffered&) = default;
};

// A provider changes a pool's prices per tier (fen per card-hour).
struct SetPoolPrices {
  PoolId pool{};
  std::array<Money, network::kTiers> price{};
  friend bool operator==(const SetPoolPrices&, const SetPoolPrices&) = default;
};

// Jobs (scheduler/job.h).
using scheduler::CancelJob;
using scheduler::ExtendJob;
using scheduler::FinishJob;
using scheduler::Schedule;
using scheduler::SubmitJob;

// Metering and settlement (metering/metering.h, settlement/settlement.h).
using access::CreateApiToken;
using access::RevokeApiToken;
using access::RotateApiToken;
using facility::BookFacility;
using facility::CloseRound;
using facility::OpenCall;
using facility::RecordTraining;
using facility::RegisterFacility;
using facility::RegisterReviewer;
using facility::ReportOutputs;
using facility::ReviewProposal;
using facility::SubmitProposal;
using facility::UseFacility;
using fraud::CloseAuditCase;
using fraud::ScanForFraud;
using metering::RegisterProviderKey;
using metering::SubmitUsage;
using settlement::ApproveStatement;
using settlement::CloseStatement;
using settlement::PayStatement;

using CommandBody =
    std::variant<CreateAccounts, CreateTransfers, Tick, RegisterJurisdiction, RegisterEnterprise,
                 RegisterProvider, CreateProgramme, FileApplication, ReviewApplication, Redeem,
                 SettleClaim, ExpireVouchers, RevokeVoucher, Clawback, SetBlacklist, RegisterSite,
                 RegisterPool, SetLink, SetPoolOffered, SubmitJob, Schedule, FinishJob, CancelJob,
                 RegisterProviderKey, SubmitUsage, CloseStatement, ScanForFraud, CloseAuditCase,
                 ExtendJob, CreateApiToken, RevokeApiToken, SetPoolPrices, ApproveStatement,
                 PayStatement, ReviewApplications, RotateApiToken, AmendProgramme, ChangeProgramme,
                 RegisterFacility, BookFacility, UseFacility, OpenCall, SubmitProposal,
                 ReviewProposal, RegisterReviewer, CloseRound, ReportOutputs, RecordTraining>;

struct Command {
  Timestamp ts = 0;  // stamped by the writer; events inside take ts, ts+1, ...
  CommandBody body;
};

struct AccountResults {
  std::vector<ledger::AccountResult> results;
};
struct TransferResults {
  std::vector<ledger::TransferResult> results;
};
struct TickResult {
  size_t expired = 0;           // holds released
  size_t finished = 0;          // jobs finished (walltime and grace passed)
  size_t expired_vouchers = 0;  // vouchers swept
  // Which (for notices): jobs finished, vouchers swept, in order.
  std::vector<OrderId> finished_ids = {};
  std::vector<VoucherId> swept_ids = {};
  size_t bookings_ended = 0;  // no-shows released, uses checked out at their end
  size_t retired = 0;         // jobs retired into the archive (kRetainEndedS)
};

struct RegistryResult {
  programme::RegistryResult result = programme::RegistryResult::kOk;
  std::string message = {};  // for a refusal: the record and the rule it broke
};

struct NetworkResult {
  network::NetworkResult result = network::NetworkResult::kOk;
};

struct TokenOutcome {
  access::TokenResult result = access::TokenResult::kOk;
};

struct KeyOutcome {
  metering::KeyResult result = metering::KeyResult::kOk;
  std::string message = {};
};

using CommandResult =
    std::variant<AccountResults, TransferResults, TickResult, RegistryResult, programme::Outcome,
                 NetworkResult, scheduler::JobOutcome, KeyOutcome, metering::UsageOutcome,
                 settlement::Outcome, fraud::Outcome, TokenOutcome, programme::BulkOutcome,
                 facility::BookingOutcome, facility::RoundOutcome>;

// How many logical timestamps the command uses (at least 1).
size_t EventCount(const CommandBody& body);

// The kind's name, snake_case ("create_accounts"), for messages and tests.
const char* CommandName(const CommandBody& body);

// Wire form inside a journal entry (docs/ledger.md, "Journal format"):
// [u64 ts][u8 tag][the kind's body]. DecodeCommand is false for a tag no
// kind reads, or a body that does not decode.
void EncodeCommand(Writer& w, const Command& command);
bool DecodeCommand(Reader& r, Command* command);

}  // namespace bg::state
