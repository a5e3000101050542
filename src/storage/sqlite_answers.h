// AnswerFinder: looks up kept answers (storage/store.h, KeptAnswer) in a
// SQLite file on a connection of its own, so that the API's threads can
// ask while the engine's committer writes on the store's connection (WAL:
// readers see the last committed transaction and never wait for a writer).
// Internal to storage/ (sqlite_store.cc).
//
// Thread-safety: Find may be called from any thread (one mutex).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/mutex.h"
#include "common/result.h"
#include "storage/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::storage {

class AnswerFinder {
 public:
  static Result<std::unique_ptr<AnswerFinder>> Open(const std::string& path);
  ~AnswerFinder();
  AnswerFinder(const AnswerFinder&) = delete;
  AnswerFinder& operator=(const AnswerFinder&) = delete;

  Result<std::optional<KeptAnswer>> Find(std::string_view caller, std::string_view key);

 private:
  explicit AnswerFinder(sqlite3* db) : db_(db) {}

  Mutex mu_;
  sqlite3* db_ BG_PT_GUARDED_BY(mu_);
  sqlite3_stmt* find_ BG_PT_GUARDED_BY(mu_) = nullptr;
};

// The statements the store's own connection writes answers with.
inline constexpr const char* kInsertAnswerSql =
    "INSERT INTO answers (caller, key, request, answer, at) VALUES (?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT (caller, key) DO NOTHING";
inline constexpr const char* kForgetAnswersSql = "DELETE FROM answers WHERE at < ?1";

// Binds one answer to kInsertAnswerSql; the answer must outlive the step.
int BindAnswer(sqlite3_stmt* insert, const KeptAnswer& answer);

}  // namespace bg::storage
