// Notices and webhooks in the PostgreSQL store (storage/store.h,
// NoticeRow), the same rows and the same order as sqlite_notices.h: Write
// runs inside the batch's transaction on the writer's connection, so a
// notice is stored exactly when the command that caused it is; the reads
// run on the store's shared reader connection, for the API's threads and
// the webhook outbox while the engine commits. Internal to storage/.
//
// Thread-safety: each function uses the connection it is given.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "storage/pg.h"
#include "storage/store.h"

namespace bg::storage::pg_notices {

// Inside the caller's transaction: new notices (a key stored already is
// skipped), read marks, webhooks set or removed, cursors moved forward.
Status Write(pg::Connection& conn, const NoticeRows& rows);

// A page of a feed: unread first, then newest first (NoticeQuery).
Result<std::vector<NoticeRow>> Feed(pg::Connection& conn, const NoticeQuery& query);
Result<uint64_t> CountUnread(pg::Connection& conn, std::string_view recipient);
// A recipient's notices after id `after`, in id order.
Result<std::vector<NoticeRow>> After(pg::Connection& conn, std::string_view recipient,
                                     uint64_t after, size_t limit);
// Every webhook, by recipient in byte order.
Result<std::vector<WebhookRow>> Webhooks(pg::Connection& conn);

}  // namespace bg::storage::pg_notices
