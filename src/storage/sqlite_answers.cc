#include "storage/sqlite_answers.h"

#include "storage/sqlite_util.h"

namespace bg::storage {

using namespace sqlite_util;  // NOLINT(google-build-using-namespace): our own helpers

namespace {

int BindText(sqlite3_stmt* stmt, int index, std::string_view text) {
  return sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

}  // namespace

int BindAnswer(sqlite3_stmt* insert, const KeptAnswer& answer) {
  int rc = BindText(insert, 1, answer.caller);
  if (rc == SQLITE_OK) rc = BindText(insert, 2, answer.key);
  if (rc == SQLITE_OK) rc = BindBytes(insert, 3, answer.request);
  if (rc == SQLITE_OK) rc = BindBytes(insert, 4, answer.answer);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(insert, 5, ToSql(answer.at));
  return rc;
}

Result<std::unique_ptr<AnswerFinder>> AnswerFinder::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<AnswerFinder> finder(new AnswerFinder(db));
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open the answers connection");
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  MutexLock lock(&finder->mu_);
  const int prepared = sqlite3_prepare_v3(
      db, "SELECT request, answer, at FROM answers WHERE caller = ?1 AND key = ?2", -1,
      SQLITE_PREPARE_PERSISTENT, &finder->find_, nullptr);
  if (prepared != SQLITE_OK) return SqliteError(db, prepared, "prepare the answers lookup");
  return finder;
}

AnswerFinder::~AnswerFinder() {
  MutexLock lock(&mu_);
  sqlite3_finalize(find_);
  sqlite3_close(db_);
}

Result<std::optional<KeptAnswer>> AnswerFinder::Find(std::string_view caller,
                                                     std::string_view key) {
  MutexLock lock(&mu_);
  ResetOnExit reset(find_);
  BindText(find_, 1, caller);
  BindText(find_, 2, key);
  const int rc = sqlite3_step(find_);
  if (rc == SQLITE_DONE) return std::optional<KeptAnswer>();
  if (rc != SQLITE_ROW) return SqliteError(db_, rc, "find a kept answer");
  KeptAnswer out;
  out.caller = std::string(caller);
  out.key = std::string(key);
  if (!ColumnHash(find_, 0, &out.request)) {
    return DataLoss("the answer kept for key " + std::string(key) +
                    " has a malformed request hash");
  }
  out.answer = ColumnBytes(find_, 1);
  out.at = U64(find_, 2);
  return std::optional<KeptAnswer>(std::move(out));
}

}  // namespace bg::storage
