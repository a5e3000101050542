// The route table is complete and consistent: one row per RouteId, every
// row says what it does and who may call it, every route that needs a
// token has a CLI command, and every CLI flag travels the way its field
// is typed. (That each route has a handler is the compiler's check:
// Service::HandlerOf is a switch over RouteId without a default.)
#include "api/spec/routes.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace bg::api::spec {
namespace {

std::string Name(const Route& r) { return std::string(r.method) + " " + r.path; }

TEST(RouteTableTest, EveryRouteIdHasOneRowInOrder) {
  ASSERT_EQ(Routes().size(), kRouteCount);
  for (size_t i = 0; i < kRouteCount; ++i) {
    EXPECT_EQ(static_cast<size_t>(Routes()[i].id), i) << Name(Routes()[i]);
    EXPECT_EQ(&RouteOf(static_cast<RouteId>(i)), &Routes()[i]);
  }
}

TEST(RouteTableTest, EveryRowSaysWhatItDoesAndWhoMayCallIt) {
  std::set<std::string> seen;
  for (const Route& r : Routes()) {
    const std::string method = r.method;
    const std::string path = r.path;
    EXPECT_TRUE(method == "GET" || method == "POST") << Name(r);
    EXPECT_EQ(path.rfind('/', 0), 0u) << Name(r);
    EXPECT_TRUE(seen.insert(Name(r)).second) << Name(r) << " is declared twice";
    EXPECT_FALSE(std::string(r.summary).empty()) << Name(r) << " has no summary";
    EXPECT_FALSE(std::string(r.who).empty()) << Name(r) << " says nothing of its roles";
    EXPECT_EQ(std::string(r.who) == "public", r.roles.public_route) << Name(r);
    EXPECT_EQ(r.roles.bits == 0, r.roles.public_route) << Name(r) << ": public, or some roles";
    if (method == "GET") {
      EXPECT_TRUE(r.body.empty()) << Name(r) << ": a GET has no body";
    }
    // The one path parameter the CLI knows: its positional id.
    const size_t brace = path.find('{');
    if (brace != std::string::npos) {
      EXPECT_EQ(path.substr(brace, 4), "{id}") << Name(r);
      EXPECT_EQ(path.find('{', brace + 1), std::string::npos) << Name(r);
    }
  }
}

TEST(RouteTableTest, EveryRouteThatNeedsATokenHasACommand) {
  std::set<std::pair<std::string, std::string>> commands;
  for (const Route& r : Routes()) {
    if (r.roles.public_route) {
      EXPECT_EQ(r.cli.noun, nullptr) << Name(r) << ": the CLI sends a token";
      continue;
    }
    ASSERT_NE(r.cli.noun, nullptr) << Name(r) << " has no `baygrid <noun> <verb>`";
    ASSERT_NE(r.cli.verb, nullptr) << Name(r);
    EXPECT_TRUE(commands.emplace(r.cli.noun, r.cli.verb).second)
        << "baygrid " << r.cli.noun << " " << r.cli.verb << " is two routes";
    EXPECT_FALSE(std::string(r.cli.help).empty()) << Name(r);
    const std::string command = std::string("baygrid ") + r.cli.noun + " " + r.cli.verb;
    const std::string example = r.cli.example;
    EXPECT_EQ(example.rfind(command, 0), 0u) << Name(r) << ": the example is " << example;
    if (std::string(r.path).find("{id}") != std::string::npos) {
      EXPECT_GT(example.size(), command.size() + 1) << Name(r) << ": the example needs its id";
    }
  }
}

// The kinds of flag that may carry a field of each type.
bool Carries(FlagKind kind, Type type) {
  switch (kind) {
    case FlagKind::kId:
      return type == Type::kId;
    case FlagKind::kNumber:
    case FlagKind::kHours:
    case FlagKind::kMinutes:
    case FlagKind::kTime:
      return type == Type::kInt;
    case FlagKind::kYuan:
      return type == Type::kFen;
    case FlagKind::kText:  // a date travels as its text ("2026-04-01")
      return type == Type::kText || type == Type::kDate;
    case FlagKind::kPublicKeyOf:
      return type == Type::kText;
    case FlagKind::kBool:
      return type == Type::kBool;
    case FlagKind::kIds:
      return type == Type::kArray;
    case FlagKind::kQuery:
    case FlagKind::kFile:
    case FlagKind::kSignWith:
      return false;
  }
  return false;
}

TEST(RouteTableTest, EveryFlagTravelsAsItsFieldIsTyped) {
  const std::set<std::string> the_clis_own = {"--help", "--server", "--token", "--timeout",
                                              "--json"};
  for (const Route& r : Routes()) {
    std::set<std::string> fields;
    for (const auto* list : {&r.query, &r.body}) {
      for (const Field& f : *list) {
        EXPECT_TRUE(fields.insert(f.name).second) << Name(r) << ": " << f.name << " twice";
        EXPECT_EQ(f.type == Type::kChoice, !std::string(f.choices).empty()) << Name(r);
        if (f.flag.name == nullptr) continue;
        if (list == &r.query) {
          EXPECT_EQ(f.flag.kind, FlagKind::kQuery) << Name(r) << " " << f.flag.name;
        } else {
          EXPECT_TRUE(Carries(f.flag.kind, f.type)) << Name(r) << " " << f.flag.name;
        }
      }
    }
    for (const Field& f : r.body) {
      EXPECT_TRUE(f.type != Type::kLimit && f.type != Type::kCursor && f.type != Type::kChoice)
          << Name(r) << ": " << f.name << " is a query parameter's type";
    }
    std::set<std::string> flags;
    for (const Flag& flag : r.cli.extra_flags) {
      // A file or a key to sign with fills no field; the others fill one
      // the route does not take as such (a usage record's, to be signed).
      const bool whole = flag.kind == FlagKind::kFile || flag.kind == FlagKind::kSignWith;
      EXPECT_EQ(std::string(flag.key).empty(), whole) << Name(r) << " " << flag.name;
      EXPECT_EQ(fields.count(flag.key), 0u) << Name(r) << " " << flag.name;
    }
    for (const Flag& flag : r.Flags()) {
      const std::string name = flag.name;
      EXPECT_EQ(name.rfind("--", 0), 0u) << Name(r) << " " << name;
      EXPECT_EQ(the_clis_own.count(name), 0u) << Name(r) << " " << name;
      EXPECT_TRUE(flags.insert(name).second) << Name(r) << ": " << name << " twice";
      EXPECT_FALSE(std::string(flag.help).empty()) << Name(r) << " " << name;
    }
    if (!flags.empty()) {
      EXPECT_NE(r.cli.noun, nullptr) << Name(r) << ": flags but no command";
    }
  }
}

TEST(RouteTableTest, RolesHaveTheirTokenNames) {
  EXPECT_STREQ(RoleName(Role::kAdmin), "admin");
  EXPECT_STREQ(RoleName(Role::kAuditor), "auditor");
  EXPECT_TRUE(Only({Role::kProvider}).Has(Role::kProvider));
  EXPECT_FALSE(Only({Role::kProvider}).Has(Role::kAdmin));
  // Every party's role; an expert reviewer only where a route names it.
  for (const auto& [name, role] : kRoleNames) {
    EXPECT_EQ(AnyRole().Has(role), role != Role::kExpert) << name;
    EXPECT_TRUE(WithExpert(AnyRole()).Has(role)) << name;
  }
}

}  // namespace
}  // namespace bg::api::spec
