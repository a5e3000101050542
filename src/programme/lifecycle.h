// A programme's life after its creation, as bureaus run it: its terms are
// amended (a new version from an effective date — vouchers already issued
// keep the terms of the version they were granted under), its budget is
// topped up or cut, it is suspended and resumed, and finally closed; its
// provider list (Beijing's 算力伙伴) changes. Each change is a journaled
// command with who and why, kept in the programme's own history.
//
// What a status means:
//
//   active     everything, as created
//   suspended  no filing, submitting, reviewing to approval, or automatic
//              grant (免申即享); vouchers already issued stay spendable —
//              their budget was committed — and approved ones may be issued
//   closed     as suspended, for good; closing returns the uncommitted
//              budget to the issuer's funding
//
// The registry keeps every version (registry.h: VersionAt, FindVersion);
// FindProgramme answers the latest. What every version shares — id, name,
// issuer, level, kind, redemption, settlement cycle, the total budget (top
// up and cut change it in all of them) and the provider list (the
// programme's, not a voucher's term) — an amendment does not change.
//
// Thread-safety: values.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "common/codec.h"
#include "common/enum_names.h"
#include "programme/rules.h"

namespace bg::programme {

enum class ProgrammeStatus : uint8_t { kActive = 0, kSuspended, kClosed };
inline constexpr std::array<EnumName<ProgrammeStatus>, 3> kProgrammeStatusNames = {{
    {"active", ProgrammeStatus::kActive},
    {"suspended", ProgrammeStatus::kSuspended},
    {"closed", ProgrammeStatus::kClosed},
}};
static_assert(IsNameTable(kProgrammeStatusNames));

enum class ProgrammeAction : uint8_t {
  kTopUp = 0,      // funding(issuer) -> budget; the total budget grows
  kCut,            // budget -> funding, at most what is uncommitted
  kSuspend,        // active -> suspended
  kResume,         // suspended -> active
  kClose,          // active or suspended -> closed; the uncommitted budget returns
  kListProvider,   // a provider joins the programme's list
  kDelistProvider  // a provider leaves it (claims already held stay)
};
inline constexpr std::array<EnumName<ProgrammeAction>, 7> kProgrammeActionNames = {{
    {"top_up", ProgrammeAction::kTopUp},
    {"cut", ProgrammeAction::kCut},
    {"suspend", ProgrammeAction::kSuspend},
    {"resume", ProgrammeAction::kResume},
    {"close", ProgrammeAction::kClose},
    {"list_provider", ProgrammeAction::kListProvider},
    {"delist_provider", ProgrammeAction::kDelistProvider},
}};
static_assert(IsNameTable(kProgrammeActionNames));

// A new version of the programme's terms, in force from `effective_from`
// (now or later, never before the latest version's). `rules` is the whole
// new definition; what every version shares must be unchanged.
struct AmendProgramme {
  ProgrammeRules rules;
  Timestamp effective_from = 0;
  std::string actor = {};
  std::string reason = {};
  friend bool operator==(const AmendProgramme&, const AmendProgramme&) = default;
};

struct ChangeProgramme {
  ProgrammeId programme{};
  ProgrammeAction action = ProgrammeAction::kSuspend;
  Money amount{};         // top up, cut
  ProviderId provider{};  // list, delist
  std::string actor = {};
  std::string reason = {};
  friend bool operator==(const ChangeProgramme&, const ChangeProgramme&) = default;
};

inline constexpr size_t kMaxProgrammeVersions = 64;

struct ProgrammeVersion {
  uint32_t number = 1;
  Timestamp effective_from = 0;  // version 1: 0, from the start
  ProgrammeRules rules;
  friend bool operator==(const ProgrammeVersion&, const ProgrammeVersion&) = default;
};

// One change in the programme's history: "amend" (to `version`) or an
// action's name.
struct ProgrammeEvent {
  Timestamp at = 0;
  std::string what = {};
  uint32_t version = 0;  // amend: the new version
  Money amount{};        // top up, cut, close (what returned)
  ProviderId provider{};
  std::string actor = {};
  std::string reason = {};
  friend bool operator==(const ProgrammeEvent&, const ProgrammeEvent&) = default;
};

struct ProgrammeLife {
  ProgrammeStatus status = ProgrammeStatus::kActive;
  std::vector<ProgrammeVersion> versions = {};  // by number, from 1; never empty
  std::vector<ProgrammeEvent> events = {};
  friend bool operator==(const ProgrammeLife&, const ProgrammeLife&) = default;
};

void EncodeAmendProgramme(Writer& w, const AmendProgramme& c);
bool DecodeAmendProgramme(Reader& r, AmendProgramme* c);
void EncodeChangeProgramme(Writer& w, const ChangeProgramme& c);
bool DecodeChangeProgramme(Reader& r, ChangeProgramme* c);
void EncodeLife(Writer& w, const ProgrammeLife& life);
bool DecodeLife(Reader& r, ProgrammeLife* life);

}  // namespace bg::programme
