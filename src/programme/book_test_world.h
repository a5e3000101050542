// Test support: a registry, a ledger and a book driven the way the engine's
// State drives them (registry hooks, one logical timestamp range per
// command), without the engine's threads, for the book's unit and property
// tests.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include <gtest/gtest.h>

#include "common/codec.h"
#include "programme/book.h"
#include "programme/reconcile.h"
#include "world/world.h"

namespace bg::programme::testing {

using BookCommand = std::variant<FileApplication, ReviewApplication, Redeem, SettleClaim,
                                 ExpireVouchers, RevokeVoucher, Clawback, SetBlacklist>;

inline std::string SourcePath(const std::string& relative) {
  return std::string(BG_SOURCE_DIR) + "/" + relative;
}

// Midnight UTC of a civil date.
inline Timestamp Day(int y, unsigned m, unsigned d) {
  namespace c = std::chrono;
  const c::sys_days date{c::year{y} / c::month{m} / c::day{d}};
  return static_cast<Timestamp>(c::duration_cast<c::nanoseconds>(date.time_since_epoch()).count());
}

class World {
 public:
  // Loads a scenario file the way ScenarioCommands orders it.
  void Load(const std::string& relative_path) {
    Result<world::World> s = world::LoadWorldFile(SourcePath(relative_path));
    ASSERT_TRUE(s.ok()) << s.status();
    scenario = *s;
    for (int pass = 0; pass < 8; ++pass) {  // parents before children
      for (const Jurisdiction& j : scenario.jurisdictions) {
        if (registry.FindJurisdiction(j.id) != nullptr) continue;
        if (j.parent && registry.FindJurisdiction(*j.parent) == nullptr) continue;
        ASSERT_EQ(registry.AddJurisdiction(j), RegistryResult::kOk);
        book.OpenJurisdiction(j, Next(1), ledger);
      }
    }
    for (const Enterprise& e : scenario.enterprises) {
      ASSERT_EQ(registry.AddEnterprise(e), RegistryResult::kOk);
    }
    for (const Provider& p : scenario.providers) {
      ASSERT_EQ(registry.AddProvider(p), RegistryResult::kOk);
    }
    for (const ProgrammeRules& p : scenario.programmes) {
      ASSERT_EQ(registry.AddProgramme(p), RegistryResult::kOk);
      book.OpenProgramme(p, registry, Next(Book::kOpenProgrammeEvents), ledger);
    }
  }

  Outcome Do(const BookCommand& command) {
    return std::visit(
        [&](const auto& c) -> Outcome {
          using T = std::decay_t<decltype(c)>;
          if constexpr (std::is_same_v<T, FileApplication> || std::is_same_v<T, SetBlacklist>) {
            return book.Apply(c, registry, Next(1));
          } else {
            return book.Apply(c, registry, Next(2 * kMaxClaimHolds + kMaxExpirePerCommand), ledger);
          }
        },
        command);
  }

  // Files an application and walks it to Issued; returns the last outcome.
  Outcome Grant(uint64_t id, ProgrammeId p, EnterpriseId e, Money amount) {
    Outcome o = Do(FileApplication{
        .id = ApplicationId(id), .programme = p, .enterprise = e, .amount = amount});
    for (Step step : {Step::kSubmit, Step::kStartReview, Step::kApprove, Step::kIssue}) {
      if (!o.ok()) return o;
      o = Do(ReviewApplication{.id = ApplicationId(id), .step = step});
    }
    return o;
  }

  // The whole state's bytes: a refused command must leave them unchanged.
  std::vector<uint8_t> Bytes() const {
    std::vector<uint8_t> out;
    ledger.Encode(&out);
    Writer w(&out);
    book.Encode(w);
    return out;
  }

  std::string Reconciled() const { return CheckReconciled(book, registry, ledger); }

  ProgrammeId ProgrammeNamed(const std::string& name) const {
    for (const auto& p : scenario.programmes) {
      if (p.name == name) return p.id;
    }
    ADD_FAILURE() << "no programme " << name;
    return {};
  }
  EnterpriseId EnterpriseNamed(const std::string& name) const {
    for (const auto& e : scenario.enterprises) {
      if (e.name == name) return e.id;
    }
    ADD_FAILURE() << "no enterprise " << name;
    return {};
  }
  ProviderId ProviderNamed(const std::string& name) const {
    for (const auto& p : scenario.providers) {
      if (p.name == name) return p.id;
    }
    ADD_FAILURE() << "no provider " << name;
    return {};
  }

  // Moves the clock to `at` (never back).
  void SetTime(Timestamp at) { now = std::max(now, at); }

  Timestamp Next(size_t events) {
    const Timestamp t = now;
    now += events;
    return t;
  }

  world::World scenario;
  Registry registry;
  ledger::Ledger ledger;
  Book book;
  Timestamp now = Day(2025, 1, 1);
};

}  // namespace bg::programme::testing
