// The money trail's views, shared by the route files that show where money
// went (routes_money.cc, routes_applications.cc, routes_trail.cc): a
// voucher with its names and history, a ledger transfer with its kind, its
// accounts in words and its state, and whose programme an account is.
// Internal to api/.
//
// A transfer's `state`:
//   held          a hold still open: the money is reserved, not moved
//   hold_posted   a hold since posted (the post beside it moved the money)
//   hold_voided   a hold since voided (its money is free again)
//   hold_expired  a hold that timed out
//   posted        money moved: a plain transfer, or the post of a hold
//   voided        the void of a hold: moves nothing, frees the hold's money
//
// Thread-safety: pure functions of the state they are given.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "api/json.h"
#include "ledger/types.h"
#include "state/state.h"

namespace bg::api {

// The voucher's history: its grant at approval, its issue, every claim
// drawn on it (the job or direct order behind it, what it holds and what
// was spent; `archived`: the holder's claims that left memory with their
// jobs, job_history.h), and the sweep at expiry or revocation.
Json VoucherHistory(const state::State& s, const programme::Voucher& v, Timestamp now,
                    const std::map<ClaimId, programme::Claim>& archived);
// A voucher as GET /v1/vouchers lists it: with what is available and the
// names of its programme and holder.
Json VoucherWithNames(const state::State& s, const programme::Voucher& v, Timestamp now);

// An account in words, with names: "voucher 12 · Songshan Lake Precision
// Moulds", "programme payable · Dongguan 算力券", "wallet · <enterprise>",
// "receivable · <provider>"; "account <id>" for a client's.
std::string AccountWords(const state::State& s, AccountId id);
// The programme whose money an account holds (its budget, payable, lapsed
// or one of its vouchers); zero for any other account.
ProgrammeId ProgrammeOfAccount(const state::State& s, AccountId id);

// The words of a transfer's state (see above).
const char* TransferState(const ledger::StoredTransfer& t);
// Whether the transfer moved money: a plain transfer or a post.
bool Moved(const ledger::Transfer& t);
// A transfer: id, kind (the MoneyCode's name, or the code of a client's
// transfer), from/to (ids as strings, since they pass 2^53) with their
// words, amount, state, pending_id (the hold it resolves, or null), at,
// and the seq of the journal entry that made it durable (null when not
// known).
Json TransferView(const state::State& s, const ledger::StoredTransfer& t,
                  std::optional<uint64_t> journal_entry);

}  // namespace bg::api
