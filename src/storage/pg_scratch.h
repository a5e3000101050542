// PgScratchDatabase: a database of its own on a PostgreSQL server, for one
// test or one benchmark run. Created through a superuser's URL under a name
// nobody else uses (prefix, pid, a counter, a random part), and dropped, with
// any connection left to it, when the object goes. The store tests, the
// engine tests on PostgreSQL and `baygrid bench ledger --pg` use it; nothing
// that keeps money does.
//
// Thread-safety: Create may be called from any thread; an object belongs to
// one.
#pragma once

#include <memory>
#include <string>

#include "common/result.h"

namespace bg::storage {

class PgScratchDatabase {
 public:
  // `server`: a URL of the server with the right to CREATE DATABASE.
  static Result<std::unique_ptr<PgScratchDatabase>> Create(const std::string& server,
                                                           const std::string& prefix);
  ~PgScratchDatabase();
  PgScratchDatabase(const PgScratchDatabase&) = delete;
  PgScratchDatabase& operator=(const PgScratchDatabase&) = delete;

  // Drops the database now (the destructor's drop, with its outcome);
  // idempotent.
  Status Drop();
  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  PgScratchDatabase(std::string server, std::string name, std::string url)
      : server_(std::move(server)), name_(std::move(name)), url_(std::move(url)) {}

  std::string server_;
  std::string name_;
  std::string url_;
  bool dropped_ = false;
};

}  // namespace bg::storage
