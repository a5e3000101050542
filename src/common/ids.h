// Strong id types: an id of one kind cannot be passed where another is wanted.
//
// Ids are 64-bit unsigned integers chosen by the client (TigerBeetle style), so
// that a retry carries the same id and is recognised. Zero means "none".
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <ostream>

namespace bg {

template <typename Tag, typename Rep = uint64_t>
class StrongId {
 public:
  using rep_type = Rep;
  constexpr StrongId() = default;
  constexpr explicit StrongId(Rep value) : value_(value) {}

  constexpr Rep value() const { return value_; }
  constexpr bool is_zero() const { return value_ == 0; }

  // NOLINTNEXTLINE(modernize-use-nullptr): false positive on a defaulted <=> (the 0 is clang's)
  friend constexpr auto operator<=>(StrongId, StrongId) = default;
  friend std::ostream& operator<<(std::ostream& os, StrongId id) { return os << id.value_; }

 private:
  Rep value_ = 0;
};

struct AccountIdTag {};
struct TransferIdTag {};
struct LedgerIdTag {};
struct JurisdictionIdTag {};
struct ProgrammeIdTag {};
struct VoucherIdTag {};
struct EnterpriseIdTag {};
struct ProviderIdTag {};
struct OrderIdTag {};
struct ApplicationIdTag {};
struct ClaimIdTag {};
struct SiteIdTag {};
struct PoolIdTag {};
struct FacilityIdTag {};

using AccountId = StrongId<AccountIdTag>;
using TransferId = StrongId<TransferIdTag>;
// A ledger partitions accounts by currency or asset: only accounts of one
// ledger may transact with each other.
using LedgerId = StrongId<LedgerIdTag, uint32_t>;
using JurisdictionId = StrongId<JurisdictionIdTag>;
using ProgrammeId = StrongId<ProgrammeIdTag>;
using VoucherId = StrongId<VoucherIdTag>;
using EnterpriseId = StrongId<EnterpriseIdTag>;
using ProviderId = StrongId<ProviderIdTag>;
using OrderId = StrongId<OrderIdTag>;
using ApplicationId = StrongId<ApplicationIdTag>;
// One request for a subsidy on an order; an order may see several (a
// point-of-sale deduction, later a reimbursement claim from another level).
using ClaimId = StrongId<ClaimIdTag>;
using SiteId = StrongId<SiteIdTag>;
using PoolId = StrongId<PoolIdTag>;
// A shared research facility or instrument (facility/registry.h).
using FacilityId = StrongId<FacilityIdTag>;

}  // namespace bg

template <typename Tag, typename Rep>
struct std::hash<bg::StrongId<Tag, Rep>> {
  size_t operator()(bg::StrongId<Tag, Rep> id) const noexcept {
    // splitmix64 finaliser: sequential ids spread over the buckets.
    uint64_t x = static_cast<uint64_t>(id.value());
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return static_cast<size_t>(x ^ (x >> 31));
  }
};
