// Notices and webhooks in the SQLite file (storage/store.h, NoticeRow):
// NoticeWriter writes them on the store's own connection, inside the
// batch's transaction, so a notice is stored exactly when the command that
// caused it is; NoticeReader reads them on a connection of its own, for the
// API's threads and the webhook outbox while the engine commits (WAL gives
// each read a consistent view). Internal to storage/.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.h"
#include "common/result.h"
#include "storage/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::storage {

class NoticeWriter {
 public:
  static Result<std::unique_ptr<NoticeWriter>> Prepare(sqlite3* db);
  ~NoticeWriter();
  NoticeWriter(const NoticeWriter&) = delete;
  NoticeWriter& operator=(const NoticeWriter&) = delete;

  // Inside the caller's transaction.
  Status Write(const NoticeRows& rows);

 private:
  explicit NoticeWriter(sqlite3* db) : db_(db) {}
  Status Insert(const NoticeRow& row);
  Status Mark(const NoticeMark& mark);
  Status PutWebhook(const WebhookRow& row);
  Status Advance(const WebhookCursor& cursor);

  sqlite3* db_;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* mark_one_ = nullptr;
  sqlite3_stmt* mark_up_to_ = nullptr;
  sqlite3_stmt* put_webhook_ = nullptr;
  sqlite3_stmt* drop_webhook_ = nullptr;
  sqlite3_stmt* advance_ = nullptr;
};

class NoticeReader {
 public:
  static Result<std::unique_ptr<NoticeReader>> Open(const std::string& path);
  ~NoticeReader();
  NoticeReader(const NoticeReader&) = delete;
  NoticeReader& operator=(const NoticeReader&) = delete;

  Result<std::vector<NoticeRow>> Feed(const NoticeQuery& query) BG_EXCLUDES(mu_);
  Result<uint64_t> CountUnread(std::string_view recipient) BG_EXCLUDES(mu_);
  Result<std::vector<NoticeRow>> After(std::string_view recipient, uint64_t after, size_t limit)
      BG_EXCLUDES(mu_);
  Result<std::vector<WebhookRow>> Webhooks() BG_EXCLUDES(mu_);

 private:
  explicit NoticeReader(sqlite3* db) : db_(db) {}
  Result<std::vector<NoticeRow>> Rows(sqlite3_stmt* stmt) BG_REQUIRES(mu_);

  Mutex mu_;
  sqlite3* db_ BG_PT_GUARDED_BY(mu_);
  sqlite3_stmt* feed_one_ BG_PT_GUARDED_BY(mu_) = nullptr;  // one recipient's feed
  sqlite3_stmt* feed_all_ BG_PT_GUARDED_BY(mu_) = nullptr;  // everyone's
  sqlite3_stmt* unread_ BG_PT_GUARDED_BY(mu_) = nullptr;
  sqlite3_stmt* after_ BG_PT_GUARDED_BY(mu_) = nullptr;
  sqlite3_stmt* webhooks_ BG_PT_GUARDED_BY(mu_) = nullptr;
};

}  // namespace bg::storage
