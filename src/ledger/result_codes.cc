#include "ledger/result_codes.h"

namespace bg::ledger {

std::string_view AccountResultName(AccountResult r) { return NameOf(kAccountResultNames, r); }

std::string_view TransferResultName(TransferResult r) { return NameOf(kTransferResultNames, r); }

}  // namespace bg::ledger
