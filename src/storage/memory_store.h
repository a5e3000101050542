// MemoryStore: a Store that keeps everything in process memory. For unit
// tests and the simulator, where durability is not the point. It enforces
// the same contract as the durable stores (sequence without gaps, a chain
// that never forks, atomic commit), so tests written against it hold for them too.
//
// Without history (MemoryStoreOptions::keep_history false: the simulator's,
// whose engine never recovers from its journal) it keeps the journal's last
// entry, the latest snapshot, the accounts, answers and notices, but no
// earlier entry, no transfer row and no archive: its memory follows what is live, not
// the run's length. Reads of what it did not keep are refused with a message
// that says so, never answered with a part.
//
// Thread-safety: all methods are safe to call from any thread.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>

#include "common/mutex.h"
#include "storage/store.h"

namespace bg::storage {

struct MemoryStoreOptions {
  bool keep_history = true;
};

class MemoryStore final : public Store {
 public:
  MemoryStore() = default;
  explicit MemoryStore(MemoryStoreOptions options) : options_(options) {}

  Status Commit(const JournalEntry& entry, const Projection& projection) override;
  Status CommitAnswers(const Projection& projection) override;
  Result<std::optional<KeptAnswer>> FindAnswer(std::string_view caller,
                                               std::string_view key) override;
  Result<std::vector<NoticeRow>> ReadNotices(const NoticeQuery& query) override;
  Result<uint64_t> CountUnread(std::string_view recipient) override;
  Result<std::vector<NoticeRow>> NoticesAfter(std::string_view recipient, uint64_t after,
                                              size_t limit) override;
  Result<std::vector<WebhookRow>> ReadWebhooks() override;
  Result<std::optional<ArchiveRow>> FindArchived(ArchiveKind kind, uint64_t id) override;
  Result<std::vector<ArchiveRow>> ListArchived(const ArchiveQuery& query) override;
  Result<JournalHead> Head() override;
  Status SaveSnapshot(const SnapshotRecord& snapshot) override;
  Result<std::optional<SnapshotRecord>> LatestSnapshot() override;
  Status ReadJournal(uint64_t after_seq,
                     const std::function<Status(const JournalEntry&)>& visit) override;
  Result<std::vector<AccountRow>> ReadAccounts() override;
  Result<std::vector<TransferRow>> ReadTransfers() override;
  Result<std::vector<TransferRow>> ReadTransfersOf(uint64_t reference) override;
  Result<std::vector<TransferRow>> ReadTransfersBetween(Timestamp first, Timestamp last) override;
  Result<uint64_t> FirstSeqEndingAtOrAfter(Timestamp ts) override;
  Result<JournalSpan> EntryAt(Timestamp ts) override;
  Result<JournalSpan> LastEntry() override;

 private:
  JournalHead HeadLocked() const BG_REQUIRES(mu_);
  void KeepAnswersLocked(const Projection& projection) BG_REQUIRES(mu_);
  void KeepNoticesLocked(const NoticeRows& rows) BG_REQUIRES(mu_);
  // Refuses a read of history this store did not keep.
  Status KeptSince(uint64_t after_seq) const BG_REQUIRES(mu_);

  const MemoryStoreOptions options_{};
  mutable Mutex mu_;
  std::vector<JournalEntry> journal_ BG_GUARDED_BY(mu_);
  std::optional<SnapshotRecord> snapshot_ BG_GUARDED_BY(mu_);
  std::map<uint64_t, AccountRow> accounts_ BG_GUARDED_BY(mu_);
  std::map<uint64_t, TransferRow> transfers_ BG_GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, KeptAnswer> answers_ BG_GUARDED_BY(mu_);
  std::vector<NoticeRow> notices_ BG_GUARDED_BY(mu_);  // id = index + 1
  std::set<std::string> notice_keys_ BG_GUARDED_BY(mu_);
  std::map<std::string, WebhookRow> webhooks_ BG_GUARDED_BY(mu_);
  std::map<std::pair<ArchiveKind, uint64_t>, ArchiveRow> archive_ BG_GUARDED_BY(mu_);
};

}  // namespace bg::storage
