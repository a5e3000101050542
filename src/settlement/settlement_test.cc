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
  const std::vector<Flow> flows = settlement.Flows(0, 100 * kSecond);
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

}  // namespace
}  // namespace bg::settlement
