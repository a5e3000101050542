// JSON at the API boundary (nlohmann-json): the type, strict decoding of
// request bodies (every field checked for presence and type, unknown
// fields refused) and money as integer fen. Only api/ and
// settlement/export.cc use JSON; the domains below never see it.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/money.h"

namespace bg::api {

using Json = nlohmann::json;

// Never throws: invalid UTF-8 is replaced, not fatal, when dumping.
std::string Dump(const Json& j);

// Money in responses: {"fen": 12345, "yuan": "123.45"}.
Json MoneyJson(Money m);

// Parses a request body. RFC 8259 leaves the meaning of a name repeated in
// one object open (parsers keep the first or the last), so a repeat is an
// error here: the answer is then discarded and *repeated holds the key's
// path ("ratio_rules[1].category"). Text that is not JSON (or not UTF-8)
// gives a discarded value with *repeated empty. Never throws.
Json ParseBody(const std::string& text, std::string* repeated);

// Reads one request object field by field. The first error is kept (code
// and detail) and later reads return nothing, so a handler reads all its
// fields and checks ok() once.
class Fields {
 public:
  // `prefix` names where a nested object sits ("eligibility.") in messages.
  explicit Fields(const Json& object, std::string prefix = {})
      : j_(object), prefix_(std::move(prefix)) {}

  std::optional<uint64_t> Id(const char* name, bool required = true);
  std::optional<uint64_t> U64(const char* name, bool required, uint64_t max);
  std::optional<std::string> Str(const char* name, bool required, size_t max_len = 1000);
  std::optional<Money> Fen(const char* name, bool required);
  std::optional<bool> Bool(const char* name, bool required);
  const Json* Raw(const char* name, bool required);                // arrays, objects
  std::optional<Timestamp> Time(const char* name, bool required);  // "2026-01-01[T08:00:00Z]"
  std::optional<std::vector<uint64_t>> Ids(const char* name, bool required, size_t max);
  std::optional<std::vector<std::string>> Strs(const char* name, bool required, size_t max);

  // Refuses the object for a reason found outside the readers above (the
  // first refusal wins).
  void Refuse(std::string code, std::string detail);
  // "'<prefix><name>'", for messages.
  std::string Label(const char* name) const;

  // Refuses any field that was not read.
  bool Done();
  bool ok() const { return code_.empty(); }
  const std::string& code() const { return code_; }
  const std::string& detail() const { return detail_; }

 private:
  const Json* Get(const char* name, bool required);
  void Fail(std::string code, std::string detail);

  const Json& j_;
  std::string prefix_;
  std::set<std::string> read_;
  std::string code_, detail_;
};

}  // namespace bg::api
