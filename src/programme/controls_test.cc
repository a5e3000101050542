#include "programme/controls.h"

#include <gtest/gtest.h>

namespace bg::programme {
namespace {

Enterprise Ent(uint64_t id, std::vector<uint64_t> related = {},
               std::vector<uint64_t> providers = {}) {
  Enterprise e;
  e.id = EnterpriseId(id);
  e.name = "E" + std::to_string(id);
  for (uint64_t r : related) e.related_enterprises.push_back(EnterpriseId(r));
  for (uint64_t p : providers) e.related_providers.push_back(ProviderId(p));
  return e;
}

Provider Prov(uint64_t id, std::vector<uint64_t> related = {}) {
  Provider p;
  p.id = ProviderId(id);
  p.name = "P" + std::to_string(id);
  for (uint64_t r : related) p.related_enterprises.push_back(EnterpriseId(r));
  return p;
}

TEST(ControlsTest, RelatedPartiesAreRefusedWhicheverSideDeclaredIt) {
  // Beijing and Qingyang: compute must be bought from a non-related party.
  EXPECT_TRUE(CheckNotRelated(Ent(1), Prov(7)).ok());
  Status by_enterprise = CheckNotRelated(Ent(1, {}, {7}), Prov(7));
  EXPECT_EQ(by_enterprise.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(by_enterprise.message(),
            "enterprise 1 (E1) and provider 7 (P7) are related parties (declared by the "
            "enterprise): vouchers pay only for compute bought from a non-related party");
  Status by_provider = CheckNotRelated(Ent(1), Prov(7, {1}));
  EXPECT_NE(by_provider.message().find("declared by the provider"), std::string::npos);
  EXPECT_TRUE(CheckNotRelated(Ent(1), Prov(7, {2})).ok());
}

TEST(ControlsTest, RelatedEnterprisesShareOneCapGroupTransitively) {
  // Qingyang: splitting one company into several applicants does not
  // multiply its cap. 1-2 declared by 1, 3-2 declared by 3, 4 alone.
  const std::vector<Enterprise> all = {Ent(1, {2}), Ent(2), Ent(3, {2}), Ent(4)};
  const std::vector<EnterpriseId> group = {EnterpriseId(1), EnterpriseId(2), EnterpriseId(3)};
  EXPECT_EQ(CapGroup(all, EnterpriseId(2)), group);
  EXPECT_EQ(CapGroup(all, EnterpriseId(3)), group);
  EXPECT_EQ(CapGroup(all, EnterpriseId(4)), std::vector<EnterpriseId>{EnterpriseId(4)});
  // Cycles end.
  const std::vector<Enterprise> cycle = {Ent(1, {2}), Ent(2, {3}), Ent(3, {1})};
  EXPECT_EQ(CapGroup(cycle, EnterpriseId(1)).size(), 3u);
}

TEST(ControlsTest, AVoucherPaysOnlyForItsHolder) {
  EXPECT_TRUE(CheckHolder(EnterpriseId(1), EnterpriseId(1), VoucherId(9)).ok());
  EXPECT_EQ(CheckHolder(EnterpriseId(1), EnterpriseId(2), VoucherId(9)).message(),
            "voucher 9 belongs to enterprise 1 and cannot pay for an order of enterprise 2 "
            "(vouchers are non-transferable)");
}

}  // namespace
}  // namespace bg::programme
