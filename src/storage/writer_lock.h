// WriterLock: one writer per database file, across processes and within one.
// A process that writes a database (serve, demo, an offline admin command)
// holds an exclusive flock(2) on "<db>.lock" for as long as it has the file
// open; the lock file names the holder's pid. A second writer — another
// process, or a second store in the same process (flock locks belong to the
// open file, not to the process) — is refused at once with a message naming
// the file and the pid, instead of appending to a journal it does not own.
// The kernel drops the lock when the holder exits, kill -9 included, so a
// stale lock file never blocks a restart.
//
// Readers (audit verify, exports) take no lock: SQLite's WAL gives them a
// consistent snapshot while the writer goes on.
//
// Thread-safety: a WriterLock is a value owned by one store.
#pragma once

#include <string>

#include "common/result.h"

namespace bg::storage {

class WriterLock {
 public:
  // Takes the lock for the database at `db_path`, or fails with
  // FailedPrecondition naming the file and the process that holds it.
  static Result<WriterLock> Acquire(const std::string& db_path);

  WriterLock(WriterLock&& other) noexcept;
  WriterLock& operator=(WriterLock&& other) noexcept;
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;
  ~WriterLock();

  const std::string& lock_path() const { return lock_path_; }

 private:
  WriterLock(int fd, std::string lock_path) : fd_(fd), lock_path_(std::move(lock_path)) {}

  int fd_ = -1;
  std::string lock_path_;
};

}  // namespace bg::storage
