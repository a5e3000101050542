#include "settlement/settlement.h"

#include <gtest/gtest.h>

#include "settlement/export.h"

namespace bg::settlement {
namespace {

constexpr Timestamp kSecond = kNanosPerSecond;

TEST(PeriodTest, ParsesMonthsAndQuartersAndNothingElse) {
  EXPECT_EQ(ParsePeriod("2025-03"), (Period{PeriodKind::kMonth, 2025, 3}));
  EXPECT_EQ(ParsePeriod("2025-Q4"), (Period{PeriodKind::kQuarter, 2025, 4}));
  for (const char* bad : {"", "2025", "2025-13", "2025-00", "2025-Q5", "2025-Q0", "25-03", "2025-3",
                          "2025/03", "2025-03-01", "abcd-03", "2025-Qx"}) {
    EXPECT_FALSE(ParsePeriod(bad).has_value()) << bad;
  }
  EXPECT_EQ(PeriodName(*ParsePeriod("2025-Q1")), "2025-Q1");
  EXPECT_EQ(PeriodName(*ParsePeriod("2025-11")), "2025-11");
}

TEST(PeriodTest, BoundsAreMidnightChinaStandardTime) {
  // 2025-03-01 00:00 +08:00 is 2025-02-28 16:00 UTC = 1740758400.
  EXPECT_EQ(PeriodStart({PeriodKind::kMonth, 2025, 3}), 1'740'758'400 * kSecond);
  // December ends where the next year's January starts.
  EXPECT_EQ(PeriodEnd({PeriodKind::kMonth, 2025, 12}), PeriodStart({PeriodKind::kMonth, 2026, 1}));
  EXPECT_EQ(PeriodEnd({PeriodKind::kQuarter, 2025, 4}), PeriodStart({PeriodKind::kMonth, 2026, 1}));
  EXPECT_EQ(PeriodStart({PeriodKind::kQuarter, 2025, 2}),
            PeriodStart({PeriodKind::kMonth, 2025, 4}));
  // The last nanosecond of a month is in it; the next is not.
  const Timestamp end = PeriodEnd({PeriodKind::kMonth, 2025, 3});
  EXPECT_EQ(PeriodOf(end - 1, PeriodKind::kMonth), (Period{PeriodKind::kMonth, 2025, 3}));
  EXPECT_EQ(PeriodOf(end, PeriodKind::kMonth), (Period{PeriodKind::kMonth, 2025, 4}));
  EXPECT_EQ(PeriodOf(end, PeriodKind::kQuarter), (Period{PeriodKind::kQuarter, 2025, 2}));
}

Statement OneStatement() {
  Statement st{.programme = ProgrammeId(7),
               .period = {PeriodKind::kMonth, 2025, 3},
               .payee_kind = PayeeKind::kProvider,
               .payee = 9};
  for (int i = 1; i <= 3; ++i) {
    ChargeLine l{.at = PeriodStart(st.period) + static_cast<Timestamp>(i) * kSecond,
                 .order = OrderId(static_cast<uint64_t>(i)),
                 .card_seconds = 3600,
                 .price = Money::Fen(650),
                 .charge = Money::Fen(650),
                 .copay = Money::Fen(325)};
    st.lines.push_back({l, Money::Fen(325)});
    ++st.line_count;
    st.subsidy = *st.subsidy.Add(Money::Fen(325));
  }
  return st;
}

TEST(FlowTest, StackedProgrammesCountEachCardSecondOnceAndEveryFen) {
  const JurisdictionId city(2), district(21), shaoguan(9);
  Settlement settlement;
  // One order paid by a district (50.00) and its city (20.00), 3601
  // card-seconds; another paid by the city alone, 1800 card-seconds.
  settlement.AddLine(ChargeLine{.at = 10 * kSecond,
                                .order = OrderId(1),
                                .city = shaoguan,
                                .card_seconds = 3601,
                                .charge = Money::Fen(10000),
                                .copay = Money::Fen(3000),
                                .subsidy = {{ProgrammeId(7), district, Money::Fen(5000)},
                                            {ProgrammeId(8), city, Money::Fen(2000)}}});
  settlement.AddLine(ChargeLine{.at = 20 * kSecond,
                                .order = OrderId(2),
                                .city = shaoguan,
                                .card_seconds = 1800,
                                .charge = Money::Fen(900),
                                .subsidy = {{ProgrammeId(8), city, Money::Fen(450)}}});
  const std::vector<Flow> flows = *settlement.Flows(0, 100 * kSecond);
  ASSERT_EQ(flows.size(), 2u);
  uint64_t seconds = 0;
  int64_t fen = 0;
  for (const Flow& f : flows) {
    seconds += f.card_seconds;
    fen += f.subsidy.fen();
  }
  EXPECT_EQ(seconds, 3601u + 1800u) << "each metered card-second once";
  EXPECT_EQ(fen, 5000 + 2000 + 450);
  const Flow& by_city = flows[0].issuer == city ? flows[0] : flows[1];
  EXPECT_EQ(by_city.card_seconds, 1029u + 1800u);  // 3601 * 2/7, rounded by largest remainder
  EXPECT_EQ(by_city.orders, 2u);
}

TEST(ExportTest, CsvHasAHeaderAndOneRowPerLineWhoseSubsidiesAddUp) {
  programme::Registry registry;  // no names: ids stand in
  const std::string csv = StatementsCsv({OneStatement()}, registry);
  size_t rows = 0;
  int64_t subsidy_fen = 0;
  size_t at = csv.find("\r\n") + 2;  // after the header
  while (at < csv.size()) {
    const size_t end = csv.find("\r\n", at);
    const std::string row = csv.substr(at, end - at);
    const size_t last = row.rfind(',');
    const size_t before = row.rfind(',', last - 1);
    const std::string yuan = row.substr(before + 1, last - before - 1);
    EXPECT_EQ(yuan, "3.25");
    subsidy_fen += 325;
    ++rows;
    at = end + 2;
  }
  EXPECT_EQ(rows, 3u);
  EXPECT_EQ(subsidy_fen, OneStatement().subsidy.fen());
  EXPECT_TRUE(csv.starts_with("programme,period,payee_kind,payee,"));
  EXPECT_NE(csv.find("7,2025-03,provider,9,no,open,2025-02-28T16:00:01Z,1,"), std::string::npos)
      << csv;
}

TEST(ExportTest, JsonCarriesFenAndYuanStrings) {
  programme::Registry registry;
  const std::string json = StatementsJson({OneStatement()}, registry);
  EXPECT_NE(json.find("\"fen\": 975"), std::string::npos) << json;
  EXPECT_NE(json.find("\"yuan\": \"9.75\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"period\": \"2025-03\""), std::string::npos);
}

TEST(ExportTest, FlowsCsvNamesBothEnds) {
  programme::Registry registry;
  const std::string csv =
      FlowsCsv({Flow{JurisdictionId(3), JurisdictionId(5), 7200, Money::Fen(5200), 2}}, registry);
  EXPECT_EQ(csv, "issuer,city,orders,card_hours,subsidy_yuan\r\n3,5,2,2.0000,52.00\r\n");
}

// The lines that left memory, held as the store's archive would hold them.
class VectorArchive final : public LineArchive {
 public:
  std::vector<NumberedLine> lines;
  bool fail = false;
  Status Read(uint64_t from_seq, uint64_t to_seq,
              const std::function<void(const ChargeLine&)>& fn) const override {
    if (fail) return Unavailable("the archive is down");
    for (const NumberedLine& l : lines) {
      if (l.seq >= from_seq && l.seq < to_seq) fn(l.line);
    }
    return Status::Ok();
  }
};

// Two lines a day from 2025-01-01 to 2025-04-30 (China Standard Time), two
// programmes stacked on every third.
Settlement FourMonthsOfLines() {
  Settlement s;
  const Timestamp start = PeriodStart({PeriodKind::kMonth, 2025, 1});
  const Timestamp end = PeriodEnd({PeriodKind::kMonth, 2025, 4});
  uint64_t order = 0;
  for (Timestamp at = start; at < end; at += 12 * 3600 * kSecond) {
    ++order;
    ChargeLine l{.at = at,
                 .order = OrderId(order),
                 .enterprise = EnterpriseId(order % 3 + 1),
                 .provider = ProviderId(order % 2 + 10),
                 .city = JurisdictionId(order % 2 + 5),
                 .card_seconds = 3600 + order,
                 .charge = Money::Fen(1000),
                 .copay = Money::Fen(400),
                 .subsidy = {{ProgrammeId(7), JurisdictionId(2), Money::Fen(600)}}};
    if (order % 3 == 0) {
      l.subsidy = {{ProgrammeId(7), JurisdictionId(2), Money::Fen(300)},
                   {ProgrammeId(8), JurisdictionId(3), Money::Fen(300)}};
    }
    s.AddLine(l);
  }
  return s;
}

std::string Bytes(const Settlement& s) {
  std::vector<uint8_t> out;
  Writer w(&out);
  s.Encode(w);
  return {out.begin(), out.end()};
}

TEST(LineRetireTest, LinesOfMonthsTwoMonthsGoneLeaveAndTheirSumsStay) {
  Settlement s = FourMonthsOfLines();
  const uint64_t total = s.line_count();
  ASSERT_EQ(total, 2u * (31 + 28 + 31 + 30));
  VectorArchive archive;
  const Result<std::vector<Flow>> all_before = s.Flows(0, UINT64_MAX);
  ASSERT_TRUE(all_before.ok());
  // In April, January and February are two months gone: a little at a time.
  const Timestamp april = PeriodStart({PeriodKind::kMonth, 2025, 4}) + kSecond;
  s.RetireLines(april, 100, &archive.lines);
  EXPECT_EQ(archive.lines.size(), 100u);
  s.RetireLines(april, 10'000, &archive.lines);
  ASSERT_EQ(archive.lines.size(), 2u * (31 + 28));
  for (size_t i = 0; i < archive.lines.size(); ++i) EXPECT_EQ(archive.lines[i].seq, i);
  EXPECT_EQ(s.first_seq(), archive.lines.size());
  EXPECT_EQ(s.line_count(), total);
  EXPECT_GE(s.lines().front().at, PeriodStart({PeriodKind::kMonth, 2025, 3}));
  // Nothing more leaves until May.
  s.RetireLines(april + 20 * 86'400 * kSecond, 10'000, &archive.lines);
  EXPECT_EQ(archive.lines.size(), 2u * (31 + 28));
  // Sums: February's programme-7 subsidy by provider and by enterprise.
  Money by_provider{};
  Money by_enterprise{};
  uint64_t lines = 0;
  for (const auto& [key, sums] : s.retired_sums()) {
    if (key.programme != ProgrammeId(7) || key.month != Period{PeriodKind::kMonth, 2025, 2}) {
      continue;
    }
    Money& m = key.payee_kind == PayeeKind::kProvider ? by_provider : by_enterprise;
    m = *m.Add(sums.subsidy);
    if (key.payee_kind == PayeeKind::kProvider) lines += sums.lines;
  }
  Money want{};
  for (const NumberedLine& l : archive.lines) {
    if (PeriodOf(l.line.at, PeriodKind::kMonth) != Period{PeriodKind::kMonth, 2025, 2}) continue;
    want = *want.Add(l.line.subsidy[0].amount);
  }
  EXPECT_EQ(by_provider, want);
  EXPECT_EQ(by_enterprise, want);
  EXPECT_EQ(lines, 2u * 28);
  // The flows: refused without an archive, the same with one; a range of
  // March alone needs none.
  EXPECT_EQ(s.Flows(0, UINT64_MAX).status().code(), StatusCode::kFailedPrecondition);
  const Timestamp march = PeriodStart({PeriodKind::kMonth, 2025, 3});
  EXPECT_TRUE(s.Flows(march, PeriodEnd({PeriodKind::kMonth, 2025, 3})).ok());
  s.set_archive(&archive);
  const Result<std::vector<Flow>> all_after = s.Flows(0, UINT64_MAX);
  ASSERT_TRUE(all_after.ok()) << all_after.status();
  ASSERT_EQ(all_after->size(), all_before->size());
  for (size_t i = 0; i < all_before->size(); ++i) {
    EXPECT_EQ((*all_after)[i].subsidy, (*all_before)[i].subsidy);
    EXPECT_EQ((*all_after)[i].card_seconds, (*all_before)[i].card_seconds);
    EXPECT_EQ((*all_after)[i].orders, (*all_before)[i].orders);
  }
  archive.fail = true;
  EXPECT_EQ(s.Flows(0, UINT64_MAX).status().code(), StatusCode::kUnavailable);
}

TEST(LineRetireTest, RetiredSeqsCoverExactlyTheDaysAsked) {
  Settlement s = FourMonthsOfLines();
  std::vector<NumberedLine> gone;
  s.RetireLines(PeriodStart({PeriodKind::kMonth, 2025, 4}), 10'000, &gone);
  // February: from the first line of 1 February to the first of 1 March.
  const auto [a, b] = s.RetiredSeqs(PeriodStart({PeriodKind::kMonth, 2025, 2}),
                                    PeriodEnd({PeriodKind::kMonth, 2025, 2}));
  EXPECT_EQ(a, 2u * 31);
  EXPECT_EQ(b, 2u * (31 + 28));
  // A range that ends mid-day still takes that day's earlier lines; the
  // caller filters by time.
  const Timestamp jan2 = PeriodStart({PeriodKind::kMonth, 2025, 1}) + 86'400 * kSecond;
  EXPECT_EQ(s.RetiredSeqs(jan2, jan2 + kSecond), (std::pair<uint64_t, uint64_t>{2, 4}));
  // Past the lines that left memory: nothing to read.
  EXPECT_EQ(s.RetiredSeqs(PeriodStart({PeriodKind::kMonth, 2025, 3}), UINT64_MAX),
            (std::pair<uint64_t, uint64_t>{0, 0}));
  EXPECT_EQ(s.RetiredSeqs(jan2, jan2), (std::pair<uint64_t, uint64_t>{0, 0}));
}

TEST(LineRetireTest, ARolledBackRetirementRestoresEveryByteAndTheEncodingRoundTrips) {
  Settlement s = FourMonthsOfLines();
  const std::string before = Bytes(s);
  s.BeginBatch();
  std::vector<NumberedLine> gone;
  s.RetireLines(PeriodStart({PeriodKind::kMonth, 2025, 4}), 10'000, &gone);
  ASSERT_FALSE(gone.empty());
  s.AddLine(ChargeLine{.at = PeriodEnd({PeriodKind::kMonth, 2025, 4}) + 86'400 * kSecond,
                       .order = OrderId(9999),
                       .subsidy = {{ProgrammeId(7), JurisdictionId(2), Money::Fen(1)}}});
  s.RollbackBatch();
  EXPECT_EQ(Bytes(s), before);
  // Retired for good, then encoded and decoded: the same state.
  s.RetireLines(PeriodStart({PeriodKind::kMonth, 2025, 4}), 10'000, &gone);
  const std::string retired = Bytes(s);
  std::vector<uint8_t> raw(retired.begin(), retired.end());
  Reader r(raw);
  Settlement back;
  ASSERT_TRUE(Settlement::Decode(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_TRUE(back == s);
  EXPECT_EQ(Bytes(back), retired);
  // A settlement in the encoding before (no magic) does not decode.
  std::vector<uint8_t> old(raw.begin() + 4, raw.end());
  Reader r_old(old);
  Settlement none;
  EXPECT_FALSE(Settlement::Decode(r_old, &none));
}

}  // namespace
}  // namespace bg::settlement
