#include "cli/table.h"

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace bg::cli {
namespace {

TEST(TableTest, ChineseTakesTwoCellsAndCombiningMarksNone) {
  EXPECT_EQ(DisplayWidth("Dongguan"), 8u);
  EXPECT_EQ(DisplayWidth("算力券"), 6u);
  EXPECT_EQ(DisplayWidth("Dongguan 算力券"), 15u);
  EXPECT_EQ(DisplayWidth("ｘ"), 2u);  // full-width
  EXPECT_EQ(DisplayWidth("é"), 1u);   // e + combining acute
  EXPECT_EQ(DisplayWidth(""), 0u);
}

// The table as printed, into a string.
std::string Printed(const nlohmann::json& rows, std::string_view columns = "") {
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  PrintTable(rows, f, columns);
  std::fclose(f);
  std::string out(buf, size);
  std::free(buf);
  return out;
}

TEST(TableTest, ColumnsAlignByDisplayWidthTheIdComesFirstAndNothingIsCut) {
  const std::string reason(120, 'x');
  const nlohmann::json rows = {{{"name", "Dongguan 算力券"}, {"id", 1}, {"reason", reason}},
                               {{"name", "Zhuhai"}, {"id", 22}, {"reason", "-"}}};
  const std::string out = Printed(rows);
  EXPECT_EQ(out.rfind("id  ", 0), 0u) << out;
  EXPECT_NE(out.find(reason), std::string::npos) << "a cell was cut";
  // Each line's "reason" cell starts at the same display column: the
  // header's word, the long reason, the "-" of the second row.
  std::vector<std::string> lines;
  for (size_t at = 0; at < out.size();) {
    const size_t end = out.find('\n', at);
    lines.push_back(out.substr(at, end - at));
    at = end + 1;
  }
  ASSERT_EQ(lines.size(), 3u) << out;
  const std::vector<size_t> starts = {DisplayWidth(lines[0].substr(0, lines[0].find("reason"))),
                                      DisplayWidth(lines[1].substr(0, lines[1].find(reason))),
                                      DisplayWidth(lines[2].substr(0, lines[2].rfind('-')))};
  ASSERT_EQ(starts.size(), 3u);
  EXPECT_EQ(starts[0], starts[1]);
  EXPECT_EQ(starts[1], starts[2]);
}

TEST(TableTest, DurationsInSecondsAreShownInHours) {
  EXPECT_EQ(Header("walltime_s"), "walltime_h");
  EXPECT_EQ(Header("card_seconds"), "card_hours");
  EXPECT_EQ(Header("start_unix_s"), "start_unix_s");  // a time, not a duration
  EXPECT_EQ(CellOf("walltime_s", 10868), "3.02");
  EXPECT_EQ(CellOf("card_seconds", 144688541), "40191.26");
  EXPECT_EQ(CellOf("walltime_s", 900), "0.25");
  EXPECT_EQ(CellOf("start_unix_s", 1748822629), "1748822629");
  const std::string out = Printed({{{"id", 1}, {"walltime_s", 7200}}});
  EXPECT_NE(out.find("walltime_h"), std::string::npos) << out;
  EXPECT_NE(out.find("2.00"), std::string::npos) << out;
}

TEST(TableTest, ChosenColumnsComeInTheirOrderAndOthersAreLeftOut) {
  const nlohmann::json rows = {
      {{"id", 3}, {"kind", "job_placed"}, {"recipient", "provider:1"}, {"text", "Job 7 placed"}}};
  const std::string out = Printed(rows, "text,id,missing");
  EXPECT_EQ(out.rfind("text", 0), 0u) << out;
  EXPECT_LT(out.find("text"), out.find("id")) << out;
  EXPECT_EQ(out.find("recipient"), std::string::npos) << out;
  EXPECT_NE(out.find("Job 7 placed"), std::string::npos) << out;
  EXPECT_NE(out.find("missing"), std::string::npos) << "a chosen column a row lacks is empty";
}

// A record with lists of its own (a job in its trail) prints as its own
// lines, indented, its list as a table; a small object stays on one line.
TEST(TableTest, ANestedRecordPrintsAsIndentedLinesAndItsListsAsTables) {
  const nlohmann::json trail = {
      {"job",
       {{"id", 4},
        {"enterprise_name", "Songshan Lake"},
        {"programmes", {{{"programme", 1}, {"programme_name", "Dongguan 算力券"}}}}}},
      {"totals", {{"subsidy_posted", {{"fen", 127}, {"yuan", "1.27"}}}, {"reconciles", true}}}};
  char* buf = nullptr;
  size_t size = 0;
  std::FILE* f = open_memstream(&buf, &size);
  PrintObject(trail, f);
  std::fclose(f);
  const std::string out(buf, size);
  std::free(buf);
  EXPECT_NE(out.find("job:\n  enterprise_name      Songshan Lake\n"), std::string::npos) << out;
  EXPECT_NE(out.find("Dongguan 算力券"), std::string::npos) << out;
  EXPECT_NE(out.find("totals               reconciles true, subsidy_posted 1.27\n"),
            std::string::npos)
      << out;
}

// Rows that differ in their members (a voucher's history: a grant, a
// claim) show every row's columns.
TEST(TableTest, EveryRowsColumnsAreShownNotOnlyTheFirsts) {
  const nlohmann::json rows = {{{"what", "granted"}, {"amount", {{"fen", 100}, {"yuan", "1.00"}}}},
                               {{"what", "claim"}, {"job", 4}}};
  const std::string out = Printed(rows);
  EXPECT_NE(out.find("job"), std::string::npos) << out;
  EXPECT_NE(out.find("1.00"), std::string::npos) << out;
}

// A list in a cell reads in full when it holds names or values; a list of
// records without names says how many.
TEST(TableTest, ListsOfNamesAreShownAndOthersCounted) {
  using Json = nlohmann::json;
  EXPECT_EQ(Cell(Json::array({"beamline", "cryo_em"})), "beamline, cryo_em");
  EXPECT_EQ(Cell(Json::array({3, 4})), "3, 4");
  EXPECT_EQ(Cell(Json::parse(R"([{"id":2,"name":"小角中子散射仪"},{"id":3,"name":"TEM"}])")),
            "小角中子散射仪, TEM");
  EXPECT_EQ(Cell(Json::parse(R"([{"kind":"paper","reference":"doi:x"}])")), "1 item");
  EXPECT_EQ(Cell(Json::array()), "-");
}

}  // namespace
}  // namespace bg::cli
