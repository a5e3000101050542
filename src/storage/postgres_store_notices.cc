#include "storage/postgres_store_notices.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string>

namespace bg::storage::pg_notices {
namespace {

// A page of a feed, after (read, id) in the feed's order (unread first,
// then newest first); $4 = 0: from the start. Parameters: $1 recipient,
// $2 kind ('' = any), $3 unread only, $4 after id, $5 after read, $6 limit.
// Columns in the order NoticesFrom reads them.
constexpr const char* kFeedOne =
    "SELECT id, key, recipient, kind, at, body, read FROM notices WHERE recipient = $1"
    " AND ($2 = '' OR kind = $2) AND (NOT $3 OR NOT read)"
    " AND ($4 = 0 OR read > $5 OR (read = $5 AND id < $4))"
    " ORDER BY read, id DESC LIMIT $6";
// Everyone's: $1 is '' (a condition on a parameter alone, checked once).
constexpr const char* kFeedAll =
    "SELECT id, key, recipient, kind, at, body, read FROM notices WHERE $1 = ''"
    " AND ($2 = '' OR kind = $2) AND (NOT $3 OR NOT read)"
    " AND ($4 = 0 OR read > $5 OR (read = $5 AND id < $4))"
    " ORDER BY read, id DESC LIMIT $6";
constexpr const char* kAfter =
    "SELECT id, key, recipient, kind, at, body, read FROM notices"
    " WHERE recipient = $1 AND id > $2 ORDER BY id LIMIT $3";

int64_t Limit(size_t limit) {
  return static_cast<int64_t>(
      std::min<uint64_t>(limit, static_cast<uint64_t>(std::numeric_limits<int64_t>::max())));
}

std::vector<NoticeRow> NoticesFrom(const pg::Rows& rows) {
  std::vector<NoticeRow> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) {
    out.push_back(NoticeRow{.id = rows.Uint(r, 0),
                            .key = std::string(rows.Text(r, 1)),
                            .recipient = std::string(rows.Text(r, 2)),
                            .kind = std::string(rows.Text(r, 3)),
                            .at = rows.Uint(r, 4),
                            .body = std::string(rows.Text(r, 5)),
                            .read = rows.Bool(r, 6)});
  }
  return out;
}

Status Insert(pg::Connection& conn, const NoticeRow& n) {
  return conn.Run(
      "INSERT INTO notices (key, recipient, kind, at, body) VALUES ($1, $2, $3, $4, $5) "
      "ON CONFLICT (key) DO NOTHING",
      pg::Params().Text(n.key).Text(n.recipient).Text(n.kind).Uint(n.at).Text(n.body),
      "store a notice");
}

Status Mark(pg::Connection& conn, const NoticeMark& m) {
  if (m.id != 0) {
    return conn.Run("UPDATE notices SET read = true WHERE recipient = $1 AND id = $2 AND NOT read",
                    pg::Params().Text(m.recipient).Uint(m.id), "mark a notice read");
  }
  return conn.Run("UPDATE notices SET read = true WHERE recipient = $1 AND NOT read AND id <= $2",
                  pg::Params().Text(m.recipient).Uint(m.up_to), "mark notices read");
}

Status PutWebhook(pg::Connection& conn, const WebhookRow& w) {
  if (w.url.empty()) {
    return conn.Run("DELETE FROM webhooks WHERE recipient = $1", pg::Params().Text(w.recipient),
                    "remove a webhook");
  }
  // A new webhook starts after the recipient's latest notice (it is not
  // sent the history); a replaced one keeps its place.
  return conn.Run(
      "INSERT INTO webhooks (recipient, url, secret, created_at, delivered) VALUES ($1, $2, $3, "
      "$4, (SELECT COALESCE(MAX(id), 0) FROM notices WHERE recipient = $1)) "
      "ON CONFLICT (recipient) DO UPDATE SET url = excluded.url, secret = excluded.secret",
      pg::Params().Text(w.recipient).Text(w.url).Text(w.secret).Uint(w.created_at),
      "store a webhook");
}

Status Advance(pg::Connection& conn, const WebhookCursor& c) {
  return conn.Run("UPDATE webhooks SET delivered = GREATEST(delivered, $2) WHERE recipient = $1",
                  pg::Params().Text(c.recipient).Uint(c.delivered), "record a delivery");
}

}  // namespace

Status Write(pg::Connection& conn, const NoticeRows& rows) {
  for (const NoticeRow& n : rows.notices) BG_RETURN_IF_ERROR(Insert(conn, n));
  for (const NoticeMark& m : rows.marks) BG_RETURN_IF_ERROR(Mark(conn, m));
  for (const WebhookRow& w : rows.webhooks) BG_RETURN_IF_ERROR(PutWebhook(conn, w));
  for (const WebhookCursor& c : rows.cursors) BG_RETURN_IF_ERROR(Advance(conn, c));
  return Status::Ok();
}

Result<std::vector<NoticeRow>> Feed(pg::Connection& conn, const NoticeQuery& q) {
  BG_ASSIGN_OR_RETURN(const pg::Rows rows, conn.Exec(q.recipient.empty() ? kFeedAll : kFeedOne,
                                                     pg::Params()
                                                         .Text(q.recipient)
                                                         .Text(q.kind)
                                                         .Bool(q.unread_only)
                                                         .Uint(q.after_id)
                                                         .Bool(q.after_read)
                                                         .Int(Limit(q.limit)),
                                                     "read notices"));
  return NoticesFrom(rows);
}

Result<uint64_t> CountUnread(pg::Connection& conn, std::string_view recipient) {
  BG_ASSIGN_OR_RETURN(const pg::Rows rows,
                      conn.Exec("SELECT COUNT(*) FROM notices WHERE recipient = $1 AND NOT read",
                                pg::Params().Text(recipient), "count unread notices"));
  return rows.Uint(0, 0);
}

Result<std::vector<NoticeRow>> After(pg::Connection& conn, std::string_view recipient,
                                     uint64_t after, size_t limit) {
  BG_ASSIGN_OR_RETURN(const pg::Rows rows,
                      conn.Exec(kAfter, pg::Params().Text(recipient).Uint(after).Int(Limit(limit)),
                                "read notices to deliver"));
  return NoticesFrom(rows);
}

Result<std::vector<WebhookRow>> Webhooks(pg::Connection& conn) {
  BG_ASSIGN_OR_RETURN(const pg::Rows rows,
                      conn.Exec("SELECT recipient, url, secret, created_at, delivered "
                                "FROM webhooks ORDER BY recipient COLLATE \"C\"",
                                {}, "read webhooks"));
  std::vector<WebhookRow> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) {
    out.push_back(WebhookRow{.recipient = std::string(rows.Text(r, 0)),
                             .url = std::string(rows.Text(r, 1)),
                             .secret = std::string(rows.Text(r, 2)),
                             .created_at = rows.Uint(r, 3),
                             .delivered = rows.Uint(r, 4)});
  }
  return out;
}

}  // namespace bg::storage::pg_notices
