#include "storage/agent_store.h"

#include <sqlite3.h>

#include "storage/sqlite_util.h"

namespace bg::storage {
namespace {

using sqlite_util::BindText;
using sqlite_util::ColumnText;
using sqlite_util::Exec;
using sqlite_util::SqliteError;
using sqlite_util::ToSql;
using sqlite_util::U64;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS placements (
  job INTEGER PRIMARY KEY, pool INTEGER NOT NULL, cards INTEGER NOT NULL,
  from_s INTEGER NOT NULL, until_s INTEGER NOT NULL, phase INTEGER NOT NULL,
  run_id TEXT NOT NULL, ended_by_platform INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reported (record INTEGER PRIMARY KEY);
CREATE TABLE IF NOT EXISTS offered (pool INTEGER PRIMARY KEY, cards INTEGER NOT NULL);
)sql";

// A statement run once with its arguments bound (the agent writes a few
// rows a second at most: clarity over cached statements).
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& Bind(uint64_t v) {
    if (rc_ == SQLITE_OK) rc_ = sqlite3_bind_int64(stmt_, ++index_, ToSql(v));
    return *this;
  }
  Statement& Bind(const std::string& v) {
    if (rc_ == SQLITE_OK) rc_ = BindText(stmt_, ++index_, v);
    return *this;
  }
  Status Run(std::string_view what) {
    if (rc_ != SQLITE_OK) return SqliteError(db_, rc_, what);
    const int rc = sqlite3_step(stmt_);
    return rc == SQLITE_DONE ? Status::Ok() : SqliteError(db_, rc, what);
  }
  // Steps to the next row; false at the end (or on an error, in rc()).
  bool Next() {
    if (rc_ != SQLITE_OK) return false;
    const int rc = sqlite3_step(stmt_);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) rc_ = rc;
    return rc == SQLITE_ROW;
  }
  Status status(std::string_view what) const {
    return rc_ == SQLITE_OK ? Status::Ok() : SqliteError(db_, rc_, what);
  }
  sqlite3_stmt* get() { return stmt_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_OK;
  int index_ = 0;
};

}  // namespace

Result<std::unique_ptr<AgentStore>> AgentStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  std::unique_ptr<AgentStore> store(new AgentStore(db));
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open the agent's state " + path);
  sqlite3_busy_timeout(db, sqlite_util::kBusyTimeoutMs);
  BG_RETURN_IF_ERROR(Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"));
  BG_RETURN_IF_ERROR(Exec(db, kSchema));
  BG_RETURN_IF_ERROR(store->Load());
  return store;
}

AgentStore::~AgentStore() { sqlite3_close(db_); }

Status AgentStore::Load() {
  Statement rows(db_,
                 "SELECT job, pool, cards, from_s, until_s, phase, run_id, ended_by_platform "
                 "FROM placements");
  while (rows.Next()) {
    sqlite3_stmt* s = rows.get();
    Placement p{.job = U64(s, 0),
                .pool = U64(s, 1),
                .cards = static_cast<uint32_t>(U64(s, 2)),
                .from_s = U64(s, 3),
                .until_s = U64(s, 4),
                .phase = static_cast<Phase>(U64(s, 5)),
                .run_id = std::string(ColumnText(s, 6)),
                .ended_by_platform = U64(s, 7) != 0};
    if (p.phase == Phase::kFinished) {
      finished_.insert(p.job);
    } else {
      open_[p.job] = std::move(p);
    }
  }
  BG_RETURN_IF_ERROR(rows.status("read placements"));
  Statement records(db_, "SELECT record FROM reported");
  while (records.Next()) reported_.insert(U64(records.get(), 0));
  BG_RETURN_IF_ERROR(records.status("read reported records"));
  Statement offered(db_, "SELECT pool, cards FROM offered");
  while (offered.Next()) {
    offered_[U64(offered.get(), 0)] = static_cast<uint32_t>(U64(offered.get(), 1));
  }
  return offered.status("read offered cards");
}

bool AgentStore::Knows(uint64_t job) const {
  return open_.contains(job) || finished_.contains(job);
}

Status AgentStore::Put(const Placement& p) {
  BG_RETURN_IF_ERROR(
      Statement(db_,
                "INSERT OR REPLACE INTO placements (job, pool, cards, from_s, until_s, phase, "
                "run_id, ended_by_platform) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
          .Bind(p.job)
          .Bind(p.pool)
          .Bind(p.cards)
          .Bind(p.from_s)
          .Bind(p.until_s)
          .Bind(static_cast<uint64_t>(p.phase))
          .Bind(p.run_id)
          .Bind(p.ended_by_platform ? 1 : 0)
          .Run("record placement " + std::to_string(p.job)));
  if (p.phase == Phase::kFinished) {
    open_.erase(p.job);
    finished_.insert(p.job);
  } else {
    open_[p.job] = p;
  }
  return Status::Ok();
}

Status AgentStore::Take(const Placement& p) {
  Placement fresh = p;
  fresh.phase = Phase::kSubmitting;
  return Put(fresh);
}

Status AgentStore::Submitted(uint64_t job, const std::string& run_id) {
  Placement p = open_.at(job);
  p.phase = Phase::kSubmitted;
  p.run_id = run_id;
  return Put(p);
}

Status AgentStore::SetUntil(uint64_t job, uint64_t until_s) {
  Placement p = open_.at(job);
  p.until_s = until_s;
  return Put(p);
}

Status AgentStore::EndedByPlatform(uint64_t job) {
  Placement p = open_.at(job);
  p.ended_by_platform = true;
  return Put(p);
}

Status AgentStore::Finished(uint64_t job) {
  Placement p = open_.at(job);
  p.phase = Phase::kFinished;
  return Put(p);
}

Status AgentStore::MarkReported(const std::vector<uint64_t>& records) {
  if (records.empty()) return Status::Ok();
  BG_RETURN_IF_ERROR(Exec(db_, "BEGIN IMMEDIATE"));
  for (uint64_t r : records) {
    Status s = Statement(db_, "INSERT OR IGNORE INTO reported (record) VALUES (?)")
                   .Bind(r)
                   .Run("record a reported usage record");
    if (!s.ok()) {
      (void)Exec(db_, "ROLLBACK");
      return s;
    }
  }
  BG_RETURN_IF_ERROR(Exec(db_, "COMMIT"));
  reported_.insert(records.begin(), records.end());
  return Status::Ok();
}

std::optional<uint32_t> AgentStore::Offered(uint64_t pool) const {
  const auto it = offered_.find(pool);
  return it == offered_.end() ? std::nullopt : std::optional<uint32_t>(it->second);
}

Status AgentStore::SetOffered(uint64_t pool, uint32_t cards) {
  BG_RETURN_IF_ERROR(Statement(db_, "INSERT OR REPLACE INTO offered (pool, cards) VALUES (?, ?)")
                         .Bind(pool)
                         .Bind(cards)
                         .Run("record offered cards"));
  offered_[pool] = cards;
  return Status::Ok();
}

}  // namespace bg::storage
