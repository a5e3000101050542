// The engine's tests (TEST_P of EngineTest, engine_test.cc) on the memory
// and SQLite stores; engine_pg_test runs them on PostgreSQL
// (engine_pg_test.cc).
#include <memory>

#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "storage/memory_store.h"
#include "storage/sqlite_store.h"
#include "storage/store_test_util.h"

namespace bg::engine {
namespace {

using namespace engine_test;  // NOLINT(google-build-using-namespace): the tests' own helpers
using storage::store_test::Scratch;
using storage::store_test::TempDir;

Result<std::unique_ptr<storage::Store>> OpenMemory(const TempDir&, std::unique_ptr<Scratch>*) {
  return std::unique_ptr<storage::Store>(std::make_unique<storage::MemoryStore>());
}

Result<std::unique_ptr<storage::Store>> OpenSqlite(const TempDir& dir, std::unique_ptr<Scratch>*) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<storage::SqliteStore> store,
                      storage::SqliteStore::Open({.path = dir.File("store.db")}));
  return std::unique_ptr<storage::Store>(std::move(store));
}

INSTANTIATE_TEST_SUITE_P(AllStores, EngineTest,
                         testing::Values(StoreFactory{"Memory", &OpenMemory},
                                         StoreFactory{"Sqlite", &OpenSqlite}),
                         StoreName);
INSTANTIATE_TEST_SUITE_P(AllStores, JournalSurgeryTest,
                         testing::Values(StoreFactory{"Memory", &OpenMemory},
                                         StoreFactory{"Sqlite", &OpenSqlite}),
                         StoreName);

}  // namespace
}  // namespace bg::engine
