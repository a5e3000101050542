#include "cmd/suggest.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

namespace bg::cmd {
namespace {

TEST(SuggestTest, EditDistanceCountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("list", "list"), 0u);
}

TEST(SuggestTest, NamesTheNearestSubcommandOrOptionOfTheCommandReached) {
  CLI::App app{"t"};
  CLI::App* programmes = app.add_subcommand("programmes");
  CLI::App* list = programmes->add_subcommand("list");
  int limit = 0;
  list->add_option("--limit", limit);
  programmes->add_subcommand("pacing");
  programmes->add_subcommand("get");
  app.add_subcommand("jobs")->add_subcommand("list");

  EXPECT_EQ(Suggestion(app, {"programmes", "lst"}), "did you mean: programmes list?");
  EXPECT_EQ(Suggestion(app, {"programme", "list"}), "did you mean: programmes?");
  EXPECT_EQ(Suggestion(app, {"programmes", "pac"}), "did you mean: programmes pacing?");
  EXPECT_EQ(Suggestion(app, {"programmes", "list", "--limt", "3"}),
            "did you mean: programmes list --limit?");
  EXPECT_EQ(Suggestion(app, {"programmes", "list", "--limt=3"}),
            "did you mean: programmes list --limit?");
  // Nothing near: nothing said.
  EXPECT_EQ(Suggestion(app, {"zzzzzzzz"}), "");
  EXPECT_EQ(Suggestion(app, {"programmes", "list", "--limit", "3"}), "");
}

}  // namespace
}  // namespace bg::cmd
