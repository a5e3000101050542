// pg: the one place that speaks libpq. A Connection opened from a URL runs
// parameterised statements (prepared once per connection and kept), plain
// SQL scripts and transactions; Rows reads a result; every failure becomes
// a Status carrying the server's message, its detail and its SQLSTATE
// ("... (SQLSTATE 23505)"), with a code the caller can act on (a unique
// violation is AlreadyExists, a lost connection Unavailable).
//
// Everything travels in PostgreSQL's binary format, both ways: an int8 is
// eight bytes in network order, a bytea its bytes, so nothing is formatted
// or parsed as text and a uint64 sent as the int64 with the same bits comes
// back exactly. Text is sent as its UTF-8 bytes.
//
// Thread-safety: a Connection (and the Rows it returns) belongs to one
// thread at a time; SharedConnection lets several threads take turns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/hash.h"
#include "common/mutex.h"
#include "common/result.h"

struct pg_conn;
struct pg_result;

namespace bg::storage::pg {

// The parameters of one statement, $1, $2, ... in the order added.
class Params {
 public:
  Params& Int(int64_t v);                     // int8
  Params& Uint(uint64_t v);                   // int8 with the same bits
  Params& Bool(bool v);                       // boolean
  Params& Text(std::string_view v);           // text
  Params& Bytes(std::span<const uint8_t> v);  // bytea
  int size() const { return static_cast<int>(values_.size()); }

 private:
  friend class Connection;
  Params& Add(unsigned type, std::string bytes);

  std::vector<unsigned> types_;  // PostgreSQL type oids
  std::vector<std::string> values_;
};

// A statement's result rows, in binary format. Reading a column as a type
// it does not have is a bug in our SQL and aborts (BG_CHECK).
class Rows {
 public:
  explicit Rows(pg_result* result);
  Rows(Rows&& other) noexcept;
  Rows& operator=(Rows&& other) noexcept;
  Rows(const Rows&) = delete;
  Rows& operator=(const Rows&) = delete;
  ~Rows();

  int size() const;
  bool empty() const { return size() == 0; }
  bool IsNull(int row, int col) const;
  // smallint, integer, bigint or boolean.
  int64_t Int(int row, int col) const;
  uint64_t Uint(int row, int col) const { return static_cast<uint64_t>(Int(row, col)); }
  bool Bool(int row, int col) const;
  std::string_view Text(int row, int col) const;
  std::span<const uint8_t> Bytes(int row, int col) const;
  // False when the column does not hold exactly 32 bytes.
  bool Hash(int row, int col, Hash256* out) const;
  // The rows an INSERT, UPDATE or DELETE touched.
  uint64_t affected() const;

 private:
  std::span<const uint8_t> Raw(int row, int col) const;
  pg_result* result_;
};

// The rows of one `COPY table (columns) FROM STDIN (FORMAT binary)`, built
// field by field in PostgreSQL's binary copy format: a header, each row its
// field count and then each field's length and bytes, a trailer. Each
// integer field must be of its column's exact width (int2, int4, int8):
// binary COPY converts nothing, and refuses a wrong width.
class CopyRows {
 public:
  CopyRows();
  CopyRows& Row(int fields);
  CopyRows& Int8(int64_t v);
  CopyRows& Uint8(uint64_t v) { return Int8(static_cast<int64_t>(v)); }  // the same bits
  CopyRows& Int4(int32_t v);
  CopyRows& Int2(int16_t v);
  size_t rows() const { return rows_; }
  // The bytes to send, trailer included; the builder is spent.
  std::string Finish() &&;

 private:
  std::string data_;
  size_t rows_ = 0;
};

// The Status for a server error: its message, detail and SQLSTATE.
StatusCode CodeForSqlState(std::string_view sqlstate);

class Connection {
 public:
  // `url`: a libpq connection URI (postgresql://user@host:port/db?...) or
  // key=value string. Unavailable when the server cannot be reached.
  // `on_connect`: SQL run on every (re)connection, for session settings
  // that a reconnect would otherwise lose.
  static Result<std::unique_ptr<Connection>> Open(const std::string& url,
                                                  std::string on_connect = "");
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs `sql` with `params`. The statement is prepared on its first use
  // on this connection and kept. `what` names the step in errors.
  Result<Rows> Exec(std::string_view sql, const Params& params, std::string_view what);
  Status Run(std::string_view sql, const Params& params, std::string_view what) {
    return Exec(sql, params, what).status();
  }
  // Runs one or more statements without parameters (the simple protocol).
  Status Script(const std::string& sql, std::string_view what);
  // Runs `copy_sql` (a COPY ... FROM STDIN (FORMAT binary)) and sends it
  // `rows`: one round trip for any number of rows, and no statement to
  // parse or plan per row (a batch's thousands of transfers). In a
  // transaction, a positive `deadline` bounds the COPY on the server: a
  // COPY waits for its client's data, and neither
  // idle_in_transaction_session_timeout nor anything else ends a session
  // whose client stopped (SIGSTOP) in the middle of one, with the locks its
  // transaction holds.
  Status CopyIn(const std::string& copy_sql, CopyRows rows, std::string_view what,
                std::chrono::milliseconds deadline = std::chrono::milliseconds(0));

  // Runs `body` between BEGIN and COMMIT; rolls back when body fails. A
  // COMMIT the server turned into a rollback is Aborted. A COMMIT whose
  // answer never came (the connection dropped) is Unavailable: its outcome
  // is unknown, and the caller finds out from what was stored. So is a
  // COMMIT whose wait for the synchronous standby was cancelled (the
  // server then answers success with a warning: committed here, maybe not
  // replicated).
  Status Transaction(const std::function<Status()>& body);

  // When the connection was lost (and no transaction is open), opens it
  // again; its prepared statements are prepared again as they are used.
  Status Reconnect();

 private:
  Connection(pg_conn* conn, std::string url, std::string on_connect)
      : conn_(conn), url_(std::move(url)), on_connect_(std::move(on_connect)) {}
  Status ErrorOf(pg_result* result, std::string_view what) const;
  // libpq's notice processor: drops NOTICEs ("relation exists, skipping"),
  // remembers the warning of a cancelled synchronous-replication wait.
  static void OnNotice(void* self, const char* message);
  Status CopyInUnbounded(const std::string& copy_sql, CopyRows rows, std::string_view what);
  Result<std::string> Prepared(std::string_view sql, int params, const unsigned* types,
                               std::string_view what);

  pg_conn* conn_;
  std::string url_;
  std::string on_connect_;
  bool unreplicated_ = false;  // since the last COMMIT was sent
  // SQL to the name of its prepared statement on this connection.
  std::unordered_map<std::string, std::string> prepared_;
};

// A Connection shared by several threads, one call at a time (the store's
// reads that the API's threads make while the writer commits).
class SharedConnection {
 public:
  explicit SharedConnection(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}

  // Calls `f` with the connection, under the mutex.
  template <typename F>
  auto With(F&& f) BG_EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    // Reads need no transaction: a dropped connection is simply reopened.
    if (Status s = conn_->Reconnect(); !s.ok()) return decltype(f(*conn_))(s);
    return f(*conn_);
  }

 private:
  Mutex mu_;
  std::unique_ptr<Connection> conn_ BG_PT_GUARDED_BY(mu_);
};

// `url` (postgresql:// or postgres://) naming database `db` instead.
Result<std::string> WithDatabase(std::string_view url, std::string_view db);

// `url` without its password (postgresql://user:secret@host ->
// user:***@host), for messages and logs.
std::string Redacted(const std::string& url);

// `name` quoted as an SQL identifier ("a""b").
std::string QuoteIdentifier(std::string_view name);

}  // namespace bg::storage::pg
