// FaultyStore: wraps a Store and fails chosen operations, for the storage
// fault tests. Everything it does not fail is passed through unchanged.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "storage/store.h"

namespace bg::testutil {

class FaultyStore final : public storage::Store {
 public:
  explicit FaultyStore(storage::Store* inner) : inner_(inner) {}

  // The next `n` commits fail with an I/O error and store nothing.
  void FailNextCommits(int n) { fail_commits_ = n; }
  // The next `n` commits store the batch and then report an I/O error, as a
  // COMMIT whose fsync failed after the commit record reached the disk.
  void FailNextCommitsAfterWriting(int n) { fail_after_write_ = n; }
  // The next `n` commits lose a race: another writer appends an entry of
  // the same seq (another hash) first, and the commit reports an I/O error.
  void FailNextCommitsAfterAForeignAppend(int n) { foreign_appends_ = n; }
  int commits_attempted() const { return commits_attempted_; }
  // From now on this writer is deposed: commits and KeepAlive are refused
  // (FailedPrecondition) and store nothing, as a PostgreSQL store's are
  // once another writer took its lease.
  void Depose() { deposed_ = true; }
  int keep_alives() const { return keep_alives_; }

  // While held, Commit blocks (after counting the attempt) until released:
  // lets a test line up batches behind a commit in progress.
  void HoldCommits() {
    std::lock_guard lock(mu_);
    held_ = true;
  }
  void ReleaseCommits() {
    {
      std::lock_guard lock(mu_);
      held_ = false;
    }
    cv_.notify_all();
  }
  // Waits until `n` commits have been attempted.
  void WaitForAttempts(int n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return commits_attempted_ >= n; });
  }

  Status Commit(const storage::JournalEntry& entry, const storage::Projection& p) override {
    {
      std::unique_lock lock(mu_);
      ++commits_attempted_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !held_; });
    }
    if (deposed_) return FailedPrecondition("injected: deposed, another writer holds the lease");
    if (fail_commits_ > 0) {
      --fail_commits_;
      return Unavailable("injected fault: disk I/O error during commit");
    }
    if (foreign_appends_ > 0) {
      --foreign_appends_;
      storage::JournalEntry theirs = entry;
      theirs.payload.push_back(0xff);
      theirs.hash[0] ^= 0xff;
      BG_RETURN_IF_ERROR(inner_->Commit(theirs, {}));
      return Unavailable("injected fault: disk I/O error (another writer appended first)");
    }
    Status s = inner_->Commit(entry, p);
    if (s.ok() && fail_after_write_ > 0) {
      --fail_after_write_;
      return Unavailable("injected fault: disk I/O error after the commit record was written");
    }
    return s;
  }
  Status CommitAnswers(const storage::Projection& p) override {
    {
      std::unique_lock lock(mu_);
      ++commits_attempted_;
      cv_.notify_all();
      cv_.wait(lock, [&] { return !held_; });
    }
    return inner_->CommitAnswers(p);
  }
  Result<std::vector<storage::NoticeRow>> ReadNotices(const storage::NoticeQuery& q) override {
    return inner_->ReadNotices(q);
  }
  Result<uint64_t> CountUnread(std::string_view recipient) override {
    return inner_->CountUnread(recipient);
  }
  Result<std::vector<storage::NoticeRow>> NoticesAfter(std::string_view recipient, uint64_t after,
                                                       size_t limit) override {
    return inner_->NoticesAfter(recipient, after, limit);
  }
  Result<std::vector<storage::WebhookRow>> ReadWebhooks() override {
    return inner_->ReadWebhooks();
  }
  Result<std::optional<storage::ArchiveRow>> FindArchived(storage::ArchiveKind kind,
                                                          uint64_t id) override {
    return inner_->FindArchived(kind, id);
  }
  Result<std::vector<storage::ArchiveRow>> ListArchived(
      const storage::ArchiveQuery& query) override {
    return inner_->ListArchived(query);
  }
  Result<std::optional<storage::KeptAnswer>> FindAnswer(std::string_view caller,
                                                        std::string_view key) override {
    return inner_->FindAnswer(caller, key);
  }
  // An injected failure is a commit that did not reach the disk, so the
  // engine, asking afterwards, finds the batch absent.
  Result<storage::JournalHead> Head() override { return inner_->Head(); }
  Status SaveSnapshot(const storage::SnapshotRecord& s) override { return inner_->SaveSnapshot(s); }
  Result<std::optional<storage::SnapshotRecord>> LatestSnapshot() override {
    return inner_->LatestSnapshot();
  }
  Status ReadJournal(uint64_t after,
                     const std::function<Status(const storage::JournalEntry&)>& v) override {
    return inner_->ReadJournal(after, v);
  }
  Result<std::vector<storage::AccountRow>> ReadAccounts() override {
    return inner_->ReadAccounts();
  }
  Result<std::vector<storage::TransferRow>> ReadTransfers() override {
    return inner_->ReadTransfers();
  }
  Result<std::vector<storage::TransferRow>> ReadTransfersOf(uint64_t reference) override {
    return inner_->ReadTransfersOf(reference);
  }
  Result<std::vector<storage::TransferRow>> ReadTransfersBetween(Timestamp first,
                                                                 Timestamp last) override {
    return inner_->ReadTransfersBetween(first, last);
  }
  Result<uint64_t> FirstSeqEndingAtOrAfter(Timestamp ts) override {
    return inner_->FirstSeqEndingAtOrAfter(ts);
  }
  Result<storage::JournalSpan> EntryAt(Timestamp ts) override { return inner_->EntryAt(ts); }
  Result<storage::JournalSpan> LastEntry() override { return inner_->LastEntry(); }
  storage::StoreHealth Health() override { return inner_->Health(); }
  Status KeepAlive() override {
    ++keep_alives_;
    if (deposed_) return FailedPrecondition("injected: deposed, another writer holds the lease");
    return inner_->KeepAlive();
  }

 private:
  storage::Store* inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
  std::atomic<int> fail_commits_{0};
  std::atomic<bool> deposed_{false};
  std::atomic<int> keep_alives_{0};
  std::atomic<int> fail_after_write_{0};
  std::atomic<int> foreign_appends_{0};
  std::atomic<int> commits_attempted_{0};
};

}  // namespace bg::testutil
