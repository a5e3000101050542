// Registry: the participants and programmes known to the engine —
// jurisdictions, enterprises, providers and programme rules — as the
// engine's commands registered them. Adding is deterministic and validated:
// each refusal has its own result code (like the ledger's) and changes
// nothing; an id is registered once (same body again: kExists).
//
// Registrations go through an undo log (common/undo_log.h) like the other
// domains' changes, so that a batch whose commit fails is rolled back.
//
// Thread-safety: none; the engine owns it.
#pragma once

#include <map>
#include <vector>

#include "common/codec.h"
#include "common/undo_log.h"
#include "programme/lifecycle.h"
#include "programme/participants.h"
#include "programme/rules.h"

namespace bg::programme {

enum class RegistryResult : uint8_t {
  kOk = 0,
  kIdMustNotBeZero,
  kExists,
  kExistsWithDifferentBody,
  kUnknownParent,
  kUnknownJurisdiction,
  kInvalidCreditCode,
  kBudgetMustBePositive,
  kValidityMustEndAfterItStarts,
  kRatioAbove100Percent,
  kIdTooLarge,  // above kMaxRecordId (accounts.h): ledger account ids derive from it
  kUnknownProvider,
  kYearlyBudgetAboveTotal,
  kApplicationWindowEmpty,
  kLevelIsNotTheIssuers,
  // One legal entity, one record: the unified social credit code of an
  // enterprise (or provider) already registered under another id. Two
  // records of one entity would each get a full yearly cap.
  kDuplicateCreditCode,
  kAwardCapNeedsApplications,  // a per-award cap on an automatic grant (免申即享 awards nothing)
  kInvalidReviewStages,        // unnamed, same name twice, too many, or on an automatic grant
  kInvalidFacility,            // a shared facility's fields (facility/registry.h)
};

const char* RegistryResultName(RegistryResult r);

class Registry {
 public:
  RegistryResult AddJurisdiction(const Jurisdiction& j);
  RegistryResult AddEnterprise(const Enterprise& e);
  RegistryResult AddProvider(const Provider& p);
  RegistryResult AddProgramme(const ProgrammeRules& p);
  // Whether `p` is a programme the registry would accept, ids aside: its
  // issuer, jurisdictions and providers known, budget, validity, ratios,
  // caps and review sound (AddProgramme's checks; amendments use them).
  RegistryResult CheckRules(const ProgrammeRules& p) const;
  // Replaces the programme's life (lifecycle.h): its status, versions and
  // history; FindProgramme then answers its latest version.
  void PutLife(ProgrammeId id, ProgrammeLife life);

  const Jurisdiction* FindJurisdiction(JurisdictionId id) const;
  const Enterprise* FindEnterprise(EnterpriseId id) const;
  const Provider* FindProvider(ProviderId id) const;
  // The latest version of the programme (lifecycle.h says what every
  // version shares); the terms in force at a time, or those a voucher was
  // granted under, are VersionAt's and FindVersion's.
  const ProgrammeRules* FindProgramme(ProgrammeId id) const;
  const ProgrammeLife* FindLife(ProgrammeId id) const;
  // The version in force at `at`: the latest whose effective_from <= at.
  const ProgrammeVersion* VersionAt(ProgrammeId id, Timestamp at) const;
  const ProgrammeVersion* FindVersion(ProgrammeId id, uint32_t number) const;
  ProgrammeStatus StatusOf(ProgrammeId id) const;
  // The enterprise / provider registered with this credit code, if any.
  const Enterprise* EnterpriseByCreditCode(const std::string& code) const;
  const Provider* ProviderByCreditCode(const std::string& code) const;
  // The enterprises `id` declared related, or that declared `id` related
  // (either side's declaration links them), in order of registration.
  const std::vector<EnterpriseId>& LinksOf(EnterpriseId id) const;

  // The jurisdictions above `id`, nearest first (Huangpu -> Guangzhou,
  // Guangdong).
  std::vector<JurisdictionId> ParentsOf(JurisdictionId id) const;

  const std::map<JurisdictionId, Jurisdiction>& jurisdictions() const { return jurisdictions_; }
  const std::map<EnterpriseId, Enterprise>& enterprises() const { return enterprises_; }
  const std::map<ProviderId, Provider>& providers() const { return providers_; }
  const std::map<ProgrammeId, ProgrammeRules>& programmes() const { return programmes_; }

  // Batches (common/undo_log.h): RollbackBatch removes what every open
  // batch registered.
  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  // Canonical encoding (in id order), part of the engine's snapshots.
  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Registry* out);

  // The records and what is derived from them (not the undo log).
  bool operator==(const Registry& o) const {
    return jurisdictions_ == o.jurisdictions_ && enterprises_ == o.enterprises_ &&
           providers_ == o.providers_ && programmes_ == o.programmes_ && lives_ == o.lives_ &&
           links_ == o.links_ && enterprise_codes_ == o.enterprise_codes_ &&
           provider_codes_ == o.provider_codes_;
  }

 private:
  // Appends `to` to the links of `from`, recording how to take it off.
  void AddLink(EnterpriseId from, EnterpriseId to);

  std::map<JurisdictionId, Jurisdiction> jurisdictions_;
  std::map<EnterpriseId, Enterprise> enterprises_;
  std::map<ProviderId, Provider> providers_;
  std::map<ProgrammeId, ProgrammeRules> programmes_;  // the latest version of each
  std::map<ProgrammeId, ProgrammeLife> lives_;
  // Derived from the enterprises' declarations; rebuilt on decode.
  std::map<EnterpriseId, std::vector<EnterpriseId>> links_;
  // Derived: credit code -> the record holding it; rebuilt on decode.
  std::map<std::string, EnterpriseId> enterprise_codes_;
  std::map<std::string, ProviderId> provider_codes_;
  UndoLog undo_;
};

}  // namespace bg::programme
