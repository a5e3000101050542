// cmd/standby: what `baygrid serve --standby` does while another writer
// holds the lease: it follows the journal. A read-only engine on a follower
// store (storage::OpenFollower: every read sees what is committed by then)
// applies the entries committed since it last looked (Engine::CatchUp), so
// that on taking over the writer starts from that state
// (EngineOptions::warm_start) and replays only what came after it — a
// handful of entries — instead of the journal since the last snapshot.
//
// Thread-safety: none; the standby's one waiting thread uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/clock.h"
#include "engine/engine.h"
#include "storage/store.h"

namespace bg::cmd {

class JournalFollower {
 public:
  explicit JournalFollower(std::string db) : db_(std::move(db)) {}

  // Catches up, opening the store and the engine first if need be. A
  // failure (the database away in a failover) drops them, to be opened
  // again next time. Returns a line worth printing (when following begins
  // or its failure changes), else "".
  std::string Step();
  // The followed state as a snapshot record; null when there is none.
  std::shared_ptr<const storage::SnapshotRecord> Warm() const;

 private:
  std::string db_;
  SystemClock clock_;
  // The engine reads the store: declared after it, so destroyed first.
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<engine::Engine> engine_;
  std::string said_;  // the last failure said
};

}  // namespace bg::cmd
