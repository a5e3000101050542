#include "engine/command.h"

#include "common/codec.h"

namespace bg::engine {
namespace {

enum class Tag : uint8_t { kCreateAccounts = 1, kCreateTransfers = 2, kTick = 3 };

// Every field as submitted, balances and timestamp included: replay must see
// exactly what the live engine saw, so that an account refused for a
// non-zero balance or timestamp is refused again.
void EncodeAccount(Writer& w, const ledger::Account& a) {
  w.U64(a.id.value());
  w.U32(a.ledger.value());
  w.U16(a.code);
  w.U16(a.flags);
  w.U64(a.owner);
  w.I64(a.debits_pending);
  w.I64(a.debits_posted);
  w.I64(a.credits_pending);
  w.I64(a.credits_posted);
  w.U64(a.timestamp);
}

bool DecodeAccount(Reader& r, ledger::Account* a) {
  uint64_t id = 0;
  uint32_t ledger_id = 0;
  if (!(r.U64(&id) && r.U32(&ledger_id) && r.U16(&a->code) && r.U16(&a->flags) &&
        r.U64(&a->owner) && r.I64(&a->debits_pending) && r.I64(&a->debits_posted) &&
        r.I64(&a->credits_pending) && r.I64(&a->credits_posted) && r.U64(&a->timestamp))) {
    return false;
  }
  a->id = AccountId(id);
  a->ledger = LedgerId(ledger_id);
  return true;
}

}  // namespace

size_t EventCount(const CommandBody& body) {
  if (const auto* c = std::get_if<CreateAccounts>(&body)) {
    return std::max<size_t>(1, c->accounts.size());
  }
  if (const auto* c = std::get_if<CreateTransfers>(&body)) {
    return std::max<size_t>(1, c->transfers.size());
  }
  return 1;
}

void EncodeCommand(Writer& w, const Command& command) {
  w.U64(command.ts);
  if (const auto* c = std::get_if<CreateAccounts>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kCreateAccounts));
    w.U32(static_cast<uint32_t>(c->accounts.size()));
    for (const auto& a : c->accounts) EncodeAccount(w, a);
  } else if (const auto* t = std::get_if<CreateTransfers>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kCreateTransfers));
    w.U32(static_cast<uint32_t>(t->transfers.size()));
    for (const auto& x : t->transfers) ledger::EncodeTransfer(w, x);
  } else {
    w.U8(static_cast<uint8_t>(Tag::kTick));
  }
}

bool DecodeCommand(Reader& r, Command* command) {
  uint8_t tag = 0;
  uint32_t n = 0;
  if (!r.U64(&command->ts) || !r.U8(&tag)) return false;
  switch (static_cast<Tag>(tag)) {
    case Tag::kCreateAccounts: {
      CreateAccounts c;
      if (!r.U32(&n) || n > r.remaining()) return false;
      c.accounts.resize(n);
      for (auto& a : c.accounts) {
        if (!DecodeAccount(r, &a)) return false;
      }
      command->body = std::move(c);
      return true;
    }
    case Tag::kCreateTransfers: {
      CreateTransfers c;
      if (!r.U32(&n) || n > r.remaining()) return false;
      c.transfers.resize(n);
      for (auto& t : c.transfers) {
        if (!ledger::DecodeTransfer(r, &t)) return false;
      }
      command->body = std::move(c);
      return true;
    }
    case Tag::kTick:
      command->body = Tick{};
      return true;
  }
  return false;
}

}  // namespace bg::engine
