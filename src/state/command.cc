#include "state/command.h"

#include <algorithm>

#include "common/codec.h"
#include "programme/codec.h"
#include "scheduler/scheduler.h"

namespace bg::state {
namespace {

enum class Tag : uint8_t {
  kCreateAccounts = 1,
  kCreateTransfers = 2,
  kTick = 3,
  kRegisterJurisdiction = 4,
  kRegisterEnterprise = 5,
  kRegisterProvider = 6,
  kCreateProgramme = 7,
  kFileApplication = 8,
  kReviewApplication = 9,
  kRedeem = 10,
  kSettleClaim = 11,
  kExpireVouchers = 12,
  kRevokeVoucher = 13,
  kClawback = 14,
  kSetBlacklist = 15,
  kRegisterSite = 16,
  kRegisterPool = 17,
  kSetLink = 18,
  kSetPoolOffered = 19,
  kSubmitJob = 20,
  kSchedule = 21,
  kFinishJob = 22,
  kCancelJob = 23,
  kRegisterProviderKey = 24,
  kSubmitUsage = 25,
  kCloseStatement = 26,
  kScanForFraud = 27,
  kCloseAuditCase = 28,
  kExtendJob = 29,
  kCreateApiToken = 30,
  kRevokeApiToken = 31,
  kSetPoolPrices = 32,
  // Tick and ExpireVouchers written with kTick and kExpireVouchers keep the
  // meaning they had then: a kTick releases holds only, a kExpireVouchers
  // sweeps every programme.
  kTimeTick = 33,
  kExpireProgrammeVouchers = 34,
};

void EncodeOffered(Writer& w, const SetPoolOffered& c) {
  w.U64(c.pool.value());
  w.U32(c.cards);
}
bool DecodeOffered(Reader& r, SetPoolOffered* c) {
  uint64_t id = 0;
  if (!r.U64(&id) || !r.U32(&c->cards)) return false;
  c->pool = PoolId(id);
  return true;
}
void EncodeSchedule(Writer& w, const Schedule& c) {
  w.U8(static_cast<uint8_t>(c.policy));
  w.U32(c.max_jobs);
}
bool DecodeSchedule(Reader& r, Schedule* c) {
  uint8_t policy = 0;
  if (!r.U8(&policy) || policy > static_cast<uint8_t>(scheduler::Policy::kCheapestList) ||
      !r.U32(&c->max_jobs)) {
    return false;
  }
  c->policy = static_cast<scheduler::Policy>(policy);
  return true;
}
void EncodeFinish(Writer& w, const FinishJob& c) { w.U64(c.id.value()); }
void EncodePrices(Writer& w, const SetPoolPrices& c) {
  w.U64(c.pool.value());
  for (Money m : c.price) w.I64(m.fen());
}
bool DecodePrices(Reader& r, SetPoolPrices* c) {
  uint64_t id = 0;
  if (!r.U64(&id)) return false;
  c->pool = PoolId(id);
  for (Money& m : c->price) {
    int64_t fen = 0;
    if (!r.I64(&fen)) return false;
    m = Money::Fen(fen);
  }
  return true;
}
void EncodeRevokeToken(Writer& w, const RevokeApiToken& c) { w.U64(c.id); }
bool DecodeRevokeToken(Reader& r, RevokeApiToken* c) { return r.U64(&c->id); }
void EncodeExtend(Writer& w, const ExtendJob& c) {
  w.U64(c.id.value());
  w.U32(c.extra_s);
}
bool DecodeExtend(Reader& r, ExtendJob* c) {
  uint64_t id = 0;
  if (!r.U64(&id) || !r.U32(&c->extra_s)) return false;
  c->id = OrderId(id);
  return true;
}
bool DecodeFinish(Reader& r, FinishJob* c) {
  uint64_t id = 0;
  if (!r.U64(&id)) return false;
  c->id = OrderId(id);
  return true;
}
void EncodeCancel(Writer& w, const CancelJob& c) {
  w.U64(c.id.value());
  w.Str(c.reason);
}
bool DecodeCancel(Reader& r, CancelJob* c) {
  uint64_t id = 0;
  if (!r.U64(&id) || !r.Str(&c->reason)) return false;
  c->id = OrderId(id);
  return true;
}
void EncodeExpireOf(Writer& w, const ExpireVouchers& c) {
  w.U32(c.limit);
  w.U64(c.programme.value());
}
bool DecodeExpireOf(Reader& r, ExpireVouchers* c) {
  uint64_t id = 0;
  if (!r.U32(&c->limit) || !r.U64(&id) || id == 0) return false;
  c->programme = ProgrammeId(id);
  return true;
}
void EncodeSiteCmd(Writer& w, const RegisterSite& c) { network::EncodeSite(w, c.site); }
bool DecodeSiteCmd(Reader& r, RegisterSite* c) { return network::DecodeSite(r, &c->site); }
void EncodePoolCmd(Writer& w, const RegisterPool& c) { network::EncodePool(w, c.pool); }
bool DecodePoolCmd(Reader& r, RegisterPool* c) { return network::DecodePool(r, &c->pool); }
void EncodeLinkCmd(Writer& w, const SetLink& c) { network::EncodeLink(w, c.link); }
bool DecodeLinkCmd(Reader& r, SetLink* c) { return network::DecodeLink(r, &c->link); }

// A command whose body is written by one programme encoder.
template <typename Body>
bool EncodeBook(Writer& w, const CommandBody& body, Tag tag, void (*encode)(Writer&, const Body&)) {
  const auto* c = std::get_if<Body>(&body);
  if (c == nullptr) return false;
  w.U8(static_cast<uint8_t>(tag));
  encode(w, *c);
  return true;
}

template <typename Body>
bool DecodeBook(Reader& r, Command* command, bool (*decode)(Reader&, Body*)) {
  Body body;
  if (!decode(r, &body)) return false;
  command->body = std::move(body);
  return true;
}

// A command whose body is one programme record.
template <typename Body, typename Record>
bool DecodeRecord(Reader& r, Command* command, Record Body::*field,
                  bool (*decode)(Reader&, Record*)) {
  Body body;
  if (!decode(r, &(body.*field))) return false;
  command->body = std::move(body);
  return true;
}

}  // namespace

size_t EventCount(const CommandBody& body) {
  if (const auto* c = std::get_if<CreateAccounts>(&body)) {
    return std::max<size_t>(1, c->accounts.size());
  }
  if (const auto* c = std::get_if<CreateTransfers>(&body)) {
    return std::max<size_t>(1, c->transfers.size());
  }
  if (const auto* t = std::get_if<Tick>(&body)) return t->holds_only ? 1 : kTickEvents;
  if (std::holds_alternative<RegisterJurisdiction>(body)) return 1;
  if (std::holds_alternative<CreateProgramme>(body)) {
    return programme::Book::kOpenProgrammeEvents;
  }
  if (std::holds_alternative<ReviewApplication>(body)) return 2;
  if (std::holds_alternative<Redeem>(body)) return programme::kRedeemEvents;
  if (std::holds_alternative<SettleClaim>(body)) return programme::kSettleEvents;
  if (std::holds_alternative<Clawback>(body)) return programme::kClawbackEvents;
  if (std::holds_alternative<SubmitJob>(body)) return scheduler::kPlacementEvents;
  if (const auto* c = std::get_if<Schedule>(&body)) {
    return scheduler::kPlacementEvents *
           std::clamp<size_t>(c->max_jobs, 1, scheduler::kMaxPlacementsPerPass);
  }
  if (std::holds_alternative<ExtendJob>(body)) return 4;
  if (std::holds_alternative<FinishJob>(body) || std::holds_alternative<CancelJob>(body)) {
    return scheduler::kSettleEvents;
  }
  if (const auto* c = std::get_if<ExpireVouchers>(&body)) {
    return std::clamp<size_t>(c->limit, 1, programme::kMaxExpirePerCommand);
  }
  if (const auto* c = std::get_if<SubmitUsage>(&body)) {
    return scheduler::Scheduler::kBillEvents *
           std::clamp<size_t>(c->records.size(), 1, metering::kMaxUsagePerCommand);
  }
  if (std::holds_alternative<CloseStatement>(body)) return settlement::kCloseEvents;
  return 1;
}

void EncodeCommand(Writer& w, const Command& command) {
  w.U64(command.ts);
  if (const auto* c = std::get_if<CreateAccounts>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kCreateAccounts));
    w.U32(static_cast<uint32_t>(c->accounts.size()));
    // Every field as submitted, balances and timestamp included: replay must
    // see what the live engine saw, so that an account refused for a
    // non-zero balance or timestamp is refused again.
    for (const auto& a : c->accounts) ledger::EncodeAccount(w, a);
  } else if (const auto* t = std::get_if<CreateTransfers>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kCreateTransfers));
    w.U32(static_cast<uint32_t>(t->transfers.size()));
    for (const auto& x : t->transfers) ledger::EncodeTransfer(w, x);
  } else if (const auto* j = std::get_if<RegisterJurisdiction>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kRegisterJurisdiction));
    programme::EncodeJurisdiction(w, j->jurisdiction);
  } else if (const auto* e = std::get_if<RegisterEnterprise>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kRegisterEnterprise));
    programme::EncodeEnterprise(w, e->enterprise);
  } else if (const auto* p = std::get_if<RegisterProvider>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kRegisterProvider));
    programme::EncodeProvider(w, p->provider);
  } else if (const auto* g = std::get_if<CreateProgramme>(&command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kCreateProgramme));
    programme::EncodeProgramme(w, g->rules);
  } else if (const auto* x = std::get_if<ExpireVouchers>(&command.body);
             x != nullptr && !x->programme.is_zero()) {
    w.U8(static_cast<uint8_t>(Tag::kExpireProgrammeVouchers));
    EncodeExpireOf(w, *x);
  } else if (EncodeBook(w, command.body, Tag::kFileApplication, programme::EncodeFileApplication) ||
             EncodeBook(w, command.body, Tag::kReviewApplication,
                        programme::EncodeReviewApplication) ||
             EncodeBook(w, command.body, Tag::kRedeem, programme::EncodeRedeem) ||
             EncodeBook(w, command.body, Tag::kSettleClaim, programme::EncodeSettleClaim) ||
             EncodeBook(w, command.body, Tag::kExpireVouchers, programme::EncodeExpireVouchers) ||
             EncodeBook(w, command.body, Tag::kRevokeVoucher, programme::EncodeRevokeVoucher) ||
             EncodeBook(w, command.body, Tag::kClawback, programme::EncodeClawback) ||
             EncodeBook(w, command.body, Tag::kSetBlacklist, programme::EncodeSetBlacklist) ||
             EncodeBook(w, command.body, Tag::kRegisterSite, EncodeSiteCmd) ||
             EncodeBook(w, command.body, Tag::kRegisterPool, EncodePoolCmd) ||
             EncodeBook(w, command.body, Tag::kSetLink, EncodeLinkCmd) ||
             EncodeBook(w, command.body, Tag::kSetPoolOffered, EncodeOffered) ||
             EncodeBook(w, command.body, Tag::kSubmitJob, scheduler::EncodeSubmitJob) ||
             EncodeBook(w, command.body, Tag::kSchedule, EncodeSchedule) ||
             EncodeBook(w, command.body, Tag::kFinishJob, EncodeFinish) ||
             EncodeBook(w, command.body, Tag::kCancelJob, EncodeCancel) ||
             EncodeBook(w, command.body, Tag::kRegisterProviderKey,
                        metering::EncodeRegisterProviderKey) ||
             EncodeBook(w, command.body, Tag::kSubmitUsage, metering::EncodeSubmitUsage) ||
             EncodeBook(w, command.body, Tag::kCloseStatement, settlement::EncodeCloseStatement) ||
             EncodeBook(w, command.body, Tag::kCloseAuditCase, fraud::EncodeCloseAuditCase) ||
             EncodeBook(w, command.body, Tag::kExtendJob, EncodeExtend) ||
             EncodeBook(w, command.body, Tag::kCreateApiToken, access::EncodeCreateApiToken) ||
             EncodeBook(w, command.body, Tag::kRevokeApiToken, EncodeRevokeToken) ||
             EncodeBook(w, command.body, Tag::kSetPoolPrices, EncodePrices)) {
    // written by EncodeBook
  } else if (std::holds_alternative<ScanForFraud>(command.body)) {
    w.U8(static_cast<uint8_t>(Tag::kScanForFraud));
  } else {
    w.U8(static_cast<uint8_t>(std::get<Tick>(command.body).holds_only ? Tag::kTick
                                                                      : Tag::kTimeTick));
  }
}

bool DecodeCommand(Reader& r, Command* command) {
  uint8_t tag = 0;
  uint32_t n = 0;
  if (!r.U64(&command->ts) || !r.U8(&tag)) return false;
  switch (static_cast<Tag>(tag)) {
    case Tag::kCreateAccounts: {
      CreateAccounts c;
      if (!r.U32(&n) || n > r.remaining()) return false;
      c.accounts.resize(n);
      for (auto& a : c.accounts) {
        if (!ledger::DecodeAccount(r, &a)) return false;
      }
      command->body = std::move(c);
      return true;
    }
    case Tag::kCreateTransfers: {
      CreateTransfers c;
      if (!r.U32(&n) || n > r.remaining()) return false;
      c.transfers.resize(n);
      for (auto& t : c.transfers) {
        if (!ledger::DecodeTransfer(r, &t)) return false;
      }
      command->body = std::move(c);
      return true;
    }
    case Tag::kTick:
      command->body = Tick{.holds_only = true};
      return true;
    case Tag::kTimeTick:
      command->body = Tick{};
      return true;
    case Tag::kExpireProgrammeVouchers:
      return DecodeBook(r, command, DecodeExpireOf);
    case Tag::kRegisterJurisdiction:
      return DecodeRecord(r, command, &RegisterJurisdiction::jurisdiction,
                          programme::DecodeJurisdiction);
    case Tag::kRegisterEnterprise:
      return DecodeRecord(r, command, &RegisterEnterprise::enterprise, programme::DecodeEnterprise);
    case Tag::kRegisterProvider:
      return DecodeRecord(r, command, &RegisterProvider::provider, programme::DecodeProvider);
    case Tag::kCreateProgramme:
      return DecodeRecord(r, command, &CreateProgramme::rules, programme::DecodeProgramme);
    case Tag::kFileApplication:
      return DecodeBook(r, command, programme::DecodeFileApplication);
    case Tag::kReviewApplication:
      return DecodeBook(r, command, programme::DecodeReviewApplication);
    case Tag::kRedeem:
      return DecodeBook(r, command, programme::DecodeRedeem);
    case Tag::kSettleClaim:
      return DecodeBook(r, command, programme::DecodeSettleClaim);
    case Tag::kExpireVouchers:
      return DecodeBook(r, command, programme::DecodeExpireVouchers);
    case Tag::kRevokeVoucher:
      return DecodeBook(r, command, programme::DecodeRevokeVoucher);
    case Tag::kClawback:
      return DecodeBook(r, command, programme::DecodeClawback);
    case Tag::kSetBlacklist:
      return DecodeBook(r, command, programme::DecodeSetBlacklist);
    case Tag::kRegisterSite:
      return DecodeBook(r, command, DecodeSiteCmd);
    case Tag::kRegisterPool:
      return DecodeBook(r, command, DecodePoolCmd);
    case Tag::kSetLink:
      return DecodeBook(r, command, DecodeLinkCmd);
    case Tag::kSetPoolOffered:
      return DecodeBook(r, command, DecodeOffered);
    case Tag::kSubmitJob:
      return DecodeBook(r, command, scheduler::DecodeSubmitJob);
    case Tag::kSchedule:
      return DecodeBook(r, command, DecodeSchedule);
    case Tag::kFinishJob:
      return DecodeBook(r, command, DecodeFinish);
    case Tag::kCancelJob:
      return DecodeBook(r, command, DecodeCancel);
    case Tag::kRegisterProviderKey:
      return DecodeBook(r, command, metering::DecodeRegisterProviderKey);
    case Tag::kSubmitUsage:
      return DecodeBook(r, command, metering::DecodeSubmitUsage);
    case Tag::kCloseStatement:
      return DecodeBook(r, command, settlement::DecodeCloseStatement);
    case Tag::kScanForFraud:
      command->body = ScanForFraud{};
      return true;
    case Tag::kCloseAuditCase:
      return DecodeBook(r, command, fraud::DecodeCloseAuditCase);
    case Tag::kExtendJob:
      return DecodeBook(r, command, DecodeExtend);
    case Tag::kCreateApiToken:
      return DecodeBook(r, command, access::DecodeCreateApiToken);
    case Tag::kRevokeApiToken:
      return DecodeBook(r, command, DecodeRevokeToken);
    case Tag::kSetPoolPrices:
      return DecodeBook(r, command, DecodePrices);
  }
  return false;
}

}  // namespace bg::state
