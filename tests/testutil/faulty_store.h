// FaultyStore: wraps a Store and fails chosen operations, for the storage
// fault tests. Everything it does not fail is passed through unchanged.
#pragma once

#include <atomic>

#include "storage/store.h"

namespace bg::testutil {

class FaultyStore final : public storage::Store {
 public:
  explicit FaultyStore(storage::Store* inner) : inner_(inner) {}

  // The next `n` commits fail with an I/O error and store nothing.
  void FailNextCommits(int n) { fail_commits_ = n; }
  int commits_attempted() const { return commits_attempted_; }

  Status Commit(const storage::JournalEntry& entry, const storage::Projection& p) override {
    ++commits_attempted_;
    if (fail_commits_ > 0) {
      --fail_commits_;
      return Unavailable("injected fault: disk I/O error during commit");
    }
    return inner_->Commit(entry, p);
  }
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

 private:
  storage::Store* inner_;
  std::atomic<int> fail_commits_{0};
  std::atomic<int> commits_attempted_{0};
};

}  // namespace bg::testutil
