// The provider agent's own memory (agent/agent.h): a small SQLite file beside it, so that a restart
// (or kill -9) loses nothing. It keeps each placement the agent took on —
// written *before* the run is submitted, so a restarted agent knows to look
// for a run it may have started — the scheduler's id for it once known,
// which usage records the platform has acknowledged, and the cards last
// offered per pool.
//
// Every write is its own transaction, synchronous=FULL: what the agent
// acts on next has reached the disk first.
//
// Thread-safety: one agent thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/result.h"

struct sqlite3;

namespace bg::storage {

enum class Phase : uint8_t {
  kSubmitting,  // written before the scheduler was asked; its id unknown
  kSubmitted,   // the scheduler has it (run_id)
  kFinished,    // usage reported and the platform told: nothing left to do
};

// A placement the agent has taken on.
struct Placement {
  uint64_t job = 0;
  uint64_t pool = 0;
  uint32_t cards = 0;
  uint64_t from_s = 0;  // the order's lifetime on the platform
  uint64_t until_s = 0;
  Phase phase = Phase::kSubmitting;
  std::string run_id = {};         // the scheduler's, once submitted
  bool ended_by_platform = false;  // cancelled, or past its end: no more usage
  friend bool operator==(const Placement&, const Placement&) = default;
};

class AgentStore {
 public:
  static Result<std::unique_ptr<AgentStore>> Open(const std::string& path);
  ~AgentStore();
  AgentStore(const AgentStore&) = delete;
  AgentStore& operator=(const AgentStore&) = delete;

  // Every placement not yet finished, by job id.
  const std::map<uint64_t, Placement>& open() const { return open_; }
  bool Knows(uint64_t job) const;  // open or finished

  Status Take(const Placement& p);  // a new one, kSubmitting
  Status Submitted(uint64_t job, const std::string& run_id);
  Status SetUntil(uint64_t job, uint64_t until_s);
  Status EndedByPlatform(uint64_t job);
  Status Finished(uint64_t job);

  bool Reported(uint64_t record) const { return reported_.contains(record); }
  Status MarkReported(const std::vector<uint64_t>& records);

  std::optional<uint32_t> Offered(uint64_t pool) const;
  Status SetOffered(uint64_t pool, uint32_t cards);

 private:
  explicit AgentStore(sqlite3* db) : db_(db) {}
  Status Load();
  Status Put(const Placement& p);

  sqlite3* db_;
  std::map<uint64_t, Placement> open_;
  std::set<uint64_t> finished_;
  std::set<uint64_t> reported_;
  std::map<uint64_t, uint32_t> offered_;
};

}  // namespace bg::storage
