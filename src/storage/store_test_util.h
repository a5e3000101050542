// What the Store tests share: the rows they commit, a scratch directory,
// the parameterised fixture StoreTest whose TEST_Ps (store_contract_test.cc)
// every implementation must pass, and the bodies of the tests that the
// SQLite and PostgreSQL stores run each on their own fixture. The tests on
// PostgreSQL (the Store's, storage_pg_test; the engine's, engine_pg_test)
// share the server's URL and a database per test from here too. Included by
// test files only.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/check.h"
#include "storage/pg_scratch.h"
#include "storage/postgres_store.h"
#include "storage/store.h"

namespace bg::storage {

// store.h gives the rows a defaulted ==, not the entries; the tests compare
// every field, bytes included.
inline bool operator==(const JournalEntry& a, const JournalEntry& b) {
  return a.seq == b.seq && a.first_ts == b.first_ts && a.last_ts == b.last_ts &&
         a.prev_hash == b.prev_hash && a.hash == b.hash && a.payload == b.payload;
}
inline bool operator==(const SnapshotRecord& a, const SnapshotRecord& b) {
  return a.seq == b.seq && a.chain_head == b.chain_head && a.state_hash == b.state_hash &&
         a.state == b.state;
}

namespace store_test {

// A fresh directory under the system temp dir, removed with its contents.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "bg_store_test_XXXXXX").string();
    BG_CHECK(mkdtemp(pattern.data()) != nullptr) << "mkdtemp " << pattern;
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// What a store under test needs besides a directory (a database on a
// server); released after the store is closed.
class Scratch {
 public:
  virtual ~Scratch() = default;
};

struct StoreFactory {
  std::string name;
  Result<std::unique_ptr<Store>> (*open)(const TempDir& dir, std::unique_ptr<Scratch>* scratch);
};

// Failures name the store, not the struct's bytes.
inline void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

// The PostgreSQL server the tests run on: BG_PG_URL. Without it every test
// that needs the server fails saying how to get one: none is skipped.
inline Result<std::string> ServerUrl() {
  const char* url = std::getenv("BG_PG_URL");  // NOLINT(concurrency-mt-unsafe): set before main
  if (url == nullptr || *url == '\0') {
    return FailedPrecondition(
        "BG_PG_URL is not set: storage_pg_test and engine_pg_test run their tests on a "
        "PostgreSQL server and need a superuser's URL. ctest starts a throw-away server for them "
        "(tests/integration/pg_store_test.sh); by hand: "
        "export BG_PG_URL=$(scripts/pg-local.sh up /tmp/bg-pg | tail -n 1)");
  }
  return std::string(url);
}

// A database of its own for one test, dropped when the test is done with it.
class ScratchDatabase final : public Scratch {
 public:
  static Result<std::unique_ptr<ScratchDatabase>> Create() {
    BG_ASSIGN_OR_RETURN(const std::string server, ServerUrl());
    BG_ASSIGN_OR_RETURN(std::unique_ptr<PgScratchDatabase> db,
                        PgScratchDatabase::Create(server, "bg_test"));
    return std::unique_ptr<ScratchDatabase>(new ScratchDatabase(std::move(db)));
  }
  ~ScratchDatabase() override {
    const Status dropped = db_->Drop();
    EXPECT_TRUE(dropped.ok()) << dropped;
  }
  ScratchDatabase(const ScratchDatabase&) = delete;
  ScratchDatabase& operator=(const ScratchDatabase&) = delete;

  const std::string& url() const { return db_->url(); }
  const std::string& name() const { return db_->name(); }

 private:
  explicit ScratchDatabase(std::unique_ptr<PgScratchDatabase> db) : db_(std::move(db)) {}

  std::unique_ptr<PgScratchDatabase> db_;
};

// A PostgresStore on a scratch database of its own (the StoreFactory of
// the tests on PostgreSQL).
inline Result<std::unique_ptr<Store>> OpenPostgres(const TempDir&,
                                                   std::unique_ptr<Scratch>* scratch) {
  BG_ASSIGN_OR_RETURN(std::unique_ptr<ScratchDatabase> db, ScratchDatabase::Create());
  const std::string url = db->url();
  *scratch = std::move(db);
  BG_ASSIGN_OR_RETURN(std::unique_ptr<PostgresStore> store, PostgresStore::Open({.url = url}));
  return std::unique_ptr<Store>(std::move(store));
}

inline Hash256 FilledHash(uint8_t seed) {
  Hash256 h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(seed + i * 7);
  return h;
}

inline JournalEntry Entry(uint64_t seq, std::vector<uint8_t> payload = {1, 2, 3}) {
  JournalEntry e;
  e.seq = seq;
  e.first_ts = 1'700'000'000'000'000'000 + seq;
  e.last_ts = e.first_ts + 5;
  e.prev_hash = FilledHash(static_cast<uint8_t>(seq - 1));
  e.hash = FilledHash(static_cast<uint8_t>(seq));
  e.payload = std::move(payload);
  return e;
}

inline AccountRow Account(uint64_t id, int64_t credits_posted) {
  return {.id = id,
          .ledger = 1,
          .code = 10,
          .flags = 0x3,
          .owner = 77,
          .debits_pending = 5,
          .debits_posted = 6,
          .credits_pending = 7,
          .credits_posted = credits_posted,
          .timestamp = 1000 + id};
}

inline TransferRow Transfer(uint64_t id, uint8_t pending_status = 0) {
  return {.id = id,
          .debit_account_id = 1,
          .credit_account_id = 2,
          .amount = 250,
          .pending_id = 0,
          .reference = 900 + id,
          .timeout = 60,
          .ledger = 1,
          .code = 20,
          .flags = 0,
          .timestamp = 2000 + id,
          .pending_status = pending_status,
          .expires_at = 0};
}

// Designated initializers would leave fields out, which -Wextra refuses.
inline Projection Rows(std::vector<AccountRow> accounts, std::vector<TransferRow> transfers = {},
                       std::vector<PendingStatusUpdate> pending_updates = {}) {
  Projection p;
  p.accounts = std::move(accounts);
  p.transfers = std::move(transfers);
  p.pending_updates = std::move(pending_updates);
  return p;
}

class StoreTest : public testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<Store>> store = GetParam().open(dir_, &scratch_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(store).value();
  }

  std::vector<JournalEntry> Journal(uint64_t after_seq = 0) {
    std::vector<JournalEntry> out;
    const Status status = store_->ReadJournal(after_seq, [&](const JournalEntry& e) {
      out.push_back(e);
      return Status::Ok();
    });
    EXPECT_TRUE(status.ok()) << status;
    return out;
  }
  std::vector<AccountRow> Accounts() {
    Result<std::vector<AccountRow>> rows = store_->ReadAccounts();
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<AccountRow>{};
  }
  std::vector<TransferRow> Transfers() {
    Result<std::vector<TransferRow>> rows = store_->ReadTransfers();
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? *rows : std::vector<TransferRow>{};
  }

  // Seq 1: accounts 1, 2; transfers 10, 11.
  void CommitFirstBatch() {
    const Status status = store_->Commit(
        Entry(1), Rows({Account(1, 100), Account(2, 200)}, {Transfer(10), Transfer(11)}));
    ASSERT_TRUE(status.ok()) << status;
  }

  TempDir dir_;
  std::unique_ptr<Scratch> scratch_;
  std::unique_ptr<Store> store_;  // declared last: closed before its place goes
};

inline KeptAnswer Answer(const std::string& caller, const std::string& key, uint8_t tag,
                         Timestamp at) {
  return {
      .caller = caller, .key = key, .request = FilledHash(tag), .answer = {tag, 1, 2, 3}, .at = at};
}

inline std::optional<KeptAnswer> Find(Store& store, const std::string& caller,
                                      const std::string& key) {
  Result<std::optional<KeptAnswer>> found = store.FindAnswer(caller, key);
  EXPECT_TRUE(found.ok()) << found.status();
  return found.ok() ? *found : std::nullopt;
}

inline NoticeRow Notice(const std::string& key, const std::string& recipient, Timestamp at) {
  return {.key = key, .recipient = recipient, .kind = "job_placed", .at = at, .body = "{}"};
}

// The rows' keys, in the order read (ids may skip: a refused insert can
// use one up).
inline std::vector<std::string> Keys(const std::vector<NoticeRow>& rows) {
  std::vector<std::string> out;
  for (const NoticeRow& r : rows) out.push_back(r.key);
  return out;
}

// Notices: a key is stored once; the feed is unread first, then newest
// first; marks, pages and counts.
inline void ExpectNoticesStoredOnceAndReadUnreadFirstThenNewestFirst(Store& store) {
  Projection p;
  p.notices.notices = {Notice("a", "enterprise:1", 1), Notice("b", "enterprise:1", 2),
                       Notice("c", "enterprise:2", 3), Notice("d", "enterprise:1", 4)};
  ASSERT_TRUE(store.CommitAnswers(p).ok());
  // The same key again (a notice derived twice) is not a second row.
  Projection again;
  again.notices.notices = {Notice("b", "enterprise:1", 9), Notice("e", "enterprise:1", 5)};
  ASSERT_TRUE(store.CommitAnswers(again).ok());
  auto all = store.ReadNotices({.recipient = "enterprise:1"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all), (std::vector<std::string>{"e", "d", "b", "a"}));
  const uint64_t e = all->at(0).id, d = all->at(1).id, b = all->at(2).id;
  // Read: d, and everything up to b; another recipient's marks touch nothing of theirs.
  Projection marks;
  marks.notices.marks = {{.recipient = "enterprise:1", .id = d},
                         {.recipient = "enterprise:1", .up_to = b},
                         {.recipient = "enterprise:2", .id = e}};
  ASSERT_TRUE(store.CommitAnswers(marks).ok());
  all = store.ReadNotices({.recipient = "enterprise:1"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(Keys(*all), (std::vector<std::string>{"e", "d", "b", "a"}));  // unread e first
  EXPECT_FALSE(all->at(0).read);
  EXPECT_TRUE(all->at(1).read);
  EXPECT_EQ(store.CountUnread("enterprise:1").value(), 1u);
  EXPECT_EQ(store.CountUnread("enterprise:2").value(), 1u);
  // Pages: after (read, id) of the last row shown.
  auto page = store.ReadNotices(
      {.recipient = "enterprise:1", .after_read = true, .after_id = d, .limit = 10});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Keys(*page), (std::vector<std::string>{"b", "a"}));
  auto unread = store.ReadNotices({.recipient = "enterprise:1", .unread_only = true});
  ASSERT_TRUE(unread.ok());
  EXPECT_EQ(Keys(*unread), std::vector<std::string>{"e"});
  auto everyone = store.ReadNotices({});
  ASSERT_TRUE(everyone.ok());
  EXPECT_EQ(everyone->size(), 5u);
}

// Webhooks: a new one starts after the latest notice; its cursor only
// moves forward; replaced and removed.
inline void ExpectAWebhookStartsAfterTheLatestNoticeAndItsCursorOnlyMovesForward(Store& store) {
  Projection p;
  p.notices.notices = {Notice("a", "provider:5", 1), Notice("b", "provider:5", 2)};
  p.notices.webhooks = {{.recipient = "provider:5", .url = "http://x/h", .secret = "k"}};
  ASSERT_TRUE(store.CommitAnswers(p).ok());
  auto hooks = store.ReadWebhooks();
  ASSERT_TRUE(hooks.ok());
  ASSERT_EQ(hooks->size(), 1u);
  EXPECT_EQ(hooks->front().delivered, 2u);  // the history is not sent
  Projection more;
  more.notices.notices = {Notice("c", "provider:5", 3), Notice("d", "provider:6", 4)};
  more.notices.cursors = {{.recipient = "provider:5", .delivered = 1}};  // an old round: no move
  ASSERT_TRUE(store.CommitAnswers(more).ok());
  auto pending = store.NoticesAfter("provider:5", store.ReadWebhooks()->front().delivered, 10);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(Keys(*pending), std::vector<std::string>{"c"});
  Projection replaced;
  replaced.notices.webhooks = {{.recipient = "provider:5", .url = "http://y/h", .secret = "k2"}};
  replaced.notices.cursors = {{.recipient = "provider:5", .delivered = pending->at(0).id}};
  ASSERT_TRUE(store.CommitAnswers(replaced).ok());
  hooks = store.ReadWebhooks();
  ASSERT_TRUE(hooks.ok());
  EXPECT_EQ(hooks->front().url, "http://y/h");
  EXPECT_EQ(hooks->front().secret, "k2");
  EXPECT_EQ(hooks->front().delivered, pending->at(0).id);
  Projection removed;
  removed.notices.webhooks = {{.recipient = "provider:5"}};
  ASSERT_TRUE(store.CommitAnswers(removed).ok());
  EXPECT_TRUE(store.ReadWebhooks()->empty());
}

}  // namespace store_test
}  // namespace bg::storage
