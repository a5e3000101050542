#include "api/list_query.h"

#include <cstdio>

namespace bg::api {

std::string Cursor(const char* kind, uint64_t a, uint64_t b) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s-%016llx-%016llx", kind,
                static_cast<unsigned long long>(a),   // NOLINT(google-runtime-int)
                static_cast<unsigned long long>(b));  // NOLINT(google-runtime-int)
  return buf;
}

bool IsCursor(const std::string& s, std::string_view kinds) {
  if (s.size() != 35 || kinds.find(s[0]) == std::string_view::npos || s[1] != '-' || s[18] != '-') {
    return false;
  }
  for (size_t i = 2; i < s.size(); ++i) {
    if (i == 18) continue;
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return true;
}

std::optional<Sort> QuerySort(const Call& c, std::initializer_list<const char*> fields,
                              bool descending_default, HttpResponse* fail) {
  auto it = c.request.query.find("sort");
  if (it == c.request.query.end()) return Sort{*fields.begin(), descending_default};
  Sort sort{it->second, false};
  if (!sort.field.empty() && sort.field[0] == '-') {
    sort.descending = true;
    sort.field.erase(0, 1);
  }
  std::string all;
  for (const char* f : fields) {
    if (sort.field == f) return sort;
    all += (all.empty() ? "" : ", ") + std::string(f);
  }
  *fail = Fail(c, "invalid_field",
               "sort is one of " + all + " (ascending), or the same after '-' (descending)");
  return std::nullopt;
}

bool QueryTime(const Call& c, const char* name, std::optional<Timestamp>* out, HttpResponse* fail) {
  auto it = c.request.query.find(name);
  if (it == c.request.query.end()) return true;
  *out = ParseUtcTime(it->second);
  if (*out) return true;
  *fail = Fail(c, "invalid_field",
               std::string(name) +
                   " must be a UTC date such as 2026-01-01 or a time such as 2026-01-01T08:00:00Z");
  return false;
}

bool QueryFen(const Call& c, const char* name, std::optional<int64_t>* out, HttpResponse* fail) {
  auto it = c.request.query.find(name);
  if (it == c.request.query.end()) return true;
  const std::string& text = it->second;
  int64_t v = 0;
  bool ok = !text.empty() && text.size() <= 15;
  for (char ch : text) {
    if (ch < '0' || ch > '9') ok = false;
    if (ok) v = v * 10 + (ch - '0');
  }
  if (ok) {
    *out = v;
    return true;
  }
  *fail = Fail(c, "invalid_field",
               std::string(name) + " must be a whole number of fen (1 yuan = 100 fen)");
  return false;
}

bool QueryIdParam(const Call& c, const char* name, std::optional<uint64_t>* out,
                  HttpResponse* fail) {
  bool bad = false;
  *out = QueryId(c, name, &bad);
  if (!bad) return true;
  *fail = Fail(c, "invalid_field", std::string(name) + " must be an id (a positive number)");
  return false;
}

bool WholeFileIsNotPaged(const Call& c, const std::string& format, HttpResponse* fail) {
  if (format != "csv" || (!c.request.query.count("limit") && !c.request.query.count("after"))) {
    return true;
  }
  *fail = Fail(c, "invalid_field", "format=csv answers the whole file: leave out limit and after");
  return false;
}

HttpResponse PageOf(const std::string& array, const std::string& next, const Json& extra) {
  HttpResponse r;
  r.body = "{";
  for (const auto& [key, value] : extra.items()) {
    r.body.append(Dump(Json(key))).append(": ").append(Dump(value)).append(", ");
  }
  r.body.append("\"items\": ")
      .append(array)
      .append(", \"next_after\": ")
      .append(next.empty() ? std::string("null") : Dump(Json(next)))
      .append("}\n");
  return r;
}

}  // namespace bg::api
