#include "settlement/settlement.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "common/apportion.h"
#include "common/wire.h"
#include "programme/accounts.h"
#include "programme/book_util.h"

namespace bg::settlement {

using programme::book::Plus;
using wire::GetId;
using wire::GetMoney;
using wire::PutId;
using wire::PutMoney;

// --- Periods -----------------------------------------------------------------------

namespace {

constexpr int64_t kChinaOffsetSeconds = int64_t{8} * 3600;

// Unix nanoseconds of midnight China Standard Time on year-month-01.
Timestamp MonthStart(int32_t year, int month) {
  namespace c = std::chrono;
  // Months past December roll into the next year.
  year += (month - 1) / 12;
  month = (month - 1) % 12 + 1;
  const c::sys_days day{c::year{year} / c::month{static_cast<unsigned>(month)} / 1};
  const int64_t secs = day.time_since_epoch().count() * int64_t{86'400} - kChinaOffsetSeconds;
  return static_cast<Timestamp>(secs) * kNanosPerSecond;
}

int FirstMonth(const Period& p) {
  return p.kind == PeriodKind::kMonth ? p.number : (p.number - 1) * 3 + 1;
}

}  // namespace

bool ValidPeriod(const Period& p) {
  const int max = p.kind == PeriodKind::kMonth ? 12 : 4;
  return p.year >= 1970 && p.year <= 9999 && p.number >= 1 && p.number <= max;
}

Timestamp PeriodStart(const Period& p) { return MonthStart(p.year, FirstMonth(p)); }

Timestamp PeriodEnd(const Period& p) {
  return MonthStart(p.year, FirstMonth(p) + (p.kind == PeriodKind::kMonth ? 1 : 3));
}

int64_t ChinaDay(Timestamp at) {
  return (static_cast<int64_t>(at / kNanosPerSecond) + kChinaOffsetSeconds) / 86'400;
}

Period PeriodOf(Timestamp at, PeriodKind kind) {
  namespace c = std::chrono;
  const auto secs = static_cast<int64_t>(at / kNanosPerSecond) + kChinaOffsetSeconds;
  const c::year_month_day ymd{c::sys_days{c::floor<c::days>(c::seconds{secs})}};
  const auto month = static_cast<uint8_t>(static_cast<unsigned>(ymd.month()));
  return Period{kind, static_cast<int32_t>(static_cast<int>(ymd.year())),
                kind == PeriodKind::kMonth ? month : static_cast<uint8_t>((month - 1) / 3 + 1)};
}

std::string PeriodName(const Period& p) {
  char buf[16];
  if (p.kind == PeriodKind::kMonth) {
    std::snprintf(buf, sizeof buf, "%04d-%02d", p.year, p.number);
  } else {
    std::snprintf(buf, sizeof buf, "%04d-Q%d", p.year, p.number);
  }
  return buf;
}

std::optional<Period> ParsePeriod(const std::string& text) {
  // YYYY-MM or YYYY-Qn, nothing else.
  auto digits = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (i >= text.size() || text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  if (text.size() < 7 || text[4] != '-') return std::nullopt;
  const int year = digits(0, 4);
  Period p;
  if (text.size() == 7 && text[5] == 'Q') {
    p = {PeriodKind::kQuarter, year, static_cast<uint8_t>(std::max(0, digits(6, 1)))};
  } else if (text.size() == 7) {
    p = {PeriodKind::kMonth, year, static_cast<uint8_t>(std::max(0, digits(5, 2)))};
  } else {
    return std::nullopt;
  }
  if (year < 0 || !ValidPeriod(p)) return std::nullopt;
  return p;
}

std::optional<Timestamp> ParseDay(const std::string& text) {
  // YYYY-MM-DD, a real date, nothing else.
  namespace c = std::chrono;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const size_t from[3] = {0, 5, 8};
  const size_t len[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k) {
    for (size_t i = from[k]; i < from[k] + len[k]; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      parts[k] = parts[k] * 10 + (text[i] - '0');
    }
  }
  const c::year_month_day ymd{c::year{parts[0]}, c::month{static_cast<unsigned>(parts[1])},
                              c::day{static_cast<unsigned>(parts[2])}};
  if (parts[0] < 1970 || !ymd.ok()) return std::nullopt;
  const int64_t secs =
      c::sys_days{ymd}.time_since_epoch().count() * int64_t{86'400} - kChinaOffsetSeconds;
  if (secs < 0) return std::nullopt;
  return static_cast<Timestamp>(secs) * kNanosPerSecond;
}

const char* CodeName(Code c) { return NameOf(kCodeNames, c).data(); }
const char* StatementStatusName(StatementStatus s) {
  return NameOf(kStatementStatusNames, s).data();
}

// --- Lines and statements ----------------------------------------------------------

void Settlement::AddLine(ChargeLine line) {
  BG_CHECK(lines_.empty() || lines_.back().at <= line.at) << "a charge line dated before the last";
  const int64_t day = ChinaDay(line.at);
  if (day_seq_.empty() || day_seq_.rbegin()->first < day) {
    day_seq_.emplace(day, line_count());
    undo_.Record([this, day] { day_seq_.erase(day); });
  }
  lines_.push_back(std::move(line));
  undo_.Record([this] { lines_.pop_back(); });
}

bool Settlement::IsClosed(ProgrammeId programme, const Period& period) const {
  return closed_.count({programme, period}) != 0;
}

namespace {

void AddTotals(Statement& st, uint64_t lines, uint64_t card_seconds, Money charge, Money subsidy,
               Money copay) {
  st.line_count += lines;
  st.card_seconds += card_seconds;
  st.charge = Plus(st.charge, charge);
  st.subsidy = Plus(st.subsidy, subsidy);
  st.copay = Plus(st.copay, copay);
}

}  // namespace

std::vector<Statement> Settlement::Statements(ProgrammeId programme, const Period& period,
                                              const programme::Registry& registry,
                                              bool with_lines) const {
  const programme::ProgrammeRules* rules = registry.FindProgramme(programme);
  if (rules == nullptr || !ValidPeriod(period)) return {};
  const bool reimburse = rules->redemption == programme::RedemptionMode::kReimbursement;
  const PayeeKind kind = reimburse ? PayeeKind::kEnterprise : PayeeKind::kProvider;
  const Timestamp from = PeriodStart(period);
  const Timestamp to = PeriodEnd(period);
  std::map<uint64_t, Statement> by_payee;
  auto statement = [&](uint64_t payee) -> Statement& {
    Statement& st = by_payee[payee];
    st.programme = programme;
    st.period = period;
    st.payee_kind = kind;
    st.payee = payee;
    return st;
  };
  // The lines that left memory, by their sums; then those still here.
  uint64_t retired = 0;
  for (Timestamp month = from; month < to; month = PeriodEnd(PeriodOf(month, PeriodKind::kMonth))) {
    const SumKey low{programme, PeriodOf(month, PeriodKind::kMonth), kind, 0};
    for (auto it = retired_sums_.lower_bound(low);
         it != retired_sums_.end() && it->first.programme == programme &&
         it->first.month == low.month && it->first.payee_kind == kind;
         ++it) {
      const LineSums& sum = it->second;
      AddTotals(statement(it->first.payee), sum.lines, sum.card_seconds, sum.charge, sum.subsidy,
                sum.copay);
      retired += sum.lines;
    }
  }
  std::map<uint64_t, std::vector<StatementLine>> earlier;
  auto add_line = [&](const ChargeLine& l, bool totals,
                      std::map<uint64_t, std::vector<StatementLine>>* into) {
    if (l.at < from || l.at >= to) return;
    for (const programme::ClaimShare& s : l.subsidy) {
      if (s.programme != programme || s.amount.is_zero()) continue;
      const uint64_t payee = reimburse ? l.enterprise.value() : l.provider.value();
      if (totals) AddTotals(statement(payee), 1, l.card_seconds, l.charge, s.amount, l.copay);
      (*into)[payee].push_back({l, s.amount});
    }
  };
  std::map<uint64_t, std::vector<StatementLine>> recent;
  auto first = std::lower_bound(lines_.begin(), lines_.end(), from,
                                [](const ChargeLine& l, Timestamp t) { return l.at < t; });
  for (auto it = first; it != lines_.end() && it->at < to; ++it) add_line(*it, true, &recent);
  // The detail of the lines that left memory, when asked for and at hand.
  if (with_lines && retired != 0 && archive_ != nullptr) {
    const auto [a, b] = RetiredSeqs(from, to);
    if (!archive_->Read(a, b, [&](const ChargeLine& l) { add_line(l, false, &earlier); }).ok()) {
      earlier.clear();
    }
  }
  auto closed = closed_.find({programme, period});
  std::vector<Statement> out;
  for (auto& [payee, st] : by_payee) {
    std::vector<StatementLine>& old = earlier[payee];
    std::vector<StatementLine>& now = recent[payee];
    if (old.size() + now.size() == st.line_count) st.lines = std::move(old);
    st.lines.insert(st.lines.end(), now.begin(), now.end());
    if (closed != closed_.end()) {
      st.closed = true;
      st.closed_at = closed->second.at;
      st.closed_by = closed->second.actor;
      for (const Payment& p : closed->second.payments) {
        if (p.payee == payee) {
          st.payment = p.transfer;
          st.paid = p;
        }
      }
    }
    out.push_back(std::move(st));
  }
  return out;
}

Outcome Settlement::Apply(const CloseStatement& c, const programme::Registry& registry,
                          programme::Book& book, ledger::Ledger& ledger, Timestamp ts) {
  const programme::ProgrammeRules* rules = registry.FindProgramme(c.programme);
  if (rules == nullptr) {
    return {Code::kUnknownProgramme, "no programme " + std::to_string(c.programme.value())};
  }
  if (!ValidPeriod(c.period)) {
    return {Code::kInvalidPeriod, "a period is a month (1-12) or a quarter (1-4) of a year"};
  }
  const std::string what =
      "programme " + std::to_string(c.programme.value()) + " period " + PeriodName(c.period);
  if (auto done = closed_.find({c.programme, c.period}); done != closed_.end()) {
    Money paid{};
    for (const Payment& p : done->second.payments) paid = Plus(paid, p.amount);
    return {Code::kAlreadyClosed, what + " was closed already", done->second.payments.size(), paid};
  }
  const PeriodKind cycle = rules->settlement == programme::SettlementCycle::kQuarterly
                               ? PeriodKind::kQuarter
                               : PeriodKind::kMonth;
  if (c.period.kind != cycle) {
    return {Code::kWrongCycle, what + ": the programme settles " +
                                   (cycle == PeriodKind::kQuarter ? "quarterly" : "monthly")};
  }
  // Should a programme change its cycle, a line is still paid once: no
  // closed period of the programme may overlap this one.
  for (auto it = closed_.lower_bound({c.programme, Period{PeriodKind::kMonth, 0, 0}});
       it != closed_.end() && it->first.first == c.programme; ++it) {
    const Period& other = it->first.second;
    if (PeriodStart(other) < PeriodEnd(c.period) && PeriodStart(c.period) < PeriodEnd(other)) {
      return {Code::kOverlapsClosedPeriod,
              what + " overlaps " + PeriodName(other) + ", which is closed"};
    }
  }
  if (PeriodEnd(c.period) > ts) {
    return {Code::kPeriodNotOver, what + " is not over yet: it can be closed once it has ended"};
  }
  const std::vector<Statement> statements =
      Statements(c.programme, c.period, registry, /*with_lines=*/false);
  if (statements.size() > kMaxPayeesPerClose) {
    return {Code::kTooManyPayees, what + " has more than " + std::to_string(kMaxPayeesPerClose) +
                                      " payees in one period"};
  }
  const programme::Jurisdiction& issuer = *registry.FindJurisdiction(rules->issuer);
  Closed closed{.at = ts, .actor = c.actor};
  Money held{};
  Timestamp at = ts;
  for (const Statement& st : statements) {
    const bool provider = st.payee_kind == PayeeKind::kProvider;
    const AccountId to = provider ? programme::ProviderSettledAccount(ProviderId(st.payee))
                                  : programme::EnterpriseSettledAccount(EnterpriseId(st.payee));
    if (ledger.FindAccount(to) == nullptr) {
      programme::book::MustOpenAccount(ledger, to, issuer.currency_ledger,
                                       provider ? programme::AccountKind::kProviderSettled
                                                : programme::AccountKind::kEnterpriseSettled,
                                       st.payee, 0, at++);
    }
    Payment p{.payee_kind = static_cast<uint8_t>(st.payee_kind),
              .payee = st.payee,
              .transfer = book.NextTransferId(),
              .amount = st.subsidy,
              .status = c.pays_at_close ? StatementStatus::kPaid : StatementStatus::kPayable};
    if (c.pays_at_close) p.paid_at = ts;
    // Held for the payee until finance records the bank payment (no
    // timeout: a payable statement waits as long as finance does).
    programme::book::MustTransfer(
        ledger,
        {programme::book::Move(p.transfer, programme::PayableAccount(c.programme), to, st.subsidy,
                               issuer.currency_ledger, programme::MoneyCode::kSettle,
                               c.programme.value(), c.pays_at_close ? 0 : ledger::kPending)},
        at++);
    held = Plus(held, st.subsidy);
    closed.payments.push_back(std::move(p));
  }
  const size_t n = closed.payments.size();
  undo_.Put(closed_, Key{c.programme, c.period}, std::move(closed));
  return {Code::kOk, what + (c.pays_at_close ? " closed and paid" : " closed: payable"), n, held};
}

Result<std::vector<Flow>> Settlement::Flows(Timestamp from, Timestamp to) const {
  std::map<std::pair<JurisdictionId, JurisdictionId>, Flow> sums;
  std::map<std::pair<JurisdictionId, JurisdictionId>, std::vector<OrderId>> orders;
  auto add = [&](const ChargeLine& l) {
    if (l.at < from || l.at >= to) return;
    // Stacked programmes share one order's card-hours in proportion to what
    // each paid, so every metered card-second is counted once.
    std::vector<int64_t> paid;
    for (const programme::ClaimShare& s : l.subsidy) paid.push_back(s.amount.fen());
    const std::vector<int64_t> seconds = Apportion(static_cast<int64_t>(l.card_seconds), paid);
    for (size_t i = 0; i < l.subsidy.size(); ++i) {
      const programme::ClaimShare& s = l.subsidy[i];
      if (s.amount.is_zero()) continue;
      Flow& f = sums[{s.issuer, l.city}];
      f.issuer = s.issuer;
      f.city = l.city;
      f.card_seconds += static_cast<uint64_t>(seconds[i]);
      f.subsidy = Plus(f.subsidy, s.amount);
      orders[{s.issuer, l.city}].push_back(l.order);
    }
  };
  if (const auto [a, b] = RetiredSeqs(from, to); a < b) {
    if (archive_ == nullptr) {
      const Timestamp kept = lines_.empty() ? to : lines_.front().at;
      return FailedPrecondition("the charge lines before " +
                                PeriodName(PeriodOf(kept, PeriodKind::kMonth)) +
                                " left memory, and no archive is at hand to read them from");
    }
    BG_RETURN_IF_ERROR(archive_->Read(a, b, add).WithContext("read archived charge lines"));
  }
  auto first = std::lower_bound(lines_.begin(), lines_.end(), from,
                                [](const ChargeLine& l, Timestamp t) { return l.at < t; });
  for (auto it = first; it != lines_.end() && it->at < to; ++it) add(*it);
  std::vector<Flow> out;
  for (auto& [key, f] : sums) {
    std::vector<OrderId>& o = orders[key];
    std::sort(o.begin(), o.end());
    f.orders = static_cast<uint64_t>(std::unique(o.begin(), o.end()) - o.begin());
    out.push_back(f);
  }
  return out;
}

// --- Invariants ------------------------------------------------------------------

std::string CheckStatements(const Settlement& settlement, const programme::Registry& registry,
                            const ledger::Ledger& ledger) {
  using Key = std::pair<ProgrammeId, Period>;
  std::map<Key, Money> from_lines;
  for (const auto& [key, sums] : settlement.retired_sums()) {
    if (key.payee_kind != PayeeKind::kProvider) continue;  // each is counted for both payees
    Money& m = from_lines[{key.programme, key.month}];
    m = Plus(m, sums.subsidy);
  }
  for (const ChargeLine& l : settlement.lines()) {
    for (const programme::ClaimShare& s : l.subsidy) {
      Money& m = from_lines[{s.programme, PeriodOf(l.at, PeriodKind::kMonth)}];
      m = Plus(m, s.amount);
    }
  }
  std::map<Key, Money> from_ledger = settlement.retired_posted();
  ledger.ForEachTransfer([&](const ledger::StoredTransfer& st) {
    const std::optional<ProgrammeId> programme = PayablePost(st.transfer);
    if (!programme) return;
    Money& m = from_ledger[{*programme, PeriodOf(st.transfer.timestamp, PeriodKind::kMonth)}];
    m = Plus(m, Money::Fen(st.transfer.amount));
  });
  for (const auto& [key, lines] : from_lines) {
    auto it = from_ledger.find(key);
    const Money posted = it == from_ledger.end() ? Money{} : it->second;
    if (posted != lines) {
      return "programme " + std::to_string(key.first.value()) + " " + PeriodName(key.second) +
             ": the charge lines' subsidy is " + lines.ToYuanString() + " but the ledger posted " +
             posted.ToYuanString() + " to its payable account";
    }
    if (it != from_ledger.end()) from_ledger.erase(it);
  }
  for (const auto& [key, posted] : from_ledger) {
    if (!posted.is_zero()) {
      return "programme " + std::to_string(key.first.value()) + " " + PeriodName(key.second) +
             ": the ledger posted " + posted.ToYuanString() + " with no charge line";
    }
  }
  for (const auto& [key, closed] : settlement.closed()) {
    const std::vector<Statement> statements =
        settlement.Statements(key.first, key.second, registry, /*with_lines=*/false);
    if (statements.size() != closed.payments.size()) {
      return "programme " + std::to_string(key.first.value()) + " " + PeriodName(key.second) +
             ": " + std::to_string(statements.size()) + " statements but " +
             std::to_string(closed.payments.size()) + " payments";
    }
    for (size_t i = 0; i < statements.size(); ++i) {
      const Payment& p = closed.payments[i];
      Money lines{};
      for (const StatementLine& l : statements[i].lines) lines = Plus(lines, l.subsidy);
      const ledger::StoredTransfer* paid = ledger.FindTransfer(p.transfer);
      const std::string where = "programme " + std::to_string(key.first.value()) + " " +
                                PeriodName(key.second) + ": the payment to payee " +
                                std::to_string(p.payee);
      const bool whole = statements[i].lines.size() == statements[i].line_count;
      if (p.payee != statements[i].payee || p.amount != statements[i].subsidy ||
          (whole && lines != p.amount) || paid == nullptr ||
          paid->transfer.amount != p.amount.fen()) {
        return where + " does not match its statement";
      }
      // Held while payable or approved and posted by the payment; posted at
      // once by the close of old journals (not pending).
      const bool paid_now = p.status == StatementStatus::kPaid;
      // The post, when there is one, posts this hold in full.
      const ledger::StoredTransfer* post =
          p.settle.is_zero() ? nullptr : ledger.FindTransfer(p.settle);
      const bool posted_whole =
          post != nullptr && post->transfer.pending_id == p.transfer &&
          (post->transfer.amount == 0 || post->transfer.amount == p.amount.fen());
      const bool agrees = (paid->transfer.flags & ledger::kPending) == 0
                              ? paid_now && p.settle.is_zero()
                              : paid->status == (paid_now ? ledger::PendingStatus::kPosted
                                                          : ledger::PendingStatus::kOpen) &&
                                    (paid_now ? posted_whole : p.settle.is_zero());
      if (!agrees) {
        return where + " is " + StatementStatusName(p.status) + " but its ledger transfer is " +
               ledger::PendingStatusName(paid->status);
      }
    }
  }
  return "";
}

// --- Wire forms -------------------------------------------------------------------

namespace {

// "BGS2": with lines that left memory (Settlement::RetireLines); a
// snapshot in the encoding before does not decode (a full replay).
constexpr uint32_t kMagic = 0x32534742;

void PutPeriod(Writer& w, const Period& p) {
  w.U8(static_cast<uint8_t>(p.kind));
  w.U32(static_cast<uint32_t>(p.year));
  w.U8(p.number);
}
bool GetPeriod(Reader& r, Period* p) {
  uint8_t kind = 0;
  uint32_t year = 0;
  if (!r.U8(&kind) || kind > 1 || !r.U32(&year) || !r.U8(&p->number)) return false;
  p->kind = static_cast<PeriodKind>(kind);
  p->year = static_cast<int32_t>(year);
  return true;
}

void PutLine(Writer& w, const ChargeLine& l) {
  w.U64(l.at);
  PutId(w, l.order);
  PutId(w, l.enterprise);
  PutId(w, l.provider);
  PutId(w, l.pool);
  PutId(w, l.city);
  w.U64(l.card_seconds);
  PutMoney(w, l.price);
  PutMoney(w, l.charge);
  PutMoney(w, l.copay);
  w.U32(static_cast<uint32_t>(l.subsidy.size()));
  for (const programme::ClaimShare& s : l.subsidy) {
    PutId(w, s.programme);
    PutId(w, s.issuer);
    PutMoney(w, s.amount);
  }
}
bool GetLine(Reader& r, ChargeLine* l) {
  uint32_t n = 0;
  if (!(r.U64(&l->at) && GetId(r, &l->order) && GetId(r, &l->enterprise) &&
        GetId(r, &l->provider) && GetId(r, &l->pool) && GetId(r, &l->city) &&
        r.U64(&l->card_seconds) && GetMoney(r, &l->price) && GetMoney(r, &l->charge) &&
        GetMoney(r, &l->copay) && r.U32(&n) && n <= programme::kMaxClaimHolds)) {
    return false;
  }
  l->subsidy.resize(n);
  for (programme::ClaimShare& s : l->subsidy) {
    if (!GetId(r, &s.programme) || !GetId(r, &s.issuer) || !GetMoney(r, &s.amount)) return false;
  }
  return true;
}

void PutPayment(Writer& w, const Payment& p) {
  w.U8(p.payee_kind);
  w.U64(p.payee);
  PutId(w, p.transfer);
  PutMoney(w, p.amount);
  w.U8(static_cast<uint8_t>(p.status));
  w.U64(p.approved_at);
  w.Str(p.approved_by);
  w.U64(p.paid_at);
  w.Str(p.paid_by);
  w.U64(p.paid_on);
  w.Str(p.bank_reference);
  PutId(w, p.settle);
}
bool GetPayment(Reader& r, Payment* p) {
  uint8_t status = 0;
  if (!(r.U8(&p->payee_kind) && p->payee_kind <= 1 && r.U64(&p->payee) && GetId(r, &p->transfer) &&
        GetMoney(r, &p->amount) && r.U8(&status) &&
        status <= static_cast<uint8_t>(StatementStatus::kPaid) && r.U64(&p->approved_at) &&
        r.Str(&p->approved_by) && r.U64(&p->paid_at) && r.Str(&p->paid_by) && r.U64(&p->paid_on) &&
        r.Str(&p->bank_reference) && GetId(r, &p->settle))) {
    return false;
  }
  p->status = static_cast<StatementStatus>(status);
  return true;
}

}  // namespace

void EncodeLine(Writer& w, const ChargeLine& l) { PutLine(w, l); }
bool DecodeLine(Reader& r, ChargeLine* l) { return GetLine(r, l); }

// The layout is the same for both tags; the tag says which close it is.
void EncodeCloseStatement(Writer& w, const CloseStatement& c) {
  PutId(w, c.programme);
  PutPeriod(w, c.period);
  w.Str(c.actor);
}

bool DecodeCloseStatement(Reader& r, CloseStatement* c) {
  return GetId(r, &c->programme) && GetPeriod(r, &c->period) && r.Str(&c->actor);
}

void EncodeApproveStatement(Writer& w, const ApproveStatement& c) {
  PutId(w, c.programme);
  PutPeriod(w, c.period);
  w.U64(c.payee);
  w.Str(c.actor);
}

bool DecodeApproveStatement(Reader& r, ApproveStatement* c) {
  return GetId(r, &c->programme) && GetPeriod(r, &c->period) && r.U64(&c->payee) &&
         r.Str(&c->actor);
}

void EncodePayStatement(Writer& w, const PayStatement& c) {
  PutId(w, c.programme);
  PutPeriod(w, c.period);
  w.U64(c.payee);
  w.Str(c.bank_reference);
  w.U64(c.paid_on);
  w.Str(c.actor);
}

bool DecodePayStatement(Reader& r, PayStatement* c) {
  return GetId(r, &c->programme) && GetPeriod(r, &c->period) && r.U64(&c->payee) &&
         r.Str(&c->bank_reference) && r.U64(&c->paid_on) && r.Str(&c->actor);
}

void Settlement::Encode(Writer& w) const {
  w.U32(kMagic);
  w.U64(lines_.size());
  for (const ChargeLine& l : lines_) PutLine(w, l);
  w.U64(first_seq_);
  w.U64(day_seq_.size());
  for (const auto& [day, seq] : day_seq_) {
    w.I64(day);
    w.U64(seq);
  }
  w.U64(retired_sums_.size());
  for (const auto& [key, sums] : retired_sums_) {
    PutId(w, key.programme);
    PutPeriod(w, key.month);
    w.U8(static_cast<uint8_t>(key.payee_kind));
    w.U64(key.payee);
    w.U64(sums.lines);
    w.U64(sums.card_seconds);
    PutMoney(w, sums.charge);
    PutMoney(w, sums.subsidy);
    PutMoney(w, sums.copay);
  }
  w.U64(closed_.size());
  for (const auto& [key, c] : closed_) {
    PutId(w, key.first);
    PutPeriod(w, key.second);
    w.U64(c.at);
    w.Str(c.actor);
    w.U32(static_cast<uint32_t>(c.payments.size()));
    for (const Payment& p : c.payments) PutPayment(w, p);
  }
  w.U64(retired_posted_.size());
  for (const auto& [key, m] : retired_posted_) {
    PutId(w, key.first);
    PutPeriod(w, key.second);
    w.I64(m.fen());
  }
}

std::optional<ProgrammeId> PayablePost(const ledger::Transfer& t) {
  if ((t.flags & ledger::kPostPending) == 0 || t.amount == 0) return std::nullopt;
  const uint64_t credit = t.credit_account_id.value();
  if ((credit & ~programme::kMaxRecordId) != programme::PayableAccount(ProgrammeId(0)).value()) {
    return std::nullopt;
  }
  return ProgrammeId(credit & programme::kMaxRecordId);
}

void Settlement::CountRetiredPost(ProgrammeId programme, Timestamp at, Money amount) {
  const Key key{programme, PeriodOf(at, PeriodKind::kMonth)};
  auto it = retired_posted_.find(key);
  undo_.Put(retired_posted_, key, Plus(it == retired_posted_.end() ? Money{} : it->second, amount));
}

bool Settlement::Decode(Reader& r, Settlement* out) {
  Settlement s;
  uint32_t magic = 0;
  uint64_t n = 0;
  if (!r.U32(&magic) || magic != kMagic || !r.U64(&n) || n > r.remaining()) return false;
  s.lines_.resize(n);
  for (ChargeLine& l : s.lines_) {
    if (!GetLine(r, &l)) return false;
  }
  if (!r.U64(&s.first_seq_) || !r.U64(&n) || n > r.remaining()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    int64_t day = 0;
    uint64_t seq = 0;
    // Days and their first seqs both increase, from seq 0.
    const bool first = s.day_seq_.empty();
    if (!r.I64(&day) || !r.U64(&seq) || seq >= s.line_count() || (first && seq != 0) ||
        (!first && (s.day_seq_.rbegin()->first >= day || s.day_seq_.rbegin()->second >= seq)) ||
        !s.day_seq_.emplace(day, seq).second) {
      return false;
    }
  }
  if (s.day_seq_.empty() != (s.line_count() == 0)) return false;
  if (!r.U64(&n) || n > r.remaining()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    SumKey key;
    LineSums sums;
    uint8_t kind = 0;
    if (!GetId(r, &key.programme) || !GetPeriod(r, &key.month) ||
        key.month.kind != PeriodKind::kMonth || !ValidPeriod(key.month) || !r.U8(&kind) ||
        kind > 1 || !r.U64(&key.payee) || !r.U64(&sums.lines) || !r.U64(&sums.card_seconds) ||
        !GetMoney(r, &sums.charge) || !GetMoney(r, &sums.subsidy) || !GetMoney(r, &sums.copay)) {
      return false;
    }
    key.payee_kind = static_cast<PayeeKind>(kind);
    if (!s.retired_sums_.emplace(key, sums).second) return false;
  }
  if (!r.U64(&n) || n > r.remaining()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    Key key;
    Closed c;
    uint32_t payments = 0;
    if (!GetId(r, &key.first) || !GetPeriod(r, &key.second) || !r.U64(&c.at) || !r.Str(&c.actor) ||
        !r.U32(&payments) || payments > r.remaining()) {
      return false;
    }
    c.payments.resize(payments);
    for (Payment& p : c.payments) {
      if (!GetPayment(r, &p)) return false;
    }
    s.closed_.emplace(key, std::move(c));
  }
  if (!r.U64(&n) || n > r.remaining()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    Key key;
    int64_t fen = 0;
    if (!GetId(r, &key.first) || !GetPeriod(r, &key.second) || !r.I64(&fen) || fen < 0 ||
        !s.retired_posted_.emplace(key, Money::Fen(fen)).second) {
      return false;
    }
  }
  out->lines_ = std::move(s.lines_);
  out->first_seq_ = s.first_seq_;
  out->day_seq_ = std::move(s.day_seq_);
  out->retired_sums_ = std::move(s.retired_sums_);
  out->closed_ = std::move(s.closed_);
  out->retired_posted_ = std::move(s.retired_posted_);
  return true;
}

}  // namespace bg::settlement
