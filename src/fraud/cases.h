// Fraud audit cases (docs/settlement.md, "Audit cases"). Detectors look at
// the state for what the programme rules forbid or what an auditor should
// see, and each finding becomes a case an auditor can list and close with a
// resolution:
//
//   capacity       a pool's metered usage needed more cards at once than the
//                  pool has (usage that could not have happened)
//   related_party  subsidised spend by an enterprise at a provider that
//                  declared it (or an enterprise linked to it) related
//   double_claim   one order claimed more than once (a second claim, even
//                  a refused or empty one, is an attempt worth a look)
//   expiry_burst   at least half of a voucher redeemed in the last seven
//                  days before it expires
//
// Detection is a command (ScanForFraud), applied by the writer like any
// other, so the cases are journaled and replay opens the same ones; a
// finding already on file (same kind and subject) opens nothing new.
// Controls stop most of these before money moves (a related party gets no
// subsidy, one jurisdiction pays once per order); the cases record attempts
// and anything the controls could not see when it happened.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/codec.h"
#include "common/enum_names.h"
#include "common/undo_log.h"

namespace bg::fraud {

enum class Kind : uint8_t { kCapacity = 0, kRelatedParty, kDoubleClaim, kExpiryBurst };
inline constexpr std::array<EnumName<Kind>, 4> kKindNames = {{
    {"capacity", Kind::kCapacity},
    {"related_party", Kind::kRelatedParty},
    {"double_claim", Kind::kDoubleClaim},
    {"expiry_burst", Kind::kExpiryBurst},
}};
static_assert(IsNameTable(kKindNames));
const char* KindName(Kind k);

struct Finding {
  Kind kind = Kind::kCapacity;
  uint64_t subject = 0;  // pool, order, order or voucher id
  std::string detail;
  friend bool operator==(const Finding&, const Finding&) = default;
};

struct Case {
  uint64_t id = 0;
  Finding finding;
  Timestamp opened_at = 0;
  bool closed = false;
  Timestamp closed_at = 0;
  std::string closed_by = {};
  std::string resolution = {};
  friend bool operator==(const Case&, const Case&) = default;
};

struct ScanForFraud {
  friend bool operator==(const ScanForFraud&, const ScanForFraud&) = default;
};
struct CloseAuditCase {
  uint64_t id = 0;
  std::string actor = {};
  std::string resolution = {};
  friend bool operator==(const CloseAuditCase&, const CloseAuditCase&) = default;
};

enum class Code : uint8_t { kOk = 0, kUnknownCase, kAlreadyClosed, kResolutionRequired };
inline constexpr std::array<EnumName<Code>, 4> kCodeNames = {{
    {"ok", Code::kOk},
    {"unknown_case", Code::kUnknownCase},
    {"already_closed", Code::kAlreadyClosed},
    {"resolution_required", Code::kResolutionRequired},
}};
static_assert(IsNameTable(kCodeNames));
const char* CodeName(Code c);

struct Outcome {
  Code code = Code::kOk;
  std::string message = {};
  size_t opened = 0;  // ScanForFraud: new cases
};

class Cases {
 public:
  // Opens a case for each finding not on file; returns how many.
  size_t Open(const std::vector<Finding>& findings, Timestamp ts);
  Outcome Apply(const CloseAuditCase& c, Timestamp ts);

  const std::map<uint64_t, Case>& cases() const { return cases_; }

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Cases* out);
  bool operator==(const Cases& o) const { return cases_ == o.cases_; }

 private:
  std::map<uint64_t, Case> cases_;
  std::map<std::pair<Kind, uint64_t>, uint64_t> by_subject_;  // derived
  UndoLog undo_;
};

// The most cards in use at once over intervals [start, end) of `cards`
// each, and the first second it is reached (a capacity detector's sweep;
// an interval ending when another starts does not overlap it).
struct Interval {
  uint64_t start = 0;
  uint64_t end = 0;
  uint32_t cards = 0;
};
std::pair<uint64_t, uint64_t> PeakCards(const std::vector<Interval>& intervals);

void EncodeCloseAuditCase(Writer& w, const CloseAuditCase& c);
bool DecodeCloseAuditCase(Reader& r, CloseAuditCase* c);

}  // namespace bg::fraud
