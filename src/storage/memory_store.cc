#include "storage/memory_store.h"

#include <algorithm>
#include <set>
#include <string>

namespace bg::storage {

Status MemoryStore::Commit(const JournalEntry& entry, const Projection& projection) {
  MutexLock lock(&mu_);
  BG_RETURN_IF_ERROR(CheckContinues(HeadLocked(), entry));
  // Checked before any write, against the stored rows and within the batch,
  // so that a refused commit leaves nothing behind (as a rolled-back SQL
  // transaction would).
  std::set<uint64_t> batch_ids;
  for (const TransferRow& t : projection.transfers) {
    if (transfers_.count(t.id) != 0 || !batch_ids.insert(t.id).second) {
      return AlreadyExists("transfer row " + std::to_string(t.id) + " already stored");
    }
  }
  if (!options_.keep_history) {
    // The last entry only (the head, and what a recovery from the latest
    // snapshot would need if the snapshot were that recent).
    journal_.clear();
    journal_.push_back(entry);
    for (const AccountRow& a : projection.accounts) accounts_[a.id] = a;
    KeepAnswersLocked(projection);
    return Status::Ok();
  }
  journal_.push_back(entry);
  for (const AccountRow& a : projection.accounts) accounts_[a.id] = a;
  for (const TransferRow& t : projection.transfers) transfers_[t.id] = t;
  for (const PendingStatusUpdate& u : projection.pending_updates) {
    transfers_[u.transfer_id].pending_status = u.pending_status;
  }
  KeepAnswersLocked(projection);
  return Status::Ok();
}

Status MemoryStore::CommitAnswers(const Projection& projection) {
  MutexLock lock(&mu_);
  KeepAnswersLocked(projection);
  return Status::Ok();
}

void MemoryStore::KeepAnswersLocked(const Projection& projection) {
  if (projection.forget_answers_before != 0) {
    std::erase_if(answers_,
                  [&](const auto& kv) { return kv.second.at < projection.forget_answers_before; });
  }
  for (const KeptAnswer& a : projection.answers) answers_.try_emplace({a.caller, a.key}, a);
  KeepNoticesLocked(projection.notices);
  if (options_.keep_history) {
    for (const ArchiveRow& r : projection.archived) archive_.try_emplace({r.kind, r.id}, r);
  }
}

Result<std::optional<ArchiveRow>> MemoryStore::FindArchived(ArchiveKind kind, uint64_t id) {
  MutexLock lock(&mu_);
  if (!options_.keep_history) {
    return FailedPrecondition("this in-memory store keeps no archive (a simulation's)");
  }
  auto it = archive_.find({kind, id});
  if (it == archive_.end()) return std::optional<ArchiveRow>();
  return std::optional<ArchiveRow>(it->second);
}

Result<std::vector<ArchiveRow>> MemoryStore::ListArchived(const ArchiveQuery& q) {
  MutexLock lock(&mu_);
  if (!options_.keep_history) {
    return FailedPrecondition("this in-memory store keeps no archive (a simulation's)");
  }
  std::vector<ArchiveRow> out;
  for (auto it = archive_.upper_bound({q.kind, q.after_id});
       it != archive_.end() && it->first.first == q.kind && out.size() < q.limit; ++it) {
    if (q.owner == 0 || it->second.owner == q.owner) out.push_back(it->second);
  }
  return out;
}

void MemoryStore::KeepNoticesLocked(const NoticeRows& rows) {
  for (const NoticeRow& n : rows.notices) {
    if (!notice_keys_.insert(n.key).second) continue;
    NoticeRow row = n;
    row.id = notices_.size() + 1;
    row.read = false;
    notices_.push_back(std::move(row));
  }
  for (const NoticeMark& m : rows.marks) {
    for (NoticeRow& n : notices_) {
      if (n.recipient == m.recipient && (m.id == 0 ? n.id <= m.up_to : n.id == m.id)) {
        n.read = true;
      }
    }
  }
  for (const WebhookRow& w : rows.webhooks) {
    if (w.url.empty()) {
      webhooks_.erase(w.recipient);
      continue;
    }
    auto [it, fresh] = webhooks_.try_emplace(w.recipient, w);
    if (fresh) {
      it->second.delivered = 0;
      for (const NoticeRow& n : notices_) {
        if (n.recipient == w.recipient) it->second.delivered = n.id;
      }
    } else {
      it->second.url = w.url;
      it->second.secret = w.secret;
    }
  }
  for (const WebhookCursor& c : rows.cursors) {
    auto it = webhooks_.find(c.recipient);
    if (it != webhooks_.end()) it->second.delivered = std::max(it->second.delivered, c.delivered);
  }
}

Result<std::vector<NoticeRow>> MemoryStore::ReadNotices(const NoticeQuery& q) {
  MutexLock lock(&mu_);
  std::vector<NoticeRow> out;
  // Unread first, newest first within each: walk twice from the newest.
  for (const bool read : {false, true}) {
    if (read && q.unread_only) break;
    if (q.after_id != 0 && q.after_read && !read) continue;
    for (auto it = notices_.rbegin(); it != notices_.rend() && out.size() < q.limit; ++it) {
      if (it->read != read) continue;
      if (!q.recipient.empty() && it->recipient != q.recipient) continue;
      if (!q.kind.empty() && it->kind != q.kind) continue;
      if (q.after_id != 0 && q.after_read == read && it->id >= q.after_id) continue;
      out.push_back(*it);
    }
  }
  return out;
}

Result<uint64_t> MemoryStore::CountUnread(std::string_view recipient) {
  MutexLock lock(&mu_);
  uint64_t n = 0;
  for (const NoticeRow& row : notices_) {
    if (!row.read && row.recipient == recipient) ++n;
  }
  return n;
}

Result<std::vector<NoticeRow>> MemoryStore::NoticesAfter(std::string_view recipient, uint64_t after,
                                                         size_t limit) {
  MutexLock lock(&mu_);
  std::vector<NoticeRow> out;
  for (size_t i = after; i < notices_.size() && out.size() < limit; ++i) {
    if (notices_[i].recipient == recipient) out.push_back(notices_[i]);
  }
  return out;
}

Result<std::vector<WebhookRow>> MemoryStore::ReadWebhooks() {
  MutexLock lock(&mu_);
  std::vector<WebhookRow> out;
  out.reserve(webhooks_.size());
  for (const auto& [recipient, w] : webhooks_) out.push_back(w);
  return out;
}

Result<std::optional<KeptAnswer>> MemoryStore::FindAnswer(std::string_view caller,
                                                          std::string_view key) {
  MutexLock lock(&mu_);
  auto it = answers_.find({std::string(caller), std::string(key)});
  if (it == answers_.end()) return std::optional<KeptAnswer>();
  return std::optional<KeptAnswer>(it->second);
}

JournalHead MemoryStore::HeadLocked() const {
  if (journal_.empty()) return {};
  return {.seq = journal_.back().seq, .hash = journal_.back().hash};
}

Result<JournalHead> MemoryStore::Head() {
  MutexLock lock(&mu_);
  return HeadLocked();
}

Status MemoryStore::SaveSnapshot(const SnapshotRecord& snapshot) {
  MutexLock lock(&mu_);
  snapshot_ = snapshot;
  return Status::Ok();
}

Result<std::optional<SnapshotRecord>> MemoryStore::LatestSnapshot() {
  MutexLock lock(&mu_);
  return snapshot_;
}

Status MemoryStore::KeptSince(uint64_t after_seq) const {
  if (options_.keep_history || journal_.empty() || after_seq + 1 >= journal_.front().seq) {
    return Status::Ok();
  }
  return FailedPrecondition("this in-memory store keeps no history (a simulation's): entries " +
                            std::to_string(after_seq + 1) + " to " +
                            std::to_string(journal_.front().seq - 1) + " were not kept");
}

Status MemoryStore::ReadJournal(uint64_t after_seq,
                                const std::function<Status(const JournalEntry&)>& visit) {
  std::vector<JournalEntry> copy;
  {
    MutexLock lock(&mu_);
    BG_RETURN_IF_ERROR(KeptSince(after_seq));
    for (const JournalEntry& e : journal_) {
      if (e.seq > after_seq) copy.push_back(e);
    }
  }
  for (const JournalEntry& e : copy) BG_RETURN_IF_ERROR(visit(e));
  return Status::Ok();
}

Result<std::vector<AccountRow>> MemoryStore::ReadAccounts() {
  MutexLock lock(&mu_);
  std::vector<AccountRow> out;
  for (const auto& [id, row] : accounts_) out.push_back(row);
  return out;
}

Result<std::vector<TransferRow>> MemoryStore::ReadTransfers() {
  MutexLock lock(&mu_);
  if (!options_.keep_history) {
    return FailedPrecondition("this in-memory store keeps no transfer rows (a simulation's)");
  }
  std::vector<TransferRow> out;
  for (const auto& [id, row] : transfers_) out.push_back(row);
  return out;
}

Result<std::vector<TransferRow>> MemoryStore::ReadTransfersBetween(Timestamp first,
                                                                   Timestamp last) {
  MutexLock lock(&mu_);
  if (!options_.keep_history) {
    return FailedPrecondition("this in-memory store keeps no transfer rows (a simulation's)");
  }
  std::vector<TransferRow> out;
  for (const auto& [id, row] : transfers_) {
    if (row.timestamp >= first && row.timestamp <= last) out.push_back(row);
  }
  std::sort(out.begin(), out.end(),
            [](const TransferRow& a, const TransferRow& b) { return a.timestamp < b.timestamp; });
  return out;
}

Result<std::vector<TransferRow>> MemoryStore::ReadTransfersOf(uint64_t reference) {
  MutexLock lock(&mu_);
  if (!options_.keep_history) {
    return FailedPrecondition("this in-memory store keeps no transfer rows (a simulation's)");
  }
  std::vector<TransferRow> out;
  for (const auto& [id, row] : transfers_) {
    if (row.reference == reference) out.push_back(row);
  }
  std::stable_sort(out.begin(), out.end(), [](const TransferRow& a, const TransferRow& b) {
    return a.timestamp < b.timestamp;
  });
  return out;
}

namespace {

// The first entry of `journal` (in time order) that ends at or after `ts`.
std::vector<JournalEntry>::const_iterator FirstEndingAtOrAfter(
    const std::vector<JournalEntry>& journal, Timestamp ts) {
  return std::partition_point(journal.begin(), journal.end(),
                              [ts](const JournalEntry& e) { return e.last_ts < ts; });
}

JournalSpan SpanOf(const JournalEntry& e) {
  return {.seq = e.seq, .first_ts = e.first_ts, .last_ts = e.last_ts};
}

}  // namespace

Result<uint64_t> MemoryStore::FirstSeqEndingAtOrAfter(Timestamp ts) {
  MutexLock lock(&mu_);
  BG_RETURN_IF_ERROR(KeptSince(0));
  const auto it = FirstEndingAtOrAfter(journal_, ts);
  return it == journal_.end() ? uint64_t{0} : it->seq;
}

Result<JournalSpan> MemoryStore::EntryAt(Timestamp ts) {
  MutexLock lock(&mu_);
  BG_RETURN_IF_ERROR(KeptSince(0));
  const auto it = FirstEndingAtOrAfter(journal_, ts);
  if (it == journal_.end() || it->first_ts > ts) return JournalSpan{};
  return SpanOf(*it);
}

Result<JournalSpan> MemoryStore::LastEntry() {
  MutexLock lock(&mu_);
  return journal_.empty() ? JournalSpan{} : SpanOf(journal_.back());
}

}  // namespace bg::storage
