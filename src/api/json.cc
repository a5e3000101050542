#include "api/json.h"

namespace bg::api {

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json MoneyJson(Money m) { return {{"fen", m.fen()}, {"yuan", m.ToYuanString()}}; }

void Fields::Fail(std::string code, std::string detail) {
  if (!code_.empty()) return;
  code_ = std::move(code);
  detail_ = std::move(detail);
}

const Json* Fields::Get(const char* name, bool required) {
  read_.insert(name);
  if (!ok()) return nullptr;
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) Fail("missing_field", std::string("'") + name + "' is required");
    return nullptr;
  }
  return &*it;
}

std::optional<uint64_t> Fields::U64(const char* name, bool required, uint64_t max) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0)) {
    Fail("invalid_field", std::string("'") + name + "' must be a non-negative whole number");
    return std::nullopt;
  }
  const uint64_t x = v->get<uint64_t>();
  if (x > max) {
    Fail("invalid_field", std::string("'") + name + "' must be at most " + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

std::optional<uint64_t> Fields::Id(const char* name, bool required) {
  std::optional<uint64_t> v = U64(name, required, (uint64_t{1} << 54) - 1);
  if (v && *v == 0) {
    Fail("invalid_field", std::string("'") + name + "' must not be 0");
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> Fields::Str(const char* name, bool required, size_t max_len) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail("invalid_field", std::string("'") + name + "' must be a string");
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (s.size() > max_len) {
    Fail("invalid_field",
         std::string("'") + name + "' is longer than " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<Money> Fields::Fen(const char* name, bool required) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail("invalid_field", std::string("'") + name + "' must be a whole number of fen");
    return std::nullopt;
  }
  const int64_t fen = v->get<int64_t>();
  if (fen < 0 || fen > int64_t{1'000'000'000'000'000}) {
    Fail("invalid_field", std::string("'") + name + "' must be 0 to 10^18 fen");
    return std::nullopt;
  }
  return Money::Fen(fen);
}

std::optional<bool> Fields::Bool(const char* name, bool required) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Fail("invalid_field", std::string("'") + name + "' must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* Fields::Raw(const char* name, bool required) { return Get(name, required); }

bool Fields::Done() {
  if (!ok()) return false;
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (read_.count(it.key()) == 0) {
      Fail("unknown_field", "unknown field '" + it.key() + "'");
      return false;
    }
  }
  return true;
}

}  // namespace bg::api
