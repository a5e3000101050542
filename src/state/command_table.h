// How the command table is driven: command.cc holds the rows and is the
// only file that includes this one.
//
// Every kind T of CommandBody has one row, a specialisation of Row<T>:
//
//   static constexpr const char* kName;           "create_accounts"
//   static constexpr std::array<uint8_t, N> kTags; every tag it decodes from
//   static uint8_t TagOf(const T&);                the tag it is written with
//   static size_t Events(const T&);                its logical timestamps, >= 1
//   static void Encode(Writer&, const T&);         its body, after the tag
//   static bool Decode(uint8_t tag, Reader&, T*);  its body, read from a tag of kTags
//
// Most kinds have one tag (OneTag). A kind with several keeps the meaning a
// journal was written with: a Tick of tag 3 releases holds only, an
// ExpireVouchers of tag 12 sweeps every programme.
//
// Row is declared and never defined, so a kind without its row fails to
// compile (CheckRow's static_assert, naming the kind). Encoding, event
// counts and names visit the variant; decoding looks the tag up in a table
// built from the variant's alternatives, in which no tag may appear twice.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <variant>

#include "common/codec.h"
#include "state/command.h"

namespace bg::state::command_internal {

template <typename T>
struct Row;

// The usual row: one tag, written whatever the command holds.
template <uint8_t kTag>
struct OneTag {
  static constexpr std::array<uint8_t, 1> kTags = {kTag};
  template <typename T>
  static uint8_t TagOf(const T&) {
    return kTag;
  }
};

// The row contract above, checked.
template <typename T>
concept HasRow = requires(const T& c, uint8_t tag, Writer& w, Reader& r, T* out) {
  { Row<T>::kName } -> std::convertible_to<const char*>;
  { Row<T>::kTags[0] } -> std::convertible_to<uint8_t>;
  { Row<T>::TagOf(c) } -> std::same_as<uint8_t>;
  { Row<T>::Events(c) } -> std::same_as<size_t>;
  Row<T>::Encode(w, c);
  { Row<T>::Decode(tag, r, out) } -> std::same_as<bool>;
};

template <typename T>
constexpr bool CheckRow() {
  static_assert(HasRow<T>,
                "a command kind (an alternative of CommandBody) has no row, or an incomplete "
                "one, in the command table (state/command.cc)");
  return HasRow<T>;
}

inline constexpr size_t kKinds = std::variant_size_v<CommandBody>;
template <size_t I>
using KindAt = std::variant_alternative_t<I, CommandBody>;

// Reads kind T's body from a tag of its row into `body`.
using Decoder = bool (*)(uint8_t tag, Reader& r, CommandBody* body);

template <typename T>
bool DecodeAs(uint8_t tag, Reader& r, CommandBody* body) {
  T c{};
  if (!Row<T>::Decode(tag, r, &c)) return false;
  body->emplace<T>(std::move(c));
  return true;
}

// tag -> decoder; nullptr for a tag no kind reads.
template <size_t... I>
constexpr std::array<Decoder, 256> MakeDecoders(std::index_sequence<I...>) {
  std::array<Decoder, 256> table{};
  auto add = [&table]<typename T>(std::type_identity<T>) {
    if constexpr (CheckRow<T>()) {
      for (uint8_t tag : Row<T>::kTags) table[tag] = &DecodeAs<T>;
    }
  };
  (add(std::type_identity<KindAt<I>>{}), ...);
  return table;
}

// Whether every tag of every row is no other row's, nor twice its own.
template <size_t... I>
constexpr bool TagsUnique(std::index_sequence<I...>) {
  std::array<int, 256> seen{};
  bool unique = true;
  auto count = [&]<typename T>(std::type_identity<T>) {
    if constexpr (HasRow<T>) {
      for (uint8_t tag : Row<T>::kTags) unique = unique && ++seen[tag] == 1;
    }
  };
  (count(std::type_identity<KindAt<I>>{}), ...);
  return unique;
}

}  // namespace bg::state::command_internal
