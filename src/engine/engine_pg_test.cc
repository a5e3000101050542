// The engine's tests (TEST_P of EngineTest, engine_test.cc) on PostgreSQL:
// each test on a PostgresStore of a database of its own
// (storage::store_test::OpenPostgres), dropped afterwards.
//
// Needs a server: BG_PG_URL names it (a superuser's URL). ctest runs this
// binary through tests/integration/pg_store_test.sh, which starts a
// throw-away server with scripts/pg-local.sh. Without BG_PG_URL every test
// fails, saying so (storage::store_test::ServerUrl): none is skipped.
#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "storage/store_test_util.h"

namespace bg::engine {
namespace {

using namespace engine_test;  // NOLINT(google-build-using-namespace): the tests' own helpers
using storage::store_test::OpenPostgres;

INSTANTIATE_TEST_SUITE_P(AllStores, EngineTest,
                         testing::Values(StoreFactory{"Postgres", &OpenPostgres}), StoreName);
INSTANTIATE_TEST_SUITE_P(AllStores, JournalSurgeryTest,
                         testing::Values(StoreFactory{"Postgres", &OpenPostgres}), StoreName);

}  // namespace
}  // namespace bg::engine
