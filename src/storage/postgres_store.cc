#include "storage/postgres_store.h"

#include <algorithm>
#include <limits>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <unistd.h>

#include "common/mutex.h"
#include "storage/postgres_store_answers.h"
#include "storage/postgres_store_archive.h"
#include "storage/postgres_store_migrations.h"
#include "storage/postgres_store_notices.h"
#include "storage/postgres_store_rows.h"

namespace bg::storage {
namespace {

using namespace pg_rows;  // NOLINT(google-build-using-namespace): our own codec

// Rows per multi-row statement (the holds' updates): one round trip per 256
// rows instead of one per row (2 * 256 parameters, far below the protocol's
// 65,535). Accounts and transfers go by binary COPY. Each size of
// the last, shorter statement is prepared once per connection too.
constexpr size_t kRowsPerStatement = 256;

// How long one COPY of a batch may take on the server. It frees the lease
// row of a writer stalled mid-COPY (whose session nothing else ends); a
// sound COPY of even the largest batch takes well under a second, so three
// TTLs leave a slow disk room while a successor still takes over.
std::chrono::milliseconds CopyDeadline(std::chrono::milliseconds ttl) { return 3 * ttl; }

// Pointers to `rows` in id order (stable: rows of one id keep their order).
template <typename Row>
std::vector<const Row*> SortedById(std::span<const Row> rows) {
  std::vector<const Row*> sorted;
  sorted.reserve(rows.size());
  for (const Row& row : rows) sorted.push_back(&row);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Row* a, const Row* b) { return a->id < b->id; });
  return sorted;
}

// Of each run of one id in `sorted`, the last row.
template <typename Row>
std::vector<const Row*> LastOfEachId(const std::vector<const Row*>& sorted) {
  std::vector<const Row*> last;
  last.reserve(sorted.size());
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i + 1 == sorted.size() || sorted[i + 1]->id != sorted[i]->id) last.push_back(sorted[i]);
  }
  return last;
}

// Writes `rows` kRowsPerStatement at a time with the statement `sql(n)`.
template <typename Row>
Status WriteRows(pg::Connection& conn, const std::vector<const Row*>& rows,
                 std::string (*sql)(size_t), void (*add)(pg::Params&, const Row&),
                 std::string_view what) {
  for (size_t first = 0; first < rows.size(); first += kRowsPerStatement) {
    const size_t n = std::min(kRowsPerStatement, rows.size() - first);
    pg::Params params;
    for (size_t i = first; i < first + n; ++i) add(params, *rows[i]);
    BG_RETURN_IF_ERROR(conn.Run(sql(n), params, what));
  }
  return Status::Ok();
}

// Every row of `table` in id order as uint64. Ids are stored as bigint, so
// unsigned order is the non-negative ids, then the negative ones: two
// range scans of the primary key, no sort.
template <typename Row>
Status ReadById(pg::Connection& conn, std::string_view table, std::string_view columns,
                Row (*from)(const pg::Rows&, int), std::vector<Row>* out) {
  for (const std::string_view range : {"id >= 0", "id < 0"}) {
    BG_ASSIGN_OR_RETURN(const pg::Rows rows,
                        conn.Exec("SELECT " + std::string(columns) + " FROM " + std::string(table) +
                                      " WHERE " + std::string(range) + " ORDER BY id",
                                  {}, "read " + std::string(table)));
    out->reserve(out->size() + static_cast<size_t>(rows.size()));
    for (int r = 0; r < rows.size(); ++r) out->push_back(from(rows, r));
  }
  return Status::Ok();
}

// Journal entries per round trip of ReadJournal.
constexpr int64_t kJournalPage = 1000;

// The lease's statements. Expiry is always the database's clock:
// clock_timestamp(), not now(), which is the transaction's start and would
// be stale after waiting for a lock. $ttl is in milliseconds.
//
// Take: free or expired, the lease becomes ours with the next epoch, in
// one statement. A writer renewing at the same moment holds the row's lock;
// this statement waits for it and then re-checks the renewed row.
constexpr const char* kTakeLease =
    "UPDATE writer_lease SET holder = $1, epoch = epoch + 1, "
    "expires_at = clock_timestamp() + $2 * interval '1 millisecond' "
    "WHERE expires_at <= clock_timestamp() RETURNING epoch";
// Renew (the fence): touches the row only while it is still ours and
// unexpired. Inside a commit's transaction, its row lock keeps any
// successor out until the append has committed or rolled back.
constexpr const char* kRenewLease =
    "UPDATE writer_lease SET expires_at = clock_timestamp() + $3 * interval '1 millisecond' "
    "WHERE epoch = $1 AND holder = $2 AND expires_at > clock_timestamp()";
// Extend, later in a transaction that renewed it (Fence) and so holds the
// row's lock since: no successor can have taken it meanwhile, so expiry is
// not checked again. A long write (a large snapshot) keeps a full TTL
// after it.
constexpr const char* kExtendLease =
    "UPDATE writer_lease SET expires_at = clock_timestamp() + $3 * interval '1 millisecond' "
    "WHERE epoch = $1 AND holder = $2";
// Give up: expired now, the epoch kept for the successor to count on.
constexpr const char* kReleaseLease =
    "UPDATE writer_lease SET expires_at = clock_timestamp() "
    "WHERE epoch = $1 AND holder = $2 AND expires_at > clock_timestamp()";
// The lease as a refused writer's error tells it: expiry in UTC and the
// milliseconds left by the database's clock.
constexpr const char* kReadLease =
    "SELECT holder, epoch, "
    "to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
    "GREATEST(0, ceil(extract(epoch FROM expires_at - clock_timestamp()) * 1000))::bigint "
    "FROM writer_lease";

struct LeaseState {
  std::string holder;
  uint64_t epoch = 0;
  std::string expires_at;  // UTC, ISO 8601
  int64_t remaining_ms = 0;
};

Result<LeaseState> ReadLease(pg::Connection& conn) {
  BG_ASSIGN_OR_RETURN(const pg::Rows rows, conn.Exec(kReadLease, {}, "read the writer lease"));
  if (rows.size() != 1) {
    return DataLoss("writer_lease has " + std::to_string(rows.size()) + " rows, not one");
  }
  return LeaseState{.holder = std::string(rows.Text(0, 0)),
                    .epoch = rows.Uint(0, 1),
                    .expires_at = std::string(rows.Text(0, 2)),
                    .remaining_ms = rows.Int(0, 3)};
}

std::string DefaultHolder() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(*host == '\0' ? "localhost" : host) + ":" + std::to_string(getpid());
}

// How often a waiting standby asks for the lease: a tenth of the TTL,
// between 50 ms and 1 s.
std::chrono::milliseconds PollInterval(std::chrono::milliseconds ttl) {
  return std::clamp(ttl / 10, std::chrono::milliseconds(50), std::chrono::milliseconds(1000));
}

}  // namespace

PostgresStore::PostgresStore(std::unique_ptr<pg::Connection> writer,
                             std::unique_ptr<pg::Connection> reader, std::string holder,
                             std::chrono::milliseconds ttl)
    : writer_(std::move(writer)),
      reader_(std::move(reader)),
      holder_(std::move(holder)),
      ttl_(ttl) {}

PostgresStore::~PostgresStore() {
  MutexLock lock(&writer_mu_);
  if (lease_epoch() == 0) return;
  // Best effort: a lost connection leaves the lease to expire by itself.
  (void)writer_->Run(kReleaseLease, pg::Params().Uint(lease_epoch()).Text(holder_),
                     "give the writer lease up");
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const PostgresOptions& options) {
  auto open = [&]() -> Result<std::unique_ptr<PostgresStore>> {
    if (options.lease_ttl <= std::chrono::milliseconds::zero()) {
      return InvalidArgument("the writer lease's ttl must be positive, not " +
                             std::to_string(options.lease_ttl.count()) + " ms");
    }
    // A writer stalled inside a transaction (SIGSTOP, a pause) holds the
    // lease row's lock, and a successor's take would wait on it for as
    // long as the stall lasts: the server ends such a session once it has
    // been idle in its transaction for the lease's TTL, rolling back what
    // it had not committed. And whatever the role's or database's
    // defaults: a commit waits for the synchronous standby
    // (synchronous_commit), and that wait is never cut short
    // (statement_timeout; pg::Connection also turns a cancelled wait into
    // an unknown outcome).
    BG_ASSIGN_OR_RETURN(
        std::unique_ptr<pg::Connection> writer,
        pg::Connection::Open(options.url,
                             "SET idle_in_transaction_session_timeout = " +
                                 std::to_string(options.lease_ttl.count()) +
                                 "; SET synchronous_commit = on; SET statement_timeout = 0"));
    // The schema changes only under the lease: a newer baygrid waiting as a
    // standby must not migrate the tables an older writer is writing. A
    // database without the lease's table yet (new, or from before it) has
    // no writer that would respect one, and is brought up to it first.
    BG_ASSIGN_OR_RETURN(const pg::Rows leased,
                        writer->Exec("SELECT to_regclass('writer_lease') IS NOT NULL", {},
                                     "look for the writer lease"));
    const bool has_lease = leased.Bool(0, 0);
    if (!has_lease) BG_RETURN_IF_ERROR(MigratePostgres(*writer));
    BG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> reader, pg::Connection::Open(options.url));
    std::unique_ptr<PostgresStore> store(new PostgresStore(
        std::move(writer), std::move(reader),
        options.holder.empty() ? DefaultHolder() : options.holder, options.lease_ttl));
    BG_RETURN_IF_ERROR(store->TakeLease(options.lease_wait));
    if (has_lease) {
      MutexLock lock(&store->writer_mu_);
      BG_RETURN_IF_ERROR(MigratePostgres(*store->writer_));
    }
    return store;
  };
  Result<std::unique_ptr<PostgresStore>> store = open();
  if (!store.ok()) return store.status().WithContext("open postgresql store");
  return store;
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::OpenReader(const std::string& url) {
  return OpenReading(url, true);
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::OpenFollower(const std::string& url) {
  return OpenReading(url, false);
}

Result<std::unique_ptr<PostgresStore>> PostgresStore::OpenReading(const std::string& url,
                                                                  bool pinned) {
  auto open = [&]() -> Result<std::unique_ptr<PostgresStore>> {
    BG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> main, pg::Connection::Open(url));
    // The snapshot is taken at the transaction's first query, not at BEGIN.
    if (pinned) {
      BG_RETURN_IF_ERROR(main->Script(
          "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT 1 FROM journal LIMIT 1",
          "begin the reader's snapshot"));
    }
    BG_ASSIGN_OR_RETURN(std::unique_ptr<pg::Connection> notices, pg::Connection::Open(url));
    std::unique_ptr<PostgresStore> store(new PostgresStore(std::move(main), std::move(notices),
                                                           "reader", std::chrono::milliseconds(1)));
    store->read_only_ = true;
    return store;
  };
  Result<std::unique_ptr<PostgresStore>> store = open();
  if (!store.ok()) return store.status().WithContext("open postgresql store to read");
  return store;
}

Status PostgresStore::Writable() const {
  if (read_only_) return FailedPrecondition("the store is open read-only");
  return Status::Ok();
}

Status PostgresStore::TakeLease(std::chrono::milliseconds wait) {
  // A standby that waits "for ever" (milliseconds::max()) waits a century.
  wait = std::min<std::chrono::milliseconds>(wait, std::chrono::hours(24 * 365 * 100));
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    Status status = TryTakeLease();
    // Held by another writer, or its row locked by a stalled one (the take
    // gave up after a TTL): wait and try again.
    const bool held = status.code() == StatusCode::kFailedPrecondition ||
                      (status.code() == StatusCode::kUnavailable &&
                       status.message().find("55P03") != std::string::npos);
    if (!held || std::chrono::steady_clock::now() >= deadline) {
      return status;
    }
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
        PollInterval(ttl_), deadline - std::chrono::steady_clock::now()));
  }
}

Status PostgresStore::TryTakeLease() {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  fence_started_ = std::chrono::steady_clock::now();
  // The lease row's lock is held by a writer's open transaction while it
  // commits; a writer stalled there (its session not yet ended by the
  // server) would hold the take for as long: it waits a TTL at most, and
  // says so (lock_not_available, Unavailable), and the standby tries again.
  bool took = false;
  uint64_t epoch = 0;
  BG_RETURN_IF_ERROR(writer_->Transaction([&]() -> Status {
    BG_RETURN_IF_ERROR(writer_->Script("SET LOCAL lock_timeout = " + std::to_string(ttl_.count()),
                                       "bound the take's wait"));
    BG_ASSIGN_OR_RETURN(const pg::Rows taken,
                        writer_->Exec(kTakeLease, pg::Params().Text(holder_).Int(ttl_.count()),
                                      "take the writer lease"));
    took = taken.size() == 1;
    epoch = took ? taken.Uint(0, 0) : 0;
    return Status::Ok();
  }));
  if (took) {
    epoch_.store(epoch, std::memory_order_relaxed);
    Renewed();
    // Its expiry was set when the UPDATE ran, and the COMMIT may have
    // waited long after (for a synchronous standby): renewed at once if a
    // third of the TTL is gone, refused if all of it is (taken again then).
    Status kept = KeepAliveLocked();
    if (kept.code() == StatusCode::kFailedPrecondition) {
      return FailedPrecondition("took the writer lease (epoch " + std::to_string(lease_epoch()) +
                                ") but it had expired when the take's commit returned (a slow "
                                "commit: no synchronous standby?); taking it again");
    }
    return kept;
  }
  BG_ASSIGN_OR_RETURN(const LeaseState lease, ReadLease(*writer_));
  return FailedPrecondition("the writer lease is held by " + lease.holder + " (epoch " +
                            std::to_string(lease.epoch) + ") until " + lease.expires_at + ", " +
                            std::to_string(lease.remaining_ms) + " ms from now");
}

Status PostgresStore::RenewLease() {
  MutexLock lock(&writer_mu_);
  return RenewLocked();
}

Status PostgresStore::KeepAlive() {
  MutexLock lock(&writer_mu_);
  return KeepAliveLocked();
}

Status PostgresStore::RenewLocked() {
  BG_RETURN_IF_ERROR(Writable());
  BG_RETURN_IF_ERROR(Ready());
  BG_RETURN_IF_ERROR(Fence());
  Renewed();
  return Status::Ok();
}

Status PostgresStore::KeepAliveLocked() {
  if (std::chrono::steady_clock::now() - last_renewed_ < ttl_ / 3) return Status::Ok();
  return RenewLocked();
}

Status PostgresStore::Fence() {
  fence_started_ = std::chrono::steady_clock::now();
  BG_ASSIGN_OR_RETURN(
      const pg::Rows renewed,
      writer_->Exec(kRenewLease, pg::Params().Uint(lease_epoch()).Text(holder_).Int(ttl_.count()),
                    "renew the writer lease"));
  if (renewed.affected() == 1) return Status::Ok();
  BG_ASSIGN_OR_RETURN(const LeaseState lease, ReadLease(*writer_));
  if (lease.epoch == lease_epoch() && lease.holder == holder_) {
    return FailedPrecondition("deposed: this writer's lease (epoch " + std::to_string(lease.epoch) +
                              ") expired at " + lease.expires_at + " without being renewed");
  }
  return FailedPrecondition("deposed: the lease is at epoch " + std::to_string(lease.epoch) +
                            ", held by " + lease.holder + "; this writer's epoch was " +
                            std::to_string(lease_epoch()));
}

Status PostgresStore::Ready() { return writer_->Reconnect(); }

Status PostgresStore::Commit(const JournalEntry& entry, const Projection& projection) {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Writable());
  BG_RETURN_IF_ERROR(Ready());
  Status status = writer_->Transaction([&] { return WriteBatch(entry, projection); });
  if (!status.ok()) return status.WithContext("commit journal entry " + std::to_string(entry.seq));
  Renewed();
  return status;
}

Status PostgresStore::WriteBatch(const JournalEntry& entry, const Projection& projection) {
  BG_RETURN_IF_ERROR(Fence());
  // Taken before the head is read: a second writer waits here, then finds
  // the head moved and is refused (SHARE ROW EXCLUSIVE conflicts with itself,
  // not with readers).
  BG_RETURN_IF_ERROR(
      writer_->Script("LOCK TABLE journal IN SHARE ROW EXCLUSIVE MODE", "lock the journal"));
  BG_ASSIGN_OR_RETURN(const JournalHead head, ReadHead());
  BG_RETURN_IF_ERROR(CheckContinues(head, entry));
  BG_RETURN_IF_ERROR(InsertJournal(entry));
  BG_RETURN_IF_ERROR(UpsertAccounts(projection.accounts));
  BG_RETURN_IF_ERROR(InsertTransfers(projection.transfers));
  BG_RETURN_IF_ERROR(UpdatePending(projection.pending_updates));
  BG_RETURN_IF_ERROR(pg_answers::Write(*writer_, projection));
  BG_RETURN_IF_ERROR(pg_archive::Write(*writer_, projection.archived));
  return pg_notices::Write(*writer_, projection.notices);
}

Status PostgresStore::CommitAnswers(const Projection& projection) {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Writable());
  BG_RETURN_IF_ERROR(Ready());
  Status status = writer_->Transaction([&]() -> Status {
    BG_RETURN_IF_ERROR(Fence());
    BG_RETURN_IF_ERROR(pg_answers::Write(*writer_, projection));
    BG_RETURN_IF_ERROR(pg_archive::Write(*writer_, projection.archived));
    return pg_notices::Write(*writer_, projection.notices);
  });
  if (!status.ok()) {
    return status.WithContext("keep " + std::to_string(projection.answers.size()) + " answers");
  }
  Renewed();
  return status;
}

Result<JournalHead> PostgresStore::Head() {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  if (!read_only_) {
    // The engine asks after a commit whose answer was lost, to learn whether
    // it is stored. On PostgreSQL a commit still waiting for its synchronous
    // standby is already visible to other sessions: read now, the head
    // could show an entry a failover would lose, and the engine would
    // acknowledge it. A transaction of our own that writes a commit record
    // (txid_current assigns an xid) waits until the standby has the WAL up
    // to its commit, which follows any earlier commit's: after it, what the
    // head shows is replicated.
    BG_RETURN_IF_ERROR(writer_->Transaction(
        [&] { return writer_->Run("SELECT txid_current()", {}, "wait for the standby"); }));
  }
  return ReadHead();
}

Result<JournalHead> PostgresStore::ReadHead() {
  BG_ASSIGN_OR_RETURN(const pg::Rows rows,
                      writer_->Exec("SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1", {},
                                    "read the journal head"));
  if (rows.empty()) return JournalHead{};
  JournalHead head{.seq = rows.Uint(0, 0)};
  if (!rows.Hash(0, 1, &head.hash)) {
    return DataLoss("journal entry " + std::to_string(head.seq) + " has a malformed hash");
  }
  return head;
}

Status PostgresStore::InsertJournal(const JournalEntry& e) {
  return writer_->Run(
      "INSERT INTO journal (seq, first_ts, last_ts, prev_hash, hash, payload) "
      "VALUES ($1, $2, $3, $4, $5, $6)",
      pg::Params()
          .Uint(e.seq)
          .Uint(e.first_ts)
          .Uint(e.last_ts)
          .Bytes(e.prev_hash)
          .Bytes(e.hash)
          .Bytes(e.payload),
      "insert journal entry");
}

Status PostgresStore::UpsertAccounts(std::span<const AccountRow> rows) {
  // One statement may not upsert a row twice (SQLSTATE 21000): the last of
  // each id is what upserting them in order would leave.
  if (rows.empty()) return Status::Ok();
  // A batch touches thousands of accounts: they go in by one binary COPY to
  // a session-local table (emptied at every commit), then one upsert from
  // it, rather than statements of 256 rows each.
  BG_RETURN_IF_ERROR(writer_->Script(
      "CREATE TEMP TABLE IF NOT EXISTS accounts_in (LIKE accounts) ON COMMIT DELETE ROWS",
      "make the table for upserted accounts"));
  pg::CopyRows copy;
  for (const AccountRow* a : LastOfEachId(SortedById(rows))) CopyAccount(copy, *a);
  BG_RETURN_IF_ERROR(writer_->CopyIn(
      "COPY accounts_in (" + std::string(kAccountColumns) + ") FROM STDIN (FORMAT binary)",
      std::move(copy), "copy accounts", CopyDeadline(ttl_)));
  return writer_->Run(UpsertAccountsFromSql("accounts_in"), {}, "upsert accounts");
}

Status PostgresStore::InsertTransfers(std::span<const TransferRow> rows) {
  const std::vector<const TransferRow*> sorted = SortedById(rows);
  // Named here: the server would report the id as the signed bigint.
  const auto twin =
      std::adjacent_find(sorted.begin(), sorted.end(),
                         [](const TransferRow* a, const TransferRow* b) { return a->id == b->id; });
  if (twin != sorted.end()) {
    return AlreadyExists("transfer " + std::to_string((*twin)->id) + " appears twice in the batch");
  }
  // One binary COPY for the batch's transfers, in id order (the primary
  // key's pages are filled in order).
  pg::CopyRows copy;
  for (const TransferRow* t : sorted) CopyTransfer(copy, *t);
  return writer_->CopyIn(
      "COPY transfers (" + std::string(kTransferColumns) + ") FROM STDIN (FORMAT binary)",
      std::move(copy), "insert transfers", CopyDeadline(ttl_));
}

Status PostgresStore::UpdatePending(std::span<const PendingStatusUpdate> updates) {
  // Keyed by transfer_id for SortedById; of two updates of one hold, the
  // later wins, as applying them in order would leave it.
  struct Update {
    uint64_t id;
    uint8_t status;
  };
  std::vector<Update> by_id;
  by_id.reserve(updates.size());
  for (const PendingStatusUpdate& u : updates) by_id.push_back({u.transfer_id, u.pending_status});
  return WriteRows(
      *writer_, LastOfEachId(SortedById(std::span<const Update>(by_id))),
      +[](size_t rows) {
        return "UPDATE transfers AS t SET pending_status = v.status FROM (VALUES " +
               ValuesClause(2, rows) + ") AS v (id, status) WHERE t.id = v.id";
      },
      +[](pg::Params& p, const Update& u) { p.Uint(u.id).Int(u.status); }, "update holds");
}

Status PostgresStore::SaveSnapshot(const SnapshotRecord& snapshot) {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Writable());
  BG_RETURN_IF_ERROR(Ready());
  Status status = writer_->Transaction([&] { return WriteSnapshot(snapshot); });
  if (!status.ok()) return status.WithContext("save snapshot " + std::to_string(snapshot.seq));
  Renewed();
  return status;
}

Status PostgresStore::WriteSnapshot(const SnapshotRecord& s) {
  BG_RETURN_IF_ERROR(Fence());
  BG_RETURN_IF_ERROR(writer_->Run(
      "INSERT INTO snapshots (seq, chain_head, state_hash, state) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (seq) DO UPDATE SET chain_head = excluded.chain_head, "
      "state_hash = excluded.state_hash, state = excluded.state",
      pg::Params().Uint(s.seq).Bytes(s.chain_head).Bytes(s.state_hash).Bytes(s.state),
      "insert snapshot"));
  BG_RETURN_IF_ERROR(writer_->Run(
      "DELETE FROM snapshots WHERE seq NOT IN (SELECT seq FROM snapshots ORDER BY seq DESC LIMIT "
      "2)",
      {}, "prune snapshots"));
  fence_started_ = std::chrono::steady_clock::now();
  return writer_->Run(kExtendLease,
                      pg::Params().Uint(lease_epoch()).Text(holder_).Int(ttl_.count()),
                      "extend the writer lease");
}

Result<std::optional<SnapshotRecord>> PostgresStore::LatestSnapshot() {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  BG_ASSIGN_OR_RETURN(const pg::Rows rows,
                      writer_->Exec("SELECT seq, chain_head, state_hash, state FROM snapshots "
                                    "ORDER BY seq DESC LIMIT 1",
                                    {}, "read the latest snapshot"));
  if (rows.empty()) return std::optional<SnapshotRecord>();
  SnapshotRecord s;
  s.seq = rows.Uint(0, 0);
  if (!rows.Hash(0, 1, &s.chain_head) || !rows.Hash(0, 2, &s.state_hash)) {
    return DataLoss("snapshot " + std::to_string(s.seq) + " has a malformed hash");
  }
  const std::span<const uint8_t> state = rows.Bytes(0, 3);
  s.state.assign(state.begin(), state.end());
  return std::optional<SnapshotRecord>(std::move(s));
}

Status PostgresStore::ReadJournal(uint64_t after_seq,
                                  const std::function<Status(const JournalEntry&)>& visit) {
  MutexLock lock(&writer_mu_);
  // Seqs count up from 1 and never reach 2^63; past that, nothing follows.
  if (after_seq > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Status::Ok();
  BG_RETURN_IF_ERROR(Ready());
  // A page at a time, so that a replay of the whole journal does not hold
  // it in memory at once.
  uint64_t after = after_seq;
  while (true) {
    // A writer replaying a long journal at start keeps its lease meanwhile.
    if (lease_epoch() != 0) BG_RETURN_IF_ERROR(KeepAliveLocked());
    BG_ASSIGN_OR_RETURN(
        const pg::Rows rows,
        writer_->Exec("SELECT seq, first_ts, last_ts, prev_hash, hash, payload FROM journal "
                      "WHERE seq > $1 ORDER BY seq LIMIT $2",
                      pg::Params().Uint(after).Int(kJournalPage), "read the journal"));
    for (int r = 0; r < rows.size(); ++r) {
      BG_ASSIGN_OR_RETURN(const JournalEntry entry, JournalFrom(rows, r));
      BG_RETURN_IF_ERROR(visit(entry));
      after = entry.seq;
    }
    if (rows.size() < kJournalPage) return Status::Ok();
  }
}

Result<std::vector<AccountRow>> PostgresStore::ReadAccounts() {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  std::vector<AccountRow> out;
  BG_RETURN_IF_ERROR(ReadById(*writer_, "accounts", kAccountColumns, &AccountFrom, &out));
  return out;
}

Result<std::vector<TransferRow>> PostgresStore::ReadTransfers() {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  std::vector<TransferRow> out;
  BG_RETURN_IF_ERROR(ReadById(*writer_, "transfers", kTransferColumns, &TransferFrom, &out));
  return out;
}

Result<std::vector<TransferRow>> PostgresStore::ReadTransfersOf(uint64_t reference) {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  BG_ASSIGN_OR_RETURN(
      const pg::Rows rows,
      writer_->Exec("SELECT " + std::string(kTransferColumns) +
                        " FROM transfers WHERE reference = $1 ORDER BY timestamp",
                    pg::Params().Uint(reference), "read the transfers of a reference"));
  std::vector<TransferRow> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) out.push_back(TransferFrom(rows, r));
  return out;
}

Result<std::vector<TransferRow>> PostgresStore::ReadTransfersBetween(Timestamp first,
                                                                     Timestamp last) {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  BG_ASSIGN_OR_RETURN(
      const pg::Rows rows,
      writer_->Exec("SELECT " + std::string(kTransferColumns) +
                        " FROM transfers WHERE timestamp BETWEEN $1 AND $2 ORDER BY timestamp",
                    pg::Params().Uint(first).Uint(last), "read the transfers of a time range"));
  std::vector<TransferRow> out;
  out.reserve(static_cast<size_t>(rows.size()));
  for (int r = 0; r < rows.size(); ++r) out.push_back(TransferFrom(rows, r));
  return out;
}

Result<JournalSpan> PostgresStore::SpanOf(std::string_view where, Timestamp ts) {
  MutexLock lock(&writer_mu_);
  BG_RETURN_IF_ERROR(Ready());
  BG_ASSIGN_OR_RETURN(
      const pg::Rows rows,
      writer_->Exec(
          "SELECT seq, first_ts, last_ts FROM journal " + std::string(where) + " LIMIT 1",
          where.find("$1") == std::string_view::npos ? pg::Params() : pg::Params().Uint(ts),
          "look up the journal by time"));
  if (rows.empty()) return JournalSpan{};
  return JournalSpan{
      .seq = rows.Uint(0, 0), .first_ts = rows.Uint(0, 1), .last_ts = rows.Uint(0, 2)};
}

Result<uint64_t> PostgresStore::FirstSeqEndingAtOrAfter(Timestamp ts) {
  BG_ASSIGN_OR_RETURN(const JournalSpan span,
                      SpanOf("WHERE last_ts >= $1 ORDER BY last_ts, seq", ts));
  return span.seq;
}

Result<JournalSpan> PostgresStore::EntryAt(Timestamp ts) {
  // Entries are in time order and do not overlap: the first one ending at
  // or after `ts` holds it, if it starts at or before it.
  BG_ASSIGN_OR_RETURN(const JournalSpan span,
                      SpanOf("WHERE last_ts >= $1 ORDER BY last_ts, seq", ts));
  if (span.seq == 0 || span.first_ts > ts) return JournalSpan{};
  return span;
}

Result<JournalSpan> PostgresStore::LastEntry() { return SpanOf("ORDER BY seq DESC", 0); }

StoreHealth PostgresStore::Health() {
  StoreHealth health{.lease_epoch = lease_epoch()};
  Result<pg::Rows> rows = reader_.With([](pg::Connection& c) {
    return c.Exec(
        "SELECT count(*), count(*) FILTER (WHERE sync_state = 'sync'), "
        "COALESCE(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)::bigint "
        "FROM pg_stat_replication",
        {}, "read the standbys");
  });
  if (rows.ok() && rows->size() == 1) {
    health.standbys = rows->Int(0, 0);
    health.sync_standbys = rows->Int(0, 1);
    health.replication_lag_bytes = rows->Int(0, 2);
  }
  return health;
}

Result<std::optional<KeptAnswer>> PostgresStore::FindAnswer(std::string_view caller,
                                                            std::string_view key) {
  return reader_.With([&](pg::Connection& c) { return pg_answers::Find(c, caller, key); });
}

Result<std::vector<NoticeRow>> PostgresStore::ReadNotices(const NoticeQuery& query) {
  return reader_.With([&](pg::Connection& c) { return pg_notices::Feed(c, query); });
}

Result<uint64_t> PostgresStore::CountUnread(std::string_view recipient) {
  return reader_.With([&](pg::Connection& c) { return pg_notices::CountUnread(c, recipient); });
}

Result<std::vector<NoticeRow>> PostgresStore::NoticesAfter(std::string_view recipient,
                                                           uint64_t after, size_t limit) {
  return reader_.With(
      [&](pg::Connection& c) { return pg_notices::After(c, recipient, after, limit); });
}

Result<std::vector<WebhookRow>> PostgresStore::ReadWebhooks() {
  return reader_.With([&](pg::Connection& c) { return pg_notices::Webhooks(c); });
}

Result<std::optional<ArchiveRow>> PostgresStore::FindArchived(ArchiveKind kind, uint64_t id) {
  return reader_.With([&](pg::Connection& c) { return pg_archive::Find(c, kind, id); });
}

Result<std::vector<ArchiveRow>> PostgresStore::ListArchived(const ArchiveQuery& query) {
  return reader_.With([&](pg::Connection& c) { return pg_archive::List(c, query); });
}

}  // namespace bg::storage
