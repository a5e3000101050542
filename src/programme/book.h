// Book: the programme domain's moving parts — applications and their review,
// vouchers, subsidy claims on orders, per-entity yearly usage, expiry,
// revocation, clawback and the blacklist — kept in step with the ledger,
// where all of the money lives (accounts.h):
//
//   create programme   funding(issuer) -> budget            total budget
//   approve            budget -> voucher, pending           the budget is committed
//   issue              post that hold                       the voucher can be spent
//   redeem             voucher -> payable, pending          per voucher drawn
//   (免申即享)          budget -> payable, pending           no voucher, no application
//   capture / void     post / void the claim's holds
//   expire, revoke     voucher -> budget or lapsed          what is not held
//   clawback           receivable(enterprise) -> budget     compensating, never an edit
//
// Because budgets and vouchers carry debits_must_not_exceed_credits, the
// ledger itself refuses any over-commitment; the book checks first so that
// every refusal has its own code and message, and a refused command changes
// nothing (no account, no record). Every step is a command applied by the
// engine's one writer at its logical time, so concurrent approvals are
// serialised and replay rebuilds the same book.
//
// The book keeps an undo log (common/undo_log.h) so that a batch whose
// commit fails is rolled back with the ledger.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/codec.h"
#include "common/enum_names.h"
#include "common/undo_log.h"
#include "ledger/ledger.h"
#include "programme/accounts.h"
#include "programme/registry.h"
#include "programme/retired_claims.h"
#include "programme/subsidy.h"

namespace bg::programme {

// --- Commands -----------------------------------------------------------------

// Opens an application in Draft. `actor` and `note` are kept in its history.
struct FileApplication {
  ApplicationId id{};
  ProgrammeId programme{};
  EnterpriseId enterprise{};
  Money amount{};  // requested voucher value
  std::string actor = {};
  std::string note = {};
  friend bool operator==(const FileApplication&, const FileApplication&) = default;
};

// The review steps (Draft -> Submitted -> UnderReview -> Approved | Rejected |
// ReturnedForInfo -> ... -> Issued).
enum class Step : uint8_t {
  kSubmit = 0,     // Draft or ReturnedForInfo -> Submitted (eligibility checked)
  kStartReview,    // Submitted -> UnderReview
  kApprove,        // UnderReview -> Approved: the budget is held
  kReject,         // Submitted or UnderReview -> Rejected (reason required)
  kReturnForInfo,  // UnderReview -> ReturnedForInfo (reason required)
  kIssue,          // Approved -> Issued: the voucher can be spent
  kWithdraw,       // Draft, Submitted or ReturnedForInfo -> Withdrawn
};
inline constexpr std::array<EnumName<Step>, 7> kStepNames = {{
    {"submit", Step::kSubmit},
    {"start_review", Step::kStartReview},
    {"approve", Step::kApprove},
    {"reject", Step::kReject},
    {"return_for_info", Step::kReturnForInfo},
    {"issue", Step::kIssue},
    {"withdraw", Step::kWithdraw},
}};
static_assert(IsNameTable(kStepNames));
const char* StepName(Step step);

struct ReviewApplication {
  ApplicationId id{};
  Step step = Step::kSubmit;
  std::string actor = {};
  std::string reason = {};
  Money amount{};  // kApprove: the approved value (zero: as requested)
  // The actor's stage (StageRole + 1, access::TokenStage's numbering; 0:
  // any). Journaled (tag 42) so that the engine checks it against the
  // stage the application is at when the step is applied, not when the
  // API looked.
  uint8_t by = 0;
  friend bool operator==(const ReviewApplication&, const ReviewApplication&) = default;
};

// One step on many applications with one reason (a bureau's batch
// decision): each is taken as its own ReviewApplication would be, in
// order, and answers for itself; one refused changes nothing of the others.
struct ReviewApplications {
  std::vector<ApplicationId> ids;
  Step step = Step::kApprove;
  std::string actor = {};
  std::string reason = {};
  uint8_t by = 0;  // as ReviewApplication::by
  friend bool operator==(const ReviewApplications&, const ReviewApplications&) = default;
};
inline constexpr size_t kMaxBulkReview = 500;

// A subsidy claim on an order spent at a provider: the subsidy calculation
// over every programme that applies, then holds on the vouchers drawn (or on
// the budget, for automatic grants).
struct Redeem {
  ClaimId id{};
  OrderId order{};
  EnterpriseId enterprise{};
  ProviderId provider{};
  uint32_t currency_ledger = kLedgerCny;
  Money amount{};  // the eligible amount of the order
  ResourceClass resource = ResourceClass::kForeignAccelerator;
  Purpose purpose = Purpose::kUnspecified;  // what the compute is for
  // The use of a shared facility (facility/), not compute: which, and its
  // kind as facility::kFacilityKindNames spells it (journaled with tag 49).
  // Only programmes that cover it (ProgrammeRules::covers) pay.
  FacilityId facility{};
  std::string facility_kind = {};
  friend bool operator==(const Redeem&, const Redeem&) = default;
};

// Posts (capture) or voids every hold of a claim: what metering posted
// already stays posted, so a void after usage ends the claim captured for
// the usage and releases the rest.
struct SettleClaim {
  ClaimId id{};
  bool capture = true;
  friend bool operator==(const SettleClaim&, const SettleClaim&) = default;
};

// Sweeps vouchers whose validity ended at or before now: what is not held
// goes back to the budget or to lapsed (LapsePolicy). At most `limit`
// vouchers per command; the caller repeats while `swept == limit`. The
// engine's clock does the same by itself (state::Tick); this command is
// the operator's way to do it now.
inline constexpr uint32_t kMaxExpirePerCommand = 4096;
struct ExpireVouchers {
  uint32_t limit = 256;     // at most kMaxExpirePerCommand
  ProgrammeId programme{};  // only this programme's vouchers; zero: every programme's
  friend bool operator==(const ExpireVouchers&, const ExpireVouchers&) = default;
};

// An approved or issued voucher is withdrawn: the unheld balance returns to
// the budget (an approval's hold is voided). Holds already placed stay until
// their claim settles; whatever they release is swept then.
struct RevokeVoucher {
  VoucherId id{};
  std::string actor = {};
  std::string reason = {};
  friend bool operator==(const RevokeVoucher&, const RevokeVoucher&) = default;
};

// Claws back a captured claim's subsidy: the enterprise owes it (receivable)
// and the budget is credited again. The claim's usage still counts.
// `archived`: a claim that left memory with its job (Book::RetireClaim) is
// clawed back with its archived encoding (EncodeClaim), as the store's
// archive holds it; the writer never reads the archive (journal tag 62).
struct Clawback {
  ClaimId claim{};
  std::string actor = {};
  std::string reason = {};
  std::vector<uint8_t> archived = {};
  friend bool operator==(const Clawback&, const Clawback&) = default;
};

// Puts an enterprise on (or takes it off) the blacklist: no application,
// approval, issue or redemption while listed.
struct SetBlacklist {
  EnterpriseId enterprise{};
  bool listed = true;
  std::string actor = {};
  std::string reason = {};
  friend bool operator==(const SetBlacklist&, const SetBlacklist&) = default;
};

// How many ledger events (timestamps) each command may use, at most.
inline constexpr size_t kMaxClaimHolds = 32;
inline constexpr size_t kRedeemEvents = kMaxClaimHolds;
inline constexpr size_t kSettleEvents = 2 * kMaxClaimHolds;
inline constexpr size_t kClawbackEvents = 2 * kMaxClaimHolds;

// --- Results ------------------------------------------------------------------

enum class Code : uint8_t {
  kOk = 0,
  kExists,                   // the same command again: answered as the first time
  kExistsWithDifferentBody,  // the id is taken by a different command
  kIdMustNotBeZero,
  kIdTooLarge,
  kAmountMustBePositive,
  kUnknownProgramme,
  kUnknownEnterprise,
  kUnknownProvider,
  kUnknownApplication,
  kUnknownVoucher,
  kUnknownClaim,
  kNotInForce,                        // outside the programme's validity
  kOutsideApplicationWindow,          // Shenzhen 语料券: 09-01 to 09-30
  kIneligible,                        // area, category or credit
  kAutomaticGrantTakesNoApplication,  // 免申即享 (Zhuhai)
  kOverAwardCap,  // one award (the voucher of one application) above the per-award cap
  kOverEntityYearCap,
  kBudgetExhausted,
  kYearlyBudgetExhausted,
  kInvalidTransition,
  kReasonRequired,
  kBlacklisted,
  kRelatedParty,
  kProviderNotAllowed,
  kNoVoucher,  // nothing applies: no live voucher, no automatic grant
  kCurrencyMismatch,
  kTooManyVouchers,      // more than kMaxClaimHolds holds for one claim
  kClaimNotHeld,         // settle: already captured or voided
  kClaimNotCaptured,     // clawback: only captured subsidies can be clawed back
  kVoucherNotRevocable,  // expired or revoked already
  kApprovedAboveRequest,
  kOrderIsAJob,       // a direct claim on an order id the scheduler placed as a job
  kPurposeNotFunded,  // Shenzhen 训力券 funds training only
  kSamePerson,        // two-person rule: who prepared or approved before does not approve
  kWrongStage,        // staged review: the actor's stage does not take this step here
  // The programme's life (lifecycle.h).
  kProgrammeSuspended,   // no new commitment while suspended
  kProgrammeClosed,      // nor after the close, and no change but a cut
  kInvalidAmendment,     // the new version is no valid programme, or changes a shared field
  kCutAboveUncommitted,  // a cut takes at most what the budget has uncommitted
  kNotCovered,           // compute vouchers pay for compute, innovation vouchers for facilities
  kOrderIsABooking,      // a direct claim on a facility booking's order id
  // A clawback of a claim that left memory carries no archived claim, or
  // one that is not the claim that left.
  kArchivedClaimMismatch,
};
inline constexpr std::array<EnumName<Code>, 43> kCodeNames = {{
    {"ok", Code::kOk},
    {"exists", Code::kExists},
    {"exists_with_different_body", Code::kExistsWithDifferentBody},
    {"id_must_not_be_zero", Code::kIdMustNotBeZero},
    {"id_too_large", Code::kIdTooLarge},
    {"amount_must_be_positive", Code::kAmountMustBePositive},
    {"unknown_programme", Code::kUnknownProgramme},
    {"unknown_enterprise", Code::kUnknownEnterprise},
    {"unknown_provider", Code::kUnknownProvider},
    {"unknown_application", Code::kUnknownApplication},
    {"unknown_voucher", Code::kUnknownVoucher},
    {"unknown_claim", Code::kUnknownClaim},
    {"not_in_force", Code::kNotInForce},
    {"outside_application_window", Code::kOutsideApplicationWindow},
    {"ineligible", Code::kIneligible},
    {"automatic_grant_takes_no_application", Code::kAutomaticGrantTakesNoApplication},
    {"over_award_cap", Code::kOverAwardCap},
    {"over_entity_year_cap", Code::kOverEntityYearCap},
    {"budget_exhausted", Code::kBudgetExhausted},
    {"yearly_budget_exhausted", Code::kYearlyBudgetExhausted},
    {"invalid_transition", Code::kInvalidTransition},
    {"reason_required", Code::kReasonRequired},
    {"blacklisted", Code::kBlacklisted},
    {"related_party", Code::kRelatedParty},
    {"provider_not_allowed", Code::kProviderNotAllowed},
    {"no_voucher", Code::kNoVoucher},
    {"currency_mismatch", Code::kCurrencyMismatch},
    {"too_many_vouchers", Code::kTooManyVouchers},
    {"claim_not_held", Code::kClaimNotHeld},
    {"claim_not_captured", Code::kClaimNotCaptured},
    {"voucher_not_revocable", Code::kVoucherNotRevocable},
    {"approved_above_request", Code::kApprovedAboveRequest},
    {"order_is_a_job", Code::kOrderIsAJob},
    {"purpose_not_funded", Code::kPurposeNotFunded},
    {"same_person", Code::kSamePerson},
    {"wrong_stage", Code::kWrongStage},
    {"programme_suspended", Code::kProgrammeSuspended},
    {"programme_closed", Code::kProgrammeClosed},
    {"invalid_amendment", Code::kInvalidAmendment},
    {"cut_above_uncommitted", Code::kCutAboveUncommitted},
    {"not_covered", Code::kNotCovered},
    {"order_is_a_booking", Code::kOrderIsABooking},
    {"archived_claim_mismatch", Code::kArchivedClaimMismatch},
}};
static_assert(IsNameTable(kCodeNames));
const char* CodeName(Code code);

struct Outcome {
  Code code = Code::kOk;
  std::string message = {};                   // names the rule for every refusal
  std::optional<SubsidyResult> subsidy = {};  // Redeem: the calculation, explained
  uint32_t swept = 0;                         // ExpireVouchers: vouchers swept
  std::vector<VoucherId> swept_ids = {};      // ...which, in order

  bool ok() const { return code == Code::kOk || code == Code::kExists; }
};

// ReviewApplications: one outcome per id, in order.
struct BulkOutcome {
  std::vector<Outcome> results;
};

// --- Records ------------------------------------------------------------------

enum class ApplicationStatus : uint8_t {
  kDraft = 0,
  kSubmitted,
  kUnderReview,
  kApproved,
  kRejected,
  kReturnedForInfo,
  kIssued,
  kWithdrawn,
};
inline constexpr std::array<EnumName<ApplicationStatus>, 8> kApplicationStatusNames = {{
    {"draft", ApplicationStatus::kDraft},
    {"submitted", ApplicationStatus::kSubmitted},
    {"under_review", ApplicationStatus::kUnderReview},
    {"approved", ApplicationStatus::kApproved},
    {"rejected", ApplicationStatus::kRejected},
    {"returned_for_info", ApplicationStatus::kReturnedForInfo},
    {"issued", ApplicationStatus::kIssued},
    {"withdrawn", ApplicationStatus::kWithdrawn},
}};
static_assert(IsNameTable(kApplicationStatusNames));
const char* ApplicationStatusName(ApplicationStatus status);

struct HistoryEntry {
  ApplicationStatus status = ApplicationStatus::kDraft;  // the status entered
  Timestamp at = 0;
  std::string actor = {};
  std::string reason = {};
  std::string stage = {};  // staged review: the stage this approval signed
  friend bool operator==(const HistoryEntry&, const HistoryEntry&) = default;
};

struct Application {
  FileApplication filed;
  ApplicationStatus status = ApplicationStatus::kDraft;
  Money approved{};
  std::vector<HistoryEntry> history = {};
  // Staged review (ProgrammeRules::review), while under review: the stage
  // it waits at, who prepared it (started the review), and who approved
  // so far (earlier stages, and a first approval of the last one).
  uint32_t stage = 0;
  std::string prepared_by = {};
  std::vector<std::string> approved_by = {};
  Money first_approval{};  // the amount of a first of two last-stage approvals
  friend bool operator==(const Application&, const Application&) = default;
};

// The stage roles that take `step` on `a` (an operator's step: not submit
// or withdraw): every role when the programme has no review stages; else
// a reviewer starts the review, each stage's approval is its role's, a
// rejection or a return the stage's role's or a reviewer's, the issue an
// approver's or finance's.
std::vector<StageRole> RolesFor(const ProgrammeRules& rules, const Application& a, Step step);

// The review stage `a` waits at: under review in a programme with review
// stages; null otherwise.
const ReviewStage* StageOf(const ProgrammeRules& rules, const Application& a);

enum class VoucherStatus : uint8_t {
  kApproved = 0,  // the budget is held; not spendable yet
  kLive,          // issued; spendable until expires_at
  kExpired,
  kRevoked,
};
inline constexpr std::array<EnumName<VoucherStatus>, 4> kVoucherStatusNames = {{
    {"approved", VoucherStatus::kApproved},
    {"live", VoucherStatus::kLive},
    {"expired", VoucherStatus::kExpired},
    {"revoked", VoucherStatus::kRevoked},
}};
static_assert(IsNameTable(kVoucherStatusNames));
const char* VoucherStatusName(VoucherStatus status);

// A voucher is the application that created it: same id.
struct Voucher {
  VoucherId id{};
  ProgrammeId programme{};
  EnterpriseId holder{};
  Money amount{};      // granted
  TransferId grant{};  // the approval's hold on the budget
  int32_t year = 0;    // the year of the approval: yearly budgets and caps count it there
  Timestamp issued_at = 0;
  Timestamp expires_at = 0;  // pays for spend strictly before this
  VoucherStatus status = VoucherStatus::kApproved;
  std::string reason = {};  // why it was revoked
  // The programme's version in force at the approval (lifecycle.h): its
  // terms are the voucher's for life, whatever later amendments say.
  uint32_t version = 1;
  friend bool operator==(const Voucher&, const Voucher&) = default;
};

// A voucher's status as of `now`: a live voucher past its validity is
// expired, even before the engine's clock has swept it.
VoucherStatus StatusAt(const Voucher& v, Timestamp now);

// One hold of a claim. Metered orders post it bit by bit (Book::Charge):
// each post is followed by a fresh hold of what is left, so `transfer` is
// the hold now open and `amount - posted` what it holds.
struct ClaimHold {
  ProgrammeId programme{};
  VoucherId voucher{};  // zero: an automatic grant, held on the budget
  TransferId transfer{};
  Money amount{};  // held at redemption; after settlement, what was spent
  Money posted{};  // posted so far
  friend bool operator==(const ClaimHold&, const ClaimHold&) = default;
};

enum class ClaimStatus : uint8_t { kHeld = 0, kCaptured, kVoided, kClawedBack };
inline constexpr std::array<EnumName<ClaimStatus>, 4> kClaimStatusNames = {{
    {"held", ClaimStatus::kHeld},
    {"captured", ClaimStatus::kCaptured},
    {"voided", ClaimStatus::kVoided},
    {"clawed_back", ClaimStatus::kClawedBack},
}};
static_assert(IsNameTable(kClaimStatusNames));
const char* ClaimStatusName(ClaimStatus status);

struct ClaimShare {
  ProgrammeId programme{};
  JurisdictionId issuer{};
  Money amount{};
  friend bool operator==(const ClaimShare&, const ClaimShare&) = default;
};

struct Claim {
  Redeem request;
  Timestamp at = 0;
  int32_t year = 0;  // the calendar year (China Standard Time) the usage counts in
  Money subsidy{};
  std::vector<ClaimShare> shares = {};
  std::vector<ClaimHold> holds = {};
  ClaimStatus status = ClaimStatus::kHeld;
  std::string reason = {};  // clawback
  friend bool operator==(const Claim&, const Claim&) = default;
};

// What a claim still holds on its vouchers and budgets: Σ amount − posted
// over its holds while it is held; zero once captured, voided or clawed back.
Money HeldBy(const Claim& claim);

struct BlacklistEntry {
  Timestamp at = 0;
  std::string actor = {};
  std::string reason = {};
  friend bool operator==(const BlacklistEntry&, const BlacklistEntry&) = default;
};

// What the subsidy calculation needs for a claim, before its amount is
// known: the programmes that apply and the vouchers they draw on, or the
// refusal. Quotes across many pools of one provider prepare once and price
// each pool with ComputeSubsidy (subsidy.h).
// A programme left out of a claim, and the rule that left it out.
struct LeftOut {
  ProgrammeId programme{};
  Outcome why;
};

struct SubsidyTerms {
  Outcome refusal;                  // code kOk: `request` is ready (set its amount)
  SubsidyRequest request;           // amount as in the claim
  std::string notes;                // programmes left out, and why
  std::vector<LeftOut> left_out{};  // the same, one by one
};

// The calendar year of `at` in China Standard Time (UTC+8): yearly caps and
// budgets count in it.
int32_t YearOf(Timestamp at);

// Wire forms of the commands, for the engine's journal (codec.h's rules).
void EncodeFileApplication(Writer& w, const FileApplication& c);
bool DecodeFileApplication(Reader& r, FileApplication* c);
void EncodeReviewApplication(Writer& w, const ReviewApplication& c);
bool DecodeReviewApplication(Reader& r, ReviewApplication* c);
void EncodeReviewApplications(Writer& w, const ReviewApplications& c);
bool DecodeReviewApplications(Reader& r, ReviewApplications* c);
void EncodeRedeem(Writer& w, const Redeem& c);
bool DecodeRedeem(Reader& r, Redeem* c);
// A claim's facility and its kind (journal tag 49 appends them to tag 10's
// body; snapshots always carry them).
void EncodeRedeemFacility(Writer& w, const Redeem& c);
bool DecodeRedeemFacility(Reader& r, Redeem* c);
void EncodeSettleClaim(Writer& w, const SettleClaim& c);
bool DecodeSettleClaim(Reader& r, SettleClaim* c);
void EncodeExpireVouchers(Writer& w, const ExpireVouchers& c);
bool DecodeExpireVouchers(Reader& r, ExpireVouchers* c);
void EncodeRevokeVoucher(Writer& w, const RevokeVoucher& c);
bool DecodeRevokeVoucher(Reader& r, RevokeVoucher* c);
// Journal tag 14 has no archived claim; tag 62 appends it.
void EncodeClawback(Writer& w, const Clawback& c);
bool DecodeClawback(Reader& r, Clawback* c);
void EncodeClawbackArchived(Writer& w, const Clawback& c);
bool DecodeClawbackArchived(Reader& r, Clawback* c);
// A claim's canonical encoding: snapshots, and the store's archive of
// claims that left memory.
void EncodeClaim(Writer& w, const Claim& c);
bool DecodeClaim(Reader& r, Claim* c);
void EncodeSetBlacklist(Writer& w, const SetBlacklist& c);
bool DecodeSetBlacklist(Reader& r, SetBlacklist* c);

// --- The book -------------------------------------------------------------------

class Book {
 public:
  // Registry hooks: the funding account of a new jurisdiction; the budget,
  // payable and lapsed accounts of a new programme, and its funding.
  // Call only after the registry accepted the record.
  void OpenJurisdiction(const Jurisdiction& j, Timestamp ts, ledger::Ledger& ledger);
  void OpenProgramme(const ProgrammeRules& p, const Registry& registry, Timestamp ts,
                     ledger::Ledger& ledger);
  static constexpr size_t kOpenProgrammeEvents = 4;

  Outcome Apply(const FileApplication& c, const Registry& registry, Timestamp ts);
  BulkOutcome Apply(const ReviewApplications& c, const Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger);
  Outcome Apply(const ReviewApplication& c, const Registry& registry, Timestamp ts,
                ledger::Ledger& ledger);
  Outcome Apply(const Redeem& c, const Registry& registry, Timestamp ts, ledger::Ledger& ledger);
  Outcome Apply(const SettleClaim& c, const Registry& registry, Timestamp ts,
                ledger::Ledger& ledger);
  Outcome Apply(const ExpireVouchers& c, const Registry& registry, Timestamp ts,
                ledger::Ledger& ledger);
  Outcome Apply(const RevokeVoucher& c, const Registry& registry, Timestamp ts,
                ledger::Ledger& ledger);
  Outcome Apply(const Clawback& c, const Registry& registry, Timestamp ts, ledger::Ledger& ledger);
  // The clawback of a claim that left memory (the caller knows: its job
  // was retired and the book no longer holds it): its archived encoding,
  // carried by the command, must be the claim that left — what it counts
  // must be in the sums it left (retired_claims()) — and the claim comes
  // back into memory, clawed back.
  Outcome ClawBackArchived(const Clawback& c, const Registry& registry, Timestamp ts,
                           ledger::Ledger& ledger);
  Outcome Apply(const SetBlacklist& c, const Registry& registry, Timestamp ts);
  // A programme's life (lifecycle.h): the registry keeps the versions and
  // the status, the ledger the budget's moves.
  Outcome Apply(const AmendProgramme& c, Registry& registry, Timestamp ts);
  Outcome Apply(const ChangeProgramme& c, Registry& registry, Timestamp ts, ledger::Ledger& ledger);

  // Metering: the claim's subsidy for the usage so far is `subsidy_to_date`
  // (cumulative, never more than the claim's subsidy): posts the increment,
  // spread over the holds in proportion to what each still holds, and
  // re-holds the rest. Returns the increment per programme (empty when
  // nothing changed). At most kChargeEvents timestamps from `ts`.
  std::vector<ClaimShare> Charge(ClaimId id, Money subsidy_to_date, Timestamp ts,
                                 ledger::Ledger& ledger);
  static constexpr size_t kChargeEvents = 2 * kMaxClaimHolds;

  SubsidyTerms PrepareSubsidy(const Redeem& c, const Registry& registry, Timestamp ts,
                              const ledger::Ledger& ledger) const;
  // The subsidy a claim would get now, without placing anything (quotes):
  // the same checks and calculation as Redeem, nothing changed.
  Outcome Quote(const Redeem& c, const Registry& registry, Timestamp ts,
                const ledger::Ledger& ledger) const;

  // When the next live voucher's validity ends, if any is live.
  std::optional<Timestamp> NextExpiry() const;
  // Live vouchers whose validity ends in (after, upto], by expiry.
  std::vector<VoucherId> LiveExpiringIn(Timestamp after, Timestamp upto) const;

  const Application* FindApplication(ApplicationId id) const;
  const Voucher* FindVoucher(VoucherId id) const;
  const Claim* FindClaim(ClaimId id) const;
  // Whether any claim was made on `order` (orders are one id space: a
  // direct order and a job never share an id), of those in memory.
  bool HasClaimsOn(OrderId order) const { return claims_by_order_.count(order) != 0; }
  const BlacklistEntry* FindBlacklisted(EnterpriseId id) const;
  const std::map<ApplicationId, Application>& applications() const { return applications_; }
  const std::map<VoucherId, Voucher>& vouchers() const { return vouchers_; }
  const std::map<ClaimId, Claim>& claims() const { return claims_; }
  // What held claims still hold (Σ amount − posted over the holds of every
  // claim in kHeld): a running total kept by each change of a claim, equal
  // to summing claims() (metrics).
  Money held_total() const { return held_total_; }
  // What the readers of claims count of those that left memory.
  const RetiredClaims& retired_claims() const { return retired_; }
  // Claim `id` leaves memory: appended to `out` (for the store's archive)
  // and counted in retired_claims(). False, and nothing changes, when the
  // book does not hold it, it is still held (it stays, to be settled) or
  // clawed back (few; they stay).
  bool RetireClaim(ClaimId id, std::vector<Claim>* out);
  // Subsidy used per (programme, enterprise, year): held and captured claims.
  const std::map<std::tuple<ProgrammeId, EnterpriseId, int32_t>, Money>& usage() const {
    return usage_;
  }

  // Subsidy used by `enterprise` alone in `programme` during `year`
  // (held and captured claims), and by its cap group (controls.h).
  Money UsedBy(ProgrammeId programme, EnterpriseId enterprise, int32_t year) const;
  Money UsedByGroup(ProgrammeId programme, EnterpriseId enterprise, int32_t year,
                    const Registry& registry) const;
  // Spendable now: posted credits less posted and held debits.
  static Money Available(const ledger::Ledger& ledger, AccountId account);

  // A fresh id for a platform transfer (the scheduler's co-pay holds use
  // the book's counter too, so ids never collide).
  TransferId NextTransferId();

  // Batches, in step with the ledger's (ledger/ledger.h).
  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  // Canonical encoding (snapshots, state hash).
  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Book* out);

  bool operator==(const Book& o) const;

 private:
  using UsageKey = std::tuple<ProgrammeId, EnterpriseId, int32_t>;
  using YearKey = std::pair<ProgrammeId, int32_t>;
  struct Plan;  // a redemption worked out before anything is changed
  static Outcome Explained(Plan plan);

  Outcome Submit(Application app, const ReviewApplication& c, const Registry& registry,
                 Timestamp ts);
  // The grant: the voucher approved and its amount held on the budget.
  // `stage`: the review stage whose approval completes it, if staged.
  Outcome Approve(Application app, const ReviewApplication& c, const Registry& registry,
                  Timestamp ts, ledger::Ledger& ledger, std::string stage = {});
  Outcome Issue(Application app, const ReviewApplication& c, const Registry& registry, Timestamp ts,
                ledger::Ledger& ledger);
  Outcome Move(Application app, const ReviewApplication& c, ApplicationStatus to, Timestamp ts,
               std::string stage = {});
  // An approval in a programme with review stages (ProgrammeRules::review).
  Outcome ApproveStage(Application app, const ReviewApplication& c, const Registry& registry,
                       Timestamp ts, ledger::Ledger& ledger);
  Plan PlanRedemption(const Redeem& c, const Registry& registry, Timestamp ts,
                      const ledger::Ledger& ledger) const;
  std::vector<ProgrammeTerms> ApplicableTerms(const Redeem& c, const Registry& registry,
                                              Timestamp ts, const ledger::Ledger& ledger,
                                              std::vector<VoucherBalance>* vouchers,
                                              std::vector<LeftOut>* excluded,
                                              uint32_t* ceiling_bp) const;
  std::vector<JurisdictionId> AlreadyPaid(OrderId order) const;
  // Moves what `voucher` has left (not held) to the budget or lapsed.
  void Sweep(const Voucher& voucher, const ProgrammeRules& rules, MoneyCode code, Timestamp ts,
             ledger::Ledger& ledger);

  void PutVoucher(Voucher v);             // vouchers_ and the indexes, with undo
  void StoreClaim(Claim claim);           // claims_ and held_total_, with undo
  void IndexByOrder(const Claim& claim);  // claims_by_order_, with undo
  // Adds (sign +1) or takes back (-1) what `claim` counts in retired_, with
  // undo; RetiredCovers says whether retired_ holds all of it.
  void CountRetired(const Claim& claim, int sign);
  bool RetiredCovers(const Claim& claim) const;
  // The clawback itself, of a claim in memory or, `from_archive`, one
  // that left memory (it comes back).
  Outcome ClawBack(Claim claim, const Clawback& c, const Registry& registry, Timestamp ts,
                   ledger::Ledger& ledger, bool from_archive);
  void AddUsage(ProgrammeId p, EnterpriseId e, int32_t year, int64_t fen);
  void AddGranted(ProgrammeId p, int32_t year, int64_t fen);
  Money GrantedInYear(ProgrammeId p, int32_t year) const;
  Money GrantedToGroup(ProgrammeId p, EnterpriseId e, int32_t year, const Registry& registry) const;
  AccountId ReceivableFor(ProgrammeId p, EnterpriseId e, const Registry& registry, Timestamp ts,
                          ledger::Ledger& ledger);

  std::map<ApplicationId, Application> applications_;
  std::map<VoucherId, Voucher> vouchers_;
  // Derived indexes (rebuilt on decode): each holder's vouchers, and the
  // live vouchers by expiry, so that claims and expiry do not scan them all.
  std::map<EnterpriseId, std::vector<VoucherId>> by_holder_;
  std::set<std::pair<Timestamp, VoucherId>> live_by_expiry_;
  std::map<ClaimId, Claim> claims_;
  Money held_total_{};  // derived: what held claims hold (rebuilt on decode)
  std::map<OrderId, std::vector<ClaimId>> claims_by_order_;
  std::map<UsageKey, Money> usage_;
  std::map<YearKey, Money> granted_;  // approvals and automatic grants, per year
  std::map<EnterpriseId, BlacklistEntry> blacklist_;
  std::map<std::pair<ProgrammeId, EnterpriseId>, AccountId> receivables_;
  RetiredClaims retired_;
  uint64_t next_seq_ = 1;  // system transfer ids and receivable accounts
  UndoLog undo_;
};

}  // namespace bg::programme
