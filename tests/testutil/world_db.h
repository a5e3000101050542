// A database for a server under test: a SQLite file (or a PostgreSQL
// database, by its postgresql:// URL) loaded with the Greater Bay Area scenario and the API tokens
// the test needs, written before the server (a separate process) opens it.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "api/service.h"
#include "engine/engine.h"
#include "storage/open.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::testutil {

struct TokenSpec {
  uint64_t id = 0;
  access::TokenRole role = access::TokenRole::kAdmin;
  uint64_t scope = 0;
  std::string name = "test";  // part of the key idempotent answers are kept under
};

// Writes the world (scenarios/gba.toml under `source_dir`) and `tokens` to
// `db`, then runs `more` on the engine; answers the tokens' secrets in order
// (empty, with a test failure, if anything went wrong).
inline std::vector<std::string> MakeWorldDb(const std::string& source_dir, const std::string& db,
                                            const std::vector<TokenSpec>& tokens,
                                            const std::function<void(engine::Engine&)>& more = {}) {
  auto store = storage::OpenWriter(db);
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return {};
  SystemClock clock;
  auto e = engine::Engine::Open(store->get(), &clock);
  EXPECT_TRUE(e.ok()) << e.status();
  if (!e.ok()) return {};
  auto scenario = world::LoadWorldFile(source_dir + "/scenarios/gba.toml");
  EXPECT_TRUE(scenario.ok()) << scenario.status();
  if (!scenario.ok()) return {};
  for (auto& body : world::ToCommands(*scenario)) EXPECT_TRUE((*e)->Execute(body).ok());
  std::vector<std::string> secrets;
  for (const TokenSpec& t : tokens) {
    const auto [secret, hash] = api::Service::NewToken();
    EXPECT_TRUE((*e)
                    ->Execute(state::CreateApiToken{
                        .id = t.id, .hash = hash, .role = t.role, .scope = t.scope, .name = t.name})
                    .ok());
    secrets.push_back(secret);
  }
  if (more) more(**e);
  EXPECT_TRUE((*e)->Shutdown().ok());
  return secrets;
}

}  // namespace bg::testutil
