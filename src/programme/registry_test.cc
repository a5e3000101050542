// The registry's batches: a rolled-back batch leaves the registry exactly
// as it was, records and what is derived from them (links, credit codes);
// a committed one stays.
#include "programme/registry.h"

#include <gtest/gtest.h>

#include "programme/credit_code.h"

namespace bg::programme {
namespace {

Jurisdiction City(uint64_t id) {
  return {.id = JurisdictionId(id), .code = "city" + std::to_string(id), .name = "City"};
}

Enterprise Firm(uint64_t id, std::vector<EnterpriseId> related = {}) {
  return {.id = EnterpriseId(id),
          .credit_code = SyntheticCreditCode('E', id),
          .name = "Firm " + std::to_string(id),
          .applicant = {.id = EnterpriseId(id), .home = JurisdictionId(1)},
          .related_enterprises = std::move(related)};
}

Provider Seller(uint64_t id) {
  return {.id = ProviderId(id),
          .name = "Seller " + std::to_string(id),
          .credit_code = SyntheticCreditCode('P', id),
          .home = JurisdictionId(1)};
}

ProgrammeRules Programme(uint64_t id) {
  ProgrammeRules p;
  p.id = ProgrammeId(id);
  p.name = "Vouchers";
  p.issuer = JurisdictionId(1);
  p.valid_from = 1;
  p.valid_until = 2;
  p.total_budget = Money::Fen(1'000);
  return p;
}

// Jurisdiction 1, and enterprise 1 declaring 2 related before 2 exists.
Registry Committed() {
  Registry r;
  EXPECT_EQ(r.AddJurisdiction(City(1)), RegistryResult::kOk);
  EXPECT_EQ(r.AddEnterprise(Firm(1, {EnterpriseId(2)})), RegistryResult::kOk);
  return r;
}

TEST(RegistryTest, ARolledBackBatchLeavesTheRegistryExactlyAsItWas) {
  Registry r = Committed();
  const Registry before = r;
  r.BeginBatch();
  ASSERT_EQ(r.AddJurisdiction(City(2)), RegistryResult::kOk);
  ASSERT_EQ(r.AddEnterprise(Firm(2, {EnterpriseId(1), EnterpriseId(3)})), RegistryResult::kOk);
  ASSERT_EQ(r.AddEnterprise(Firm(3)), RegistryResult::kOk);
  ASSERT_EQ(r.AddProvider(Seller(1)), RegistryResult::kOk);
  ASSERT_EQ(r.AddProgramme(Programme(1)), RegistryResult::kOk);
  EXPECT_EQ(r.LinksOf(EnterpriseId(2)),
            (std::vector<EnterpriseId>{EnterpriseId(1), EnterpriseId(1), EnterpriseId(3)}));
  r.RollbackBatch();
  EXPECT_EQ(r, before);
  // Enterprise 1's declaration still links 2, which is not registered.
  EXPECT_EQ(r.LinksOf(EnterpriseId(2)), std::vector<EnterpriseId>{EnterpriseId(1)});
  EXPECT_EQ(r.EnterpriseByCreditCode(SyntheticCreditCode('E', 2)), nullptr);
  EXPECT_EQ(r.ProviderByCreditCode(SyntheticCreditCode('P', 1)), nullptr);
  // The ids and codes are free again.
  EXPECT_EQ(r.AddEnterprise(Firm(2)), RegistryResult::kOk);
  EXPECT_EQ(r.AddProvider(Seller(1)), RegistryResult::kOk);
}

TEST(RegistryTest, ACommittedBatchStaysWhenALaterOneRollsBack) {
  Registry r = Committed();
  r.BeginBatch();
  ASSERT_EQ(r.AddEnterprise(Firm(2, {EnterpriseId(1)})), RegistryResult::kOk);
  r.BeginBatch();
  ASSERT_EQ(r.AddProvider(Seller(1)), RegistryResult::kOk);
  r.CommitBatch();  // the first
  const Registry after_first = [&] {
    Registry expected = Committed();
    EXPECT_EQ(expected.AddEnterprise(Firm(2, {EnterpriseId(1)})), RegistryResult::kOk);
    return expected;
  }();
  r.RollbackBatch();  // the second
  EXPECT_EQ(r, after_first);
  EXPECT_NE(r.FindEnterprise(EnterpriseId(2)), nullptr);
  EXPECT_EQ(r.FindProvider(ProviderId(1)), nullptr);
}

TEST(RegistryTest, ARefusedRegistrationRecordsNothing) {
  Registry r = Committed();
  const Registry before = r;
  r.BeginBatch();
  EXPECT_EQ(r.AddEnterprise(Firm(1)), RegistryResult::kExistsWithDifferentBody);
  EXPECT_EQ(r.AddProgramme(Programme(0)), RegistryResult::kIdMustNotBeZero);
  r.RollbackBatch();
  EXPECT_EQ(r, before);
}

}  // namespace
}  // namespace bg::programme
