#include "storage/sqlite_answers.h"

#include <algorithm>
#include <functional>

#include "common/hash.h"
#include "storage/sqlite_util.h"

namespace bg::storage {

using namespace sqlite_util;  // NOLINT(google-build-using-namespace): our own helpers

uint64_t AnswerIndex::HashOf(std::string_view caller, std::string_view key) {
  // Keyed: a client picks its keys, and must not be able to pick colliding
  // ones (each collision is a row to read on every lookup).
  return (ProcessKeyedHash64(caller) * 0x9E3779B97F4A7C15ULL) ^ ProcessKeyedHash64(key);
}

void AnswerIndex::Add(uint64_t hash, int64_t id) {
  MutexLock lock(&mu_);
  recent_.emplace(hash, id);
  if (recent_.size() >= std::max<size_t>(4096, sorted_.size() / 4)) MergeLocked();
}

void AnswerIndex::MergeLocked() {
  std::vector<Entry> fresh;
  fresh.reserve(recent_.size());
  for (const auto& [hash, id] : recent_) fresh.push_back({hash, id});
  recent_.clear();
  std::sort(fresh.begin(), fresh.end());
  const size_t old = sorted_.size();
  sorted_.insert(sorted_.end(), fresh.begin(), fresh.end());
  std::inplace_merge(sorted_.begin(), sorted_.begin() + static_cast<std::ptrdiff_t>(old),
                     sorted_.end());
  std::erase_if(sorted_, [floor = floor_](const Entry& e) { return e.id < floor; });
}

std::vector<int64_t> AnswerIndex::Candidates(uint64_t hash) const {
  std::vector<int64_t> ids;
  MutexLock lock(&mu_);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), Entry{hash, INT64_MIN});
  for (; it != sorted_.end() && it->hash == hash; ++it) {
    if (it->id >= floor_) ids.push_back(it->id);
  }
  auto [first, last] = recent_.equal_range(hash);
  for (; first != last; ++first) {
    if (first->second >= floor_) ids.push_back(first->second);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

void AnswerIndex::ForgetBelow(int64_t id) {
  MutexLock lock(&mu_);
  floor_ = std::max(floor_, id);
}

size_t AnswerIndex::size() const {
  MutexLock lock(&mu_);
  return sorted_.size() + recent_.size();
}

int BindAnswer(sqlite3_stmt* insert, const KeptAnswer& answer) {
  int rc = BindText(insert, 1, answer.caller);
  if (rc == SQLITE_OK) rc = BindText(insert, 2, answer.key);
  if (rc == SQLITE_OK) rc = BindBytes(insert, 3, answer.request);
  if (rc == SQLITE_OK) rc = BindBytes(insert, 4, answer.answer);
  if (rc == SQLITE_OK) rc = sqlite3_bind_int64(insert, 5, ToSql(answer.at));
  return rc;
}

Result<std::unique_ptr<AnswerFinder>> AnswerFinder::Open(const std::string& path,
                                                         AnswerIndex* index) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<AnswerFinder> finder(new AnswerFinder(db, index));
  if (rc != SQLITE_OK) return SqliteError(db, rc, "open the answers connection");
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  BG_RETURN_IF_ERROR(finder->Load());
  MutexLock lock(&finder->mu_);
  const int prepared =
      sqlite3_prepare_v3(db, "SELECT caller, key, request, answer, at FROM answers WHERE id = ?1",
                         -1, SQLITE_PREPARE_PERSISTENT, &finder->find_, nullptr);
  if (prepared != SQLITE_OK) return SqliteError(db, prepared, "prepare the answers lookup");
  return finder;
}

Status AnswerFinder::Load() {
  MutexLock lock(&mu_);
  sqlite3_stmt* scan = nullptr;
  int rc = sqlite3_prepare_v2(db_, "SELECT id, caller, key FROM answers", -1, &scan, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare the answers scan");
  while ((rc = sqlite3_step(scan)) == SQLITE_ROW) {
    index_->Add(AnswerIndex::HashOf(ColumnText(scan, 1), ColumnText(scan, 2)),
                sqlite3_column_int64(scan, 0));
  }
  sqlite3_finalize(scan);
  if (rc != SQLITE_DONE) return SqliteError(db_, rc, "read the kept answers");
  return Status::Ok();
}

AnswerFinder::~AnswerFinder() {
  MutexLock lock(&mu_);
  sqlite3_finalize(find_);
  sqlite3_close(db_);
}

Result<std::optional<KeptAnswer>> AnswerFinder::Find(std::string_view caller,
                                                     std::string_view key) {
  // Most keys are new: no candidate, and no SQLite at all.
  const std::vector<int64_t> ids = index_->Candidates(AnswerIndex::HashOf(caller, key));
  if (ids.empty()) return std::optional<KeptAnswer>();
  MutexLock lock(&mu_);
  for (const int64_t id : ids) {  // oldest first: the first answer kept is the one
    ResetOnExit reset(find_);
    sqlite3_bind_int64(find_, 1, id);
    const int rc = sqlite3_step(find_);
    if (rc == SQLITE_DONE) continue;  // forgotten, or never committed
    if (rc != SQLITE_ROW) return SqliteError(db_, rc, "find a kept answer");
    if (ColumnText(find_, 0) != caller || ColumnText(find_, 1) != key) continue;  // a collision
    KeptAnswer out;
    out.caller = std::string(caller);
    out.key = std::string(key);
    if (!ColumnHash(find_, 2, &out.request)) {
      return DataLoss("the answer kept for key " + std::string(key) +
                      " has a malformed request hash");
    }
    out.answer = ColumnBytes(find_, 3);
    out.at = U64(find_, 4);
    return std::optional<KeptAnswer>(std::move(out));
  }
  return std::optional<KeptAnswer>();
}

}  // namespace bg::storage
