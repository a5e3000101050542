// Where programme money lives on the ledger: the system accounts the
// programme book creates, their ids, and the codes on accounts and transfers
// (docs/programmes.md, "Money on the ledger").
//
//   funding     one per jurisdiction, on its currency ledger; pays budgets in
//   budget      one per programme; must not go negative, so approvals (holds
//               on it) can never commit more than the programme has
//   voucher     one per voucher; must not go negative; redemptions hold on it
//   payable     one per programme: what the programme owes for redeemed spend
//   lapsed      one per programme: expired balances under LapsePolicy::kLapse
//   receivable  one per programme × enterprise: subsidies clawed back, owed
//               by the enterprise
//   wallet      one per enterprise: the co-pay of its jobs is held on it
//   provider receivable  one per provider: the co-pay it is owed
//   provider settled     one per provider: subsidies paid to it (statements)
//   enterprise settled   one per enterprise: reimbursements paid to it
//
// Account ids are kSystemIdFloor | kind << 54 | record id (a jurisdiction,
// programme or voucher id below 2^54); receivables and the platform's
// transfers take the next number of a counter kept in the book.
#pragma once

#include <array>
#include <cstdint>

#include "common/enum_names.h"
#include "common/ids.h"
#include "ledger/types.h"

namespace bg::programme {

inline constexpr uint64_t kMaxRecordId = (uint64_t{1} << 54) - 1;

enum class AccountKind : uint8_t {
  kFunding = 1,
  kBudget = 2,
  kVoucher = 3,
  kPayable = 4,
  kLapsed = 5,
  kReceivable = 6,
  kWallet = 7,              // one per enterprise: its co-pay holds (scheduler/)
  kProviderReceivable = 8,  // one per provider: what enterprises owe it
  kProviderSettled = 9,     // one per provider: subsidies paid to it at settlement
  kEnterpriseSettled = 10,  // one per enterprise: reimbursements paid to it
};

// Ledger account codes (Account::code) of the system accounts.
inline constexpr uint16_t AccountCode(AccountKind kind) {
  return 100 + static_cast<uint16_t>(kind);
}

inline constexpr AccountId SystemAccountId(AccountKind kind, uint64_t record) {
  return AccountId(ledger::kSystemIdFloor | (uint64_t{static_cast<uint8_t>(kind)} << 54) | record);
}
inline constexpr AccountId FundingAccount(JurisdictionId j) {
  return SystemAccountId(AccountKind::kFunding, j.value());
}
inline constexpr AccountId BudgetAccount(ProgrammeId p) {
  return SystemAccountId(AccountKind::kBudget, p.value());
}
inline constexpr AccountId VoucherAccount(VoucherId v) {
  return SystemAccountId(AccountKind::kVoucher, v.value());
}
inline constexpr AccountId PayableAccount(ProgrammeId p) {
  return SystemAccountId(AccountKind::kPayable, p.value());
}
inline constexpr AccountId LapsedAccount(ProgrammeId p) {
  return SystemAccountId(AccountKind::kLapsed, p.value());
}
inline constexpr AccountId WalletAccount(EnterpriseId e) {
  return SystemAccountId(AccountKind::kWallet, e.value());
}
inline constexpr AccountId ProviderReceivableAccount(ProviderId p) {
  return SystemAccountId(AccountKind::kProviderReceivable, p.value());
}
inline constexpr AccountId ProviderSettledAccount(ProviderId p) {
  return SystemAccountId(AccountKind::kProviderSettled, p.value());
}
inline constexpr AccountId EnterpriseSettledAccount(EnterpriseId e) {
  return SystemAccountId(AccountKind::kEnterpriseSettled, e.value());
}
// Whether `id` is a voucher's account (its record id: id & kMaxRecordId).
inline constexpr bool IsVoucherAccount(AccountId id) {
  return (id.value() & ~kMaxRecordId) == SystemAccountId(AccountKind::kVoucher, 0).value();
}

// Transfer codes (Transfer::code): why programme money moved.
enum class MoneyCode : uint16_t {
  kFund = 201,       // funding -> budget, when a programme is created or topped up
  kGrant = 202,      // budget -> voucher: held at approval, posted at issue
  kRedeem = 203,     // voucher -> payable: held at redemption, posted at capture
  kAutoGrant = 204,  // budget -> payable: 免申即享, held then posted like kRedeem
  kLapse = 205,      // voucher -> lapsed (LapsePolicy::kLapse)
  kReturn = 206,     // voucher -> budget: expiry under kReturnToBudget
  kRevoke = 207,     // voucher -> budget, or the void of an approval's hold
  kClawback = 208,   // receivable -> budget
  kCoPay = 209,      // wallet -> provider receivable: held at placement, posted as used
  kSettle = 210,     // payable -> provider or enterprise settled: a statement is paid
  kWithdraw = 211,   // budget -> funding: a cut, or the close returning the uncommitted budget
};

inline constexpr uint16_t TransferCode(MoneyCode code) { return static_cast<uint16_t>(code); }

// Each code's word on the wire (a transfer's `kind` in GET /v1/jobs/{id}/trail
// and GET /v1/journal/{id}), in code order.
inline constexpr std::array<EnumName<MoneyCode>, 11> kMoneyCodeNames = {{
    {"fund", MoneyCode::kFund},
    {"grant", MoneyCode::kGrant},
    {"redeem", MoneyCode::kRedeem},
    {"auto_grant", MoneyCode::kAutoGrant},
    {"lapse", MoneyCode::kLapse},
    {"return", MoneyCode::kReturn},
    {"revoke", MoneyCode::kRevoke},
    {"clawback", MoneyCode::kClawback},
    {"co_pay", MoneyCode::kCoPay},
    {"settle", MoneyCode::kSettle},
    {"withdraw", MoneyCode::kWithdraw},
}};
// The codes run 201..211 without a gap and 212 is none (IsDense's check for
// an enum that does not start at 0): the table names each code once, in order.
inline constexpr bool MoneyCodesInOrder() {
  for (size_t i = 0; i < kMoneyCodeNames.size(); ++i) {
    if (TransferCode(kMoneyCodeNames[i].value) != TransferCode(MoneyCode::kFund) + i) return false;
  }
  return !enum_names_internal::IsEnumerator<static_cast<MoneyCode>(TransferCode(MoneyCode::kFund) +
                                                                   kMoneyCodeNames.size())>();
}
static_assert(MoneyCodesInOrder() && HasUniqueNames(kMoneyCodeNames));

}  // namespace bg::programme
