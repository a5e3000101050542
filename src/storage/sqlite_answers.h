// The answers kept for idempotency keys (storage/store.h, KeptAnswer) in a
// SQLite file. Internal to storage/ (sqlite_store.cc).
//
// Why not a table keyed by (caller, key): clients pick keys at random
// (UUIDs), so every kept answer landed on a B-tree page of its own, and a
// batch of 16 keyed requests rewrote about 8 pages of the WAL instead of
// one or two; keyed submissions ran at 0.55 of plain ones. Now the rows are
// appended in id order (one or two pages per batch) and found through an
// index held in memory, AnswerIndex: a 64-bit hash of (caller, key) to the
// ids of the rows that may hold it. The index is rebuilt from the table on
// open, costs 16 bytes per kept answer (answers are kept a day), and is a
// superset: every id it gives is checked against the row, so a hash
// collision, a rolled-back insert or a forgotten row only costs a lookup.
//
// AnswerFinder looks answers up on a connection of its own, so that the
// API's threads can ask while the engine's committer writes on the store's
// connection (WAL: readers see the last committed transaction and never
// wait for a writer).
//
// Thread-safety: AnswerIndex and AnswerFinder::Find may be called from any
// thread (a mutex each).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/mutex.h"
#include "common/result.h"
#include "storage/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::storage {

class AnswerIndex {
 public:
  // Keyed per process (ProcessKeyedHash64): the index is rebuilt on open.
  static uint64_t HashOf(std::string_view caller, std::string_view key);

  void Add(uint64_t hash, int64_t id) BG_EXCLUDES(mu_);
  // Ids of the rows that may hold an answer with this hash, oldest first;
  // usually none, and no allocation then.
  std::vector<int64_t> Candidates(uint64_t hash) const BG_EXCLUDES(mu_);
  // Rows with ids below `id` are gone (forgotten); their entries are dropped
  // at the next merge. Ids never decrease (the table is AUTOINCREMENT).
  void ForgetBelow(int64_t id) BG_EXCLUDES(mu_);
  size_t size() const BG_EXCLUDES(mu_);

 private:
  struct Entry {
    uint64_t hash;
    int64_t id;
    friend bool operator<(const Entry& a, const Entry& b) {
      return a.hash != b.hash ? a.hash < b.hash : a.id < b.id;
    }
  };
  void MergeLocked() BG_REQUIRES(mu_);

  mutable Mutex mu_;
  // Most entries, sorted; the newest in `recent_` until they are a quarter
  // as many, then merged (amortised O(1) per Add, 16 bytes per entry).
  std::vector<Entry> sorted_ BG_GUARDED_BY(mu_);
  std::unordered_multimap<uint64_t, int64_t> recent_ BG_GUARDED_BY(mu_);
  int64_t floor_ BG_GUARDED_BY(mu_) = 0;
};

class AnswerFinder {
 public:
  // Opens its connection and fills `index` from the table.
  static Result<std::unique_ptr<AnswerFinder>> Open(const std::string& path, AnswerIndex* index);
  ~AnswerFinder();
  AnswerFinder(const AnswerFinder&) = delete;
  AnswerFinder& operator=(const AnswerFinder&) = delete;

  Result<std::optional<KeptAnswer>> Find(std::string_view caller, std::string_view key);

 private:
  AnswerFinder(sqlite3* db, AnswerIndex* index) : db_(db), index_(index) {}
  Status Load() BG_EXCLUDES(mu_);

  Mutex mu_;
  sqlite3* db_ BG_PT_GUARDED_BY(mu_);
  AnswerIndex* const index_;
  sqlite3_stmt* find_ BG_PT_GUARDED_BY(mu_) = nullptr;
};

// The statements the store's own connection writes answers with.
inline constexpr const char* kInsertAnswerSql =
    "INSERT INTO answers (caller, key, request, answer, at) VALUES (?1, ?2, ?3, ?4, ?5)";
// Is row ?1 the answer for (?2, ?3)? On the writer's connection, so that it
// also sees the rows of the transaction it is writing.
inline constexpr const char* kAnswerIsSql =
    "SELECT 1 FROM answers WHERE id = ?1 AND caller = ?2 AND key = ?3";
// Answers are appended in time order, so the old ones are a prefix of the
// ids: delete up to the first one young enough to keep. Reads only what it
// deletes, with no index on `at`.
inline constexpr const char* kForgetAnswersSql =
    "DELETE FROM answers WHERE id < COALESCE("
    "(SELECT id FROM answers WHERE at >= ?1 ORDER BY id LIMIT 1), "
    "(SELECT MAX(id) + 1 FROM answers))";
inline constexpr const char* kOldestAnswerSql = "SELECT MIN(id) FROM answers";

// Binds one answer to kInsertAnswerSql; the answer must outlive the step.
int BindAnswer(sqlite3_stmt* insert, const KeptAnswer& answer);

}  // namespace bg::storage
