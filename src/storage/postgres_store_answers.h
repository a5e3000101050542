// The answers kept for idempotency keys (storage/store.h, KeptAnswer) in
// the PostgreSQL store. Internal to storage/ (postgres_store.cc).
//
// Unlike the SQLite file (sqlite_answers.h says why it keeps its own index
// in memory), PostgreSQL's B-tree on (caller, key) is what finds an answer:
// the server's buffer cache and WAL do not pay for random keys the way one
// SQLite page per key did. Ids still count up in the order kept, so that
// forgetting deletes a prefix of them, exactly as SqliteStore does.
//
// Thread-safety: each function uses the connection it is given; the store
// writes on its writer's connection (inside the batch's transaction) and
// finds on its shared reader connection.
#pragma once

#include <optional>
#include <string_view>

#include "storage/pg.h"
#include "storage/store.h"

namespace bg::storage::pg_answers {

// Inside the caller's transaction: forgets the answers kept before
// projection.forget_answers_before (the oldest, up to the first one kept at
// or after it), then keeps projection.answers; a (caller, key) kept already,
// or earlier in the same list, keeps its first answer.
Status Write(pg::Connection& conn, const Projection& projection);

// The answer kept for (caller, key), if any.
Result<std::optional<KeptAnswer>> Find(pg::Connection& conn, std::string_view caller,
                                       std::string_view key);

}  // namespace bg::storage::pg_answers
