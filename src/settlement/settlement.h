// Settlement: what each programme owes whom, period by period (docs/settlement.md).
//
// Every charge the platform makes — an increment of metered usage, or a
// reservation billed when its job ends — is kept as a ChargeLine: the
// order, its pool and the pool's city, the card-seconds, the price, the
// charge, and how it was paid (the subsidy per programme, the co-pay). The
// lines are the platform's own records; the ledger holds the same money as
// transfers, and a statement must agree with both to the fen.
//
// A statement is one programme's lines in one period (a month or a quarter,
// China Standard Time) for one payee: the provider, for point-of-sale
// vouchers, or the enterprise, for reimbursement. A statement is paid in
// three steps, each journaled with who and when, as finance bureaus pay:
//
//   close    (CloseStatement, the programme's operator) freezes every
//            statement of the period: it is payable, and its total is held
//            on the programme's payable account for the payee (a pending
//            ledger transfer that never expires);
//   approve  (ApproveStatement, finance; not the one who closed it);
//   pay      (PayStatement, finance) records the bank's reference and value
//            date, and only then posts the hold: the money is settled.
//
// A period never changes once closed: a line is dated when the platform
// records it (never back-dated), and a period can be closed only once it is
// over, so corrections and late usage land in the next period. (Journals
// written before this three-step flow close and pay at once: tag 26.)
//
// The cross-region flow matrix sums the lines by issuing jurisdiction (who
// paid the subsidy) and the city of the pool (where the compute ran): the
// "innovation factors flowing across city borders" of programme reports.
//
// Lines leave memory once their month is two months gone (RetireLines: the
// lines of the current and the previous month stay): the store's archive
// keeps each, by its sequence number, and Settlement keeps what statements,
// receivables and the invariants need of them as sums by programme, month
// and payee. A statement's detail lines and the flows of earlier months are
// read back from the archive (LineArchive), never by the writer.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/codec.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/result.h"
#include "common/undo_log.h"
#include "ledger/ledger.h"
#include "programme/book.h"
#include "programme/registry.h"

namespace bg::settlement {

struct ChargeLine {
  Timestamp at = 0;
  OrderId order{};
  EnterpriseId enterprise{};
  ProviderId provider{};
  PoolId pool{};
  JurisdictionId city{};      // where the pool's site is
  uint64_t card_seconds = 0;  // this line's usage
  Money price{};              // per card-hour
  Money charge{};
  Money copay{};                                    // what the enterprise pays the provider
  std::vector<programme::ClaimShare> subsidy = {};  // per programme
  friend bool operator==(const ChargeLine&, const ChargeLine&) = default;
};

enum class PeriodKind : uint8_t { kMonth = 0, kQuarter };
struct Period {
  PeriodKind kind = PeriodKind::kMonth;
  int32_t year = 0;
  uint8_t number = 1;  // 1..12 or 1..4
  // clang-tidy 14 reads the defaulted <=>'s comparison with 0 as a null pointer.
  friend auto operator<=>(const Period&, const Period&) = default;  // NOLINT(modernize-use-nullptr)
};
// "2026-11" or "2026-Q4"; nothing if `text` is neither.
std::optional<Period> ParsePeriod(const std::string& text);
std::string PeriodName(const Period& p);
// "2026-11-30" as midnight China Standard Time; nothing if `text` is not a
// real date in that form (from 1970-01-02).
std::optional<Timestamp> ParseDay(const std::string& text);
bool ValidPeriod(const Period& p);
// [start, end) in Unix nanoseconds: midnight China Standard Time.
Timestamp PeriodStart(const Period& p);
Timestamp PeriodEnd(const Period& p);
// The period of `kind` that `at` falls in.
Period PeriodOf(Timestamp at, PeriodKind kind);
// The day (China Standard Time) `at` falls in, in days since 1970-01-01.
int64_t ChinaDay(Timestamp at);

enum class PayeeKind : uint8_t { kProvider = 0, kEnterprise };

// Where a statement stands. (Every statement has something to pay: a
// payee is on a period's statements only through a line that subsidised
// it.)
enum class StatementStatus : uint8_t { kOpen = 0, kPayable, kApproved, kPaid };
inline constexpr std::array<EnumName<StatementStatus>, 4> kStatementStatusNames = {{
    {"open", StatementStatus::kOpen},
    {"payable", StatementStatus::kPayable},
    {"approved", StatementStatus::kApproved},
    {"paid", StatementStatus::kPaid},
}};
static_assert(IsNameTable(kStatementStatusNames));
const char* StatementStatusName(StatementStatus s);

struct StatementLine {
  ChargeLine line;
  Money subsidy{};  // this programme's part of the line
};

// A line and its sequence number (0, 1, ... in the order recorded).
struct NumberedLine {
  uint64_t seq = 0;
  ChargeLine line;
};

// What the lines of one programme, month and payee that left memory add up
// to, as a statement counts them.
struct LineSums {
  uint64_t lines = 0;
  uint64_t card_seconds = 0;
  Money charge{};
  Money subsidy{};  // the programme's part
  Money copay{};
  friend bool operator==(const LineSums&, const LineSums&) = default;
};

// Where the lines that left memory are read back (the store's archive and
// the rows of batches not yet committed): `fn` gets each line of seq in
// [from_seq, to_seq), in seq order. Thread-safe; it may read a disk.
class LineArchive {
 public:
  virtual ~LineArchive() = default;
  virtual Status Read(uint64_t from_seq, uint64_t to_seq,
                      const std::function<void(const ChargeLine&)>& fn) const = 0;
};

// What happened to one payee's statement after its period closed.
struct Payment {
  uint8_t payee_kind = 0;  // PayeeKind
  uint64_t payee = 0;
  TransferId transfer{};  // the hold on the payable account
  Money amount{};
  StatementStatus status = StatementStatus::kPayable;
  Timestamp approved_at = 0;
  std::string approved_by = {};
  Timestamp paid_at = 0;  // when the payment was recorded
  std::string paid_by = {};
  Timestamp paid_on = 0;  // the bank's value date (midnight China Standard Time)
  std::string bank_reference = {};
  TransferId settle{};  // the post of the hold (zero until paid)
  friend bool operator==(const Payment&, const Payment&) = default;
};

struct Statement {
  ProgrammeId programme{};
  Period period;
  PayeeKind payee_kind = PayeeKind::kProvider;
  uint64_t payee = 0;  // provider or enterprise id
  // Its lines, oldest first: all `line_count` of them, or (when the lines
  // that left memory were not asked for or could not be read) the last ones.
  std::vector<StatementLine> lines = {};
  uint64_t line_count = 0;
  uint64_t card_seconds = 0;
  Money charge{};
  Money subsidy{};
  Money copay{};
  bool closed = false;
  Timestamp closed_at = 0;
  std::string closed_by = {};
  TransferId payment{};  // the hold (or, in old journals, the payment) made at close
  Payment paid = {};     // its steps since (status kOpen while the period is open)
  StatementStatus status() const { return closed ? paid.status : StatementStatus::kOpen; }
};

// Closes one programme's period: each payee's statement becomes payable
// and its total is held for it. `pays_at_close` is the close of journals
// written before approval and payment were steps of their own (tag 26):
// it pays every payee at once.
struct CloseStatement {
  ProgrammeId programme{};
  Period period;
  std::string actor = {};
  bool pays_at_close = false;
  friend bool operator==(const CloseStatement&, const CloseStatement&) = default;
};
inline constexpr size_t kMaxPayeesPerClose = 4096;
inline constexpr size_t kCloseEvents = 3 * kMaxPayeesPerClose;

// Finance approves the payable statement of `payee` in a closed period, or
// (payee 0) every payable statement of it. The approver is not the one who
// closed the period.
struct ApproveStatement {
  ProgrammeId programme{};
  Period period;
  uint64_t payee = 0;  // zero: every payable statement of the period
  std::string actor = {};
  friend bool operator==(const ApproveStatement&, const ApproveStatement&) = default;
};

// Finance records the bank payment of an approved statement; the held
// total is posted to the payee's settled account.
struct PayStatement {
  ProgrammeId programme{};
  Period period;
  uint64_t payee = 0;
  std::string bank_reference = {};
  Timestamp paid_on = 0;  // the value date: midnight China Standard Time
  std::string actor = {};
  friend bool operator==(const PayStatement&, const PayStatement&) = default;
};
inline constexpr size_t kMaxBankReference = 64;

enum class Code : uint8_t {
  kOk = 0,
  kAlreadyClosed,  // the same period again: answered as the first close
  kUnknownProgramme,
  kInvalidPeriod,
  kPeriodNotOver,
  kTooManyPayees,
  kOverlapsClosedPeriod,  // a month inside a closed quarter, or the reverse
  kWrongCycle,            // a month of a quarterly programme, or the reverse
  kNotClosed,             // approve or pay in a period not closed
  kUnknownPayee,          // no statement for this payee in the period
  kSameActor,             // the one who closed approves: two people are needed
  kNotPayable,            // approve or pay in the wrong status
  kAlreadyApproved,       // approved again: answered as the first approval
  kAlreadyPaid,           // paid again with the same reference: as the first payment
  kPaidWithAnotherReference,
  kBankReferenceRequired,
  kInvalidPaidOn,  // a value date in the future, or before the period closed
};
inline constexpr std::array<EnumName<Code>, 17> kCodeNames = {{
    {"ok", Code::kOk},
    {"already_closed", Code::kAlreadyClosed},
    {"unknown_programme", Code::kUnknownProgramme},
    {"invalid_period", Code::kInvalidPeriod},
    {"period_not_over", Code::kPeriodNotOver},
    {"too_many_payees", Code::kTooManyPayees},
    {"overlaps_closed_period", Code::kOverlapsClosedPeriod},
    {"wrong_cycle", Code::kWrongCycle},
    {"period_not_closed", Code::kNotClosed},
    {"unknown_payee", Code::kUnknownPayee},
    {"same_person", Code::kSameActor},
    {"not_payable", Code::kNotPayable},
    {"already_approved", Code::kAlreadyApproved},
    {"already_paid", Code::kAlreadyPaid},
    {"paid_with_another_reference", Code::kPaidWithAnotherReference},
    {"bank_reference_required", Code::kBankReferenceRequired},
    {"invalid_paid_on", Code::kInvalidPaidOn},
}};
static_assert(IsNameTable(kCodeNames));
const char* CodeName(Code c);

struct Outcome {
  Code code = Code::kOk;
  std::string message = {};
  size_t statements = 0;  // closed, approved or paid by this command
  Money paid{};           // held at close, approved, or posted by a payment
  bool ok() const {
    return code == Code::kOk || code == Code::kAlreadyClosed || code == Code::kAlreadyApproved ||
           code == Code::kAlreadyPaid;
  }
};

// One issuer's subsidised compute in one city. When programmes stack on one
// order, each issuer's card-seconds are its share of the line's metered
// card-seconds in proportion to what it paid (largest remainder), so over
// all issuers every subsidised card-second counts once and the yuan add up
// to the subsidies paid.
struct Flow {
  JurisdictionId issuer{};  // who paid the subsidy
  JurisdictionId city{};    // where the compute ran
  uint64_t card_seconds = 0;
  Money subsidy{};
  uint64_t orders = 0;
};

class Settlement {
 public:
  void AddLine(ChargeLine line);
  // The lines still in memory, in the order recorded: seq first_seq() on.
  const std::deque<ChargeLine>& lines() const { return lines_; }
  uint64_t first_seq() const { return first_seq_; }
  uint64_t line_count() const { return first_seq_ + lines_.size(); }
  // At most `max` lines dated before the month before `ts`'s leave memory,
  // oldest first, into `out` (for the archive); their sums stay.
  void RetireLines(Timestamp ts, size_t max, std::vector<NumberedLine>* out);
  // Where the lines that left memory are read back; not part of the state.
  void set_archive(const LineArchive* archive) { archive_ = archive; }
  // The seqs [first, second) of the lines that left memory dated in [from, to).
  std::pair<uint64_t, uint64_t> RetiredSeqs(Timestamp from, Timestamp to) const;

  Outcome Apply(const CloseStatement& c, const programme::Registry& registry, programme::Book& book,
                ledger::Ledger& ledger, Timestamp ts);
  // payment.cc: the steps after the close.
  Outcome Apply(const ApproveStatement& c, const programme::Registry& registry, Timestamp ts);
  Outcome Apply(const PayStatement& c, const programme::Registry& registry, programme::Book& book,
                ledger::Ledger& ledger, Timestamp ts);

  // The statements of `programme` for `period`, one per payee (payee id
  // order), closed or (for an open period) as they stand now. Their totals
  // always count every line; their detail lines are every line when
  // `with_lines` and the archive could be read (lines.size() ==
  // line_count), else those still in memory. The writer never asks for them.
  std::vector<Statement> Statements(ProgrammeId programme, const Period& period,
                                    const programme::Registry& registry,
                                    bool with_lines = true) const;
  bool IsClosed(ProgrammeId programme, const Period& period) const;
  // Issuer x city sums of the lines dated in [from, to), with those read
  // back from the archive; an error if it cannot be read.
  Result<std::vector<Flow>> Flows(Timestamp from, Timestamp to) const;
  // Of the lines that left memory: sums by (programme, month, payee).
  struct SumKey {
    ProgrammeId programme{};
    Period month;
    PayeeKind payee_kind = PayeeKind::kProvider;
    uint64_t payee = 0;
    // clang-tidy 14 reads the defaulted <=>'s comparison with 0 as a null pointer.
    friend auto operator<=>(const SumKey&,
                            const SumKey&) = default;  // NOLINT(modernize-use-nullptr)
  };
  const std::map<SumKey, LineSums>& retired_sums() const { return retired_sums_; }

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  // A post of subsidy to `programme`'s payable account, made at `at` in a
  // transfer the ledger has since retired (Ledger::Retire): CheckStatements
  // counts it with the posts the ledger still holds.
  void CountRetiredPost(ProgrammeId programme, Timestamp at, Money amount);

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Settlement* out);
  bool operator==(const Settlement& o) const {
    return lines_ == o.lines_ && first_seq_ == o.first_seq_ && day_seq_ == o.day_seq_ &&
           retired_sums_ == o.retired_sums_ && closed_ == o.closed_ &&
           retired_posted_ == o.retired_posted_;
  }

 public:
  struct Closed {
    Timestamp at = 0;
    std::string actor = {};
    std::vector<Payment> payments = {};  // one per statement, in payee order
    friend bool operator==(const Closed&, const Closed&) = default;
  };
  using Key = std::pair<ProgrammeId, Period>;
  const std::map<Key, Closed>& closed() const { return closed_; }
  // By programme and month (PeriodKind::kMonth).
  const std::map<Key, Money>& retired_posted() const { return retired_posted_; }

 private:
  std::deque<ChargeLine> lines_;  // in the order recorded, so by `at`
  uint64_t first_seq_ = 0;        // of lines_.front()
  // The seq of the first line of each day (China Standard Time, days since
  // 1970) that had one: where a period's lines start in the archive.
  std::map<int64_t, uint64_t> day_seq_;
  std::map<SumKey, LineSums> retired_sums_;
  const LineArchive* archive_ = nullptr;
  std::map<Key, Closed> closed_;
  std::map<Key, Money> retired_posted_;
  UndoLog undo_;
};

// The settlement invariants, month by month and programme by programme:
// the charge lines' subsidy = the ledger's posts into the programme's
// payable account dated in that month, to the fen; and every closed period
// holds or pays exactly its statements' totals, each by a ledger transfer
// of that amount that is pending while the statement is payable or
// approved and posted once it is paid. "" when everything agrees, else the first difference.
// The programme whose payable account a post of subsidy credits, if `t`
// is one (a post of a hold, of more than nothing, to a payable account).
std::optional<ProgrammeId> PayablePost(const ledger::Transfer& t);

std::string CheckStatements(const Settlement& settlement, const programme::Registry& registry,
                            const ledger::Ledger& ledger);

// A charge line's canonical encoding (snapshots, the archive).
void EncodeLine(Writer& w, const ChargeLine& l);
bool DecodeLine(Reader& r, ChargeLine* l);

// Wire forms (the journal).
void EncodeCloseStatement(Writer& w, const CloseStatement& c);
bool DecodeCloseStatement(Reader& r, CloseStatement* c);
void EncodeApproveStatement(Writer& w, const ApproveStatement& c);
bool DecodeApproveStatement(Reader& r, ApproveStatement* c);
void EncodePayStatement(Writer& w, const PayStatement& c);
bool DecodePayStatement(Reader& r, PayStatement* c);

}  // namespace bg::settlement
