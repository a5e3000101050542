#include "programme/credit_code.h"

#include <array>
#include <cstddef>
#include <cstdio>
#include <string>

#include "common/check.h"

namespace bg::programme {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr size_t kLength = 18;
constexpr int kModulus = 31;
// Weight of position i (1-based) is 3^(i-1) mod 31 (GB 32100-2015, 5.2).
constexpr std::array<int, kLength - 1> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                   29, 25, 13, 8,  24, 10, 30, 28};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLower(char c) { return c >= 'a' && c <= 'z'; }
char ToUpper(char c) { return static_cast<char>(c - 'a' + 'A'); }

// "'A'" for printable ASCII, "byte 0xE4" otherwise (e.g. part of a UTF-8
// sequence), so messages never carry unprintable or broken text.
std::string Quote(char c) {
  if (c >= 0x20 && c < 0x7f) return std::string("'") + c + "'";
  char buf[16];
  std::snprintf(buf, sizeof buf, "byte 0x%02X",
                static_cast<unsigned>(static_cast<unsigned char>(c)));
  return buf;
}

std::string Position(size_t index) { return std::to_string(index + 1); }

}  // namespace

char CreditCodeCheckCharacter(std::string_view first17) {
  BG_CHECK(first17.size() == kLength - 1) << "got " << first17.size() << " characters";
  int sum = 0;
  for (size_t i = 0; i < first17.size(); ++i) {
    const size_t value = kAlphabet.find(first17[i]);
    BG_CHECK(value != std::string_view::npos) << "character " << Quote(first17[i]);
    sum += static_cast<int>(value) * kWeights[i];
  }
  const int check = (kModulus - sum % kModulus) % kModulus;  // 31 maps to 0
  return kAlphabet[static_cast<size_t>(check)];
}

Status ValidateCreditCode(std::string_view code) {
  if (code.size() != kLength) {
    return InvalidArgument("unified social credit code must be 18 characters, got " +
                           std::to_string(code.size()));
  }
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (kAlphabet.find(c) != std::string_view::npos) continue;
    if (IsLower(c) && kAlphabet.find(ToUpper(c)) != std::string_view::npos) {
      return InvalidArgument("character " + Quote(c) + " at position " + Position(i) +
                             " is lower case; write the code in upper case (" + Quote(ToUpper(c)) +
                             ")");
    }
    return InvalidArgument("character " + Quote(c) + " at position " + Position(i) +
                           " is not allowed (GB 32100-2015 uses 0-9 and A-Z without I, O, S, V, "
                           "Z)");
  }
  const char authority = code[0];
  if (!(authority >= '1' && authority <= '9') && authority != 'A' && authority != 'N' &&
      authority != 'Y') {
    return InvalidArgument("registration authority code " + Quote(authority) +
                           " at position 1 is not one of 1-9, A, N, Y");
  }
  for (size_t i = 2; i < 8; ++i) {
    if (!IsDigit(code[i])) {
      return InvalidArgument(
          "positions 3-8 must be an administrative division code of 6 digits, got " +
          Quote(code[i]) + " at position " + Position(i));
    }
  }
  const char expected = CreditCodeCheckCharacter(code.substr(0, kLength - 1));
  if (code[kLength - 1] != expected) {
    return InvalidArgument("check digit at position 18 is " + Quote(code[kLength - 1]) +
                           " but should be " + Quote(expected));
  }
  return Status::Ok();
}

std::string SyntheticCreditCode(char letter, uint64_t serial) {
  std::string first17 = "91440300M";
  first17 += letter;
  first17 += std::to_string(10'000'000 + serial % 10'000'000).substr(1);
  return first17 + CreditCodeCheckCharacter(first17);
}

}  // namespace bg::programme
