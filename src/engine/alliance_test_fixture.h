// The alliance's world (scenarios/alliance.toml) in an engine of its own on
// a virtual clock, every user trained for the courses its facilities
// require: where the facility and round tests through the engine start.
// The test moves time itself (At), as the idle writer would.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "engine/audit.h"
#include "engine/engine.h"
#include "storage/memory_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::engine {

class AllianceEngineTest : public ::testing::Test {
 protected:
  explicit AllianceEngineTest(Timestamp start) : clock_(start) {}

  void SetUp() override {
    EngineOptions o;
    o.idle_tick = std::chrono::milliseconds(0);
    auto e = Engine::Open(&store_, &clock_, o);
    ASSERT_TRUE(e.ok()) << e.status();
    e_ = std::move(*e);
    auto world = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/alliance.toml");
    ASSERT_TRUE(world.ok()) << world.status();
    for (state::CommandBody& c : world::ToCommands(*world)) {
      ASSERT_TRUE(e_->Execute(std::move(c)).ok());
    }
    for (state::CommandBody& c : world::TrainEveryUser(*world, clock_.Now() + 365 * kNanosPerDay)) {
      ASSERT_TRUE(e_->Execute(std::move(c)).ok());
    }
  }

  // The facility whose English name is `name_en`.
  FacilityId Find(const std::string& name_en) {
    return e_->Read([&](const state::State& s) {
      for (const auto& [id, f] : s.facilities().facilities()) {
        if (f.name_en == name_en) return id;
      }
      ADD_FAILURE() << "no facility " << name_en;
      return FacilityId();
    });
  }

  // Moves the clock and lets the writer do what time made due.
  void At(Timestamp t) {
    clock_.Set(t);
    ASSERT_TRUE(e_->Execute(state::Tick{}).ok());
  }

  // Shuts the engine down; the journal, replayed, gives the live state.
  void ExpectReplayed() {
    const Hash256 live = e_->StateHash();
    ASSERT_TRUE(e_->Shutdown().ok());
    Result<AuditReport> audit = AuditStore(store_);
    ASSERT_TRUE(audit.ok()) << audit.status();
    EXPECT_TRUE(audit->ok()) << audit->problem;
    EXPECT_EQ(audit->state_hash, live);
  }

  VirtualClock clock_;
  storage::MemoryStore store_;
  std::unique_ptr<Engine> e_;
};

}  // namespace bg::engine
