// Building blocks of the domains' wire forms (programme/codec.cc, book_codec.cc,
// network/network.cc): ids, money, enums, optionals and vectors, for the
// journal and snapshots.
#pragma once

#include <optional>
#include <vector>

#include "common/codec.h"
#include "common/money.h"

namespace bg::wire {

template <typename Id>
void PutId(Writer& w, Id id) {
  w.U64(id.value());
}
template <typename Id>
bool GetId(Reader& r, Id* id) {
  uint64_t v = 0;
  if (!r.U64(&v)) return false;
  *id = Id(v);
  return true;
}

inline void PutMoney(Writer& w, Money m) { w.I64(m.fen()); }
inline bool GetMoney(Reader& r, Money* m) {
  int64_t fen = 0;
  if (!r.I64(&fen)) return false;
  *m = Money::Fen(fen);
  return true;
}

template <typename T, typename Put>
void PutOptional(Writer& w, const std::optional<T>& v, Put put) {
  w.U8(v.has_value() ? 1 : 0);
  if (v) put(w, *v);
}
template <typename T, typename Get>
bool GetOptional(Reader& r, std::optional<T>* v, Get get) {
  uint8_t present = 0;
  if (!r.U8(&present) || present > 1) return false;
  if (present == 0) {
    v->reset();
    return true;
  }
  T value{};
  if (!get(r, &value)) return false;
  *v = value;
  return true;
}

template <typename T, typename Put>
void PutVector(Writer& w, const std::vector<T>& v, Put put) {
  w.U32(static_cast<uint32_t>(v.size()));
  for (const T& x : v) put(w, x);
}
template <typename T, typename Get>
bool GetVector(Reader& r, std::vector<T>* v, Get get) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  v->assign(n, T{});
  for (T& x : *v) {
    if (!get(r, &x)) return false;
  }
  return true;
}

template <typename E>
void PutEnum(Writer& w, E e) {
  w.U8(static_cast<uint8_t>(e));
}
template <typename E>
bool GetEnum(Reader& r, E* e, E last) {
  uint8_t v = 0;
  if (!r.U8(&v) || v > static_cast<uint8_t>(last)) return false;
  *e = static_cast<E>(v);
  return true;
}

inline bool GetBool(Reader& r, bool* b) {
  uint8_t v = 0;
  if (!r.U8(&v) || v > 1) return false;
  *b = v == 1;
  return true;
}

}  // namespace bg::wire
