#include "storage/pg.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <string>
#include <type_traits>
#include <utility>

#include <libpq-fe.h>

#include "common/check.h"

namespace bg::storage::pg {
namespace {

// Type oids (catalog/pg_type.h, stable across versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kVarcharOid = 1043;

constexpr int kBinary = 1;

static_assert(std::is_same_v<Oid, unsigned>, "Params keeps oids as unsigned");

// Big-endian (network order) integers of PostgreSQL's binary format.
std::string BigEndian(uint64_t v, size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) {
    out[bytes - 1 - i] = static_cast<char>(static_cast<uint8_t>(v >> (8 * i)));
  }
  return out;
}

int64_t FromBigEndian(std::span<const uint8_t> bytes) {
  uint64_t v = 0;
  for (const uint8_t b : bytes) v = (v << 8) | b;
  // Sign-extend the narrower integers (int2, int4).
  const size_t bits = bytes.size() * 8;
  if (bits < 64 && (v >> (bits - 1)) != 0) v |= ~uint64_t{0} << bits;
  return static_cast<int64_t>(v);
}

std::string Field(const PGresult* r, int field) {
  const char* v = r == nullptr ? nullptr : PQresultErrorField(r, field);
  return v == nullptr ? std::string() : std::string(v);
}

std::string TrimmedError(const PGconn* conn) {
  std::string m = conn == nullptr ? "out of memory" : PQerrorMessage(conn);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

Params& Params::Add(unsigned type, std::string bytes) {
  types_.push_back(type);
  values_.push_back(std::move(bytes));
  return *this;
}

Params& Params::Int(int64_t v) { return Add(kInt8Oid, BigEndian(static_cast<uint64_t>(v), 8)); }
Params& Params::Uint(uint64_t v) { return Add(kInt8Oid, BigEndian(v, 8)); }
Params& Params::Bool(bool v) { return Add(kBoolOid, std::string(1, v ? '\1' : '\0')); }
Params& Params::Text(std::string_view v) { return Add(kTextOid, std::string(v)); }
Params& Params::Bytes(std::span<const uint8_t> v) {
  return Add(kByteaOid, std::string(v.begin(), v.end()));
}

Rows::Rows(PGresult* result) : result_(result) { BG_CHECK(result_ != nullptr); }
Rows::Rows(Rows&& other) noexcept : result_(std::exchange(other.result_, nullptr)) {}
Rows& Rows::operator=(Rows&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = std::exchange(other.result_, nullptr);
  }
  return *this;
}
Rows::~Rows() { PQclear(result_); }

int Rows::size() const { return PQntuples(result_); }

bool Rows::IsNull(int row, int col) const { return PQgetisnull(result_, row, col) != 0; }

std::span<const uint8_t> Rows::Raw(int row, int col) const {
  BG_CHECK(row < size() && col < PQnfields(result_)) << "row " << row << " column " << col;
  const int length = PQgetlength(result_, row, col);
  return {reinterpret_cast<const uint8_t*>(PQgetvalue(result_, row, col)),
          static_cast<size_t>(length)};
}

int64_t Rows::Int(int row, int col) const {
  BG_CHECK(!IsNull(row, col)) << "column " << PQfname(result_, col) << " is NULL";
  const std::span<const uint8_t> raw = Raw(row, col);
  size_t want = 0;
  switch (PQftype(result_, col)) {
    case kInt8Oid:
      want = 8;
      break;
    case kInt4Oid:
      want = 4;
      break;
    case kInt2Oid:
      want = 2;
      break;
    case kBoolOid:
      return raw.size() == 1 && raw[0] != 0 ? 1 : 0;
    default:
      BG_CHECK(false) << "column " << PQfname(result_, col) << " is not an integer";
  }
  BG_CHECK(raw.size() == want) << "column " << PQfname(result_, col) << " has " << raw.size()
                               << " bytes";
  return FromBigEndian(raw);
}

bool Rows::Bool(int row, int col) const {
  BG_CHECK(PQftype(result_, col) == kBoolOid) << "column " << PQfname(result_, col);
  return Int(row, col) != 0;
}

std::string_view Rows::Text(int row, int col) const {
  const Oid type = PQftype(result_, col);
  BG_CHECK(type == kTextOid || type == kVarcharOid) << "column " << PQfname(result_, col);
  const std::span<const uint8_t> raw = Raw(row, col);
  return {reinterpret_cast<const char*>(raw.data()), raw.size()};
}

std::span<const uint8_t> Rows::Bytes(int row, int col) const {
  BG_CHECK(PQftype(result_, col) == kByteaOid) << "column " << PQfname(result_, col);
  return Raw(row, col);
}

bool Rows::Hash(int row, int col, Hash256* out) const {
  const std::span<const uint8_t> raw = Bytes(row, col);
  if (raw.size() != out->size()) return false;
  std::memcpy(out->data(), raw.data(), raw.size());
  return true;
}

uint64_t Rows::affected() const {
  const char* text = PQcmdTuples(result_);
  uint64_t n = 0;
  std::from_chars(text, text + std::strlen(text), n);
  return n;
}

StatusCode CodeForSqlState(std::string_view s) {
  if (s == "23505") return StatusCode::kAlreadyExists;            // unique_violation
  if (s == "40001" || s == "40P01") return StatusCode::kAborted;  // serialization, deadlock
  if (s == "3D000") return StatusCode::kNotFound;                 // the database does not exist
  if (s == "25006") return StatusCode::kFailedPrecondition;       // read-only (a standby)
  if (s == "55P03") return StatusCode::kUnavailable;  // lock_not_available: a lock_timeout
  if (s == "42501" || s.starts_with("28")) return StatusCode::kPermissionDenied;
  if (s.starts_with("08") || s.starts_with("57P")) return StatusCode::kUnavailable;
  if (s.starts_with("53")) return StatusCode::kResourceExhausted;  // disk full, memory
  if (s.starts_with("22")) return StatusCode::kInvalidArgument;    // data exception
  return StatusCode::kInternal;
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& url,
                                                     std::string on_connect) {
  PGconn* conn = PQconnectdb(url.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    const std::string error = TrimmedError(conn);
    PQfinish(conn);
    return Unavailable("postgresql: cannot connect to " + Redacted(url) + ": " + error);
  }
  std::unique_ptr<Connection> c(new Connection(conn, url, std::move(on_connect)));
  PQsetNoticeProcessor(conn, &Connection::OnNotice, c.get());
  if (!c->on_connect_.empty()) BG_RETURN_IF_ERROR(c->Script(c->on_connect_, "set up the session"));
  return c;
}

Connection::~Connection() { PQfinish(conn_); }

Status Connection::ErrorOf(PGresult* r, std::string_view what) const {
  const std::string sqlstate = Field(r, PG_DIAG_SQLSTATE);
  std::string message = Field(r, PG_DIAG_MESSAGE_PRIMARY);
  if (message.empty()) message = TrimmedError(conn_);
  const std::string detail = Field(r, PG_DIAG_MESSAGE_DETAIL);
  if (!detail.empty()) message += " (" + detail + ")";
  // No SQLSTATE: the client's own failure, a lost connection most often.
  StatusCode code = CodeForSqlState(sqlstate);
  if (sqlstate.empty()) {
    code = PQstatus(conn_) == CONNECTION_OK ? StatusCode::kInternal : StatusCode::kUnavailable;
  }
  std::string text = "postgresql: " + std::string(what) + ": " + message;
  if (!sqlstate.empty()) text += " (SQLSTATE " + sqlstate + ")";
  return {code, std::move(text)};
}

Result<std::string> Connection::Prepared(std::string_view sql, int params, const unsigned* types,
                                         std::string_view what) {
  std::string key(sql);
  if (auto it = prepared_.find(key); it != prepared_.end()) return it->second;
  std::string name = "bg_" + std::to_string(prepared_.size() + 1);
  PGresult* r = PQprepare(conn_, name.c_str(), key.c_str(), params, types);
  if (r == nullptr || PQresultStatus(r) != PGRES_COMMAND_OK) {
    Status status = ErrorOf(r, std::string("prepare ") + std::string(what));
    PQclear(r);
    return status;
  }
  PQclear(r);
  prepared_.emplace(std::move(key), name);
  return name;
}

Result<Rows> Connection::Exec(std::string_view sql, const Params& params, std::string_view what) {
  BG_ASSIGN_OR_RETURN(const std::string name,
                      Prepared(sql, params.size(), params.types_.data(), what));
  std::vector<const char*> values;
  std::vector<int> lengths;
  values.reserve(params.values_.size());
  lengths.reserve(params.values_.size());
  for (const std::string& v : params.values_) {
    values.push_back(v.data());  // never null, so never SQL NULL
    lengths.push_back(static_cast<int>(v.size()));
  }
  const std::vector<int> formats(params.values_.size(), kBinary);
  PGresult* r = PQexecPrepared(conn_, name.c_str(), params.size(), values.data(), lengths.data(),
                               formats.data(), kBinary);
  const ExecStatusType rs = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK) return Rows(r);
  Status status = ErrorOf(r, what);
  PQclear(r);
  return status;
}

Status Connection::Script(const std::string& sql, std::string_view what) {
  PGresult* r = PQexec(conn_, sql.c_str());
  const ExecStatusType rs = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
  Status status = Status::Ok();
  if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) status = ErrorOf(r, what);
  PQclear(r);
  return status;
}

CopyRows::CopyRows() {
  // "PGCOPY\n\377\r\n\0", then no flags and no header extension.
  data_.assign("PGCOPY\n\377\r\n\0", 11);
  data_ += BigEndian(0, 4);
  data_ += BigEndian(0, 4);
}

CopyRows& CopyRows::Row(int fields) {
  BG_CHECK(fields > 0 && fields < 32768) << "a COPY row of " << fields << " fields";
  data_ += BigEndian(static_cast<uint64_t>(fields), 2);
  ++rows_;
  return *this;
}

CopyRows& CopyRows::Int8(int64_t v) {
  data_ += BigEndian(8, 4);
  data_ += BigEndian(static_cast<uint64_t>(v), 8);
  return *this;
}

CopyRows& CopyRows::Int4(int32_t v) {
  data_ += BigEndian(4, 4);
  data_ += BigEndian(static_cast<uint64_t>(static_cast<uint32_t>(v)), 4);
  return *this;
}

CopyRows& CopyRows::Int2(int16_t v) {
  data_ += BigEndian(2, 4);
  data_ += BigEndian(static_cast<uint64_t>(static_cast<uint16_t>(v)), 2);
  return *this;
}

std::string CopyRows::Finish() && {
  data_ += BigEndian(0xffff, 2);  // the trailer: a field count of -1
  return std::move(data_);
}

Status Connection::CopyIn(const std::string& copy_sql, CopyRows rows, std::string_view what,
                          std::chrono::milliseconds deadline) {
  if (rows.rows() == 0) return Status::Ok();
  if (deadline.count() > 0) {
    BG_RETURN_IF_ERROR(Script("SET LOCAL statement_timeout = " + std::to_string(deadline.count()),
                              "bound the copy"));
  }
  BG_RETURN_IF_ERROR(CopyInUnbounded(copy_sql, std::move(rows), what));
  // Back to none for the rest of the transaction: its COMMIT, which may
  // wait for a synchronous standby, must never be cut short.
  if (deadline.count() > 0) {
    BG_RETURN_IF_ERROR(Script("SET LOCAL statement_timeout = 0", "unbound"));
  }
  return Status::Ok();
}

Status Connection::CopyInUnbounded(const std::string& copy_sql, CopyRows rows,
                                   std::string_view what) {
  const std::string data = std::move(rows).Finish();
  PGresult* r = PQexec(conn_, copy_sql.c_str());
  if (r == nullptr || PQresultStatus(r) != PGRES_COPY_IN) {
    Status status = ErrorOf(r, what);
    PQclear(r);
    return status;
  }
  PQclear(r);
  // A blocking connection: each call returns once libpq has queued the
  // bytes (or fails with the connection). Sent in pieces so that libpq's
  // buffer stays small.
  constexpr size_t kPiece = size_t{1} << 20;
  bool sent = true;
  for (size_t at = 0; at < data.size() && sent; at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    sent = PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) == 1;
  }
  if (PQputCopyEnd(conn_, sent ? nullptr : "the client could not send every row") != 1) {
    sent = false;
  }
  // The COPY's own result, then the null that ends the command.
  Status status = Status::Ok();
  while (PGresult* done = PQgetResult(conn_)) {
    const ExecStatusType rs = PQresultStatus(done);
    if (status.ok() && rs != PGRES_COMMAND_OK) status = ErrorOf(done, what);
    PQclear(done);
    // Still copying: the end could not be sent (out of memory), and libpq
    // would answer COPY_IN for ever.
    if (rs == PGRES_COPY_IN) break;
  }
  if (status.ok() && !sent) {
    status = Unavailable("postgresql: " + std::string(what) + ": " + TrimmedError(conn_));
  }
  return status;
}

void Connection::OnNotice(void* self, const char* message) {
  // "canceling wait for synchronous replication ... The transaction has
  // already committed locally, but might not have been replicated".
  if (std::string_view(message).find("might not have been replicated") != std::string_view::npos) {
    static_cast<Connection*>(self)->unreplicated_ = true;
  }
}

Status Connection::Transaction(const std::function<Status()>& body) {
  BG_RETURN_IF_ERROR(Script("BEGIN", "begin a transaction"));
  Status status = body();
  if (status.ok()) {
    unreplicated_ = false;
    PGresult* r = PQexec(conn_, "COMMIT");
    const ExecStatusType rs = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r);
    if (rs != PGRES_COMMAND_OK) {
      status = ErrorOf(r, "commit");
      if (status.code() == StatusCode::kUnavailable) {
        status = Unavailable(status.message() + "; the commit's outcome is unknown");
      }
    } else if (std::string_view(PQcmdStatus(r)) != "COMMIT") {
      // COMMIT of a transaction that had already failed answers ROLLBACK.
      status = Aborted("postgresql: the server rolled the transaction back");
    } else if (unreplicated_) {
      status = Unavailable(
          "postgresql: the commit's wait for the synchronous standby was cancelled: stored on "
          "this server, maybe not replicated; the commit's outcome is unknown");
    }
    PQclear(r);
  }
  const PGTransactionStatusType ts = PQtransactionStatus(conn_);
  if (!status.ok() && (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)) {
    const Status rollback = Script("ROLLBACK", "roll back");
    if (!rollback.ok()) return Internal(status.ToString() + "; then " + rollback.ToString());
  }
  return status;
}

Status Connection::Reconnect() {
  if (PQstatus(conn_) == CONNECTION_OK) return Status::Ok();
  PQreset(conn_);
  prepared_.clear();  // they were the old session's
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Unavailable("postgresql: cannot reconnect to " + Redacted(url_) + ": " +
                       TrimmedError(conn_));
  }
  PQsetNoticeProcessor(conn_, &Connection::OnNotice, this);
  if (!on_connect_.empty()) return Script(on_connect_, "set up the session");
  return Status::Ok();
}

std::string Redacted(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t at = url.find('@', scheme + 3);
  const size_t colon = url.find(':', scheme + 3);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Result<std::string> WithDatabase(std::string_view url, std::string_view db) {
  size_t start = 0;
  for (const std::string_view scheme : {"postgresql://", "postgres://"}) {
    if (url.starts_with(scheme)) start = scheme.size();
  }
  if (start == 0) return InvalidArgument("not a postgresql:// URL: " + std::string(url));
  const size_t path = url.find_first_of("/?", start);
  const size_t query = url.find('?', start);
  std::string out(url.substr(0, path == std::string_view::npos ? url.size() : path));
  out += '/';
  constexpr std::string_view kHex = "0123456789ABCDEF";
  for (const char c : db) {  // percent-encoded but for the unreserved characters
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 || c == '_' || c == '-' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  if (query != std::string_view::npos) out += url.substr(query);
  return out;
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace bg::storage::pg
