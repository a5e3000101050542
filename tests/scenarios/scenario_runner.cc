// The behaviour-test runner: every tests/scenarios/*.scenario file is one
// test. A file loads a scenario (TOML) and then drives the real engine, on
// a memory store with a virtual clock, with one command per line, checking
// each answer and the state in between; at the end it checks that the
// programmes reconcile and that replaying the journal rebuilds the same
// state. A new rule is a new file, not new C++. The language:
//
//   # comment                       (also after a line's content)
//   load scenarios/gba.toml         path from the repository root
//   at 2025-03-01 [10:30]           moves the virtual clock (UTC) forward
//   file <app> programme=<p> enterprise=<e> amount=<yuan> [by=] [note=]
//   submit | start_review | approve | reject | return_for_info | issue |
//   withdraw <app> [by=] [as=reviewer|approver|finance] [reason=] [amount=<yuan>]
//   decide <step> ids=<app>,<app>,... [by=] [as=] [reason=]   one decision on many;
//                                                 -> <code>,<code>,... (one each)
//   redeem <claim> order=<n> enterprise=<e> provider=<pv> amount=<yuan>
//          [resource=domestic|foreign] [purpose=training|fine_tuning|inference]
//          [currency=CNY|HKD|MOP]
//   capture <claim> | void <claim>
//   expire [limit=<n>]
//   revoke <voucher> reason=<why> [by=]
//   clawback <claim> reason=<why> [by=]
//   blacklist <e> reason=<why> | unblacklist <e> reason=<why>
//
// Jobs on the network (scheduler/):
//   job <id> enterprise=<e> [accelerator=A800] [memory=<GB>] cards=<n>
//       hours=<h> [data_site=<code>] [data_gb=<n>] [deadline=YYYY-MM-DDTHH:MM]
//       [max_oop=<yuan>] [objective=cost|finish|latency] [near=<city>]
//       [purpose=training|fine_tuning|inference] [tier=shared|exclusive|priority] [pool=<n>]
//       [policy=voucher_aware|first_fit|cheapest_list]
//   schedule [policy=] [max=<n>]
//   finish <job> | cancel <job> reason=<why>
//   extend <job> minutes=<n>          more walltime (the enterprise pays it)
//   offer <pool> cards=<n>            a provider changes the cards it offers
//   quote <id> ...as job...           expect `best=<pool>`, `says="..."`
// Metering and settlement (metering/, settlement/):
//   key <provider> [seed=<n>]         registers the provider's (seeded) key
//   usage <record> provider=<pv> order=<n> from=<min> until=<min> cards=<n>
//         [seed=<n>]                  signed usage, minutes after the job's
//                                     start; seed= signs with another key
//   close <programme> <YYYY-MM|YYYY-Qn> [by=]      -> ok paid=<yuan held>
//   approve_statements <programme> <period> [payee=<name>] [by=]  -> ok paid=<yuan>
//   pay_statement <programme> <period> <payee> reference=<ref> on=YYYY-MM-DD [by=]
//   scan                              fraud detectors -> ok opened=<n>
//   close_case <id> [by=] resolution=<text>
// Time (the engine's own clock):
//   tick                              what the writer journals while idle once
//                                     something is due -> ok [finished=<n>]
//                                     [expired=<n>] (jobs past walltime + grace,
//                                     vouchers past validity); any command
//                                     sees the same done first
//   expire ... programme=<p>          the sweep of one programme's vouchers
// Shared facilities (facility/bookings.h):
//   book <id> facility=<name> user=<e> at=YYYY-MM-DDTHH:MM hours=<n> [round=<n>]
//                                     -> ok | <booking code> [says=]
//   check_in <id> | check_out <id> minutes=<n> | cancel_booking <id>
//                                     check_out -> ok [fee= voucher= self_pay=]
//   check booking <id> [status=] [class=own|academic|industry] [fee=<yuan>]
//                      [voucher=<yuan>] [self_pay=<yuan>] [says=<unpaid why>]
//   (tick -> ok [ended=<n>]: bookings released as no-shows or checked out
//   at their end)
// Proposal rounds (facility/rounds.h); lists are separated by ';':
//   call <round> name= from=<time> until=<time> period=<time> days=<n>
//        facilities=<name>;<name> [offered=<%>] [min_hours=] [reviewers=<n>]
//        [outputs=yes]                -> ok | <round code> [says=]
//   reviewer <id> name= institution=<provider> [related=<e>;<e>] [kinds=<k>;<k>]
//            [max_load=<n>]
//   propose <id> round=<r> applicant=<e> facilities=<name>;<name> hours=<n>
//           [title=] [window=<time>/<time>]
//   screen <proposal> step=admin_check|feasibility [pass=no reason=<why>]
//   assign <round> | allocate <round>
//   score <proposal> reviewer=<id> score=<1-5>
//   outputs <proposal> kind=paper|patent|dataset|report reference=<ref>
//   train <id> user=<e> training=<name> institution=<provider> until=<time>
//                                      -> ok | <round code> [says=]
//   check proposal <id> [status=] [allocated=<hours>] [reviewers=<n>]
//                  [not_reviewer=<id>] [rank=<1 is best>] [shifts=<n>]
//   check round <id> [status=] [conflicts=<n>]
// A command line may end with an expectation: `-> ok` (the default),
// `-> <code>` (a programme::Code name), then optional `subsidy=<yuan>`,
// `self_pay=<yuan>` and `says="<text the message must contain>"`.
//
//   check voucher <id> [available=<yuan>] [status=<s>]
//   check application <id> status=<s> [history=<n>] [stage=<review stage>]
//   check claim <id> [status=<s>] [subsidy=<yuan>]
//   check budget <p> uncommitted=<yuan>
//   check used <p> <e> <yuan>       subsidy used this year by e's cap group
//   check totals <p> [issued= spent= held= swept= lapsed= returned=
//                     remaining= approved= automatic= clawed_back=]
//   check job <id> [status=<s>] [pool=<n>] [subsidy=<yuan>] [oop=<yuan>]
//                  [charged=<yuan>] [stop=yes|no]
//   check pool <id> used=<n>
//   check wallet <e> held=<yuan>      co-pay held for running jobs
//   check explain <job> says="<text>"
//   check reconciled
//   check statement <programme> <period> <payee> [subsidy= charge= copay=
//                   lines=<n> closed=yes|no status=<s>]   payee: provider or enterprise
//   check flow <issuer code> <city code> [subsidy=<yuan>] [card_hours=<h>]
//   check settled                     statements = ledger = lines
//   check case <id> kind=<k> subject=<n> [closed=yes|no] [says=<text>]
//
// Names are quoted when they contain spaces: programmes by name,
// enterprises by name or credit code, providers by name; "#<n>" is a raw id.
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "engine/audit.h"
#include "engine/engine.h"
#include "programme/names.h"
#include "programme/reconcile.h"
#include "settlement/settlement.h"
#include "storage/memory_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg {
namespace {

namespace fs = std::filesystem;
using programme::Code;

// --- Lines into words -----------------------------------------------------------

struct Line {
  int number = 0;
  std::vector<std::string> words;             // positional, in order
  std::map<std::string, std::string> params;  // key=value
  std::vector<std::string> expect;            // after "->": positional
  std::map<std::string, std::string> expect_params;
};

// Splits on spaces, keeping "quoted text" (quotes removed) together, also
// as the value of key="...". A '#' outside quotes starts a comment.
std::vector<std::string> Split(const std::string& text) {
  std::vector<std::string> out;
  std::string word;
  bool quoted = false, any = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      any = true;
    } else if (!quoted && c == '#') {
      break;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (any) out.push_back(word);
      word.clear();
      any = false;
    } else {
      word += c;
      any = true;
    }
  }
  if (any) out.push_back(word);
  return out;
}

Line ParseLine(const std::string& text, int number) {
  Line line;
  line.number = number;
  bool after_arrow = false;
  for (const std::string& w : Split(text)) {
    if (w == "->") {
      after_arrow = true;
      continue;
    }
    const size_t eq = w.find('=');
    auto& params = after_arrow ? line.expect_params : line.params;
    auto& words = after_arrow ? line.expect : line.words;
    if (eq != std::string::npos && eq > 0) {
      params[w.substr(0, eq)] = w.substr(eq + 1);
    } else {
      words.push_back(w);
    }
  }
  return line;
}

// "600000", "600_000", "1234.5", "1234.56" (yuan) -> fen.
std::optional<Money> ParseYuan(std::string s) {
  std::erase(s, '_');
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.erase(0, 1);
  const size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || frac.size() > 2) return std::nullopt;
  for (char c : whole + frac) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  while (frac.size() < 2) frac += '0';
  const int64_t fen = std::stoll(whole) * 100 + std::stoll(frac);
  return Money::Fen(negative ? -fen : fen);
}

// "2025-03-01" or "2025-03-01 10:30" (UTC) -> ns.
std::optional<Timestamp> ParseTime(const std::vector<std::string>& words) {
  int y = 0, m = 0, d = 0, hh = 0, mm = 0;
  if (words.size() < 2 || std::sscanf(words[1].c_str(), "%d-%d-%d", &y, &m, &d) != 3) {
    return std::nullopt;
  }
  if (words.size() > 2 && std::sscanf(words[2].c_str(), "%d:%d", &hh, &mm) != 2) {
    return std::nullopt;
  }
  namespace c = std::chrono;
  const c::sys_days date{c::year{y} / c::month{static_cast<unsigned>(m)} /
                         c::day{static_cast<unsigned>(d)}};
  const auto since = date.time_since_epoch() + c::hours{hh} + c::minutes{mm};
  return static_cast<Timestamp>(c::duration_cast<c::nanoseconds>(since).count());
}

// --- The runner -------------------------------------------------------------------

class Runner {
 public:
  explicit Runner(std::string name) : name_(std::move(name)) {}

  void Run(const std::string& path);

 private:
  std::string Where(const Line& l) const { return name_ + ":" + std::to_string(l.number); }
  void Step(const Line& l);
  void Load(const Line& l);
  void Do(const Line& l, state::CommandBody body);
  void Check(const Line& l);
  void CheckTotals(const Line& l);
  void AmendLine(const Line& l);
  void CheckProgramme(const Line& l);
  void CheckReplay();
  scheduler::SubmitJob JobCommand(const Line& l);
  void QuoteLine(const Line& l);
  void UsageLine(const Line& l);
  void CheckStatement(const Line& l);
  void CheckFlow(const Line& l);
  void BookLine(const Line& l);
  void CheckBooking(const Line& l);
  void RoundLine(const Line& l);
  void CheckProposal(const Line& l);
  void CheckRound(const Line& l);
  std::vector<FacilityId> Facilities(const Line& l);
  FacilityId Facility(const Line& l, const std::string& name);
  settlement::Period PeriodParam(const Line& l, size_t index);
  scheduler::Policy PolicyNamed(const Line& l, const std::string& name);
  programme::Purpose PurposeNamed(const Line& l, const std::string& name);
  std::optional<Timestamp> When(const std::string& text);

  // Parameter access; a missing or malformed one fails the test.
  std::string Param(const Line& l, const std::string& key, const std::string& fallback = "");
  std::optional<Money> Yuan(const Line& l, const std::string& key);
  uint64_t Number(const Line& l, size_t index);
  ProgrammeId Programme(const Line& l, const std::string& name);
  EnterpriseId Enterprise(const Line& l, const std::string& name);
  ProviderId Provider(const Line& l, const std::string& name);
  // A statement's payee: a provider's name, else an enterprise.
  uint64_t Payee(const Line& l, const std::string& name);

  template <typename F>
  auto Read(F&& f) {
    return engine_->Read(std::forward<F>(f));
  }

  std::string name_;
  storage::MemoryStore store_;
  VirtualClock clock_{0};
  std::unique_ptr<engine::Engine> engine_;
  world::World scenario_;
};

void Runner::Run(const std::string& path) {
  engine::EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  auto opened = engine::Engine::Open(&store_, &clock_, options);
  ASSERT_TRUE(opened.ok()) << opened.status();
  engine_ = std::move(*opened);
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::string text;
  int number = 0;
  while (std::getline(in, text)) {
    ++number;
    Line line = ParseLine(text, number);
    if (line.words.empty()) continue;
    Step(line);
    if (::testing::Test::HasFatalFailure()) return;
  }
  const std::string reconciled = Read([](const state::State& s) {
    return programme::CheckReconciled(s.book(), s.registry(), s.ledger());
  });
  EXPECT_EQ(reconciled, "") << name_ << ": at the end";
  EXPECT_EQ(Read([](const state::State& s) { return s.ledger().CheckInvariants(); }), "");
  EXPECT_EQ(Read([](const state::State& s) {
              return settlement::CheckStatements(s.settlement(), s.registry(), s.ledger());
            }),
            "")
      << name_ << ": at the end";
  CheckReplay();
}

// Restart on the same store: the journal must rebuild the same state, both
// through the snapshot written at shutdown and from the first entry (the
// audit replays the whole journal and compares it with the snapshot).
void Runner::CheckReplay() {
  const Hash256 before = engine_->StateHash();
  ASSERT_TRUE(engine_->Shutdown().ok());
  Result<engine::AuditReport> audit = engine::AuditStore(store_);
  ASSERT_TRUE(audit.ok()) << audit.status();
  EXPECT_TRUE(audit->ok()) << name_ << ": " << audit->problem;
  EXPECT_EQ(audit->state_hash, before) << name_ << ": the journal replays to another state";
  engine_.reset();
  engine::EngineOptions options;
  options.idle_tick = std::chrono::milliseconds(0);
  options.snapshot_every_batches = 0;
  auto reopened = engine::Engine::Open(&store_, &clock_, options);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*reopened)->StateHash(), before) << name_ << ": replay gives another state";
}

void Runner::Step(const Line& l) {
  const std::string& verb = l.words[0];
  auto app_step = [&](programme::Step step) {
    programme::ReviewApplication c{.id = ApplicationId(Number(l, 1)),
                                   .step = step,
                                   .actor = Param(l, "by", "reviewer"),
                                   .reason = Param(l, "reason")};
    if (l.params.count("amount") != 0) c.amount = Yuan(l, "amount").value_or(Money{});
    // as=<reviewer|approver|finance>: the actor's token stage, journaled.
    if (l.params.count("as") != 0) {
      const auto role = FromName(programme::kStageRoleNames, Param(l, "as"));
      ASSERT_TRUE(role.has_value()) << Where(l) << ": as=reviewer|approver|finance";
      c.by = static_cast<uint8_t>(static_cast<uint8_t>(*role) + 1);
    }
    Do(l, c);
  };
  static const std::map<std::string, programme::Step> kSteps = {
      {"submit", programme::Step::kSubmit},
      {"start_review", programme::Step::kStartReview},
      {"approve", programme::Step::kApprove},
      {"reject", programme::Step::kReject},
      {"return_for_info", programme::Step::kReturnForInfo},
      {"issue", programme::Step::kIssue},
      {"withdraw", programme::Step::kWithdraw}};
  if (verb == "load") {
    Load(l);
  } else if (verb == "at") {
    const std::optional<Timestamp> t = ParseTime(l.words);
    ASSERT_TRUE(t.has_value()) << Where(l) << ": at YYYY-MM-DD [HH:MM]";
    ASSERT_GE(*t, clock_.Now()) << Where(l) << ": time only moves forward";
    clock_.Set(*t);
  } else if (verb == "file") {
    Do(l, programme::FileApplication{.id = ApplicationId(Number(l, 1)),
                                     .programme = Programme(l, Param(l, "programme")),
                                     .enterprise = Enterprise(l, Param(l, "enterprise")),
                                     .amount = Yuan(l, "amount").value_or(Money{}),
                                     .actor = Param(l, "by", "applicant"),
                                     .note = Param(l, "note")});
  } else if (auto it = kSteps.find(verb); it != kSteps.end()) {
    app_step(it->second);
  } else if (verb == "decide") {
    // decide <step> ids=1,2,3 [by=] [reason=] [as=]: one decision on many
    // applications; "-> ok,same_person,ok" names each one's result.
    ASSERT_GE(l.words.size(), 2u) << Where(l) << ": decide <step> ids=1,2,...";
    auto step = kSteps.find(l.words[1]);
    ASSERT_NE(step, kSteps.end()) << Where(l) << ": no step " << l.words[1];
    programme::ReviewApplications c{.ids = {},
                                    .step = step->second,
                                    .actor = Param(l, "by", "reviewer"),
                                    .reason = Param(l, "reason")};
    std::stringstream ids(Param(l, "ids"));
    for (std::string id; std::getline(ids, id, ',');) c.ids.emplace_back(std::stoull(id));
    if (l.params.count("as") != 0) {
      const auto role = FromName(programme::kStageRoleNames, Param(l, "as"));
      ASSERT_TRUE(role.has_value()) << Where(l) << ": as=reviewer|approver|finance";
      c.by = static_cast<uint8_t>(static_cast<uint8_t>(*role) + 1);
    }
    Do(l, c);
  } else if (verb == "redeem") {
    programme::Redeem c{.id = ClaimId(Number(l, 1)),
                        .order = OrderId(std::stoull(Param(l, "order", "1"))),
                        .enterprise = Enterprise(l, Param(l, "enterprise")),
                        .provider = Provider(l, Param(l, "provider")),
                        .amount = Yuan(l, "amount").value_or(Money{})};
    const std::string currency = Param(l, "currency", "CNY");
    c.currency_ledger = currency == "HKD"   ? programme::kLedgerHkd
                        : currency == "MOP" ? programme::kLedgerMop
                                            : programme::kLedgerCny;
    if (Param(l, "resource", "foreign") == "domestic") {
      c.resource = programme::ResourceClass::kDomesticAccelerator;
    }
    c.purpose = PurposeNamed(l, Param(l, "purpose", "unspecified"));
    Do(l, c);
  } else if (verb == "capture" || verb == "void") {
    Do(l, programme::SettleClaim{.id = ClaimId(Number(l, 1)), .capture = verb == "capture"});
  } else if (verb == "expire") {
    programme::ExpireVouchers c{.limit =
                                    static_cast<uint32_t>(std::stoul(Param(l, "limit", "256")))};
    if (l.params.count("programme") != 0) c.programme = Programme(l, Param(l, "programme"));
    Do(l, c);
  } else if (verb == "tick") {
    Do(l, state::Tick{});
  } else if (verb == "revoke") {
    Do(l, programme::RevokeVoucher{.id = VoucherId(Number(l, 1)),
                                   .actor = Param(l, "by", "operator"),
                                   .reason = Param(l, "reason")});
  } else if (verb == "clawback") {
    Do(l, programme::Clawback{.claim = ClaimId(Number(l, 1)),
                              .actor = Param(l, "by", "auditor"),
                              .reason = Param(l, "reason")});
  } else if (verb == "blacklist" || verb == "unblacklist") {
    ASSERT_GE(l.words.size(), 2u) << Where(l) << ": " << verb << " <enterprise>";
    Do(l, programme::SetBlacklist{.enterprise = Enterprise(l, l.words[1]),
                                  .listed = verb == "blacklist",
                                  .actor = Param(l, "by", "operator"),
                                  .reason = Param(l, "reason")});
  } else if (verb == "job") {
    Do(l, JobCommand(l));
  } else if (verb == "quote") {
    QuoteLine(l);
  } else if (verb == "schedule") {
    scheduler::Schedule c{.max_jobs = static_cast<uint32_t>(std::stoul(Param(l, "max", "256")))};
    c.policy = PolicyNamed(l, Param(l, "policy", "voucher_aware"));
    Do(l, c);
  } else if (verb == "finish") {
    Do(l, scheduler::FinishJob{.id = OrderId(Number(l, 1))});
  } else if (verb == "extend") {
    Do(l, scheduler::ExtendJob{
              .id = OrderId(Number(l, 1)),
              .extra_s = static_cast<uint32_t>(std::stoul(Param(l, "minutes", "0")) * 60)});
  } else if (verb == "cancel") {
    Do(l, scheduler::CancelJob{.id = OrderId(Number(l, 1)), .reason = Param(l, "reason")});
  } else if (verb == "offer") {
    Do(l,
       state::SetPoolOffered{.pool = PoolId(Number(l, 1)),
                             .cards = static_cast<uint32_t>(std::stoul(Param(l, "cards", "0")))});
  } else if (verb == "key") {
    ASSERT_GE(l.words.size(), 2u) << Where(l) << ": key <provider>";
    const ProviderId p = Provider(l, l.words[1]);
    const uint64_t seed = std::stoull(Param(l, "seed", std::to_string(p.value())));
    Do(l, state::RegisterProviderKey{p, metering::KeyPairFromNumber(seed).public_key});
  } else if (verb == "usage") {
    UsageLine(l);
  } else if (verb == "close") {
    ASSERT_GE(l.words.size(), 3u) << Where(l) << ": close <programme> <period>";
    Do(l, state::CloseStatement{.programme = Programme(l, l.words[1]),
                                .period = PeriodParam(l, 2),
                                .actor = Param(l, "by", "operator")});
  } else if (verb == "approve_statements") {
    ASSERT_GE(l.words.size(), 3u) << Where(l) << ": approve_statements <programme> <period>";
    Do(l,
       state::ApproveStatement{.programme = Programme(l, l.words[1]),
                               .period = PeriodParam(l, 2),
                               .payee = l.params.count("payee") ? Payee(l, Param(l, "payee")) : 0,
                               .actor = Param(l, "by", "finance")});
  } else if (verb == "pay_statement") {
    ASSERT_GE(l.words.size(), 4u) << Where(l) << ": pay_statement <programme> <period> <payee>";
    const std::optional<Timestamp> on = settlement::ParseDay(Param(l, "on"));
    ASSERT_TRUE(on.has_value()) << Where(l) << ": on=YYYY-MM-DD";
    Do(l, state::PayStatement{.programme = Programme(l, l.words[1]),
                              .period = PeriodParam(l, 2),
                              .payee = Payee(l, l.words[3]),
                              .bank_reference = Param(l, "reference", ""),
                              .paid_on = *on,
                              .actor = Param(l, "by", "finance")});
  } else if (verb == "scan") {
    Do(l, state::ScanForFraud{});
  } else if (verb == "close_case") {
    Do(l, state::CloseAuditCase{.id = Number(l, 1),
                                .actor = Param(l, "by", "auditor"),
                                .resolution = Param(l, "resolution")});
  } else if (verb == "amend") {
    AmendLine(l);
  } else if (auto action = programme::FromName(programme::kProgrammeActionNames,
                                               verb == "close_programme" ? "close" : verb)) {
    // top_up|cut|suspend|resume|close_programme|list_provider|delist_provider
    //   <programme> [<provider>] amount= by= reason=  ("close" is a period's)
    ASSERT_GE(l.words.size(), 2u) << Where(l) << ": " << verb << " <programme>";
    programme::ChangeProgramme c{
        .programme = Programme(l, l.words[1]),
        .action = *action,
        .amount = l.params.count("amount") != 0 ? Yuan(l, "amount").value_or(Money{}) : Money{},
        .actor = Param(l, "by", "director"),
        .reason = Param(l, "reason")};
    if (l.words.size() > 2) c.provider = Provider(l, l.words[2]);
    Do(l, c);
  } else if (verb == "book") {
    BookLine(l);
  } else if (verb == "check_in" || verb == "check_out" || verb == "cancel_booking") {
    const facility::UseStep step = verb == "check_in"    ? facility::UseStep::kCheckIn
                                   : verb == "check_out" ? facility::UseStep::kCheckOut
                                                         : facility::UseStep::kCancel;
    Do(l,
       facility::UseFacility{.id = OrderId(Number(l, 1)),
                             .step = step,
                             .minutes = static_cast<uint32_t>(std::stoul(Param(l, "minutes", "0"))),
                             .actor = Param(l, "by", "front desk")});
  } else if (verb == "call" || verb == "reviewer" || verb == "propose" || verb == "screen" ||
             verb == "assign" || verb == "allocate" || verb == "score" || verb == "outputs" ||
             verb == "train") {
    RoundLine(l);
  } else if (verb == "check") {
    Check(l);
  } else {
    FAIL() << Where(l) << ": unknown command '" << verb << "'";
  }
}

void Runner::Load(const Line& l) {
  ASSERT_GE(l.words.size(), 2u) << Where(l) << ": load <path>";
  auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/" + l.words[1]);
  ASSERT_TRUE(scenario.ok()) << Where(l) << ": " << scenario.status();
  scenario_ = std::move(*scenario);
  for (state::CommandBody& body : world::ToCommands(scenario_)) {
    auto r = engine_->Execute(std::move(body));
    ASSERT_TRUE(r.ok()) << r.status();
    const std::optional<std::string> refused = world::Refusal(*r);
    ASSERT_FALSE(refused.has_value()) << Where(l) << ": the scenario does not load: " << *refused;
  }
}

void Runner::Do(const Line& l, state::CommandBody body) {
  if (::testing::Test::HasFatalFailure()) return;
  auto r = engine_->Execute(std::move(body));
  ASSERT_TRUE(r.ok()) << Where(l) << ": " << r.status();
  const std::string want_code = l.expect.empty() ? "ok" : l.expect[0];
  if (const auto* n = std::get_if<state::NetworkResult>(&*r)) {
    EXPECT_EQ(network::NetworkResultName(n->result), want_code) << Where(l);
    return;
  }
  if (const auto* j = std::get_if<scheduler::JobOutcome>(&*r)) {
    EXPECT_EQ(scheduler::CodeName(j->code), want_code) << Where(l) << ": " << j->message;
    if (auto it = l.expect_params.find("status"); it != l.expect_params.end()) {
      EXPECT_EQ(scheduler::JobStatusName(j->status), it->second) << Where(l);
    }
    if (auto it = l.expect_params.find("placed"); it != l.expect_params.end()) {
      EXPECT_EQ(std::to_string(j->placed), it->second) << Where(l);
    }
    if (auto it = l.expect_params.find("says"); it != l.expect_params.end()) {
      EXPECT_NE(j->message.find(it->second), std::string::npos) << Where(l) << ": " << j->message;
    }
    return;
  }
  if (const auto* k = std::get_if<state::KeyOutcome>(&*r)) {
    EXPECT_EQ(metering::KeyResultName(k->result), want_code) << Where(l) << ": " << k->message;
    return;
  }
  if (const auto* u = std::get_if<metering::UsageOutcome>(&*r)) {
    ASSERT_EQ(u->results.size(), 1u) << Where(l);
    EXPECT_EQ(metering::UsageResultName(u->results[0]), want_code)
        << Where(l) << ": " << u->messages[0];
    if (auto it = l.expect_params.find("charged"); it != l.expect_params.end()) {
      EXPECT_EQ(u->charged, ParseYuan(it->second)) << Where(l) << ": charged";
    }
    if (auto it = l.expect_params.find("subsidy"); it != l.expect_params.end()) {
      EXPECT_EQ(u->subsidy, ParseYuan(it->second)) << Where(l) << ": subsidy";
    }
    if (auto it = l.expect_params.find("says"); it != l.expect_params.end()) {
      EXPECT_NE(u->messages[0].find(it->second), std::string::npos)
          << Where(l) << ": " << u->messages[0];
    }
    return;
  }
  if (const auto* t = std::get_if<state::TickResult>(&*r)) {
    EXPECT_EQ("ok", want_code) << Where(l);
    if (auto it = l.expect_params.find("finished"); it != l.expect_params.end()) {
      EXPECT_EQ(std::to_string(t->finished), it->second) << Where(l) << ": jobs finished";
    }
    if (auto it = l.expect_params.find("expired"); it != l.expect_params.end()) {
      EXPECT_EQ(std::to_string(t->expired_vouchers), it->second)
          << Where(l) << ": vouchers expired";
    }
    if (auto it = l.expect_params.find("ended"); it != l.expect_params.end()) {
      EXPECT_EQ(std::to_string(t->bookings_ended), it->second) << Where(l) << ": bookings ended";
    }
    return;
  }
  if (const auto* b = std::get_if<facility::BookingOutcome>(&*r)) {
    EXPECT_EQ(NameOf(facility::kBookingCodeNames, b->code), want_code)
        << Where(l) << ": " << b->message;
    if (auto it = l.expect_params.find("says"); it != l.expect_params.end()) {
      EXPECT_NE(b->message.find(it->second), std::string::npos) << Where(l) << ": " << b->message;
    }
    // A check-out's money, as the booking now records it.
    const OrderId id(Number(l, 1));
    Read([&](const state::State& s) {
      const facility::Booking* booking = s.bookings().Find(id);
      for (const char* key : {"fee", "voucher", "self_pay"}) {
        auto it = l.expect_params.find(key);
        if (it == l.expect_params.end()) continue;
        ASSERT_NE(booking, nullptr) << Where(l);
        const Money got = std::string(key) == "fee"       ? booking->fee
                          : std::string(key) == "voucher" ? booking->subsidy
                                                          : *booking->fee.Sub(booking->subsidy);
        EXPECT_EQ(got, ParseYuan(it->second)) << Where(l) << ": " << key;
      }
    });
    return;
  }
  if (const auto* o = std::get_if<facility::RoundOutcome>(&*r)) {
    EXPECT_EQ(NameOf(facility::kRoundCodeNames, o->code), want_code)
        << Where(l) << ": " << o->message;
    if (auto it = l.expect_params.find("says"); it != l.expect_params.end()) {
      EXPECT_NE(o->message.find(it->second), std::string::npos) << Where(l) << ": " << o->message;
    }
    return;
  }
  if (const auto* f = std::get_if<fraud::Outcome>(&*r)) {
    EXPECT_EQ(fraud::CodeName(f->code), want_code) << Where(l) << ": " << f->message;
    if (auto it = l.expect_params.find("opened"); it != l.expect_params.end()) {
      EXPECT_EQ(std::to_string(f->opened), it->second) << Where(l) << ": cases opened";
    }
    return;
  }
  if (const auto* c = std::get_if<settlement::Outcome>(&*r)) {
    EXPECT_EQ(settlement::CodeName(c->code), want_code) << Where(l) << ": " << c->message;
    if (auto it = l.expect_params.find("paid"); it != l.expect_params.end()) {
      EXPECT_EQ(c->paid, ParseYuan(it->second)) << Where(l) << ": paid";
    }
    return;
  }
  if (const auto* bulk = std::get_if<programme::BulkOutcome>(&*r)) {
    std::string got;
    std::string all_ok;
    for (const programme::Outcome& o : bulk->results) {
      got += (got.empty() ? "" : ",") + std::string(programme::CodeName(o.code));
      all_ok += all_ok.empty() ? "ok" : ",ok";
    }
    EXPECT_EQ(got, l.expect.empty() ? all_ok : l.expect[0]) << Where(l) << ": one result each";
    return;
  }
  const auto& out = std::get<programme::Outcome>(*r);
  const std::string want = l.expect.empty() ? "ok" : l.expect[0];
  EXPECT_EQ(programme::CodeName(out.code), want) << Where(l) << ": " << out.message;
  if (auto it = l.expect_params.find("says"); it != l.expect_params.end()) {
    EXPECT_NE(out.message.find(it->second), std::string::npos)
        << Where(l) << ": the message does not say \"" << it->second << "\": " << out.message;
  }
  for (const char* key : {"subsidy", "self_pay"}) {
    auto it = l.expect_params.find(key);
    if (it == l.expect_params.end()) continue;
    ASSERT_TRUE(out.subsidy.has_value()) << Where(l) << ": no subsidy in the answer";
    const Money got = std::string(key) == "subsidy" ? out.subsidy->subsidy : out.subsidy->self_pay;
    EXPECT_EQ(got, ParseYuan(it->second).value_or(Money::Fen(-1)))
        << Where(l) << ": " << key << "\n"
        << out.subsidy->Explain();
  }
  if (auto it = l.expect_params.find("swept"); it != l.expect_params.end()) {
    EXPECT_EQ(std::to_string(out.swept), it->second) << Where(l) << ": vouchers swept";
  }
}

void Runner::Check(const Line& l) {
  ASSERT_GE(l.words.size(), 2u) << Where(l) << ": check what?";
  const std::string& what = l.words[1];
  if (what == "reconciled") {
    const std::string r = Read([](const state::State& s) {
      return programme::CheckReconciled(s.book(), s.registry(), s.ledger());
    });
    EXPECT_EQ(r, "") << Where(l);
  } else if (what == "programme") {
    CheckProgramme(l);
  } else if (what == "booking") {
    CheckBooking(l);
  } else if (what == "proposal") {
    CheckProposal(l);
  } else if (what == "round") {
    CheckRound(l);
  } else if (what == "voucher") {
    const VoucherId id(Number(l, 2));
    Read([&](const state::State& s) {
      const programme::Voucher* v = s.book().FindVoucher(id);
      ASSERT_NE(v, nullptr) << Where(l) << ": no voucher " << id;
      if (l.params.count("available") != 0) {
        EXPECT_EQ(programme::Book::Available(s.ledger(), programme::VoucherAccount(id)),
                  Yuan(l, "available"))
            << Where(l);
      }
      if (l.params.count("status") != 0) {
        EXPECT_EQ(programme::VoucherStatusName(v->status), Param(l, "status")) << Where(l);
      }
      if (l.params.count("version") != 0) {
        EXPECT_EQ(std::to_string(v->version), Param(l, "version")) << Where(l);
      }
    });
  } else if (what == "application") {
    Read([&](const state::State& s) {
      const programme::Application* a = s.book().FindApplication(ApplicationId(Number(l, 2)));
      ASSERT_NE(a, nullptr) << Where(l);
      EXPECT_EQ(programme::ApplicationStatusName(a->status), Param(l, "status")) << Where(l);
      if (l.params.count("history") != 0) {
        EXPECT_EQ(std::to_string(a->history.size()), Param(l, "history")) << Where(l);
      }
      if (l.params.count("stage") != 0) {
        const auto& stages = s.registry().FindProgramme(a->filed.programme)->review.stages;
        ASSERT_LT(a->stage, stages.size()) << Where(l);
        EXPECT_EQ(stages[a->stage].name, Param(l, "stage")) << Where(l);
      }
    });
  } else if (what == "claim") {
    Read([&](const state::State& s) {
      const programme::Claim* c = s.book().FindClaim(ClaimId(Number(l, 2)));
      ASSERT_NE(c, nullptr) << Where(l);
      if (l.params.count("status") != 0) {
        EXPECT_EQ(programme::ClaimStatusName(c->status), Param(l, "status")) << Where(l);
      }
      if (l.params.count("subsidy") != 0) {
        EXPECT_EQ(c->subsidy, Yuan(l, "subsidy")) << Where(l);
      }
    });
  } else if (what == "budget") {
    ASSERT_GE(l.words.size(), 3u) << Where(l);
    const ProgrammeId p = Programme(l, l.words[2]);
    const Money got = Read([&](const state::State& s) {
      return programme::Book::Available(s.ledger(), programme::BudgetAccount(p));
    });
    EXPECT_EQ(got, Yuan(l, "uncommitted")) << Where(l);
  } else if (what == "used") {
    ASSERT_GE(l.words.size(), 5u) << Where(l) << ": check used <programme> <enterprise> <yuan>";
    const ProgrammeId p = Programme(l, l.words[2]);
    const EnterpriseId e = Enterprise(l, l.words[3]);
    const Timestamp now = clock_.Now();
    const Money got = Read([&](const state::State& s) {
      return s.book().UsedByGroup(p, e, programme::YearOf(now), s.registry());
    });
    EXPECT_EQ(got, ParseYuan(l.words[4])) << Where(l);
  } else if (what == "totals") {
    CheckTotals(l);
  } else if (what == "job") {
    Read([&](const state::State& s) {
      const scheduler::Job* j = s.scheduler().FindJob(OrderId(Number(l, 2)));
      ASSERT_NE(j, nullptr) << Where(l);
      if (l.params.count("status") != 0) {
        EXPECT_EQ(scheduler::JobStatusName(j->status), Param(l, "status")) << Where(l);
      }
      if (l.params.count("pool") != 0) {
        EXPECT_EQ(std::to_string(j->pool.value()), Param(l, "pool")) << Where(l);
      }
      if (l.params.count("subsidy") != 0) {
        EXPECT_EQ(j->subsidy, Yuan(l, "subsidy")) << Where(l);
      }
      if (l.params.count("oop") != 0) {
        EXPECT_EQ(j->out_of_pocket, Yuan(l, "oop")) << Where(l);
      }
      if (l.params.count("charged") != 0) {
        EXPECT_EQ(j->charged, Yuan(l, "charged")) << Where(l);
      }
      if (l.params.count("stop") != 0) {
        EXPECT_EQ(j->stop ? "yes" : "no", Param(l, "stop")) << Where(l);
      }
    });
  } else if (what == "wallet") {
    const EnterpriseId e = Enterprise(l, l.words.size() > 2 ? l.words[2] : "");
    const int64_t held = Read([&](const state::State& s) {
      const ledger::Account* a = s.ledger().FindAccount(programme::WalletAccount(e));
      return a == nullptr ? int64_t{0} : a->debits_pending;
    });
    EXPECT_EQ(Money::Fen(held), Yuan(l, "held")) << Where(l);
  } else if (what == "pool") {
    Read([&](const state::State& s) {
      auto it = s.scheduler().use().find(PoolId(Number(l, 2)));
      const uint32_t used = it == s.scheduler().use().end() ? 0 : it->second.used;
      EXPECT_EQ(std::to_string(used), Param(l, "used")) << Where(l);
    });
  } else if (what == "statement") {
    CheckStatement(l);
  } else if (what == "flow") {
    CheckFlow(l);
  } else if (what == "case") {
    Read([&](const state::State& s) {
      auto it = s.cases().cases().find(Number(l, 2));
      ASSERT_NE(it, s.cases().cases().end()) << Where(l) << ": no case";
      const fraud::Case& c = it->second;
      if (l.params.count("kind") != 0) {
        EXPECT_EQ(fraud::KindName(c.finding.kind), Param(l, "kind")) << Where(l);
      }
      if (l.params.count("subject") != 0) {
        EXPECT_EQ(std::to_string(c.finding.subject), Param(l, "subject")) << Where(l);
      }
      if (l.params.count("closed") != 0) {
        EXPECT_EQ(c.closed ? "yes" : "no", Param(l, "closed")) << Where(l);
      }
      if (l.params.count("says") != 0) {
        EXPECT_NE(c.finding.detail.find(Param(l, "says")), std::string::npos)
            << Where(l) << ": " << c.finding.detail;
      }
    });
  } else if (what == "settled") {
    EXPECT_EQ(Read([](const state::State& s) {
                return settlement::CheckStatements(s.settlement(), s.registry(), s.ledger());
              }),
              "")
        << Where(l);
  } else if (what == "explain") {
    const OrderId id(Number(l, 2));
    const Timestamp now = clock_.Now();
    const std::string text = Read([&](const state::State& s) {
      return s.scheduler().Explain(id, s.network(), s.registry(), s.book(), s.ledger(), now);
    });
    EXPECT_NE(text.find(Param(l, "says")), std::string::npos) << Where(l) << ":\n" << text;
  } else {
    FAIL() << Where(l) << ": unknown check '" << what << "'";
  }
}

void Runner::UsageLine(const Line& l) {
  metering::UsageRecord r{.id = Number(l, 1),
                          .provider = Provider(l, Param(l, "provider")),
                          .order = OrderId(std::stoull(Param(l, "order", "0"))),
                          .cards = static_cast<uint32_t>(std::stoul(Param(l, "cards", "1")))};
  const uint64_t start_s = Read([&](const state::State& s) {
    const scheduler::Job* j = s.scheduler().FindJob(r.order);
    return j == nullptr ? uint64_t{0} : j->start_at / kNanosPerSecond;
  });
  r.start_s = start_s + std::stoull(Param(l, "from", "0")) * 60;
  r.end_s = start_s + std::stoull(Param(l, "until", "0")) * 60;
  const uint64_t seed = std::stoull(Param(l, "seed", std::to_string(r.provider.value())));
  metering::SignRecord(&r, metering::KeyPairFromNumber(seed).secret_key);
  Do(l, state::SubmitUsage{.records = {r}});
}

settlement::Period Runner::PeriodParam(const Line& l, size_t index) {
  std::optional<settlement::Period> p;
  if (index < l.words.size()) p = settlement::ParsePeriod(l.words[index]);
  if (!p) {
    // An invalid period on purpose: month 13.
    EXPECT_TRUE(index < l.words.size() && l.words[index] == "invalid")
        << Where(l) << ": a period is YYYY-MM or YYYY-Qn";
    return settlement::Period{settlement::PeriodKind::kMonth, 2025, 13};
  }
  return *p;
}

void Runner::CheckStatement(const Line& l) {
  ASSERT_GE(l.words.size(), 5u) << Where(l) << ": check statement <programme> <period> <payee>";
  const ProgrammeId programme = Programme(l, l.words[2]);
  const settlement::Period period = PeriodParam(l, 3);
  const uint64_t payee = Payee(l, l.words[4]);
  const auto statements = Read([&](const state::State& s) {
    return s.settlement().Statements(programme, period, s.registry());
  });
  auto it = std::find_if(statements.begin(), statements.end(),
                         [&](const settlement::Statement& st) { return st.payee == payee; });
  ASSERT_NE(it, statements.end()) << Where(l) << ": no statement for " << l.words[4];
  for (const char* key : {"subsidy", "charge", "copay"}) {
    if (l.params.count(key) == 0) continue;
    const Money got = std::string(key) == "subsidy"  ? it->subsidy
                      : std::string(key) == "charge" ? it->charge
                                                     : it->copay;
    EXPECT_EQ(got, Yuan(l, key)) << Where(l) << ": " << key;
  }
  if (l.params.count("lines") != 0) {
    EXPECT_EQ(std::to_string(it->line_count), Param(l, "lines")) << Where(l);
    EXPECT_EQ(it->lines.size(), it->line_count) << Where(l) << ": lines not read back";
  }
  if (l.params.count("closed") != 0) {
    EXPECT_EQ(it->closed ? "yes" : "no", Param(l, "closed")) << Where(l);
  }
  if (l.params.count("status") != 0) {
    EXPECT_EQ(settlement::StatementStatusName(it->status()), Param(l, "status")) << Where(l);
  }
}

uint64_t Runner::Payee(const Line& l, const std::string& name) {
  for (const auto& p : scenario_.providers) {
    if (p.name == name) return p.id.value();
  }
  return Enterprise(l, name).value();
}

void Runner::CheckFlow(const Line& l) {
  ASSERT_GE(l.words.size(), 4u) << Where(l) << ": check flow <issuer> <city>";
  JurisdictionId issuer, city;
  for (const auto& j : scenario_.jurisdictions) {
    if (j.code == l.words[2]) issuer = j.id;
    if (j.code == l.words[3]) city = j.id;
  }
  const auto read = Read([](const state::State& s) {
    return s.settlement().Flows(0, std::numeric_limits<Timestamp>::max());
  });
  ASSERT_TRUE(read.ok()) << Where(l) << ": " << read.status().ToString();
  const std::vector<settlement::Flow>& flows = *read;
  auto it = std::find_if(flows.begin(), flows.end(), [&](const settlement::Flow& f) {
    return f.issuer == issuer && f.city == city;
  });
  ASSERT_NE(it, flows.end()) << Where(l) << ": no flow " << l.words[2] << " -> " << l.words[3];
  if (l.params.count("subsidy") != 0) {
    EXPECT_EQ(it->subsidy, Yuan(l, "subsidy")) << Where(l);
  }
  if (l.params.count("card_hours") != 0) {
    EXPECT_EQ(std::to_string(it->card_seconds / 3600), Param(l, "card_hours")) << Where(l);
  }
}

// amend <programme> from=<date> [ratio_bp= per_order_cap= validity_days=
// entity_year_cap= valid_until=] by= reason=: the latest version with
// those terms changed.
void Runner::AmendLine(const Line& l) {
  ASSERT_GE(l.words.size(), 2u) << Where(l) << ": amend <programme> from=<date>";
  const ProgrammeId p = Programme(l, l.words[1]);
  programme::AmendProgramme c{
      .rules = Read([&](const state::State& s) { return *s.registry().FindProgramme(p); }),
      .actor = Param(l, "by", "director"),
      .reason = Param(l, "reason")};
  const std::optional<Timestamp> from = When(Param(l, "from"));
  ASSERT_TRUE(from.has_value()) << Where(l) << ": from=YYYY-MM-DD";
  c.effective_from = *from;
  for (const auto& [key, value] : l.params) {
    if (key == "ratio_bp") {
      c.rules.default_ratio_bp = static_cast<uint32_t>(std::stoul(value));
    } else if (key == "per_order_cap") {
      c.rules.per_order_cap = ParseYuan(value);
    } else if (key == "entity_year_cap") {
      c.rules.default_entity_year_cap = ParseYuan(value);
    } else if (key == "validity_days") {
      c.rules.voucher_validity_days = static_cast<uint32_t>(std::stoul(value));
    } else if (key == "valid_until") {
      const std::optional<Timestamp> until = When(value);
      ASSERT_TRUE(until.has_value()) << Where(l) << ": valid_until=YYYY-MM-DD";
      c.rules.valid_until = *until;
    } else if (key == "total_budget") {  // shared by every version: refused
      c.rules.total_budget = ParseYuan(value).value_or(Money{});
    } else {
      ASSERT_TRUE(key == "from" || key == "by" || key == "reason")
          << Where(l) << ": amend does not change '" << key << "'";
    }
  }
  Do(l, c);
}

// check programme <programme> [status= versions= budget= withdrawn= version_at=<date>:<n>]
void Runner::CheckProgramme(const Line& l) {
  ASSERT_GE(l.words.size(), 3u) << Where(l);
  const ProgrammeId p = Programme(l, l.words[2]);
  Read([&](const state::State& s) {
    const programme::ProgrammeLife* life = s.registry().FindLife(p);
    ASSERT_NE(life, nullptr) << Where(l);
    if (l.params.count("status") != 0) {
      EXPECT_EQ(programme::NameOf(programme::kProgrammeStatusNames, life->status),
                Param(l, "status"))
          << Where(l);
    }
    if (l.params.count("versions") != 0) {
      EXPECT_EQ(std::to_string(life->versions.size()), Param(l, "versions")) << Where(l);
    }
    if (l.params.count("budget") != 0) {
      EXPECT_EQ(s.registry().FindProgramme(p)->total_budget, Yuan(l, "budget")) << Where(l);
    }
    if (l.params.count("listed") != 0) {
      std::string listed;
      for (ProviderId id : s.registry().FindProgramme(p)->providers.listed) {
        listed += (listed.empty() ? "" : ",") + s.registry().FindProvider(id)->name;
      }
      EXPECT_EQ(listed, Param(l, "listed")) << Where(l);
    }
  });
}

void Runner::CheckTotals(const Line& l) {
  ASSERT_GE(l.words.size(), 3u) << Where(l);
  const ProgrammeId p = Programme(l, l.words[2]);
  const auto all = Read(
      [](const state::State& s) { return programme::Totals(s.book(), s.registry(), s.ledger()); });
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& t) { return t.programme == p; });
  ASSERT_NE(it, all.end()) << Where(l);
  const std::map<std::string, Money> got = {{"approved", it->approved},
                                            {"issued", it->issued},
                                            {"spent", it->spent},
                                            {"held", it->held},
                                            {"automatic", it->automatic},
                                            {"swept", it->swept},
                                            {"lapsed", it->lapsed},
                                            {"returned", it->returned},
                                            {"remaining", it->remaining},
                                            {"clawed_back", it->clawed_back},
                                            {"uncommitted", it->uncommitted},
                                            {"funded", it->funded},
                                            {"withdrawn", it->withdrawn}};
  for (const auto& [key, value] : l.params) {
    auto g = got.find(key);
    ASSERT_NE(g, got.end()) << Where(l) << ": no total '" << key << "'";
    EXPECT_EQ(g->second, ParseYuan(value)) << Where(l) << ": " << key;
  }
}

void Runner::BookLine(const Line& l) {
  const std::optional<Timestamp> at = When(Param(l, "at"));
  ASSERT_TRUE(at.has_value()) << Where(l) << ": at=YYYY-MM-DDTHH:MM";
  Do(l, facility::BookFacility{.id = OrderId(Number(l, 1)),
                               .facility = Facility(l, Param(l, "facility")),
                               .user = Enterprise(l, Param(l, "user")),
                               .start = *at,
                               .hours = static_cast<uint32_t>(std::stoul(Param(l, "hours", "0"))),
                               .actor = Param(l, "by", "booking desk"),
                               .round = static_cast<uint32_t>(std::stoul(Param(l, "round", "0")))});
}

void Runner::CheckBooking(const Line& l) {
  const OrderId id(Number(l, 2));
  Read([&](const state::State& s) {
    const facility::Booking* b = s.bookings().Find(id);
    ASSERT_NE(b, nullptr) << Where(l) << ": no booking " << id;
    if (l.params.count("status") != 0) {
      EXPECT_EQ(NameOf(facility::kBookingStatusNames, b->status), Param(l, "status")) << Where(l);
    }
    if (l.params.count("class") != 0) {
      EXPECT_EQ(NameOf(facility::kUserClassNames, b->user_class), Param(l, "class")) << Where(l);
    }
    if (l.params.count("fee") != 0) {
      EXPECT_EQ(b->fee, Yuan(l, "fee")) << Where(l) << ": fee";
    }
    if (l.params.count("voucher") != 0) {
      EXPECT_EQ(b->subsidy, Yuan(l, "voucher")) << Where(l) << ": voucher";
    }
    if (l.params.count("self_pay") != 0) {
      EXPECT_EQ(*b->fee.Sub(b->subsidy), Yuan(l, "self_pay")) << Where(l) << ": self-pay";
    }
    if (l.params.count("says") != 0) {
      EXPECT_NE(b->unpaid_why.find(Param(l, "says")), std::string::npos)
          << Where(l) << ": " << b->unpaid_why;
    }
  });
}

// A ';'-separated list of a parameter's words.
std::vector<std::string> ListOf(const std::string& text) {
  std::vector<std::string> out;
  size_t from = 0;
  while (from <= text.size() && !text.empty()) {
    const size_t semi = text.find(';', from);
    out.push_back(text.substr(from, semi == std::string::npos ? std::string::npos : semi - from));
    if (semi == std::string::npos) break;
    from = semi + 1;
  }
  return out;
}

std::vector<FacilityId> Runner::Facilities(const Line& l) {
  std::vector<FacilityId> out;
  for (const std::string& name : ListOf(Param(l, "facilities"))) out.push_back(Facility(l, name));
  return out;
}

void Runner::RoundLine(const Line& l) {
  const std::string& verb = l.words[0];
  const auto time = [&](const std::string& key) {
    const std::optional<Timestamp> t = When(Param(l, key));
    EXPECT_TRUE(t.has_value()) << Where(l) << ": " << key << "=YYYY-MM-DDTHH:MM";
    return t.value_or(0);
  };
  const auto u32 = [&](const std::string& key, const char* fallback) {
    return static_cast<uint32_t>(std::stoul(Param(l, key, fallback)));
  };
  const std::string by = Param(l, "by", "user office");
  if (verb == "call") {
    Do(l, facility::OpenCall{.round = static_cast<uint32_t>(Number(l, 1)),
                             .name = Param(l, "name"),
                             .proposals_from = time("from"),
                             .proposals_until = time("until"),
                             .period_start = time("period"),
                             .days = u32("days", "0"),
                             .facilities = Facilities(l),
                             .offered_percent = u32("offered", "100"),
                             .min_hours = u32("min_hours", "8"),
                             .reviewers_per_proposal = u32("reviewers", "2"),
                             .outputs_required = Param(l, "outputs", "no") == "yes",
                             .actor = by});
  } else if (verb == "reviewer") {
    facility::RegisterReviewer r{.id = static_cast<uint32_t>(Number(l, 1)),
                                 .name = Param(l, "name"),
                                 .institution = Provider(l, Param(l, "institution")),
                                 .max_load = u32("max_load", "10")};
    for (const std::string& e : ListOf(Param(l, "related", ""))) {
      r.related.push_back(Enterprise(l, e));
    }
    for (const std::string& k : ListOf(Param(l, "kinds", ""))) {
      const auto kind = facility::FacilityKindFromName(k);
      ASSERT_TRUE(kind.has_value()) << Where(l) << ": no facility kind " << k;
      r.kinds.push_back(*kind);
    }
    Do(l, r);
  } else if (verb == "propose") {
    facility::SubmitProposal p{.id = Number(l, 1),
                               .round = u32("round", "0"),
                               .applicant = Enterprise(l, Param(l, "applicant")),
                               .title = Param(l, "title", "proposal " + l.words[1]),
                               .facilities = Facilities(l),
                               .hours = u32("hours", "0"),
                               .actor = by};
    if (const std::string w = Param(l, "window", ""); !w.empty()) {
      const size_t slash = w.find('/');
      ASSERT_NE(slash, std::string::npos) << Where(l) << ": window=<from>/<until>";
      p.windows.push_back({.from = When(w.substr(0, slash)).value_or(0),
                           .until = When(w.substr(slash + 1)).value_or(0)});
    }
    Do(l, p);
  } else if (verb == "screen") {
    const auto step = FromName(facility::kReviewStepNames, Param(l, "step"));
    ASSERT_TRUE(step.has_value()) << Where(l) << ": step=admin_check|feasibility";
    Do(l, facility::ReviewProposal{.proposal = Number(l, 1),
                                   .step = *step,
                                   .pass = Param(l, "pass", "yes") == "yes",
                                   .reason = Param(l, "reason", ""),
                                   .actor = by});
  } else if (verb == "assign" || verb == "allocate") {
    Do(l, facility::CloseRound{.round = static_cast<uint32_t>(Number(l, 1)),
                               .step = verb == "assign" ? facility::RoundStep::kAssign
                                                        : facility::RoundStep::kAllocate,
                               .actor = by});
  } else if (verb == "score") {
    Do(l, facility::ReviewProposal{.proposal = Number(l, 1),
                                   .step = facility::ReviewStep::kScore,
                                   .reviewer = u32("reviewer", "0"),
                                   .score = u32("score", "0"),
                                   .actor = by});
  } else if (verb == "train") {
    Do(l, facility::RecordTraining{.id = Number(l, 1),
                                   .user = Enterprise(l, Param(l, "user")),
                                   .training = Param(l, "training"),
                                   .by = Provider(l, Param(l, "institution")),
                                   .valid_until = time("until"),
                                   .actor = by});
  } else {  // outputs
    const auto kind = FromName(facility::kOutputKindNames, Param(l, "kind"));
    ASSERT_TRUE(kind.has_value()) << Where(l) << ": kind=paper|patent|dataset|report";
    Do(l, facility::ReportOutputs{.proposal = Number(l, 1),
                                  .outputs = {{.kind = *kind, .reference = Param(l, "reference")}},
                                  .actor = by});
  }
}

void Runner::CheckProposal(const Line& l) {
  const uint64_t id = Number(l, 2);
  Read([&](const state::State& s) {
    const facility::Proposal* p = s.rounds().FindProposal(id);
    ASSERT_NE(p, nullptr) << Where(l) << ": no proposal " << id;
    const auto want = [&](const char* key, const std::string& got) {
      if (l.params.count(key) != 0) {
        EXPECT_EQ(got, Param(l, key)) << Where(l) << ": " << key;
      }
    };
    want("status", std::string(NameOf(facility::kProposalStatusNames, p->status)));
    want("allocated", std::to_string(p->allocated_hours));
    want("reviewers", std::to_string(p->reviewers.size()));
    want("rank", std::to_string(p->rank + 1));
    want("shifts", std::to_string(p->bookings.size()));
    if (l.params.count("not_reviewer") != 0) {
      const auto r = static_cast<uint32_t>(std::stoul(Param(l, "not_reviewer")));
      EXPECT_EQ(std::count(p->reviewers.begin(), p->reviewers.end(), r), 0)
          << Where(l) << ": reviewer " << r << " is assigned";
    }
    if (l.params.count("says") != 0) {
      EXPECT_NE(p->why.find(Param(l, "says")), std::string::npos) << Where(l) << ": " << p->why;
    }
  });
}

void Runner::CheckRound(const Line& l) {
  const auto id = static_cast<uint32_t>(Number(l, 2));
  Read([&](const state::State& s) {
    const facility::Round* r = s.rounds().FindRound(id);
    ASSERT_NE(r, nullptr) << Where(l) << ": no round " << id;
    if (l.params.count("status") != 0) {
      EXPECT_EQ(NameOf(facility::kRoundStatusNames, r->status), Param(l, "status")) << Where(l);
    }
    if (l.params.count("conflicts") != 0) {
      EXPECT_EQ(std::to_string(r->conflicts_excluded), Param(l, "conflicts")) << Where(l);
    }
  });
}

FacilityId Runner::Facility(const Line& l, const std::string& name) {
  for (const auto& f : scenario_.facilities) {
    if (f.name == name || f.name_en == name) return f.id;
  }
  ADD_FAILURE() << Where(l) << ": no facility \"" << name << "\"";
  return FacilityId();
}

std::optional<Timestamp> Runner::When(const std::string& text) {
  std::string date = text, time;
  if (const size_t t = text.find('T'); t != std::string::npos) {
    date = text.substr(0, t);
    time = text.substr(t + 1);
  }
  std::vector<std::string> words = {"at", date};
  if (!time.empty()) words.push_back(time);
  return ParseTime(words);
}

scheduler::Policy Runner::PolicyNamed(const Line& l, const std::string& name) {
  if (auto p = FromName(scheduler::kPolicyNames, name)) return *p;
  ADD_FAILURE() << Where(l) << ": no policy " << name;
  return scheduler::Policy::kVoucherAware;
}

programme::Purpose Runner::PurposeNamed(const Line& l, const std::string& name) {
  if (auto p = programme::FromName(programme::kPurposeNames, name)) return *p;
  ADD_FAILURE() << Where(l) << ": no purpose " << name << " ("
                << programme::AllowedNames(programme::kPurposeNames) << ")";
  return programme::Purpose::kUnspecified;
}

scheduler::SubmitJob Runner::JobCommand(const Line& l) {
  scheduler::JobRequest r{
      .id = OrderId(Number(l, 1)),
      .enterprise = Enterprise(l, Param(l, "enterprise")),
      .accelerator = Param(l, "accelerator"),
      .min_memory_gb = static_cast<uint32_t>(std::stoul(Param(l, "memory", "0"))),
      .cards = static_cast<uint32_t>(std::stoul(Param(l, "cards", "1"))),
      .walltime_s = static_cast<uint32_t>(std::stod(Param(l, "hours", "1")) * 3600)};
  if (l.params.count("data_site") != 0) {
    bool found = false;
    for (const auto& site : scenario_.sites) {
      if (site.code == Param(l, "data_site")) {
        r.data_site = site.id;
        found = true;
      }
    }
    if (!found) r.data_site = SiteId(999);  // an unknown site, for the refusal
    r.data_gb = static_cast<uint32_t>(std::stoul(Param(l, "data_gb", "0")));
  }
  if (l.params.count("deadline") != 0) {
    r.deadline = When(Param(l, "deadline"));
    EXPECT_TRUE(r.deadline.has_value()) << Where(l) << ": deadline=YYYY-MM-DDTHH:MM";
  }
  if (l.params.count("max_oop") != 0) r.max_out_of_pocket = Yuan(l, "max_oop");
  const std::string objective = Param(l, "objective", "cost");
  r.objective = objective == "finish"    ? scheduler::Objective::kEarliestFinish
                : objective == "latency" ? scheduler::Objective::kLowestLatency
                                         : scheduler::Objective::kLowestCost;
  if (l.params.count("near") != 0) {
    for (const auto& j : scenario_.jurisdictions) {
      if (j.code == Param(l, "near")) r.near_city = j.id;
    }
  }
  r.purpose = PurposeNamed(l, Param(l, "purpose", "unspecified"));
  r.tier = FromName(network::kTierNames, Param(l, "tier")).value_or(network::Tier::kShared);
  scheduler::SubmitJob c{.request = r, .pool = PoolId(std::stoull(Param(l, "pool", "0")))};
  c.policy = PolicyNamed(l, Param(l, "policy", "voucher_aware"));
  return c;
}

void Runner::QuoteLine(const Line& l) {
  const scheduler::JobRequest r = JobCommand(l).request;
  const Timestamp now = clock_.Now();
  const scheduler::Quote q = Read([&](const state::State& s) {
    return s.scheduler().QuoteFor(r, s.network(), s.registry(), s.book(), s.ledger(), now);
  });
  const std::string text = q.Explain();
  if (auto it = l.expect_params.find("best"); it != l.expect_params.end()) {
    ASSERT_FALSE(q.options.empty()) << Where(l) << ": no option\n" << text;
    EXPECT_EQ(std::to_string(q.options.front().pool.value()), it->second) << Where(l) << "\n"
                                                                          << text;
  }
  if (auto it = l.expect_params.find("says"); it != l.expect_params.end()) {
    EXPECT_NE(text.find(it->second), std::string::npos) << Where(l) << "\n" << text;
  }
}

std::string Runner::Param(const Line& l, const std::string& key, const std::string& fallback) {
  auto it = l.params.find(key);
  return it == l.params.end() ? fallback : it->second;
}

std::optional<Money> Runner::Yuan(const Line& l, const std::string& key) {
  std::optional<Money> m = ParseYuan(Param(l, key));
  EXPECT_TRUE(m.has_value()) << Where(l) << ": " << key << "=<yuan> expected";
  return m;
}

uint64_t Runner::Number(const Line& l, size_t index) {
  if (index < l.words.size()) {
    try {
      return std::stoull(l.words[index]);
    } catch (const std::exception&) {
    }
  }
  ADD_FAILURE() << Where(l) << ": word " << index << " should be a number";
  return 0;
}

ProgrammeId Runner::Programme(const Line& l, const std::string& name) {
  for (const auto& p : scenario_.programmes) {
    if (p.name == name) return p.id;
  }
  if (name.starts_with("#")) return ProgrammeId(std::stoull(name.substr(1)));
  ADD_FAILURE() << Where(l) << ": no programme \"" << name << "\"";
  return ProgrammeId();
}

EnterpriseId Runner::Enterprise(const Line& l, const std::string& name) {
  for (const auto& e : scenario_.enterprises) {
    if (e.name == name || e.credit_code == name) return e.id;
  }
  if (name.starts_with("#")) return EnterpriseId(std::stoull(name.substr(1)));
  ADD_FAILURE() << Where(l) << ": no enterprise \"" << name << "\"";
  return EnterpriseId();
}

ProviderId Runner::Provider(const Line& l, const std::string& name) {
  for (const auto& p : scenario_.providers) {
    if (p.name == name || p.credit_code == name) return p.id;
  }
  ADD_FAILURE() << Where(l) << ": no provider \"" << name << "\"";
  return ProviderId();
}

// --- One test per file --------------------------------------------------------------

std::vector<std::string> ScenarioFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(fs::path(BG_SOURCE_DIR) / "tests/scenarios")) {
    if (entry.path().extension() == ".scenario") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class ScenarioTest : public ::testing::TestWithParam<std::string> {};

TEST_P(ScenarioTest, Runs) {
  Runner runner(fs::path(GetParam()).filename().string());
  runner.Run(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Files, ScenarioTest, ::testing::ValuesIn(ScenarioFiles()),
                         [](const ::testing::TestParamInfo<std::string>& file) {
                           std::string name = fs::path(file.param).stem().string();
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace bg
