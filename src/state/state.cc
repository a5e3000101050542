#include "state/state.h"

#include "common/check.h"
#include "common/codec.h"
#include "programme/credit_code.h"

namespace bg::state {
namespace {

// Whether what a token of `role` acts for (its scope) is registered.
bool SubjectRegistered(const programme::Registry& registry, access::TokenRole role,
                       uint64_t scope) {
  switch (role) {
    case access::TokenRole::kOperator:
      return registry.FindProgramme(ProgrammeId(scope)) != nullptr;
    case access::TokenRole::kEnterprise:
      return registry.FindEnterprise(EnterpriseId(scope)) != nullptr;
    case access::TokenRole::kProvider:
      return registry.FindProvider(ProviderId(scope)) != nullptr;
    case access::TokenRole::kAdmin:
    case access::TokenRole::kAuditor:
      return true;
  }
  return false;
}

// "credit code X is enterprise 1 (Songshan ...) already": why a second
// record of one legal entity is refused.
std::string HeldAlready(const std::string& code, const char* kind, uint64_t id,
                        const std::string& name) {
  return "credit code " + code + " is " + kind + " " + std::to_string(id) + " (" + name +
         ") already: one legal entity, one record";
}

}  // namespace

CommandResult State::Apply(const Command& command) {
  // Time moves before anything else happens at `ts`: holds due by then are
  // released first, the same way on the first run and on replay.
  const size_t expired = ledger_.ExpireDue(command.ts);
  if (const auto* c = std::get_if<CreateAccounts>(&command.body)) {
    return AccountResults{ledger_.CreateAccounts(c->accounts, command.ts)};
  }
  if (const auto* c = std::get_if<CreateTransfers>(&command.body)) {
    return TransferResults{ledger_.CreateTransfers(c->transfers, command.ts)};
  }
  if (const auto* t = std::get_if<Tick>(&command.body)) {
    return t->holds_only ? TickResult{.expired = expired} : ApplyTime(command.ts, expired);
  }
  if (std::holds_alternative<RegisterJurisdiction>(command.body) ||
      std::holds_alternative<RegisterEnterprise>(command.body) ||
      std::holds_alternative<RegisterProvider>(command.body) ||
      std::holds_alternative<CreateProgramme>(command.body)) {
    return ApplyRegistry(command);
  }
  if (std::holds_alternative<RegisterSite>(command.body) ||
      std::holds_alternative<RegisterPool>(command.body) ||
      std::holds_alternative<SetLink>(command.body) ||
      std::holds_alternative<SetPoolOffered>(command.body) ||
      std::holds_alternative<SetPoolPrices>(command.body)) {
    return ApplyNetwork(command);
  }
  if (std::holds_alternative<RegisterProviderKey>(command.body) ||
      std::holds_alternative<SubmitUsage>(command.body) ||
      std::holds_alternative<CloseStatement>(command.body)) {
    return ApplyMetering(command);
  }
  if (std::holds_alternative<ScanForFraud>(command.body)) {
    const size_t opened = cases_.Open(DetectFraud(), command.ts);
    return fraud::Outcome{.opened = opened};
  }
  if (const auto* c = std::get_if<CloseAuditCase>(&command.body)) {
    return cases_.Apply(*c, command.ts);
  }
  if (const auto* c = std::get_if<CreateApiToken>(&command.body)) {
    // A token acts for a programme, an enterprise or a provider that exists.
    return TokenOutcome{
        tokens_.Apply(*c, command.ts, SubjectRegistered(registry_, c->role, c->scope))};
  }
  if (const auto* c = std::get_if<RevokeApiToken>(&command.body)) {
    return TokenOutcome{tokens_.Apply(*c)};
  }
  if (std::holds_alternative<SubmitJob>(command.body) ||
      std::holds_alternative<Schedule>(command.body) ||
      std::holds_alternative<FinishJob>(command.body) ||
      std::holds_alternative<CancelJob>(command.body) ||
      std::holds_alternative<ExtendJob>(command.body)) {
    return ApplyJobs(command);
  }
  return ApplyBook(command);
}

CommandResult State::ApplyNetwork(const Command& command) {
  if (const auto* c = std::get_if<RegisterSite>(&command.body)) {
    // A site belongs to a registered provider in a registered city.
    if (registry_.FindJurisdiction(c->site.city) == nullptr ||
        registry_.FindProvider(c->site.provider) == nullptr) {
      return NetworkResult{network::NetworkResult::kUnknownSite};
    }
    return NetworkResult{network_.AddSite(c->site)};
  }
  if (const auto* c = std::get_if<RegisterPool>(&command.body)) {
    return NetworkResult{network_.AddPool(c->pool)};
  }
  if (const auto* c = std::get_if<SetLink>(&command.body)) {
    if (registry_.FindJurisdiction(c->link.a) == nullptr ||
        registry_.FindJurisdiction(c->link.b) == nullptr) {
      return NetworkResult{network::NetworkResult::kUnknownSite};
    }
    return NetworkResult{network_.SetLink(c->link)};
  }
  if (const auto* p = std::get_if<SetPoolPrices>(&command.body)) {
    return NetworkResult{network_.SetPrices(p->pool, p->price)};
  }
  const auto& c = std::get<SetPoolOffered>(command.body);
  return NetworkResult{network_.SetOffered(c.pool, c.cards)};
}

std::optional<Timestamp> State::NextDue() const {
  const std::optional<Timestamp> job = scheduler_.NextOverdue();
  const std::optional<Timestamp> voucher = book_.NextExpiry();
  if (!job) return voucher;
  if (!voucher) return job;
  return std::min(*job, *voucher);
}

TickResult State::ApplyTime(Timestamp ts, size_t expired_holds) {
  // Jobs first, each in a finish's timestamps, then the sweep after all of
  // them: the same layout at every Tick (kTickEvents).
  TickResult out{.expired = expired_holds};
  for (OrderId id : scheduler_.Overdue(ts, kMaxFinishesPerTick)) {
    const scheduler::JobOutcome done =
        Finish(FinishJob{.id = id, .by_clock = true}, ts + out.finished * scheduler::kSettleEvents);
    BG_CHECK(done.code == scheduler::Code::kOk) << "job " << id << ": " << done.message;
    ++out.finished;
  }
  const programme::Outcome swept =
      book_.Apply(ExpireVouchers{.limit = static_cast<uint32_t>(kMaxExpiriesPerTick)}, registry_,
                  ts + kMaxFinishesPerTick * scheduler::kSettleEvents, ledger_);
  out.expired_vouchers = swept.swept;
  return out;
}

scheduler::JobOutcome State::Finish(FinishJob c, Timestamp ts) {
  // A provider that signs usage is paid for usage; others for the
  // reservation, which the finish bills in one line.
  scheduler::World w{network_, registry_, book_, ledger_};
  const scheduler::Job* job = scheduler_.FindJob(c.id);
  if (job != nullptr && job->status == scheduler::JobStatus::kRunning) {
    const network::Pool* pool = network_.FindPool(job->pool);
    const network::Site* site = network_.FindSite(pool->site);
    c.metered = metering_.IsMetered(c.id) || metering_.KeyOf(site->provider) != nullptr;
  }
  scheduler::JobOutcome out = scheduler_.Apply(c, w, ts);
  if (out.code == scheduler::Code::kOk && !c.metered) {
    const scheduler::Job& done = *scheduler_.FindJob(c.id);
    settlement::ChargeLine line = LineFor(done, ts);
    line.card_seconds = done.card_seconds;
    line.charge = done.charged;
    line.copay = done.copay_charged;
    if (const programme::Claim* claim = book_.FindClaim(done.claim)) {
      line.subsidy = claim->shares;
    }
    settlement_.AddLine(std::move(line));
  }
  return out;
}

CommandResult State::ApplyJobs(const Command& command) {
  scheduler::World w{network_, registry_, book_, ledger_};
  return std::visit(
      [&](const auto& c) -> CommandResult {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, FinishJob>) {
          return Finish(c, command.ts);
        } else if constexpr (std::is_same_v<T, ExtendJob>) {
          scheduler::JobOutcome out = scheduler_.Apply(c, w, command.ts);
          if (out.code == scheduler::Code::kOk) {
            const scheduler::Job& job = *scheduler_.FindJob(c.id);
            metering_.ExtendOrder(c.id, job.start_at / kNanosPerSecond + scheduler::WalltimeS(job));
          }
          return out;
        } else if constexpr (std::is_same_v<T, SubmitJob> || std::is_same_v<T, Schedule> ||
                             std::is_same_v<T, CancelJob>) {
          return scheduler_.Apply(c, w, command.ts);
        } else {
          BG_CHECK(false) << "ApplyJobs given a command the scheduler does not apply";
          return TickResult{};
        }
      },
      command.body);
}

CommandResult State::ApplyBook(const Command& command) {
  const Timestamp ts = command.ts;
  return std::visit(
      [&](const auto& c) -> CommandResult {
        using T = std::decay_t<decltype(c)>;
        if constexpr (std::is_same_v<T, FileApplication> || std::is_same_v<T, SetBlacklist>) {
          return book_.Apply(c, registry_, ts);
        } else if constexpr (std::is_same_v<T, SettleClaim>) {
          programme::Outcome out = book_.Apply(c, registry_, ts, ledger_);
          if (out.code == programme::Code::kOk) LineForClaim(c.id, ts);
          return out;
        } else if constexpr (std::is_same_v<T, Redeem>) {
          // A direct claim never takes a job's order id: the job's claim is
          // the scheduler's (scheduler/quote.cc).
          if (scheduler_.FindJob(c.order) != nullptr) {
            return programme::Outcome{
                .code = programme::Code::kOrderIsAJob,
                .message = "order " + std::to_string(c.order.value()) +
                           " is a job placed by the scheduler; its claim is the job's"};
          }
          return book_.Apply(c, registry_, ts, ledger_);
        } else if constexpr (std::is_same_v<T, ReviewApplication> ||
                             std::is_same_v<T, ExpireVouchers> ||
                             std::is_same_v<T, RevokeVoucher> || std::is_same_v<T, Clawback>) {
          return book_.Apply(c, registry_, ts, ledger_);
        } else {
          BG_CHECK(false) << "ApplyBook given a command the book does not apply";
          return TickResult{};
        }
      },
      command.body);
}

namespace {

// "enterprise 3 (Xiangzhou Robotics): invalid_credit_code: <why>".
std::string RefusalMessage(const CommandBody& body, programme::RegistryResult r,
                           const programme::Registry& registry) {
  std::string what;
  std::string why;
  if (const auto* j = std::get_if<RegisterJurisdiction>(&body)) {
    what = "jurisdiction " + std::to_string(j->jurisdiction.id.value()) + " (" +
           j->jurisdiction.code + ")";
  } else if (const auto* e = std::get_if<RegisterEnterprise>(&body)) {
    what =
        "enterprise " + std::to_string(e->enterprise.id.value()) + " (" + e->enterprise.name + ")";
    why = programme::ValidateCreditCode(e->enterprise.credit_code).message();
    if (const programme::Enterprise* holder =
            registry.EnterpriseByCreditCode(e->enterprise.credit_code)) {
      why = HeldAlready(holder->credit_code, "enterprise", holder->id.value(), holder->name);
    }
  } else if (const auto* p = std::get_if<RegisterProvider>(&body)) {
    what = "provider " + std::to_string(p->provider.id.value()) + " (" + p->provider.name + ")";
    why = programme::ValidateCreditCode(p->provider.credit_code).message();
    if (const programme::Provider* holder =
            registry.ProviderByCreditCode(p->provider.credit_code)) {
      why = HeldAlready(holder->credit_code, "provider", holder->id.value(), holder->name);
    }
  } else if (const auto* g = std::get_if<CreateProgramme>(&body)) {
    what = "programme " + std::to_string(g->rules.id.value()) + " (" + g->rules.name + ")";
  }
  std::string out = what + ": " + programme::RegistryResultName(r);
  if (r == programme::RegistryResult::kInvalidCreditCode && !why.empty()) {
    out += ": " + why + " (GB 32100-2015)";
  }
  if (r == programme::RegistryResult::kDuplicateCreditCode) out += ": " + why;
  if (r == programme::RegistryResult::kAwardCapNeedsApplications) {
    out +=
        ": an automatic grant (免申即享) awards no voucher; cap its orders or its yearly "
        "amount per entity instead";
  }
  return out;
}

}  // namespace

CommandResult State::ApplyRegistry(const Command& command) {
  programme::RegistryResult r = programme::RegistryResult::kOk;
  if (const auto* c = std::get_if<RegisterJurisdiction>(&command.body)) {
    r = registry_.AddJurisdiction(c->jurisdiction);
  } else if (const auto* e = std::get_if<RegisterEnterprise>(&command.body)) {
    r = registry_.AddEnterprise(e->enterprise);
  } else if (const auto* p = std::get_if<RegisterProvider>(&command.body)) {
    r = registry_.AddProvider(p->provider);
  } else if (const auto* g = std::get_if<CreateProgramme>(&command.body)) {
    r = registry_.AddProgramme(g->rules);
  }
  if (r != programme::RegistryResult::kOk) {
    return RegistryResult{r, RefusalMessage(command.body, r, registry_)};
  }
  // Where the new record's money lives on the ledger.
  if (const auto* j = std::get_if<RegisterJurisdiction>(&command.body)) {
    book_.OpenJurisdiction(j->jurisdiction, command.ts, ledger_);
  } else if (const auto* g = std::get_if<CreateProgramme>(&command.body)) {
    book_.OpenProgramme(g->rules, registry_, command.ts, ledger_);
  }
  return RegistryResult{r, {}};
}

void State::BeginBatch() {
  ledger_.BeginBatch();
  book_.BeginBatch();
  network_.BeginBatch();
  scheduler_.BeginBatch();
  metering_.BeginBatch();
  settlement_.BeginBatch();
  cases_.BeginBatch();
  tokens_.BeginBatch();
  registry_.BeginBatch();
}

void State::CommitBatch() {
  ledger_.CommitBatch();
  book_.CommitBatch();
  network_.CommitBatch();
  scheduler_.CommitBatch();
  metering_.CommitBatch();
  settlement_.CommitBatch();
  cases_.CommitBatch();
  tokens_.CommitBatch();
  registry_.CommitBatch();
}

void State::RollbackBatch() {
  ledger_.RollbackBatch();
  book_.RollbackBatch();
  network_.RollbackBatch();
  scheduler_.RollbackBatch();
  metering_.RollbackBatch();
  settlement_.RollbackBatch();
  cases_.RollbackBatch();
  tokens_.RollbackBatch();
  registry_.RollbackBatch();
}

void State::Encode(std::vector<uint8_t>* out) const {
  // [u64 length of the ledger's encoding][ledger][registry]
  const size_t at = out->size();
  Writer w(out);
  w.U64(0);
  ledger_.Encode(out);
  const uint64_t ledger_bytes = out->size() - at - 8;
  for (size_t i = 0; i < 8; ++i) (*out)[at + i] = static_cast<uint8_t>(ledger_bytes >> (8 * i));
  registry_.Encode(w);
  book_.Encode(w);
  network_.Encode(w);
  scheduler_.Encode(w);
  metering_.Encode(w);
  settlement_.Encode(w);
  cases_.Encode(w);
  tokens_.Encode(w);
}

bool State::Decode(std::span<const uint8_t> in, State* out) {
  Reader r(in);
  uint64_t ledger_bytes = 0;
  if (!r.U64(&ledger_bytes) || ledger_bytes > r.remaining()) return false;
  if (!ledger::Ledger::Decode(in.subspan(8, ledger_bytes), &out->ledger_)) return false;
  Reader rest(in.subspan(8 + ledger_bytes));
  return programme::Registry::Decode(rest, &out->registry_) &&
         programme::Book::Decode(rest, &out->book_) &&
         network::Network::Decode(rest, &out->network_) &&
         scheduler::Scheduler::Decode(rest, &out->scheduler_) &&
         metering::Metering::Decode(rest, &out->metering_) &&
         settlement::Settlement::Decode(rest, &out->settlement_) &&
         fraud::Cases::Decode(rest, &out->cases_) && access::Tokens::Decode(rest, &out->tokens_) &&
         rest.done();
}

Hash256 State::Hash() const {
  std::vector<uint8_t> bytes;
  Encode(&bytes);
  return HashBytes(bytes);
}

}  // namespace bg::state
