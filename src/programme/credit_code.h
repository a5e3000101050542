// Unified social credit code (统一社会信用代码) validation, GB 32100-2015.
//
// Every legal person and other organisation registered in China carries an
// 18-character code: registration authority (position 1), category (2),
// administrative division (3-8), organisation identifier (9-17) and a check
// character (18), all drawn from the 31-character alphabet
// "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I, O, S, V, Z). Programme
// applications name the applicant organisation by this code; validating it
// here catches typing errors before they reach a reviewer. This checks the
// form and the check character only, not that the code is registered.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace bg::programme {

// Returns OK if `code` is a well-formed unified social credit code, otherwise
// kInvalidArgument naming what is wrong (and the 1-based position and
// character where there is one). Input is taken byte for byte: lower case,
// spaces and non-ASCII characters are refused, not normalised.
Status ValidateCreditCode(std::string_view code);

// The check character (position 18) for the first 17 characters of a code.
// Precondition (BG_CHECK): `first17` is 17 characters from the alphabet above.
char CreditCodeCheckCharacter(std::string_view first17);

// A well-formed code for fictitious organisations (the simulator, the
// benchmarks): an enterprise registered in Shenzhen (91 440300), an
// organisation identifier "M" + `letter` + 7 digits of `serial`, and its
// check character. `letter` must be in the alphabet above.
std::string SyntheticCreditCode(char letter, uint64_t serial);

}  // namespace bg::programme
