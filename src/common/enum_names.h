// Enum names: the one way an enumerator gets its word. Each enum that has
// names has one table, declared next to the enum: a std::array of
// {name, value}. FromName reads a word, NameOf writes one, AllowedNames
// lists them for error messages, Names gives the words alone.
//
// A table replaces a switch, and must not lose what -Wswitch gave the
// switch: right after the table, `static_assert(IsNameTable(kTable))`
// makes the compiler check that the table names every enumerator once, in
// declaration order (values 0..N-1 and no enumerator N), and that no two
// names are the same. Forgetting an appended enumerator, dropping one or
// reordering them fails to compile where the table is declared. Tables
// whose order is the order shown to people (allowed-names lists) use
// CoversEnum instead of IsDense; tables of a partial property use IsDense
// alone.
//
// Names are string literals, so NameOf(...).data() is a C string
// (HasUniqueNames checks that too).
//
// Thread-safety: constant tables and pure functions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/check.h"

namespace bg {

template <typename E>
struct EnumName {
  std::string_view name;
  E value;
};

// The value named `name`; nothing for any other word.
template <typename E, size_t N>
constexpr std::optional<E> FromName(const std::array<EnumName<E>, N>& table,
                                    std::string_view name) {
  for (const EnumName<E>& e : table) {
    if (e.name == name) return e.value;
  }
  return std::nullopt;
}

// The name of `value`. Every value the program holds has a name (the
// tables are checked at compile time, decoders reject unknown values), so
// a missing one is a broken invariant, not an answer.
template <typename E, size_t N>
std::string_view NameOf(const std::array<EnumName<E>, N>& table, E value) {
  for (const EnumName<E>& e : table) {
    if (e.value == value) return e.name;
  }
  BG_CHECK(false) << "no name for value " << static_cast<int64_t>(value);
  return {};
}

// "a, b, c": the allowed names, for error messages.
template <typename E, size_t N>
std::string AllowedNames(const std::array<EnumName<E>, N>& table) {
  std::string out;
  for (const EnumName<E>& e : table) {
    if (!out.empty()) out += ", ";
    out += e.name;
  }
  return out;
}

// The names alone, in table order (e.g. the keys of a TOML table).
template <typename E, size_t N>
constexpr std::array<std::string_view, N> Names(const std::array<EnumName<E>, N>& table) {
  std::array<std::string_view, N> out{};
  for (size_t i = 0; i < N; ++i) out[i] = table[i].name;
  return out;
}

namespace enum_names_internal {

template <auto V>
constexpr std::string_view Signature() {
  return __PRETTY_FUNCTION__;
}

// Whether `V` is a declared enumerator. GCC and Clang spell the template
// argument in __PRETTY_FUNCTION__ as "ns::E::kName" for an enumerator and
// as "(ns::E)3" for any other value: nothing after the last ')' but digits.
template <auto V>
constexpr bool IsEnumerator() {
#if defined(__GNUC__) || defined(__clang__)
  constexpr std::string_view kSig = Signature<V>();
  constexpr size_t kAt = kSig.find("V = ");
  static_assert(kAt != std::string_view::npos, "unexpected __PRETTY_FUNCTION__ layout");
  const std::string_view arg = kSig.substr(kAt + 4, kSig.find_first_of(";]", kAt) - kAt - 4);
  if (arg.empty() || arg.front() != '(') return true;
  const std::string_view tail = arg.substr(arg.rfind(')') + 1);
  return tail.find_first_not_of("-0123456789") != std::string_view::npos;
#else
  return false;  // no way to tell: only the values in the table are checked
#endif
}

}  // namespace enum_names_internal

// The table's values are 0..N-1 in order and N is no enumerator of E: the
// table has a row for every enumerator of an enum numbered from 0, in
// declaration order.
template <typename E, size_t N>
constexpr bool IsDense(const std::array<EnumName<E>, N>& table) {
  for (size_t i = 0; i < N; ++i) {
    if (table[i].value != static_cast<E>(i)) return false;
  }
  return !enum_names_internal::IsEnumerator<static_cast<E>(N)>();
}

// As IsDense, in any order: each of 0..N-1 once, and N is no enumerator.
template <typename E, size_t N>
constexpr bool CoversEnum(const std::array<EnumName<E>, N>& table) {
  std::array<bool, N> seen{};
  for (const EnumName<E>& e : table) {
    const auto i = static_cast<size_t>(e.value);
    if (i >= N || seen[i]) return false;
    seen[i] = true;
  }
  return !enum_names_internal::IsEnumerator<static_cast<E>(N)>();
}

// Every name is non-empty, a whole string literal (a NUL after its last
// character) and different from the others: FromName finds one value.
template <typename E, size_t N>
constexpr bool HasUniqueNames(const std::array<EnumName<E>, N>& table) {
  for (size_t i = 0; i < N; ++i) {
    const std::string_view name = table[i].name;
    if (name.empty() || name.data()[name.size()] != '\0') return false;
    for (size_t j = 0; j < i; ++j) {
      if (table[j].name == name) return false;
    }
  }
  return true;
}

// The check beside every table of an enum numbered 0..N-1.
template <typename E, size_t N>
constexpr bool IsNameTable(const std::array<EnumName<E>, N>& table) {
  return IsDense(table) && HasUniqueNames(table);
}

}  // namespace bg
