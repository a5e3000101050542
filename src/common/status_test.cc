#include "common/status.h"

#include <gtest/gtest.h>

#include "common/result.h"

namespace bg {
namespace {

Result<int> Half(int x) {
  if (x % 2 != 0) return InvalidArgument("odd: " + std::to_string(x));
  return x / 2;
}

Result<int> Quarter(int x) {
  BG_ASSIGN_OR_RETURN(int half, Half(x));
  BG_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int x) {
  BG_RETURN_IF_ERROR(Half(x).status());
  return Status::Ok();
}

TEST(StatusTest, OkByDefaultAndPrintsCodeAndMessage) {
  EXPECT_TRUE(Status().ok());
  Status s = NotFound("account 7");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NOT_FOUND: account 7");
  EXPECT_EQ(s.WithContext("transfer 9").ToString(), "NOT_FOUND: transfer 9: account 7");
}

TEST(StatusTest, MacrosPropagateTheFirstFailure) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().ToString(), "INVALID_ARGUMENT: odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), StatusCode::kInvalidArgument);
}

TEST(StatusDeathTest, ValueOfAFailedResultAborts) {
  Result<int> r = Half(3);
  EXPECT_DEATH((void)r.value(), "value\\(\\) of a failed Result");
}

}  // namespace
}  // namespace bg
