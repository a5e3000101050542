// The command table: one row per kind of CommandBody, saying everything the
// journal knows of it (command_table.h gives the contract). A tag, once
// journaled, keeps its kind and its body's layout for ever; a new kind
// takes the next free tag. The functions at the end are generated from the
// rows.
#include "state/command.h"

#include <algorithm>

#include "common/codec.h"
#include "programme/codec.h"
#include "scheduler/scheduler.h"
#include "state/command_table.h"

namespace bg::state::command_internal {

// A row whose body is written and read by its domain's codec.
template <typename T, void (*kEncode)(Writer&, const T&), bool (*kDecode)(Reader&, T*)>
struct Codec {
  static void Encode(Writer& w, const T& c) { kEncode(w, c); }
  static bool Decode(uint8_t /*tag*/, Reader& r, T* c) { return kDecode(r, c); }
};

// --- The ledger ----------------------------------------------------------------

// Every field as submitted, balances and timestamp included: replay must
// see what the live engine saw, so that an account refused for a non-zero
// balance or timestamp is refused again.
template <>
struct Row<CreateAccounts> : OneTag<1> {
  static constexpr const char* kName = "create_accounts";
  static size_t Events(const CreateAccounts& c) { return std::max<size_t>(1, c.accounts.size()); }
  static void Encode(Writer& w, const CreateAccounts& c) {
    w.U32(static_cast<uint32_t>(c.accounts.size()));
    for (const ledger::Account& a : c.accounts) ledger::EncodeAccount(w, a);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, CreateAccounts* c) {
    uint32_t n = 0;
    if (!r.U32(&n) || n > r.remaining()) return false;
    c->accounts.resize(n);
    for (ledger::Account& a : c->accounts) {
      if (!ledger::DecodeAccount(r, &a)) return false;
    }
    return true;
  }
};

template <>
struct Row<CreateTransfers> : OneTag<2> {
  static constexpr const char* kName = "create_transfers";
  static size_t Events(const CreateTransfers& c) { return std::max<size_t>(1, c.transfers.size()); }
  static void Encode(Writer& w, const CreateTransfers& c) {
    w.U32(static_cast<uint32_t>(c.transfers.size()));
    for (const ledger::Transfer& t : c.transfers) ledger::EncodeTransfer(w, t);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, CreateTransfers* c) {
    uint32_t n = 0;
    if (!r.U32(&n) || n > r.remaining()) return false;
    c->transfers.resize(n);
    for (ledger::Transfer& t : c->transfers) {
      if (!ledger::DecodeTransfer(r, &t)) return false;
    }
    return true;
  }
};

// Tag 3 is a Tick of the journals written before ticks finished jobs and
// expired vouchers: it releases holds only, as it did then. Tag 33 is one
// of the journals written before ticks retired jobs: it retires none. Tag
// 59 is one of the journals written before charge lines left memory: it
// retires jobs and transfers, no lines (the fraud scan of its journal saw
// every line, and its case numbers follow from that); 60 one written
// before claims left memory with their jobs: it retires lines, no claims.
template <>
struct Row<Tick> {
  static constexpr uint8_t kHoldsOnly = 3;
  static constexpr uint8_t kTimed = 33;
  static constexpr uint8_t kRetiring = 59;
  static constexpr uint8_t kRetiringLines = 60;
  static constexpr uint8_t kRetiringClaims = 61;
  static constexpr const char* kName = "tick";
  static constexpr std::array<uint8_t, 5> kTags = {kRetiringClaims, kRetiringLines, kRetiring,
                                                   kTimed, kHoldsOnly};
  static uint8_t TagOf(const Tick& t) {
    if (t.holds_only) return kHoldsOnly;
    if (!t.retires) return kTimed;
    if (!t.retires_lines) return kRetiring;
    return t.retires_claims ? kRetiringClaims : kRetiringLines;
  }
  static size_t Events(const Tick& t) { return t.holds_only ? 1 : kTickEvents; }
  static void Encode(Writer& /*w*/, const Tick& /*t*/) {}
  static bool Decode(uint8_t tag, Reader& /*r*/, Tick* t) {
    t->holds_only = tag == kHoldsOnly;
    t->retires = tag != kTimed;  // a holds-only Tick does no time's work at all
    t->retires_lines = tag != kTimed && tag != kRetiring;
    t->retires_claims = t->retires_lines && tag != kRetiringLines;
    return true;
  }
};

// --- The registry -----------------------------------------------------------------

template <>
struct Row<RegisterJurisdiction> : OneTag<4> {
  static constexpr const char* kName = "register_jurisdiction";
  static size_t Events(const RegisterJurisdiction&) { return 1; }
  static void Encode(Writer& w, const RegisterJurisdiction& c) {
    programme::EncodeJurisdiction(w, c.jurisdiction);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, RegisterJurisdiction* c) {
    return programme::DecodeJurisdiction(r, &c->jurisdiction);
  }
};

template <>
struct Row<RegisterEnterprise> : OneTag<5> {
  static constexpr const char* kName = "register_enterprise";
  static size_t Events(const RegisterEnterprise&) { return 1; }
  static void Encode(Writer& w, const RegisterEnterprise& c) {
    programme::EncodeEnterprise(w, c.enterprise);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, RegisterEnterprise* c) {
    return programme::DecodeEnterprise(r, &c->enterprise);
  }
};

template <>
struct Row<RegisterProvider> : OneTag<6> {
  static constexpr const char* kName = "register_provider";
  static size_t Events(const RegisterProvider&) { return 1; }
  static void Encode(Writer& w, const RegisterProvider& c) {
    programme::EncodeProvider(w, c.provider);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, RegisterProvider* c) {
    return programme::DecodeProvider(r, &c->provider);
  }
};

// Tag 45 is a facility with the default booking terms (proposals only, a
// no-show after 30 minutes), as facilities were registered before direct
// booking; tag 46 appends its terms.
template <>
struct Row<RegisterFacility> {
  static constexpr uint8_t kProposalsOnly = 45;
  static constexpr uint8_t kBookable = 46;
  static constexpr const char* kName = "register_facility";
  static constexpr std::array<uint8_t, 2> kTags = {kBookable, kProposalsOnly};
  static uint8_t TagOf(const RegisterFacility& c) {
    const facility::Facility defaults;
    return c.facility.booking_quota_hours == defaults.booking_quota_hours &&
                   c.facility.no_show_grace_minutes == defaults.no_show_grace_minutes
               ? kProposalsOnly
               : kBookable;
  }
  static size_t Events(const RegisterFacility&) { return 1; }
  static void Encode(Writer& w, const RegisterFacility& c) {
    facility::EncodeFacility(w, c.facility);
    if (TagOf(c) == kBookable) facility::EncodeBookingTerms(w, c.facility);
  }
  static bool Decode(uint8_t tag, Reader& r, RegisterFacility* c) {
    if (!facility::DecodeFacility(r, &c->facility)) return false;
    return tag == kProposalsOnly ||
           (facility::DecodeBookingTerms(r, &c->facility) && TagOf(*c) == kBookable);
  }
};

template <>
struct Row<BookFacility>
    : OneTag<50>, Codec<BookFacility, facility::EncodeBookFacility, facility::DecodeBookFacility> {
  static constexpr const char* kName = "book_facility";
  static size_t Events(const BookFacility&) { return 1; }
};

template <>
struct Row<UseFacility>
    : OneTag<51>, Codec<UseFacility, facility::EncodeUseFacility, facility::DecodeUseFacility> {
  static constexpr const char* kName = "use_facility";
  // A check-out charges the fee: a claim on the vouchers, captured.
  static size_t Events(const UseFacility&) { return kFacilityFeeEvents; }
};

// Proposal rounds (facility/rounds.h): one tag each.
template <>
struct Row<OpenCall> : OneTag<52>,
                       Codec<OpenCall, facility::EncodeOpenCall, facility::DecodeOpenCall> {
  static constexpr const char* kName = "open_call";
  static size_t Events(const OpenCall&) { return 1; }
};

template <>
struct Row<SubmitProposal>
    : OneTag<53>,
      Codec<SubmitProposal, facility::EncodeSubmitProposal, facility::DecodeSubmitProposal> {
  static constexpr const char* kName = "submit_proposal";
  static size_t Events(const SubmitProposal&) { return 1; }
};

template <>
struct Row<ReviewProposal>
    : OneTag<54>,
      Codec<ReviewProposal, facility::EncodeReviewProposal, facility::DecodeReviewProposal> {
  static constexpr const char* kName = "review_proposal";
  static size_t Events(const ReviewProposal&) { return 1; }
};

template <>
struct Row<RegisterReviewer>
    : OneTag<55>,
      Codec<RegisterReviewer, facility::EncodeRegisterReviewer, facility::DecodeRegisterReviewer> {
  static constexpr const char* kName = "register_reviewer";
  static size_t Events(const RegisterReviewer&) { return 1; }
};

template <>
struct Row<CloseRound> : OneTag<56>,
                         Codec<CloseRound, facility::EncodeCloseRound, facility::DecodeCloseRound> {
  static constexpr const char* kName = "close_round";
  static size_t Events(const CloseRound&) { return 1; }
};

template <>
struct Row<ReportOutputs>
    : OneTag<57>,
      Codec<ReportOutputs, facility::EncodeReportOutputs, facility::DecodeReportOutputs> {
  static constexpr const char* kName = "report_outputs";
  static size_t Events(const ReportOutputs&) { return 1; }
};

template <>
struct Row<RecordTraining>
    : OneTag<58>,
      Codec<RecordTraining, facility::EncodeRecordTraining, facility::DecodeRecordTraining> {
  static constexpr const char* kName = "record_training";
  static size_t Events(const RecordTraining&) { return 1; }
};

// Tag 7 is a programme without review stages, as programmes were defined
// before them; tag 39 appends the review rules; tag 47 appends what it pays
// for after them, for a programme that pays for facilities, not compute.
template <>
struct Row<CreateProgramme> {
  static constexpr uint8_t kOneApproval = 7;
  static constexpr uint8_t kReviewed = 39;
  static constexpr uint8_t kCovers = 47;
  static constexpr const char* kName = "create_programme";
  static constexpr std::array<uint8_t, 3> kTags = {kCovers, kReviewed, kOneApproval};
  static uint8_t TagOf(const CreateProgramme& c) {
    if (c.rules.covers != programme::SpendRules{}) return kCovers;
    return c.rules.review == programme::ReviewRules{} ? kOneApproval : kReviewed;
  }
  static size_t Events(const CreateProgramme&) { return programme::Book::kOpenProgrammeEvents; }
  static void Encode(Writer& w, const CreateProgramme& c) {
    programme::EncodeProgramme(w, c.rules);
    if (TagOf(c) != kOneApproval) programme::EncodeReview(w, c.rules.review);
    if (TagOf(c) == kCovers) programme::EncodeCovers(w, c.rules.covers);
  }
  static bool Decode(uint8_t tag, Reader& r, CreateProgramme* c) {
    if (!programme::DecodeProgramme(r, &c->rules)) return false;
    if (tag == kOneApproval) return true;
    // A reviewed programme's rules are never empty: that is tag 7's; nor
    // are tag 47's covers compute: that is tag 39's or 7's.
    if (!programme::DecodeReview(r, &c->rules.review)) return false;
    if (tag == kReviewed) return c->rules.review != programme::ReviewRules{};
    return programme::DecodeCovers(r, &c->rules.covers) &&
           c->rules.covers != programme::SpendRules{};
  }
};

// --- The programme book ----------------------------------------------------------

template <>
struct Row<FileApplication>
    : OneTag<8>,
      Codec<FileApplication, programme::EncodeFileApplication, programme::DecodeFileApplication> {
  static constexpr const char* kName = "file_application";
  static size_t Events(const FileApplication&) { return 1; }
};

// Tag 9 is a step by an actor whose stage is not journaled (any), as steps
// were before stages; tag 42 appends the actor's stage, which the engine
// checks against where the application stands when the step is applied.
template <>
struct Row<ReviewApplication> {
  static constexpr uint8_t kAnyStage = 9;
  static constexpr uint8_t kStaged = 42;
  static constexpr const char* kName = "review_application";
  static constexpr std::array<uint8_t, 2> kTags = {kStaged, kAnyStage};
  static uint8_t TagOf(const ReviewApplication& c) { return c.by == 0 ? kAnyStage : kStaged; }
  static size_t Events(const ReviewApplication&) { return 2; }
  static void Encode(Writer& w, const ReviewApplication& c) {
    programme::EncodeReviewApplication(w, c);
    if (c.by != 0) w.U8(c.by);
  }
  static bool Decode(uint8_t tag, Reader& r, ReviewApplication* c) {
    if (!programme::DecodeReviewApplication(r, c)) return false;
    if (tag == kAnyStage) return true;
    return r.U8(&c->by) && c->by >= 1 && c->by <= 3;
  }
};

template <>
struct Row<ReviewApplications> : OneTag<40>,
                                 Codec<ReviewApplications, programme::EncodeReviewApplications,
                                       programme::DecodeReviewApplications> {
  static constexpr const char* kName = "review_applications";
  static size_t Events(const ReviewApplications& c) {
    return 2 * std::clamp<size_t>(c.ids.size(), 1, programme::kMaxBulkReview);
  }
};

// Tag 10 is a claim on compute; tag 49 appends the facility whose use it
// pays for.
template <>
struct Row<Redeem> {
  static constexpr uint8_t kCompute = 10;
  static constexpr uint8_t kFacility = 49;
  static constexpr const char* kName = "redeem";
  static constexpr std::array<uint8_t, 2> kTags = {kFacility, kCompute};
  static uint8_t TagOf(const Redeem& c) { return c.facility.is_zero() ? kCompute : kFacility; }
  static size_t Events(const Redeem&) { return programme::kRedeemEvents; }
  static void Encode(Writer& w, const Redeem& c) {
    programme::EncodeRedeem(w, c);
    if (TagOf(c) == kFacility) programme::EncodeRedeemFacility(w, c);
  }
  static bool Decode(uint8_t tag, Reader& r, Redeem* c) {
    if (!programme::DecodeRedeem(r, c)) return false;
    return tag == kCompute || (programme::DecodeRedeemFacility(r, c) && !c->facility.is_zero());
  }
};

template <>
struct Row<SettleClaim>
    : OneTag<11>, Codec<SettleClaim, programme::EncodeSettleClaim, programme::DecodeSettleClaim> {
  static constexpr const char* kName = "settle_claim";
  static size_t Events(const SettleClaim&) { return programme::kSettleEvents; }
};

// Tag 12 is the sweep of every programme, written so before a sweep could
// name one, and still for programme 0; tag 34 names the programme.
template <>
struct Row<ExpireVouchers> {
  static constexpr uint8_t kEveryProgramme = 12;
  static constexpr uint8_t kOneProgramme = 34;
  static constexpr const char* kName = "expire_vouchers";
  static constexpr std::array<uint8_t, 2> kTags = {kOneProgramme, kEveryProgramme};
  static uint8_t TagOf(const ExpireVouchers& c) {
    return c.programme.is_zero() ? kEveryProgramme : kOneProgramme;
  }
  static size_t Events(const ExpireVouchers& c) {
    return std::clamp<size_t>(c.limit, 1, programme::kMaxExpirePerCommand);
  }
  static void Encode(Writer& w, const ExpireVouchers& c) {
    programme::EncodeExpireVouchers(w, c);
    if (!c.programme.is_zero()) w.U64(c.programme.value());
  }
  static bool Decode(uint8_t tag, Reader& r, ExpireVouchers* c) {
    if (!programme::DecodeExpireVouchers(r, c)) return false;
    if (tag == kEveryProgramme) return true;
    uint64_t id = 0;
    if (!r.U64(&id) || id == 0) return false;
    c->programme = ProgrammeId(id);
    return true;
  }
};

template <>
struct Row<RevokeVoucher>
    : OneTag<13>,
      Codec<RevokeVoucher, programme::EncodeRevokeVoucher, programme::DecodeRevokeVoucher> {
  static constexpr const char* kName = "revoke_voucher";
  static size_t Events(const RevokeVoucher&) { return 1; }
};

// 62 carries the archived claim of a claim that left memory
// (programme::Book::ClawBackArchived); 14 is every other clawback.
template <>
struct Row<Clawback> {
  static constexpr uint8_t kInMemory = 14;
  static constexpr uint8_t kArchived = 62;
  static constexpr const char* kName = "clawback";
  static constexpr std::array<uint8_t, 2> kTags = {kArchived, kInMemory};
  static uint8_t TagOf(const Clawback& c) { return c.archived.empty() ? kInMemory : kArchived; }
  static size_t Events(const Clawback&) { return programme::kClawbackEvents; }
  static void Encode(Writer& w, const Clawback& c) {
    if (TagOf(c) == kArchived) {
      programme::EncodeClawbackArchived(w, c);
    } else {
      programme::EncodeClawback(w, c);
    }
  }
  static bool Decode(uint8_t tag, Reader& r, Clawback* c) {
    return tag == kArchived ? programme::DecodeClawbackArchived(r, c)
                            : programme::DecodeClawback(r, c);
  }
};

template <>
struct Row<SetBlacklist>
    : OneTag<15>,
      Codec<SetBlacklist, programme::EncodeSetBlacklist, programme::DecodeSetBlacklist> {
  static constexpr const char* kName = "set_blacklist";
  static size_t Events(const SetBlacklist&) { return 1; }
};

// A programme's life (programme/lifecycle.h).
// Tag 43 amends a compute programme; tag 48 appends what the programme
// pays for (an amendment never changes it, but must say it to be equal).
template <>
struct Row<AmendProgramme> {
  static constexpr uint8_t kCompute = 43;
  static constexpr uint8_t kCovers = 48;
  static constexpr const char* kName = "amend_programme";
  static constexpr std::array<uint8_t, 2> kTags = {kCovers, kCompute};
  static uint8_t TagOf(const AmendProgramme& c) {
    return c.rules.covers == programme::SpendRules{} ? kCompute : kCovers;
  }
  static size_t Events(const AmendProgramme&) { return 1; }
  static void Encode(Writer& w, const AmendProgramme& c) {
    programme::EncodeAmendProgramme(w, c);
    if (TagOf(c) == kCovers) programme::EncodeCovers(w, c.rules.covers);
  }
  static bool Decode(uint8_t tag, Reader& r, AmendProgramme* c) {
    if (!programme::DecodeAmendProgramme(r, c)) return false;
    return tag == kCompute || (programme::DecodeCovers(r, &c->rules.covers) &&
                               c->rules.covers != programme::SpendRules{});
  }
};

template <>
struct Row<ChangeProgramme>
    : OneTag<44>,
      Codec<ChangeProgramme, programme::EncodeChangeProgramme, programme::DecodeChangeProgramme> {
  static constexpr const char* kName = "change_programme";
  static size_t Events(const ChangeProgramme&) { return 1; }
};

// --- The network ------------------------------------------------------------------

template <>
struct Row<RegisterSite> : OneTag<16> {
  static constexpr const char* kName = "register_site";
  static size_t Events(const RegisterSite&) { return 1; }
  static void Encode(Writer& w, const RegisterSite& c) { network::EncodeSite(w, c.site); }
  static bool Decode(uint8_t /*tag*/, Reader& r, RegisterSite* c) {
    return network::DecodeSite(r, &c->site);
  }
};

template <>
struct Row<RegisterPool> : OneTag<17> {
  static constexpr const char* kName = "register_pool";
  static size_t Events(const RegisterPool&) { return 1; }
  static void Encode(Writer& w, const RegisterPool& c) { network::EncodePool(w, c.pool); }
  static bool Decode(uint8_t /*tag*/, Reader& r, RegisterPool* c) {
    return network::DecodePool(r, &c->pool);
  }
};

template <>
struct Row<SetLink> : OneTag<18> {
  static constexpr const char* kName = "set_link";
  static size_t Events(const SetLink&) { return 1; }
  static void Encode(Writer& w, const SetLink& c) { network::EncodeLink(w, c.link); }
  static bool Decode(uint8_t /*tag*/, Reader& r, SetLink* c) {
    return network::DecodeLink(r, &c->link);
  }
};

template <>
struct Row<SetPoolOffered> : OneTag<19> {
  static constexpr const char* kName = "set_pool_offered";
  static size_t Events(const SetPoolOffered&) { return 1; }
  static void Encode(Writer& w, const SetPoolOffered& c) {
    w.U64(c.pool.value());
    w.U32(c.cards);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, SetPoolOffered* c) {
    uint64_t id = 0;
    if (!r.U64(&id) || !r.U32(&c->cards)) return false;
    c->pool = PoolId(id);
    return true;
  }
};

template <>
struct Row<SetPoolPrices> : OneTag<32> {
  static constexpr const char* kName = "set_pool_prices";
  static size_t Events(const SetPoolPrices&) { return 1; }
  static void Encode(Writer& w, const SetPoolPrices& c) {
    w.U64(c.pool.value());
    for (Money m : c.price) w.I64(m.fen());
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, SetPoolPrices* c) {
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
};

// --- Jobs -------------------------------------------------------------------------

template <>
struct Row<SubmitJob> : OneTag<20>,
                        Codec<SubmitJob, scheduler::EncodeSubmitJob, scheduler::DecodeSubmitJob> {
  static constexpr const char* kName = "submit_job";
  static size_t Events(const SubmitJob&) { return scheduler::kPlacementEvents; }
};

template <>
struct Row<Schedule> : OneTag<21> {
  static constexpr const char* kName = "schedule";
  static size_t Events(const Schedule& c) {
    return scheduler::kPlacementEvents *
           std::clamp<size_t>(c.max_jobs, 1, scheduler::kMaxPlacementsPerPass);
  }
  static void Encode(Writer& w, const Schedule& c) {
    w.U8(static_cast<uint8_t>(c.policy));
    w.U32(c.max_jobs);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, Schedule* c) {
    uint8_t policy = 0;
    if (!r.U8(&policy) || policy > static_cast<uint8_t>(scheduler::Policy::kCheapestList) ||
        !r.U32(&c->max_jobs)) {
      return false;
    }
    c->policy = static_cast<scheduler::Policy>(policy);
    return true;
  }
};

// `metered` and `by_clock` are not journaled (scheduler/job.h).
template <>
struct Row<FinishJob> : OneTag<22> {
  static constexpr const char* kName = "finish_job";
  static size_t Events(const FinishJob&) { return scheduler::kSettleEvents; }
  static void Encode(Writer& w, const FinishJob& c) { w.U64(c.id.value()); }
  static bool Decode(uint8_t /*tag*/, Reader& r, FinishJob* c) {
    uint64_t id = 0;
    if (!r.U64(&id)) return false;
    c->id = OrderId(id);
    return true;
  }
};

template <>
struct Row<CancelJob> : OneTag<23> {
  static constexpr const char* kName = "cancel_job";
  static size_t Events(const CancelJob&) { return scheduler::kSettleEvents; }
  static void Encode(Writer& w, const CancelJob& c) {
    w.U64(c.id.value());
    w.Str(c.reason);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, CancelJob* c) {
    uint64_t id = 0;
    if (!r.U64(&id) || !r.Str(&c->reason)) return false;
    c->id = OrderId(id);
    return true;
  }
};

template <>
struct Row<ExtendJob> : OneTag<29> {
  static constexpr const char* kName = "extend_job";
  static size_t Events(const ExtendJob&) { return 4; }
  static void Encode(Writer& w, const ExtendJob& c) {
    w.U64(c.id.value());
    w.U32(c.extra_s);
  }
  static bool Decode(uint8_t /*tag*/, Reader& r, ExtendJob* c) {
    uint64_t id = 0;
    if (!r.U64(&id) || !r.U32(&c->extra_s)) return false;
    c->id = OrderId(id);
    return true;
  }
};

// --- Metering, settlement, fraud, tokens -------------------------------------------

template <>
struct Row<RegisterProviderKey> : OneTag<24>,
                                  Codec<RegisterProviderKey, metering::EncodeRegisterProviderKey,
                                        metering::DecodeRegisterProviderKey> {
  static constexpr const char* kName = "register_provider_key";
  static size_t Events(const RegisterProviderKey&) { return 1; }
};

template <>
struct Row<SubmitUsage>
    : OneTag<25>, Codec<SubmitUsage, metering::EncodeSubmitUsage, metering::DecodeSubmitUsage> {
  static constexpr const char* kName = "submit_usage";
  static size_t Events(const SubmitUsage& c) {
    return scheduler::Scheduler::kBillEvents *
           std::clamp<size_t>(c.records.size(), 1, metering::kMaxUsagePerCommand);
  }
};

// Tag 26 is the close of journals written before statements were approved
// and paid as steps of their own: it pays every payee at once, as it did
// then. Tag 35 makes the statements payable; tags 36 and 37 approve and pay.
template <>
struct Row<CloseStatement> {
  static constexpr uint8_t kPaysAtClose = 26;
  static constexpr uint8_t kPayable = 35;
  static constexpr const char* kName = "close_statement";
  static constexpr std::array<uint8_t, 2> kTags = {kPayable, kPaysAtClose};
  static uint8_t TagOf(const CloseStatement& c) {
    return c.pays_at_close ? kPaysAtClose : kPayable;
  }
  static size_t Events(const CloseStatement&) { return settlement::kCloseEvents; }
  static void Encode(Writer& w, const CloseStatement& c) { settlement::EncodeCloseStatement(w, c); }
  static bool Decode(uint8_t tag, Reader& r, CloseStatement* c) {
    c->pays_at_close = tag == kPaysAtClose;
    return settlement::DecodeCloseStatement(r, c);
  }
};

template <>
struct Row<ApproveStatement> : OneTag<36>,
                               Codec<ApproveStatement, settlement::EncodeApproveStatement,
                                     settlement::DecodeApproveStatement> {
  static constexpr const char* kName = "approve_statement";
  static size_t Events(const ApproveStatement&) { return 1; }
};

template <>
struct Row<PayStatement>
    : OneTag<37>,
      Codec<PayStatement, settlement::EncodePayStatement, settlement::DecodePayStatement> {
  static constexpr const char* kName = "pay_statement";
  static size_t Events(const PayStatement&) { return 1; }
};

template <>
struct Row<ScanForFraud> : OneTag<27> {
  static constexpr const char* kName = "scan_for_fraud";
  static size_t Events(const ScanForFraud&) { return 1; }
  static void Encode(Writer& /*w*/, const ScanForFraud& /*c*/) {}
  static bool Decode(uint8_t /*tag*/, Reader& /*r*/, ScanForFraud* /*c*/) { return true; }
};

template <>
struct Row<CloseAuditCase>
    : OneTag<28>, Codec<CloseAuditCase, fraud::EncodeCloseAuditCase, fraud::DecodeCloseAuditCase> {
  static constexpr const char* kName = "close_audit_case";
  static size_t Events(const CloseAuditCase&) { return 1; }
};

// Tag 30 is a token without a stage that never expires, as tokens were
// created before stages and expiry; tag 38 adds the stage byte and the
// expiry.
template <>
struct Row<CreateApiToken> {
  static constexpr uint8_t kPlain = 30;
  static constexpr uint8_t kStagedExpiring = 38;
  static constexpr const char* kName = "create_api_token";
  static constexpr std::array<uint8_t, 2> kTags = {kStagedExpiring, kPlain};
  static bool Plain(const CreateApiToken& c) {
    return c.stage == access::TokenStage::kAny && c.expires_at == 0;
  }
  static uint8_t TagOf(const CreateApiToken& c) { return Plain(c) ? kPlain : kStagedExpiring; }
  static size_t Events(const CreateApiToken&) { return 1; }
  static void Encode(Writer& w, const CreateApiToken& c) {
    access::EncodeCreateApiToken(w, c);
    if (Plain(c)) return;
    w.U8(static_cast<uint8_t>(c.stage));
    w.U64(c.expires_at);
  }
  static bool Decode(uint8_t tag, Reader& r, CreateApiToken* c) {
    if (!access::DecodeCreateApiToken(r, c)) return false;
    if (tag == kPlain) return true;
    uint8_t stage = 0;
    if (!r.U8(&stage) || stage > static_cast<uint8_t>(access::TokenStage::kFinance) ||
        !r.U64(&c->expires_at)) {
      return false;
    }
    c->stage = static_cast<access::TokenStage>(stage);
    return !Plain(*c);  // a plain token is tag 30's
  }
};

template <>
struct Row<RotateApiToken>
    : OneTag<41>,
      Codec<RotateApiToken, access::EncodeRotateApiToken, access::DecodeRotateApiToken> {
  static constexpr const char* kName = "rotate_api_token";
  static size_t Events(const RotateApiToken&) { return 1; }
};

template <>
struct Row<RevokeApiToken> : OneTag<31> {
  static constexpr const char* kName = "revoke_api_token";
  static size_t Events(const RevokeApiToken&) { return 1; }
  static void Encode(Writer& w, const RevokeApiToken& c) { w.U64(c.id); }
  static bool Decode(uint8_t /*tag*/, Reader& r, RevokeApiToken* c) { return r.U64(&c->id); }
};

// --- Generated from the rows -------------------------------------------------------

constexpr auto kEveryKind = std::make_index_sequence<kKinds>{};
constexpr std::array<Decoder, 256> kDecoders = MakeDecoders(kEveryKind);
static_assert(TagsUnique(kEveryKind), "two command kinds share a journal tag");

}  // namespace bg::state::command_internal

namespace bg::state {

using command_internal::Row;

size_t EventCount(const CommandBody& body) {
  return std::visit([]<typename T>(const T& c) { return Row<T>::Events(c); }, body);
}

const char* CommandName(const CommandBody& body) {
  return std::visit([]<typename T>(const T&) { return Row<T>::kName; }, body);
}

void EncodeCommand(Writer& w, const Command& command) {
  w.U64(command.ts);
  std::visit(
      [&w]<typename T>(const T& c) {
        w.U8(Row<T>::TagOf(c));
        Row<T>::Encode(w, c);
      },
      command.body);
}

bool DecodeCommand(Reader& r, Command* command) {
  uint8_t tag = 0;
  if (!r.U64(&command->ts) || !r.U8(&tag)) return false;
  const command_internal::Decoder decode = command_internal::kDecoders[tag];
  return decode != nullptr && decode(tag, r, &command->body);
}

}  // namespace bg::state
