// IdempotencyStore: the answers given to requests that carried an
// idempotency key, kept in a SQLite file of their own so that a client
// retrying after a server restart gets the first answer instead of a second
// execution. A separate file, not the journal's: these writes never wait
// for, or hold up, the engine's commits.
//
// The record is written after the request's command committed and before
// the answer is sent. A crash between the two, or a power cut soon after,
// loses the record but not the effect; the retry runs again and meets the
// ids in its body (job, application, claim ids), which answer `exists`.
//
// Thread-safety: every method may be called from any thread (one mutex).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/hash.h"
#include "common/mutex.h"
#include "common/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bg::storage {

struct RememberedAnswer {
  Hash256 request{};            // what was asked (a hash of the request body)
  std::vector<uint8_t> answer;  // what was answered, encoded by the caller
  Timestamp at = 0;
};

class IdempotencyStore {
 public:
  // Opens or creates the file at `path`; an empty path keeps the answers in
  // memory (until the process ends).
  static Result<std::unique_ptr<IdempotencyStore>> Open(const std::string& path);

  IdempotencyStore(const IdempotencyStore&) = delete;
  IdempotencyStore& operator=(const IdempotencyStore&) = delete;
  ~IdempotencyStore();

  Result<std::optional<RememberedAnswer>> Find(std::string_view caller, std::string_view key);
  // Survives the process's death when it returns (WAL, synchronous=NORMAL);
  // a power cut may lose the last answers. A (caller, key) already
  // remembered keeps its first answer.
  Status Remember(std::string_view caller, std::string_view key, const RememberedAnswer& answer);
  // Forgets the answers given before `before`; returns how many.
  Result<uint64_t> ForgetBefore(Timestamp before);

 private:
  explicit IdempotencyStore(sqlite3* db) : db_(db) {}
  Status Prepare();

  // One connection, its statements used by one caller at a time.
  Mutex mu_;
  sqlite3* db_ BG_PT_GUARDED_BY(mu_);
  sqlite3_stmt* find_ BG_PT_GUARDED_BY(mu_) = nullptr;
  sqlite3_stmt* insert_ BG_PT_GUARDED_BY(mu_) = nullptr;
  sqlite3_stmt* forget_ BG_PT_GUARDED_BY(mu_) = nullptr;
};

}  // namespace bg::storage
