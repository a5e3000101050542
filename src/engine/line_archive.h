// The engine's settlement::LineArchive: the charge lines that left the
// state (Settlement::RetireLines) read back from the rows of batches not yet
// committed (Engine::Retiring) and from the store's archive, in seq order.
//
// A reader that holds the state (its first_seq) asks for seqs below it: each
// such line is in a batch in flight or, once that batch commits, in the
// store. Rows in flight are taken first, the store read after: a row that
// moves in between is found in both and given once.
//
// Thread-safety: Read is thread-safe (the store's reads are).
#pragma once

#include <functional>
#include <vector>

#include "settlement/settlement.h"
#include "storage/store.h"

namespace bg::engine {

class EngineLineArchive final : public settlement::LineArchive {
 public:
  using InFlight = std::function<std::vector<storage::ArchiveRow>()>;
  EngineLineArchive(storage::Store* store, InFlight in_flight)
      : store_(store), in_flight_(std::move(in_flight)) {}

  Status Read(uint64_t from_seq, uint64_t to_seq,
              const std::function<void(const settlement::ChargeLine&)>& fn) const override;

 private:
  storage::Store* store_;
  InFlight in_flight_;
};

}  // namespace bg::engine
