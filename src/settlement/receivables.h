// What a provider is owed, programme by programme (a point-of-sale
// programme pays the provider; a reimbursement programme pays the
// enterprise, so it owes the provider nothing): held on claims for orders
// still running (planned, not yet charged), charged in periods not yet
// closed (the next statement), on statements payable, approved and paid —
// and each closed period's statement with where it stands.
//
// open + payable + approved + paid = the programme's subsidy on the
// provider's charge lines, to the fen (receivables_test.cc).
#pragma once

#include <string>
#include <vector>

#include "settlement/settlement.h"

namespace bg::settlement {

struct ProviderStatement {
  Period period;
  StatementStatus status = StatementStatus::kPayable;
  Money amount{};
  Timestamp closed_at = 0;
  Timestamp approved_at = 0;
  Timestamp paid_at = 0;
  Timestamp paid_on = 0;
  std::string bank_reference = {};
};

struct Receivable {
  ProgrammeId programme{};
  Money planned{};   // held on claims of running orders
  Money open{};      // charged in periods not yet closed
  Money payable{};   // closed, waiting for finance's approval
  Money approved{};  // approved, waiting for the bank
  Money paid{};
  std::vector<ProviderStatement> statements = {};  // by period
};

// Every programme that owes or owed `provider` anything, by programme id.
std::vector<Receivable> Receivables(const Settlement& settlement,
                                    const programme::Registry& registry,
                                    const programme::Book& book, ProviderId provider);

}  // namespace bg::settlement
