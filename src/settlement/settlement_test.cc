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
  EXPECT_NE(csv.find("7,2025-03,provider,9,no,2025-02-28T16:00:01Z,1,"), std::string::npos) << csv;
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
