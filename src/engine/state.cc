#include "engine/state.h"

namespace bg::engine {

CommandResult State::Apply(const Command& command) {
  // Time moves before anything else happens at `ts`: holds due by then are
  // released first, the same way on the first run and on replay.
  const size_t expired = ledger_.ExpireDue(command.ts);
  if (const auto* c = std::get_if<CreateAccounts>(&command.body)) {
    return AccountResults{ledger_.CreateAccounts(c->accounts, command.ts)};
  }
  if (const auto* c = std::get_if<CreateTransfers>(&command.body)) {
    return TransferResults{ledger_.CreateTransfers(c->transfers, command.ts)};
  }
  return TickResult{expired};
}

void State::Encode(std::vector<uint8_t>* out) const { ledger_.Encode(out); }

bool State::Decode(std::span<const uint8_t> in, State* out) {
  return ledger::Ledger::Decode(in, &out->ledger_);
}

Hash256 State::Hash() const { return ledger_.StateHash(); }

}  // namespace bg::engine
