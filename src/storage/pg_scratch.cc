#include "storage/pg_scratch.h"

#include <atomic>
#include <cstdio>
#include <random>

#include <unistd.h>

#include "storage/pg.h"

namespace bg::storage {

Result<std::unique_ptr<PgScratchDatabase>> PgScratchDatabase::Create(const std::string& server,
                                                                     const std::string& prefix) {
  static std::atomic<int> counter{0};
  const std::string name = prefix + "_" + std::to_string(getpid()) + "_" +
                           std::to_string(counter++) + "_" +
                           std::to_string(std::random_device()() % 100000);
  // The URL first: a server named in a form it cannot rewrite leaves no
  // database behind.
  BG_ASSIGN_OR_RETURN(std::string url, pg::WithDatabase(server, name));
  BG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> admin, pg::Connection::Open(server));
  BG_RETURN_IF_ERROR(
      admin->Script("CREATE DATABASE " + pg::QuoteIdentifier(name), "create a scratch database"));
  return std::unique_ptr<PgScratchDatabase>(new PgScratchDatabase(server, name, std::move(url)));
}

PgScratchDatabase::~PgScratchDatabase() {
  if (Status s = Drop(); !s.ok()) {
    // A destructor cannot return it: say it (a database left behind on a
    // throw-away server, named for the run that made it).
    std::fprintf(stderr, "baygrid: scratch database %s not dropped: %s\n", name_.c_str(),
                 s.ToString().c_str());
  }
}

Status PgScratchDatabase::Drop() {
  if (dropped_) return Status::Ok();
  BG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> admin, pg::Connection::Open(server_));
  BG_RETURN_IF_ERROR(admin->Script(
      "DROP DATABASE IF EXISTS " + pg::QuoteIdentifier(name_) + " WITH (FORCE)", "drop"));
  dropped_ = true;
  return Status::Ok();
}

}  // namespace bg::storage
