#include "storage/sqlite_notices.h"

#include <sqlite3.h>

#include "storage/sqlite_util.h"

namespace bg::storage {

using namespace sqlite_util;  // NOLINT(google-build-using-namespace): our own helpers

namespace {

std::string ColumnString(sqlite3_stmt* stmt, int col) { return std::string(ColumnText(stmt, col)); }

constexpr const char* kColumns = "id, key, recipient, kind, at, body, read";

// After (read, id) in the feed's order (read, then newest first); ?4 = 0:
// from the start.
constexpr const char* kFeedWhere =
    " (?2 = '' OR kind = ?2) AND (?3 = 0 OR read = 0)"
    " AND (?4 = 0 OR read > ?5 OR (read = ?5 AND id < ?4))"
    " ORDER BY read, id DESC LIMIT ?6";

}  // namespace

Result<std::unique_ptr<NoticeWriter>> NoticeWriter::Prepare(sqlite3* db) {
  std::unique_ptr<NoticeWriter> w(new NoticeWriter(db));
  BG_RETURN_IF_ERROR(sqlite_util::Prepare(
      db,
      "INSERT OR IGNORE INTO notices (key, recipient, kind, at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
      &w->insert_));
  BG_RETURN_IF_ERROR(sqlite_util::Prepare(
      db, "UPDATE notices SET read = 1 WHERE recipient = ?1 AND id = ?2 AND read = 0",
      &w->mark_one_));
  BG_RETURN_IF_ERROR(sqlite_util::Prepare(
      db, "UPDATE notices SET read = 1 WHERE recipient = ?1 AND read = 0 AND id <= ?2",
      &w->mark_up_to_));
  // A new webhook starts after the recipient's latest notice (it is not
  // sent the history); a replaced one keeps its place.
  BG_RETURN_IF_ERROR(sqlite_util::Prepare(
      db,
      "INSERT INTO webhooks (recipient, url, secret, created_at, delivered) VALUES (?1, ?2, ?3, ?4,"
      " (SELECT COALESCE(MAX(id), 0) FROM notices WHERE recipient = ?1))"
      " ON CONFLICT (recipient) DO UPDATE SET url = excluded.url, secret = excluded.secret",
      &w->put_webhook_));
  BG_RETURN_IF_ERROR(
      sqlite_util::Prepare(db, "DELETE FROM webhooks WHERE recipient = ?1", &w->drop_webhook_));
  BG_RETURN_IF_ERROR(sqlite_util::Prepare(
      db, "UPDATE webhooks SET delivered = MAX(delivered, ?2) WHERE recipient = ?1", &w->advance_));
  return w;
}

NoticeWriter::~NoticeWriter() {
  for (sqlite3_stmt* stmt :
       {insert_, mark_one_, mark_up_to_, put_webhook_, drop_webhook_, advance_}) {
    sqlite3_finalize(stmt);
  }
}

Status NoticeWriter::Write(const NoticeRows& rows) {
  for (const NoticeRow& n : rows.notices) BG_RETURN_IF_ERROR(Insert(n));
  for (const NoticeMark& m : rows.marks) BG_RETURN_IF_ERROR(Mark(m));
  for (const WebhookRow& w : rows.webhooks) BG_RETURN_IF_ERROR(PutWebhook(w));
  for (const WebhookCursor& c : rows.cursors) BG_RETURN_IF_ERROR(Advance(c));
  return Status::Ok();
}

Status NoticeWriter::Insert(const NoticeRow& row) {
  int rc = BindText(insert_, 1, row.key);
  if (rc == SQLITE_OK) rc = BindText(insert_, 2, row.recipient);
  if (rc == SQLITE_OK) rc = BindText(insert_, 3, row.kind);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(insert_, 4, ToSql(row.at));
  if (rc == SQLITE_OK) rc = BindText(insert_, 5, row.body);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a notice");
  return StepDone(insert_, "store a notice");
}

Status NoticeWriter::Mark(const NoticeMark& mark) {
  sqlite3_stmt* stmt = mark.id != 0 ? mark_one_ : mark_up_to_;
  int rc = BindText(stmt, 1, mark.recipient);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 2, ToSql(mark.id != 0 ? mark.id : mark.up_to));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a notice mark");
  return StepDone(stmt, "mark notices read");
}

Status NoticeWriter::PutWebhook(const WebhookRow& row) {
  if (row.url.empty()) {
    const int rc = BindText(drop_webhook_, 1, row.recipient);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a webhook");
    return StepDone(drop_webhook_, "remove a webhook");
  }
  int rc = BindText(put_webhook_, 1, row.recipient);
  if (rc == SQLITE_OK) rc = BindText(put_webhook_, 2, row.url);
  if (rc == SQLITE_OK) rc = BindText(put_webhook_, 3, row.secret);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(put_webhook_, 4, ToSql(row.created_at));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a webhook");
  return StepDone(put_webhook_, "store a webhook");
}

Status NoticeWriter::Advance(const WebhookCursor& cursor) {
  int rc = BindText(advance_, 1, cursor.recipient);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(advance_, 2, ToSql(cursor.delivered));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a webhook cursor");
  return StepDone(advance_, "record a delivery");
}

Result<std::unique_ptr<NoticeReader>> NoticeReader::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<NoticeReader> reader(new NoticeReader(db));
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open the notices connection");
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  MutexLock lock(&reader->mu_);
  const std::string one =
      std::string("SELECT ") + kColumns + " FROM notices WHERE recipient = ?1 AND" + kFeedWhere;
  const std::string all = std::string("SELECT ") + kColumns + " FROM notices WHERE" + kFeedWhere;
  BG_RETURN_IF_ERROR(Prepare(db, one.c_str(), &reader->feed_one_));
  BG_RETURN_IF_ERROR(Prepare(db, all.c_str(), &reader->feed_all_));
  BG_RETURN_IF_ERROR(Prepare(db, "SELECT COUNT(*) FROM notices WHERE recipient = ?1 AND read = 0",
                             &reader->unread_));
  BG_RETURN_IF_ERROR(Prepare(db,
                             (std::string("SELECT ") + kColumns +
                              " FROM notices WHERE recipient = ?1 AND id > ?2 ORDER BY id LIMIT ?3")
                                 .c_str(),
                             &reader->after_));
  BG_RETURN_IF_ERROR(Prepare(
      db, "SELECT recipient, url, secret, created_at, delivered FROM webhooks ORDER BY recipient",
      &reader->webhooks_));
  return reader;
}

NoticeReader::~NoticeReader() {
  MutexLock lock(&mu_);
  for (sqlite3_stmt* stmt : {feed_one_, feed_all_, unread_, after_, webhooks_}) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db_);
}

Result<std::vector<NoticeRow>> NoticeReader::Rows(sqlite3_stmt* stmt) {
  ResetOnExit reset(stmt);
  std::vector<NoticeRow> out;
  int rc = 0;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    out.push_back(NoticeRow{.id = U64(stmt, 0),
                            .key = ColumnString(stmt, 1),
                            .recipient = ColumnString(stmt, 2),
                            .kind = ColumnString(stmt, 3),
                            .at = U64(stmt, 4),
                            .body = ColumnString(stmt, 5),
                            .read = sqlite3_column_int(stmt, 6) != 0});
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "read notices");
  return out;
}

Result<std::vector<NoticeRow>> NoticeReader::Feed(const NoticeQuery& q) {
  MutexLock lock(&mu_);
  sqlite3_stmt* stmt = q.recipient.empty() ? feed_all_ : feed_one_;
  sqlite3_clear_bindings(stmt);
  int rc = q.recipient.empty() ? SQLITE_OK : BindText(stmt, 1, q.recipient);
  if (rc == SQLITE_OK) rc = BindText(stmt, 2, q.kind);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int(stmt, 3, q.unread_only ? 1 : 0);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 4, ToSql(q.after_id));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int(stmt, 5, q.after_read ? 1 : 0);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(stmt, 6, static_cast<sqlite3_int64>(q.limit));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a notices query");
  return Rows(stmt);
}

Result<uint64_t> NoticeReader::CountUnread(std::string_view recipient) {
  MutexLock lock(&mu_);
  ResetOnExit reset(unread_);
  const int bound = BindText(unread_, 1, recipient);
  if (bound != SQLITE_OK) return SqliteError(db_, bound, "bind a recipient");
  const int rc = sqlite3_step(unread_);
  if (rc != SQLITE_ROW) return SqliteError(db_, rc, "count unread notices");
  return U64(unread_, 0);
}

Result<std::vector<NoticeRow>> NoticeReader::After(std::string_view recipient, uint64_t after,
                                                   size_t limit) {
  MutexLock lock(&mu_);
  int rc = BindText(after_, 1, recipient);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(after_, 2, ToSql(after));
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(after_, 3, static_cast<sqlite3_int64>(limit));
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "bind a delivery query");
  return Rows(after_);
}

Result<std::vector<WebhookRow>> NoticeReader::Webhooks() {
  MutexLock lock(&mu_);
  ResetOnExit reset(webhooks_);
  std::vector<WebhookRow> out;
  int rc = 0;
  while ((rc = sqlite3_step(webhooks_)) == SQLITE_ROW) {
    out.push_back(WebhookRow{.recipient = ColumnString(webhooks_, 0),
                             .url = ColumnString(webhooks_, 1),
                             .secret = ColumnString(webhooks_, 2),
                             .created_at = U64(webhooks_, 3),
                             .delivered = U64(webhooks_, 4)});
  }
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "read webhooks");
  return out;
}

}  // namespace bg::storage
