// State: everything the engine's commands change, and the one function that
// changes it, Apply. Apply is deterministic: it reads nothing but the state
// and the command (time is stamped inside the command).
//
// Later domains (programmes, network, orders, metering, settlement) become
// members here, each applied by its own file; the ledger is the first.
//
// Thread-safety: none; the engine serialises access.
#pragma once

#include <span>
#include <vector>

#include "common/hash.h"
#include "engine/command.h"
#include "ledger/ledger.h"

namespace bg::engine {

class State {
 public:
  CommandResult Apply(const Command& command);

  const ledger::Ledger& ledger() const { return ledger_; }
  ledger::Ledger& mutable_ledger() { return ledger_; }

  // Canonical encoding (snapshots) and its hash (the state hash).
  void Encode(std::vector<uint8_t>* out) const;
  static bool Decode(std::span<const uint8_t> in, State* out);
  Hash256 Hash() const;

 private:
  ledger::Ledger ledger_;
};

}  // namespace bg::engine
