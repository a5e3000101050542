#include "engine/state.h"

#include "common/codec.h"

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
  if (std::holds_alternative<Tick>(command.body)) return TickResult{expired};
  return ApplyRegistry(command);
}

CommandResult State::ApplyRegistry(const Command& command) {
  using Kind = programme::Registry::Kind;
  programme::RegistryResult r = programme::RegistryResult::kOk;
  Added added{};
  if (const auto* c = std::get_if<RegisterJurisdiction>(&command.body)) {
    r = registry_.AddJurisdiction(c->jurisdiction);
    added = {Kind::kJurisdiction, c->jurisdiction.id.value()};
  } else if (const auto* e = std::get_if<RegisterEnterprise>(&command.body)) {
    r = registry_.AddEnterprise(e->enterprise);
    added = {Kind::kEnterprise, e->enterprise.id.value()};
  } else if (const auto* p = std::get_if<RegisterProvider>(&command.body)) {
    r = registry_.AddProvider(p->provider);
    added = {Kind::kProvider, p->provider.id.value()};
  } else if (const auto* g = std::get_if<CreateProgramme>(&command.body)) {
    r = registry_.AddProgramme(g->rules);
    added = {Kind::kProgramme, g->rules.id.value()};
  }
  if (r == programme::RegistryResult::kOk && !batch_marks_.empty()) added_.push_back(added);
  return RegistryResult{r};
}

void State::BeginBatch() {
  ledger_.BeginBatch();
  batch_marks_.push_back(added_.size());
}

void State::CommitBatch() {
  ledger_.CommitBatch();
  if (batch_marks_.size() == 1) {
    added_.clear();
  } else {
    const size_t n = batch_marks_[1];
    added_.erase(added_.begin(), added_.begin() + static_cast<std::ptrdiff_t>(n));
    for (size_t& m : batch_marks_) m -= std::min(m, n);
  }
  batch_marks_.pop_front();
}

void State::RollbackBatch() {
  ledger_.RollbackBatch();
  for (auto it = added_.rbegin(); it != added_.rend(); ++it) {
    registry_.RemoveForRollback(it->kind, it->id);
  }
  added_.clear();
  batch_marks_.clear();
}

void State::Encode(std::vector<uint8_t>* out) const {
  // [u64 length of the ledger's encoding][ledger][registry]
  const size_t at = out->size();
  Writer w(out);
  w.U64(0);
  ledger_.Encode(out);
  const uint64_t ledger_bytes = out->size() - at - 8;
  for (size_t i = 0; i < 8; ++i) (*out)[at + i] = static_cast<uint8_t>(ledger_bytes >> (8 * i));
  registry_.Encode(w);
}

bool State::Decode(std::span<const uint8_t> in, State* out) {
  Reader r(in);
  uint64_t ledger_bytes = 0;
  if (!r.U64(&ledger_bytes) || ledger_bytes > r.remaining()) return false;
  if (!ledger::Ledger::Decode(in.subspan(8, ledger_bytes), &out->ledger_)) return false;
  Reader rest(in.subspan(8 + ledger_bytes));
  return programme::Registry::Decode(rest, &out->registry_) && rest.done();
}

Hash256 State::Hash() const {
  std::vector<uint8_t> bytes;
  Encode(&bytes);
  return HashBytes(bytes);
}

}  // namespace bg::engine
