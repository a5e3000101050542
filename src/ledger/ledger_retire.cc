// Retirement: old transfers leave memory in whole chunks from the front of
// the sequence (Ledger::Retire). The store already holds every transfer's
// row, written in the batch that created it, so what leaves is only the
// in-memory copy; the ledger keeps the retired ids (one range per run of
// consecutive ids: system ids come from one counter) and a BLAKE2b chain
// over the retired transfers' bytes, so that the state hash still covers
// them. What must stay — open holds, client transfers, whatever the caller
// keeps — moves aside into kept_, still found by id at its position.
//
// Every change is undone exactly by UndoRetire (newest first), so a batch
// that fails to commit puts the chunks back as they were.
#include <set>
#include <utility>

#include "common/codec.h"
#include "ledger/ledger.h"

namespace bg::ledger {
namespace {

// What a transfer's fate may be: open holds and client transfers stay, and
// so (for now) does a hold resolved in a batch still open, whose new status
// the batch's projection reads back by position (BatchChanges).
Fate Allowed(const StoredTransfer& t, bool changed_in_open_batch, Fate asked) {
  if (t.status == PendingStatus::kOpen || changed_in_open_batch) return Fate::kKeepForNow;
  if (!IsSystemId(t.transfer.id.value())) return Fate::kKeep;
  return asked;
}

void EncodeStored(Writer& w, const StoredTransfer& t) {
  EncodeTransfer(w, t.transfer);
  w.U8(static_cast<uint8_t>(t.status));
  w.U64(t.expires_at);
}

}  // namespace

std::vector<StoredTransfer> Ledger::Retire(Timestamp before, size_t max_chunks,
                                           const std::function<Fate(const StoredTransfer&)>& fate) {
  RetireUndo undo;
  undo.digest_before = retired_digest_;
  std::set<uint32_t> changed;  // holds resolved in the open batches
  for (const Undo& u : undo_) {
    if (u.kind == UndoKind::kPendingChanged) changed.insert(u.index);
  }
  auto allowed = [&](uint32_t position, const StoredTransfer& t) {
    return Allowed(t, changed.count(position) != 0, fate(t));
  };
  std::vector<StoredTransfer> retired;
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  auto retire = [&](const StoredTransfer& t) {
    transfer_index_.erase(t.transfer.id);
    const bool fresh = retired_ids_.Insert(t.transfer.id.value());
    BG_CHECK(fresh) << "transfer " << t.transfer.id << " retired twice";
    EncodeStored(w, t);
    retired.push_back(t);
  };
  // Those kept for now first: their jobs may have left since.
  for (auto it = kept_for_now_.begin(); it != kept_for_now_.end();) {
    const uint32_t position = *it;
    const StoredTransfer& t = kept_.at(position);
    const Fate f = allowed(position, t);
    if (f == Fate::kKeepForNow) {
      ++it;
      continue;
    }
    it = kept_for_now_.erase(it);
    undo.from_kept.emplace_back(position, t);
    if (f == Fate::kKeep) continue;  // stays for good
    retire(t);
    kept_.erase(position);
  }
  constexpr size_t kChunk = ChunkedVector<StoredTransfer>::kChunkSize;
  for (size_t n = 0; n < max_chunks; ++n) {
    const size_t first = transfers_.dropped_size();
    if (transfers_.size() < first + kChunk) break;  // only full chunks leave
    if (transfers_[first + kChunk - 1].transfer.timestamp >= before) break;
    for (size_t i = first; i < first + kChunk; ++i) {
      const StoredTransfer& t = transfers_[i];
      const auto position = static_cast<uint32_t>(i);
      const Fate f = allowed(position, t);
      if (f == Fate::kRetire) {
        retire(t);
        continue;
      }
      kept_.emplace(position, t);
      if (f == Fate::kKeepForNow) kept_for_now_.insert(position);
    }
    undo.chunks.push_back(transfers_.TakeFrontChunk());
  }
  if (!retired.empty()) {
    Hasher h;
    h.Update(retired_digest_);
    h.Update(bytes);
    retired_digest_ = h.Finish();
  }
  if (undo.chunks.empty() && undo.from_kept.empty()) return retired;
  if (open_batches_.empty()) return retired;  // nothing to undo outside a batch
  retire_undo_.push_back(std::move(undo));
  undo_.push_back(Undo{.kind = UndoKind::kRetired});
  return retired;
}

void Ledger::UndoRetire() {
  BG_CHECK(!retire_undo_.empty()) << "a retirement undo record without its changes";
  RetireUndo u = std::move(retire_undo_.back());
  retire_undo_.pop_back();
  constexpr size_t kChunk = ChunkedVector<StoredTransfer>::kChunkSize;
  // The chunks, newest first: what was put aside goes back into them.
  for (size_t n = u.chunks.size(); n > 0; --n) {
    const size_t first = transfers_.dropped_size() - kChunk;
    transfers_.PutBackFrontChunk(std::move(u.chunks[n - 1]));
    for (size_t i = first; i < first + kChunk; ++i) {
      const StoredTransfer& t = transfers_[i];
      const auto position = static_cast<uint32_t>(i);
      if (kept_.erase(position) == 0) {  // retired: its id and index come back
        retired_ids_.Erase(t.transfer.id.value());
        transfer_index_[t.transfer.id] = position;
      }
      kept_for_now_.erase(position);
    }
  }
  // Then those that were kept for now before this call.
  for (auto& [position, t] : u.from_kept) {
    if (kept_.emplace(position, t).second) {  // it had been retired
      retired_ids_.Erase(t.transfer.id.value());
      transfer_index_[t.transfer.id] = position;
    }
    kept_for_now_.insert(position);
  }
  retired_digest_ = u.digest_before;
}

}  // namespace bg::ledger
