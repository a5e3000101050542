#include "storage/writer_lock.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace bg::storage {
namespace {

// errno as words; strerror's buffer is shared between threads, this is not.
std::string ErrnoText() { return std::error_code(errno, std::generic_category()).message(); }

// The pid the holder wrote into the lock file, or "unknown" (the holder may
// be between taking the lock and writing its pid).
std::string HolderPid(int fd) {
  char buf[32] = {};
  const ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  std::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  return text.empty() ? "unknown" : std::string(text);
}

Status WritePid(int fd) {
  const std::string pid = std::to_string(getpid()) + "\n";
  if (ftruncate(fd, 0) != 0 ||
      pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
    return Internal(std::string("write the pid into the lock file: ") + ErrnoText());
  }
  return Status::Ok();
}

}  // namespace

Result<WriterLock> WriterLock::Acquire(const std::string& db_path) {
  std::string lock_path = db_path + ".lock";
  const int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Unavailable("unable to open the lock file " + lock_path + " of " + db_path + ": " +
                       ErrnoText());
  }
  WriterLock lock(fd, std::move(lock_path));
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) {
      return FailedPrecondition("cannot lock " + lock.lock_path_ + ": " + ErrnoText());
    }
    return FailedPrecondition("database " + db_path + " is in use by another writer (pid " +
                              HolderPid(fd) + ", lock file " + lock.lock_path_ +
                              "): one process writes a database at a time");
  }
  BG_RETURN_IF_ERROR(WritePid(fd));
  return lock;
}

WriterLock::WriterLock(WriterLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), lock_path_(std::move(other.lock_path_)) {}

WriterLock& WriterLock::operator=(WriterLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    lock_path_ = std::move(other.lock_path_);
  }
  return *this;
}

// Closing the descriptor releases the lock. The file stays: removing it
// would race with a writer that has just opened it and is about to lock.
WriterLock::~WriterLock() {
  if (fd_ >= 0) close(fd_);
}

}  // namespace bg::storage
