// Proposal rounds as a user office runs them (issue 19, docs/facilities.md,
// reference/wave2.md §D), one journaled command per step, on the domain
// logic of round.h (reviewers, ranking, allocation) and slots.h (placing
// allocated hours into shifts):
//
//   OpenCall        the user office opens a call: a window for proposals,
//                   a period of 8-hour shifts, the facilities and the share
//                   of their open shifts it offers
//   SubmitProposal  an applicant asks for hours on facilities of one kind,
//                   within windows it can come; refused when the call
//                   requires outputs and the applicant has used an earlier
//                   allocation without reporting any
//   ReviewProposal  admin check, then feasibility (pass, or fail with a
//                   reason, which ends the proposal); then each assigned
//                   reviewer's score (1-5, once)
//   RegisterReviewer an expert of an institution, with declared relations
//   CloseRound      assign: reviewers for every feasible proposal (none
//                   with a conflict of interest); allocate: rank, allocate
//                   within each facility's offer, place into shifts — the
//                   state books each placed shift (bookings.h, `round`)
//   ReportOutputs   the applicant's papers, patents, datasets after use
//   RecordTraining  an institution attests that a user passed the safety
//                   training its facility requires, valid until a time;
//                   check-in at that facility needs it (state_facility.cc)
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/codec.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/undo_log.h"
#include "facility/bookings.h"
#include "facility/registry.h"
#include "programme/registry.h"

namespace bg::facility {

inline constexpr uint32_t kShiftHours = 8;
inline constexpr uint32_t kMaxRoundId = 65'535;
inline constexpr uint32_t kMaxRoundDays = 92;
inline constexpr uint32_t kMaxProposalWindows = 8;
inline constexpr uint32_t kMaxProposalFacilities = 8;
inline constexpr uint32_t kMaxOutputs = 32;
inline constexpr uint32_t kMaxRoundFacilities = 512;
// A round's bookings take ids of their own, above every id a client may
// choose for a job or a direct booking (those are below 2^53, exact in
// JSON): 2^53 + round << 36 + n.
inline constexpr uint64_t kRoundBookingBase = uint64_t{1} << 53;
OrderId RoundBookingId(uint32_t round, uint64_t n);

struct OpenCall {
  uint32_t round = 0;  // 1 to kMaxRoundId
  std::string name = {};
  Timestamp proposals_from = 0;   // proposals are taken in [from, until)
  Timestamp proposals_until = 0;  // then screening and review
  Timestamp period_start = 0;     // the shifts allocated: on the hour, after `until`
  uint32_t days = 0;              // 1 to kMaxRoundDays
  std::vector<FacilityId> facilities = {};
  uint32_t offered_percent = 100;  // of each facility's open shifts × capacity
  uint32_t min_hours = kShiftHours;
  uint32_t reviewers_per_proposal = 2;
  bool outputs_required = false;
  std::string actor = {};
  friend bool operator==(const OpenCall&, const OpenCall&) = default;
};

// When the applicant's team can come: [from, until).
struct ProposalWindow {
  Timestamp from = 0;
  Timestamp until = 0;
  friend bool operator==(const ProposalWindow&, const ProposalWindow&) = default;
};

struct SubmitProposal {
  uint64_t id = 0;  // 1 to 2^53 - 1
  uint32_t round = 0;
  EnterpriseId applicant{};  // a university, institute or firm
  std::string title = {};
  std::vector<FacilityId> facilities = {};  // any of these, all of one kind
  uint32_t hours = 0;                       // whole shifts
  std::vector<ProposalWindow> windows = {};
  std::string actor = {};
  friend bool operator==(const SubmitProposal&, const SubmitProposal&) = default;
};

enum class ReviewStep : uint8_t { kAdminCheck = 0, kFeasibility, kScore };
inline constexpr std::array<EnumName<ReviewStep>, 3> kReviewStepNames = {{
    {"admin_check", ReviewStep::kAdminCheck},
    {"feasibility", ReviewStep::kFeasibility},
    {"score", ReviewStep::kScore},
}};
static_assert(IsNameTable(kReviewStepNames));

struct ReviewProposal {
  uint64_t proposal = 0;
  ReviewStep step = ReviewStep::kAdminCheck;
  bool pass = true;       // checks: passed; a failure needs a reason
  uint32_t reviewer = 0;  // score: who scores
  uint32_t score = 0;     // score: 1 (poor) to 5 (outstanding)
  std::string reason = {};
  std::string actor = {};
  friend bool operator==(const ReviewProposal&, const ReviewProposal&) = default;
};

struct RegisterReviewer {
  uint32_t id = 0;
  std::string name = {};                   // as the alliance lists its experts
  ProviderId institution{};                // a university or institute of the alliance
  std::vector<EnterpriseId> related = {};  // declared: applicants they may not review
  std::vector<FacilityKind> kinds = {};    // what they know
  uint32_t max_load = 10;                  // proposals a round at most
  friend bool operator==(const RegisterReviewer&, const RegisterReviewer&) = default;
};

enum class RoundStep : uint8_t { kAssign = 0, kAllocate };
inline constexpr std::array<EnumName<RoundStep>, 2> kRoundStepNames = {{
    {"assign", RoundStep::kAssign},
    {"allocate", RoundStep::kAllocate},
}};
static_assert(IsNameTable(kRoundStepNames));

struct CloseRound {
  uint32_t round = 0;
  RoundStep step = RoundStep::kAssign;
  std::string actor = {};
  friend bool operator==(const CloseRound&, const CloseRound&) = default;
};

enum class OutputKind : uint8_t { kPaper = 0, kPatent, kDataset, kReport };
inline constexpr std::array<EnumName<OutputKind>, 4> kOutputKindNames = {{
    {"paper", OutputKind::kPaper},
    {"patent", OutputKind::kPatent},
    {"dataset", OutputKind::kDataset},
    {"report", OutputKind::kReport},
}};
static_assert(IsNameTable(kOutputKindNames));

struct Output {
  OutputKind kind = OutputKind::kPaper;
  std::string reference = {};  // a DOI, a patent number, a dataset's address
  friend bool operator==(const Output&, const Output&) = default;
};

struct ReportOutputs {
  uint64_t proposal = 0;
  std::vector<Output> outputs = {};
  std::string actor = {};
  friend bool operator==(const ReportOutputs&, const ReportOutputs&) = default;
};

// baygrid keeps no personal details: the training is held by the user's
// account (its university, institute or firm), as bookings are; which of
// its people sat the course stays in the institution's own files.
struct RecordTraining {
  uint64_t id = 0;  // 1 to 2^53 - 1; a renewal is a new record
  EnterpriseId user{};
  std::string training = {};  // as the facility names it (registry.h)
  ProviderId by{};            // the institution whose facility requires it
  Timestamp valid_until = 0;  // check-in is allowed before this time
  std::string actor = {};
  friend bool operator==(const RecordTraining&, const RecordTraining&) = default;
};

struct Training {
  RecordTraining request;
  Timestamp recorded_at = 0;
  friend bool operator==(const Training&, const Training&) = default;
};

enum class RoundStatus : uint8_t { kOpen = 0, kInReview, kAllocated };
inline constexpr std::array<EnumName<RoundStatus>, 3> kRoundStatusNames = {{
    {"open", RoundStatus::kOpen},
    {"in_review", RoundStatus::kInReview},
    {"allocated", RoundStatus::kAllocated},
}};
static_assert(IsNameTable(kRoundStatusNames));

enum class ProposalStatus : uint8_t {
  kSubmitted = 0,
  kChecked,   // passed the admin check
  kFeasible,  // passed feasibility
  kInReview,  // reviewers assigned
  kAllocated,
  kNotAllocated,
  kRejected,  // failed a check
};
inline constexpr std::array<EnumName<ProposalStatus>, 7> kProposalStatusNames = {{
    {"submitted", ProposalStatus::kSubmitted},
    {"checked", ProposalStatus::kChecked},
    {"feasible", ProposalStatus::kFeasible},
    {"in_review", ProposalStatus::kInReview},
    {"allocated", ProposalStatus::kAllocated},
    {"not_allocated", ProposalStatus::kNotAllocated},
    {"rejected", ProposalStatus::kRejected},
}};
static_assert(IsNameTable(kProposalStatusNames));

struct Score {
  uint32_t reviewer = 0;
  uint32_t score = 0;
  friend bool operator==(const Score&, const Score&) = default;
};

struct Proposal {
  SubmitProposal request;
  ProposalStatus status = ProposalStatus::kSubmitted;
  FacilityKind kind = FacilityKind::kTestLab;
  Timestamp submitted_at = 0;
  std::string why = {};  // a failed check's reason; an allocation's or placement's shortfall
  std::vector<uint32_t> reviewers = {};  // assigned, ascending
  std::vector<Score> scores = {};
  uint32_t rank = 0;        // after allocation: 0 is best
  uint32_t mean_centi = 0;  // the mean score × 100
  uint32_t allocated_hours = 0;
  std::vector<OrderId> bookings = {};  // its placed shifts
  std::vector<Output> outputs = {};
  Timestamp outputs_at = 0;
  friend bool operator==(const Proposal&, const Proposal&) = default;
};

struct Round {
  OpenCall call;
  RoundStatus status = RoundStatus::kOpen;
  Timestamp opened_at = 0;
  std::vector<uint64_t> proposals = {};  // in submission order
  // Conflicts of interest the assignment stepped around, in all.
  uint32_t conflicts_excluded = 0;
  friend bool operator==(const Round&, const Round&) = default;
};

// A registered reviewer (round.h's Reviewer is its view for one round).
struct Expert {
  RegisterReviewer request;
  friend bool operator==(const Expert&, const Expert&) = default;
};

enum class RoundCode : uint8_t {
  kOk = 0,
  kExists,
  kExistsWithDifferentBody,
  kInvalid,  // a field out of range: the message names it
  kUnknownRound,
  kUnknownProposal,
  kUnknownReviewer,
  kUnknownFacility,
  kUnknownApplicant,
  kUnknownInstitution,
  kOutsideWindow,   // the call takes no proposals now
  kWrongStep,       // not from where the proposal or round stands
  kOutputsMissing,  // an earlier allocation used without outputs reported
  kNotAssigned,     // a score from a reviewer not assigned to the proposal
  kIdTaken,         // a round booking's id is an order's already
};
inline constexpr std::array<EnumName<RoundCode>, 15> kRoundCodeNames = {{
    {"ok", RoundCode::kOk},
    {"exists", RoundCode::kExists},
    {"exists_with_different_body", RoundCode::kExistsWithDifferentBody},
    {"invalid", RoundCode::kInvalid},
    {"unknown_round", RoundCode::kUnknownRound},
    {"unknown_proposal", RoundCode::kUnknownProposal},
    {"unknown_reviewer", RoundCode::kUnknownReviewer},
    {"unknown_facility", RoundCode::kUnknownFacility},
    {"unknown_applicant", RoundCode::kUnknownApplicant},
    {"unknown_institution", RoundCode::kUnknownInstitution},
    {"outside_window", RoundCode::kOutsideWindow},
    {"wrong_step", RoundCode::kWrongStep},
    {"outputs_missing", RoundCode::kOutputsMissing},
    {"not_assigned", RoundCode::kNotAssigned},
    {"id_taken", RoundCode::kIdTaken},
}};
static_assert(IsNameTable(kRoundCodeNames));

struct RoundOutcome {
  RoundCode code = RoundCode::kOk;
  std::string message = {};  // names the rule for every refusal
  bool ok() const { return code == RoundCode::kOk || code == RoundCode::kExists; }
};

// What the rounds read of the rest of the world (the state's).
struct RoundWorld {
  const programme::Registry* registry = nullptr;
  const Facilities* facilities = nullptr;
  const Bookings* bookings = nullptr;
};

// An allocation decided (CloseRound allocate), before the state books it.
struct RoundPlan {
  struct Of {
    uint64_t proposal = 0;
    uint32_t rank = 0;
    uint32_t mean_centi = 0;
    uint32_t hours = 0;  // allocated
    std::vector<OrderId> bookings = {};
    std::string why = {};
  };
  std::vector<Of> proposals = {};           // the round's reviewed proposals
  std::vector<BookFacility> bookings = {};  // one per placed shift
};

class Rounds {
 public:
  RoundOutcome Apply(const OpenCall& c, const RoundWorld& w, Timestamp ts);
  RoundOutcome Apply(const SubmitProposal& c, const RoundWorld& w, Timestamp ts);
  RoundOutcome Apply(const ReviewProposal& c, Timestamp ts);
  RoundOutcome Apply(const RegisterReviewer& c, const RoundWorld& w);
  RoundOutcome Apply(const ReportOutputs& c, Timestamp ts);
  // A renewal is a new record; the latest expiry of a training counts.
  RoundOutcome Apply(const RecordTraining& c, const RoundWorld& w, Timestamp ts);
  // CloseRound assign: applied here. CloseRound allocate: Plan() decides,
  // the state books the plan's shifts, then Record() keeps it.
  RoundOutcome Assign(const CloseRound& c, const RoundWorld& w, Timestamp ts);
  Result<RoundPlan> Plan(const CloseRound& c, const RoundWorld& w, Timestamp ts,
                         RoundOutcome* refused) const;
  RoundOutcome Record(uint32_t round, const RoundPlan& plan);

  const Round* FindRound(uint32_t id) const;
  const Proposal* FindProposal(uint64_t id) const;
  const Expert* FindReviewer(uint32_t id) const;
  const std::map<uint64_t, Round>& rounds() const { return rounds_; }
  const std::map<uint64_t, Proposal>& proposals() const { return proposals_; }
  const std::map<uint64_t, Expert>& reviewers() const { return reviewers_; }
  const std::map<uint64_t, Training>& trainings() const { return trainings_; }
  // Why `user` may not use a facility requiring `training` at `at`, or
  // empty when it may (no training required, or a record valid then).
  std::string TrainingMissing(EnterpriseId user, const std::string& training, Timestamp at) const;

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Rounds* out);
  bool operator==(const Rounds& o) const {
    return rounds_ == o.rounds_ && proposals_ == o.proposals_ && reviewers_ == o.reviewers_ &&
           trainings_ == o.trainings_;
  }

 private:
  // The applicant's earlier allocation it used without reporting outputs.
  const Proposal* OwesOutputs(EnterpriseId applicant, const Bookings& bookings) const;

  // Keyed by uint64_t as every paged list is (api/handlers.h Page).
  std::map<uint64_t, Round> rounds_;
  std::map<uint64_t, Proposal> proposals_;
  std::map<uint64_t, Expert> reviewers_;
  std::map<uint64_t, Training> trainings_;
  // Derived (rebuilt on decode): the latest expiry of each user's training.
  using TrainingKey = std::pair<EnterpriseId, std::string>;
  std::map<TrainingKey, Timestamp> trained_until_;
  UndoLog undo_;
};

// The institution of a user for conflicts of interest: the provider of the
// same legal person (one credit code), or nothing (a firm is its own).
ProviderId InstitutionOf(const programme::Registry& registry, EnterpriseId user);

void EncodeOpenCall(Writer& w, const OpenCall& c);
bool DecodeOpenCall(Reader& r, OpenCall* c);
void EncodeSubmitProposal(Writer& w, const SubmitProposal& c);
bool DecodeSubmitProposal(Reader& r, SubmitProposal* c);
void EncodeReviewProposal(Writer& w, const ReviewProposal& c);
bool DecodeReviewProposal(Reader& r, ReviewProposal* c);
void EncodeRegisterReviewer(Writer& w, const RegisterReviewer& c);
bool DecodeRegisterReviewer(Reader& r, RegisterReviewer* c);
void EncodeCloseRound(Writer& w, const CloseRound& c);
bool DecodeCloseRound(Reader& r, CloseRound* c);
void EncodeReportOutputs(Writer& w, const ReportOutputs& c);
bool DecodeReportOutputs(Reader& r, ReportOutputs* c);
void EncodeRecordTraining(Writer& w, const RecordTraining& c);
bool DecodeRecordTraining(Reader& r, RecordTraining* c);

}  // namespace bg::facility
