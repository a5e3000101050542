// Filters, sort orders and cursor pages of the API's lists that are not in
// one id's order (the applications inbox sorted by date or amount, a
// period's statements by payee, flows by issuer and city).
//
// A list's filters are query parameters declared on its route row; the
// handlers read them with the Query* functions here, which answer a
// problem that names the parameter when one is malformed. A sorted list
// is a vector of Keyed items, each with a 64-bit sort key and an id that
// breaks ties; KeyedPage sorts it and cuts the page after the cursor of
// the page before. The cursor ("s-<key>-<id>", hex) holds the position,
// not an offset, so a page stays right while records are added. Lists
// already in cursor order (and answered as JSON written elsewhere) are cut
// by Slice and wrapped by PageOf.
//
// Thread-safety: pure functions.
#pragma once

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/handlers.h"

namespace bg::api {

// Cursors that sort like the numbers they name: a kind letter and two
// zero-padded hex numbers ("s-00000000000003e8-0000000000000007").
std::string Cursor(const char* kind, uint64_t a, uint64_t b = 0);
// Whether `s` is a cursor Cursor() writes for one of `kinds`.
bool IsCursor(const std::string& s, std::string_view kinds);

// ?sort=<field> or ?sort=-<field> (descending), among `fields`; the first
// field, ascending unless `descending_default`, when absent.
struct Sort {
  std::string field;
  bool descending = false;
};
std::optional<Sort> QuerySort(const Call& c, std::initializer_list<const char*> fields,
                              bool descending_default, HttpResponse* fail);

// A time bound: "2026-01-01" (midnight UTC) or RFC 3339 UTC. Nothing when
// absent; false and a problem in *fail when malformed.
bool QueryTime(const Call& c, const char* name, std::optional<Timestamp>* out, HttpResponse* fail);
// An amount bound in fen (a whole number >= 0).
bool QueryFen(const Call& c, const char* name, std::optional<int64_t>* out, HttpResponse* fail);
// An id (1 .. 2^54-1).
bool QueryIdParam(const Call& c, const char* name, std::optional<uint64_t>* out,
                  HttpResponse* fail);

// ?<name>=a,b,c: words of `table` (an EnumName table); the values found.
// Nothing when absent.
template <typename E, size_t N>
bool QueryChoices(const Call& c, const char* name, const std::array<EnumName<E>, N>& table,
                  std::optional<std::vector<E>>* out, HttpResponse* fail) {
  auto it = c.request.query.find(name);
  if (it == c.request.query.end()) return true;
  std::vector<E> values;
  std::string_view rest = it->second;
  while (true) {
    const size_t comma = rest.find(',');
    const std::optional<E> v = FromName(table, rest.substr(0, comma));
    if (!v) {
      *fail = Fail(c, "invalid_field",
                   std::string(name) + " is one or more of " + AllowedNames(table) +
                       ", separated by commas");
      return false;
    }
    values.push_back(*v);
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  *out = std::move(values);
  return true;
}

// One item of a sorted list: its key in the order asked (KeyFor), the id
// that breaks ties, and the record (read under the state's lock; only the
// page's records are made into JSON).
template <typename T>
struct Keyed {
  uint64_t key = 0;
  uint64_t id = 0;
  const T* record = nullptr;
};
// The key of a value in the order asked: descending orders invert it, so
// that every list pages the same way.
inline uint64_t KeyFor(uint64_t value, bool descending) { return descending ? ~value : value; }

// The index of the first item after ?after= (a cursor of kind 's') in
// `all`, sorted by (key, id); nothing and a problem in *fail when the
// cursor is malformed.
template <typename T>
std::optional<size_t> PageStart(const Call& c, const std::vector<Keyed<T>>& all,
                                HttpResponse* fail) {
  auto it = c.request.query.find("after");
  if (it == c.request.query.end()) return size_t{0};
  if (!IsCursor(it->second, "s")) {
    *fail = Fail(c, "invalid_field",
                 "after must be the next_after of the page before (such as "
                 "\"s-0000000000000001-0000000000000007\")");
    return std::nullopt;
  }
  return static_cast<size_t>(std::upper_bound(all.begin(), all.end(), it->second,
                                              [](const std::string& cursor, const Keyed<T>& k) {
                                                return cursor < Cursor("s", k.key, k.id);
                                              }) -
                             all.begin());
}

// Sorts `all` by (key, id) and answers the page after ?after= of at most
// ?limit= items, each made by to_json(record): {"items": [...],
// "next_after": cursor or null}, plus `extra`'s members. Nothing and a
// problem in *fail for bad parameters.
template <typename T, typename ToJson>
std::optional<Json> KeyedPage(const Call& c, std::vector<Keyed<T>> all, Json extra, ToJson to_json,
                              HttpResponse* fail) {
  const std::optional<size_t> limit = PageLimit(c, fail);
  if (!limit) return std::nullopt;
  std::sort(all.begin(), all.end(), [](const Keyed<T>& a, const Keyed<T>& b) {
    return a.key != b.key ? a.key < b.key : a.id < b.id;
  });
  const std::optional<size_t> from = PageStart(c, all, fail);
  if (!from) return std::nullopt;
  const size_t to = std::min(all.size(), *from + *limit);
  Json items = Json::array();
  for (size_t i = *from; i < to; ++i) items.push_back(to_json(*all[i].record));
  Json out = std::move(extra);
  out["items"] = std::move(items);
  out["next_after"] = to < all.size() && to > *from
                          ? Json(Cursor("s", all[to - 1].key, all[to - 1].id))
                          : Json(nullptr);
  return out;
}

// A page of a list in cursor order (a period's statements by payee, flows
// by issuer and city): `?limit=` (1-1000, default 100) and
// `?after=<cursor>`, the cursor of the last item of the page before (one
// of `kinds`; any other text is refused, not read as "from the start" or
// "past the end"). `key(i)` is item i's cursor; items are in cursor order.
// Sets *from and *to to the page, *next to the cursor after it ("" at the
// end); false and a problem in *fail for bad parameters.
template <typename Key>
bool Slice(const Call& c, std::string_view kinds, size_t n, Key key, size_t* from, size_t* to,
           std::string* next, HttpResponse* fail) {
  const std::optional<size_t> limit = PageLimit(c, fail);
  if (!limit) return false;
  *from = 0;
  if (auto it = c.request.query.find("after"); it != c.request.query.end()) {
    if (!IsCursor(it->second, kinds)) {
      *fail = Fail(c, "invalid_field",
                   "after must be the next_after of the page before (such as \"" +
                       std::string(1, kinds[0]) + "-0000000000000001-0000000000000000\")");
      return false;
    }
    while (*from < n && key(*from) <= it->second) ++*from;
  }
  *to = std::min(n, *from + *limit);
  *next = *to < n ? key(*to - 1) : "";
  return true;
}

// A CSV export is the whole file: ?limit= and ?after= would be ignored, so
// they are refused.
bool WholeFileIsNotPaged(const Call& c, const std::string& format, HttpResponse* fail);

// {<extra's members>, "items": <array>, "next_after": <cursor or null>}
// around an array already written as JSON.
HttpResponse PageOf(const std::string& array, const std::string& next,
                    const Json& extra = Json::object());

}  // namespace bg::api
