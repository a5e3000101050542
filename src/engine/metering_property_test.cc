// Property tests of metering and settlement through the whole state: usage
// sliced at random, shuffled and repeated charges exactly what one record
// for the whole interval charges; voucher + co-pay = charge at every step;
// and for every period, the statements, the ledger's movements and the
// charge lines agree to the fen, before and after closing.
#include <algorithm>
#include <random>

#include <gtest/gtest.h>

#include "programme/reconcile.h"
#include "state/state.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::engine {

using state::ApproveStatement;
using state::CloseStatement;
using state::Command;
using state::CommandBody;
using state::CommandResult;
using state::EventCount;
using state::PayStatement;
using state::RegisterProviderKey;
using state::State;
using state::SubmitUsage;
namespace {

constexpr uint64_t kDay = 86'400;
const ProgrammeId kZhuhai(2);  // Zhuhai 算力券 in gba.toml, 免申即享 50%
const PoolId kHengqin(11);

class World {
 public:
  World() {
    auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
    BG_CHECK(scenario.ok()) << scenario.status();
    scenario_ = std::move(*scenario);
    ts_ = Time(2025, 6, 2);
    for (CommandBody& body : world::ToCommands(scenario_)) {
      BG_CHECK(!world::Refusal(Do(std::move(body))).has_value());
    }
    for (const auto& p : scenario_.providers) {
      if (p.name == "Hengqin Advanced Computing Platform") hengqin_ = p.id;
    }
    for (const auto& e : scenario_.enterprises) {
      if (e.name == "Xiangzhou Robotics") robotics_ = e.id;
    }
    Do(RegisterProviderKey{hengqin_, metering::KeyPairFromNumber(hengqin_.value()).public_key});
  }

  static Timestamp Time(int y, unsigned m, unsigned d) {
    namespace c = std::chrono;
    const c::sys_days day{c::year{y} / c::month{m} / c::day{d}};
    return static_cast<Timestamp>(day.time_since_epoch().count()) * kDay * kNanosPerSecond;
  }

  CommandResult Do(CommandBody body) {
    const size_t events = EventCount(body);
    // As the engine stamps: a command's events stay inside one second.
    if (ts_ / kNanosPerSecond != (ts_ + events - 1) / kNanosPerSecond) {
      ts_ = (ts_ / kNanosPerSecond + 1) * kNanosPerSecond;
    }
    CommandResult r = state_.Apply(Command{ts_, std::move(body)});
    ts_ += events;
    return r;
  }
  void Advance(uint64_t seconds) { ts_ += seconds * kNanosPerSecond; }

  // Places a job on the Hengqin pool; returns its start in whole seconds.
  uint64_t Place(OrderId id, uint32_t cards, uint32_t walltime_s) {
    scheduler::SubmitJob c{.request = {.id = id,
                                       .enterprise = robotics_,
                                       .accelerator = "A800",
                                       .cards = cards,
                                       .walltime_s = walltime_s},
                           .pool = kHengqin};
    const auto out = std::get<scheduler::JobOutcome>(Do(c));
    BG_CHECK(out.code == scheduler::Code::kOk) << out.message;
    return state_.scheduler().FindJob(id)->start_at / kNanosPerSecond;
  }

  metering::UsageResult Usage(uint64_t rid, OrderId order, uint64_t from, uint64_t to,
                              uint32_t cards) {
    metering::UsageRecord r{.id = rid,
                            .provider = hengqin_,
                            .order = order,
                            .start_s = from,
                            .end_s = to,
                            .cards = cards};
    metering::SignRecord(&r, metering::KeyPairFromNumber(hengqin_.value()).secret_key);
    auto out = std::get<metering::UsageOutcome>(Do(SubmitUsage{.records = {r}}));
    return out.results.at(0);
  }

  // Records of one order, signed as one batch with `seed`'s key.
  metering::UsageOutcome Batch(std::vector<metering::UsageRecord> records, uint64_t seed) {
    for (auto& r : records) r.provider = r.provider.is_zero() ? hengqin_ : r.provider;
    SubmitUsage c{.records = std::move(records)};
    c.batch_signature =
        metering::SignBatch(c.records, metering::KeyPairFromNumber(seed).secret_key);
    return std::get<metering::UsageOutcome>(Do(std::move(c)));
  }
  ProviderId hengqin() const { return hengqin_; }

  const State& state() const { return state_; }
  // A Tick now, as the engine journals one; the charge lines it retires
  // are kept where the state reads them back (the store's archive).
  void TickAndArchive() {
    Do(state::Tick{});
    for (settlement::NumberedLine& l : state_.TakeRetired().lines) {
      archive_.lines.push_back(std::move(l));
    }
    state_.set_line_archive(&archive_);
  }
  Timestamp now() const { return ts_; }

 private:
  world::World scenario_;
  State state_;
  // The lines that left the state, as an archive holds them.
  class Archive final : public settlement::LineArchive {
   public:
    std::vector<settlement::NumberedLine> lines;
    Status Read(uint64_t from_seq, uint64_t to_seq,
                const std::function<void(const settlement::ChargeLine&)>& fn) const override {
      for (const settlement::NumberedLine& l : lines) {
        if (l.seq >= from_seq && l.seq < to_seq) fn(l.line);
      }
      return Status::Ok();
    }
  } archive_;
  Timestamp ts_ = 0;
  ProviderId hengqin_;
  EnterpriseId robotics_;
};

// What the job was charged, in every part.
struct Charged {
  Money charge, voucher, copay;
  friend bool operator==(const Charged&, const Charged&) = default;
};
Charged Of(const State& s, OrderId id) {
  const scheduler::Job& j = *s.scheduler().FindJob(id);
  return {j.charged, j.voucher_charged, j.copay_charged};
}

TEST(MeteringPropertyTest, SlicedShuffledRepeatedUsageChargesAsOneRecord) {
  for (uint64_t seed = 0; seed < 40; ++seed) {
    std::mt19937_64 rng(seed);
    World sliced, whole;
    const auto cards = static_cast<uint32_t>(1 + rng() % 8);
    const auto walltime = static_cast<uint32_t>(600 + rng() % 20'000);
    const uint64_t start = sliced.Place(OrderId(1), cards, walltime);
    ASSERT_EQ(whole.Place(OrderId(1), cards, walltime), start);
    // Usage is reported after it happened.
    sliced.Advance(walltime + 60);
    whole.Advance(walltime + 60);
    // The job uses all its cards for a random part of its walltime.
    const uint64_t used = 1 + rng() % walltime;
    std::vector<uint64_t> cuts = {0, used};
    for (int i = 0; i < 1 + static_cast<int>(rng() % 12); ++i) cuts.push_back(rng() % used);
    std::sort(cuts.begin(), cuts.end());
    cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
    std::vector<std::pair<uint64_t, uint64_t>> slices;
    for (size_t i = 0; i + 1 < cuts.size(); ++i) slices.push_back({cuts[i], cuts[i + 1]});
    std::vector<size_t> order(slices.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t i = 0; i < slices.size() / 2; ++i) order.push_back(rng() % slices.size());
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<bool> seen(slices.size(), false);
    for (size_t i : order) {
      const auto r = sliced.Usage(100 + i, OrderId(1), start + slices[i].first,
                                  start + slices[i].second, cards);
      EXPECT_EQ(r, seen[i] ? metering::UsageResult::kExists : metering::UsageResult::kOk)
          << "seed " << seed;
      seen[i] = true;
      const Charged c = Of(sliced.state(), OrderId(1));
      EXPECT_EQ(c.voucher.fen() + c.copay.fen(), c.charge.fen()) << "seed " << seed;
    }
    ASSERT_EQ(whole.Usage(1, OrderId(1), start, start + used, cards), metering::UsageResult::kOk);
    EXPECT_EQ(Of(sliced.state(), OrderId(1)), Of(whole.state(), OrderId(1))) << "seed " << seed;
    // The lines add up to the charge, voucher and co-pay alike.
    Money lines_charge, lines_subsidy, lines_copay;
    for (const auto& l : sliced.state().settlement().lines()) {
      lines_charge = *lines_charge.Add(l.charge);
      lines_copay = *lines_copay.Add(l.copay);
      for (const auto& s : l.subsidy) lines_subsidy = *lines_subsidy.Add(s.amount);
    }
    const Charged c = Of(sliced.state(), OrderId(1));
    EXPECT_EQ(lines_charge, c.charge);
    EXPECT_EQ(lines_subsidy, c.voucher);
    EXPECT_EQ(lines_copay, c.copay);
    EXPECT_EQ(settlement::CheckStatements(sliced.state().settlement(), sliced.state().registry(),
                                          sliced.state().ledger()),
              "")
        << "seed " << seed;
  }
}

TEST(MeteringPropertyTest, ClosedPeriodsEqualTheLedgerAndTheLines) {
  for (uint64_t seed = 0; seed < 12; ++seed) {
    std::mt19937_64 rng(seed);
    World w;
    // Jobs started over about three months; each reports its usage in a few
    // records spread over the days after it started, across month ends.
    for (uint64_t job = 1; job <= 12; ++job) {
      const auto cards = static_cast<uint32_t>(1 + rng() % 4);
      const uint64_t start = w.Place(OrderId(job), cards, 36'000);
      w.Advance(4 * 3600);
      uint64_t at = 0;
      for (uint64_t rid = 0; rid < 4; ++rid) {
        const uint64_t length = 600 + rng() % 3000;
        ASSERT_EQ(w.Usage(job * 10 + rid, OrderId(job), start + at, start + at + length, cards),
                  metering::UsageResult::kOk);
        at += length;
        w.Advance(rng() % (3 * kDay));
      }
      w.Advance(rng() % (2 * kDay));
    }
    // Zhuhai settles quarterly (gba.toml).
    std::vector<settlement::Period> months = {{settlement::PeriodKind::kQuarter, 2025, 2},
                                              {settlement::PeriodKind::kQuarter, 2025, 3},
                                              {settlement::PeriodKind::kQuarter, 2025, 4}};
    w.Advance(200 * kDay);
    // Odd seeds: the lines of the quarters have left memory before the
    // close, which then works from their sums.
    if (seed % 2 == 1) {
      w.TickAndArchive();
      EXPECT_GT(w.state().settlement().first_seq(), 0u) << "seed " << seed;
    }
    Money paid;
    for (const auto& m : months) {
      auto out = std::get<settlement::Outcome>(
          w.Do(CloseStatement{.programme = kZhuhai, .period = m, .actor = "test"}));
      ASSERT_EQ(out.code, settlement::Code::kOk) << out.message;
      paid = *paid.Add(out.paid);
      for (const auto& st : w.state().settlement().Statements(kZhuhai, m, w.state().registry())) {
        Money lines;
        for (const auto& l : st.lines) lines = *lines.Add(l.subsidy);
        EXPECT_EQ(st.lines.size(), st.line_count);
        EXPECT_EQ(lines, st.subsidy);
        EXPECT_TRUE(st.closed);
      }
    }
    // Everything the programme's payable received is held for its payees,
    // and nothing is paid out before finance approves and pays.
    const AccountId payable_id = programme::PayableAccount(kZhuhai);
    const ledger::Account* payable = w.state().ledger().FindAccount(payable_id);
    ASSERT_NE(payable, nullptr);
    EXPECT_EQ(payable->credits_posted, paid.fen()) << "seed " << seed;
    EXPECT_EQ(payable->debits_pending, paid.fen()) << "seed " << seed;
    EXPECT_EQ(payable->debits_posted, 0) << "seed " << seed;
    EXPECT_EQ(settlement::CheckStatements(w.state().settlement(), w.state().registry(),
                                          w.state().ledger()),
              "")
        << "seed " << seed;
    for (const auto& m : months) {
      // Two people: the one who closed the period does not approve it.
      EXPECT_EQ(std::get<settlement::Outcome>(
                    w.Do(ApproveStatement{.programme = kZhuhai, .period = m, .actor = "test"}))
                    .code,
                settlement::Code::kSameActor);
      const auto approved = std::get<settlement::Outcome>(
          w.Do(ApproveStatement{.programme = kZhuhai, .period = m, .actor = "finance"}));
      ASSERT_TRUE(approved.ok()) << approved.message;
      for (const auto& st : w.state().settlement().Statements(kZhuhai, m, w.state().registry())) {
        EXPECT_EQ(st.status(), settlement::StatementStatus::kApproved);
        const auto out = std::get<settlement::Outcome>(
            w.Do(PayStatement{.programme = kZhuhai,
                              .period = m,
                              .payee = st.payee,
                              .bank_reference = "BOC-" + std::to_string(st.payee),
                              .paid_on = w.state().settlement().closed().at({kZhuhai, m}).at,
                              .actor = "cashier"}));
        ASSERT_EQ(out.code, settlement::Code::kOk) << out.message;
        EXPECT_EQ(out.paid, st.subsidy);
      }
    }
    // Now everything the payable received has been paid out.
    payable = w.state().ledger().FindAccount(payable_id);
    EXPECT_EQ(payable->debits_pending, 0) << "seed " << seed;
    EXPECT_EQ(payable->debits_posted, paid.fen()) << "seed " << seed;
    EXPECT_EQ(settlement::CheckStatements(w.state().settlement(), w.state().registry(),
                                          w.state().ledger()),
              "")
        << "seed " << seed;
    EXPECT_EQ(
        programme::CheckReconciled(w.state().book(), w.state().registry(), w.state().ledger()), "");
  }
}

// A batch signed once is accepted or refused as a whole; what it charges is
// what the same records charge one by one.
TEST(MeteringPropertyTest, SignedBatchesChargeAsRecordsAndFailAsAWhole) {
  World batched, single;
  const uint64_t start = batched.Place(OrderId(1), 2, 7200);
  ASSERT_EQ(single.Place(OrderId(1), 2, 7200), start);
  batched.Advance(7200);
  single.Advance(7200);
  std::vector<metering::UsageRecord> records;
  for (uint64_t k = 0; k < 10; ++k) {
    records.push_back({.id = k + 1,
                       .order = OrderId(1),
                       .start_s = start + k * 600,
                       .end_s = start + (k + 1) * 600,
                       .cards = 2});
  }
  const uint64_t key = batched.hengqin().value();
  // Signed with another key, tampered with, or mixing providers: all refused.
  for (const auto& r : batched.Batch(records, 99).results) {
    EXPECT_EQ(r, metering::UsageResult::kBadSignature);
  }
  {
    SubmitUsage c{.records = records};
    for (auto& r : c.records) r.provider = batched.hengqin();
    c.batch_signature = metering::SignBatch(c.records, metering::KeyPairFromNumber(key).secret_key);
    c.records[3].cards = 1;  // changed after signing
    const auto out = std::get<metering::UsageOutcome>(batched.Do(c));
    for (const auto& r : out.results) EXPECT_EQ(r, metering::UsageResult::kBadSignature);
  }
  {
    std::vector<metering::UsageRecord> mixed = records;
    mixed[5].provider = ProviderId(1);  // a provider with no key: unknown_key
    const auto out = batched.Batch(mixed, key);
    for (size_t i = 0; i < out.results.size(); ++i) {
      EXPECT_EQ(out.results[i],
                i == 5 ? metering::UsageResult::kUnknownKey : metering::UsageResult::kBadSignature);
    }
  }
  EXPECT_EQ(batched.state().scheduler().FindJob(OrderId(1))->charged, Money{});
  const auto out = batched.Batch(records, key);
  EXPECT_TRUE(out.ok());
  for (const auto& r : records) {
    ASSERT_EQ(single.Usage(r.id, OrderId(1), r.start_s, r.end_s, r.cards),
              metering::UsageResult::kOk);
  }
  EXPECT_EQ(Of(batched.state(), OrderId(1)), Of(single.state(), OrderId(1)));
  EXPECT_EQ(out.charged, Of(single.state(), OrderId(1)).charge);
  // The same batch again: every record answers as before, nothing charged.
  const auto again = batched.Batch(records, key);
  for (const auto& r : again.results) EXPECT_EQ(r, metering::UsageResult::kExists);
  EXPECT_EQ(again.charged, Money{});
}

}  // namespace
}  // namespace bg::engine
