#include "api/json.h"

namespace bg::api {

std::string Dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

Json MoneyJson(Money m) {
  Json v(Json::value_t::object);  // not an initializer list: see View(const Job&)
  v["fen"] = m.fen();
  v["yuan"] = m.ToYuanString();
  return v;
}

Json ParseBody(const std::string& text, std::string* repeated) {
  repeated->clear();
  // The containers open at this point of the parse: an object's names so
  // far and the one last read, an array's index.
  struct Open {
    bool object = false;
    std::set<std::string> names = {};
    std::string name = {};
    size_t index = 0;
  };
  std::vector<Open> open;
  auto path = [&] {
    std::string out;
    for (const Open& o : open) {
      out += o.object ? (out.empty() ? "" : ".") + o.name : "[" + std::to_string(o.index) + "]";
    }
    return out;
  };
  // An element of an array is complete: the index moves on.
  auto next = [&] {
    if (!open.empty() && !open.back().object) ++open.back().index;
  };
  Json::parser_callback_t check = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) {
    switch (event) {
      case Json::parse_event_t::object_start:
        open.push_back({.object = true});
        break;
      case Json::parse_event_t::array_start:
        open.push_back({.object = false});
        break;
      case Json::parse_event_t::key:
        open.back().name = parsed.get<std::string>();
        if (!open.back().names.insert(open.back().name).second && repeated->empty()) {
          *repeated = path();
        }
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        open.pop_back();
        next();
        break;
      case Json::parse_event_t::value:
        next();
        break;
    }
    return true;
  };
  Json out = Json::parse(text, check, /*allow_exceptions=*/false);
  if (!repeated->empty()) out = Json(Json::value_t::discarded);
  return out;
}

void Fields::Fail(std::string code, std::string detail) {
  if (!code_.empty()) return;
  code_ = std::move(code);
  detail_ = std::move(detail);
}

std::string Fields::Label(const char* name) const { return "'" + prefix_ + name + "'"; }

void Fields::Refuse(std::string code, std::string detail) {
  Fail(std::move(code), std::move(detail));
}

const Json* Fields::Get(const char* name, bool required) {
  read_.insert(name);
  if (!ok()) return nullptr;
  auto it = j_.find(name);
  if (it == j_.end() || it->is_null()) {
    if (required) Fail("missing_field", Label(name) + " is required");
    return nullptr;
  }
  return &*it;
}

std::optional<uint64_t> Fields::U64(const char* name, bool required, uint64_t max) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0)) {
    Fail("invalid_field", Label(name) + " must be a non-negative whole number");
    return std::nullopt;
  }
  const uint64_t x = v->get<uint64_t>();
  if (x > max) {
    Fail("invalid_field", Label(name) + " must be at most " + std::to_string(max));
    return std::nullopt;
  }
  return x;
}

std::optional<uint64_t> Fields::Id(const char* name, bool required) {
  std::optional<uint64_t> v = U64(name, required, (uint64_t{1} << 54) - 1);
  if (v && *v == 0) {
    Fail("invalid_field", Label(name) + " must not be 0");
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> Fields::Str(const char* name, bool required, size_t max_len) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail("invalid_field", Label(name) + " must be a string");
    return std::nullopt;
  }
  std::string s = v->get<std::string>();
  if (s.size() > max_len) {
    Fail("invalid_field", Label(name) + " is longer than " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<Money> Fields::Fen(const char* name, bool required) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) {
    Fail("invalid_field", Label(name) + " must be a whole number of fen");
    return std::nullopt;
  }
  const int64_t fen = v->get<int64_t>();
  if (fen < 0 || fen > int64_t{1'000'000'000'000'000}) {
    Fail("invalid_field", Label(name) + " must be 0 to 10^18 fen");
    return std::nullopt;
  }
  return Money::Fen(fen);
}

std::optional<bool> Fields::Bool(const char* name, bool required) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    Fail("invalid_field", Label(name) + " must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

const Json* Fields::Raw(const char* name, bool required) { return Get(name, required); }

std::optional<Timestamp> Fields::Time(const char* name, bool required) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  std::optional<Timestamp> t;
  if (v->is_string()) t = ParseUtcTime(v->get<std::string>());
  if (!t) {
    Fail("invalid_field",
         Label(name) + " must be a UTC date such as \"2026-01-01\" or \"2026-01-01T08:00:00Z\"");
  }
  return t;
}

std::optional<std::vector<uint64_t>> Fields::Ids(const char* name, bool required, size_t max) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array() || v->size() > max) {
    Fail("invalid_field",
         Label(name) + " must be an array of at most " + std::to_string(max) + " ids");
    return std::nullopt;
  }
  std::vector<uint64_t> out;
  for (const Json& e : *v) {
    const bool whole = e.is_number_unsigned() || (e.is_number_integer() && e.get<int64_t>() > 0);
    if (!whole || e.get<uint64_t>() == 0 || e.get<uint64_t>() >= (uint64_t{1} << 54)) {
      Fail("invalid_field", Label(name) + " must hold ids (1 to 2^54-1)");
      return std::nullopt;
    }
    out.push_back(e.get<uint64_t>());
  }
  return out;
}

std::optional<std::vector<std::string>> Fields::Strs(const char* name, bool required, size_t max) {
  const Json* v = Get(name, required);
  if (v == nullptr) return std::nullopt;
  if (!v->is_array() || v->size() > max) {
    Fail("invalid_field",
         Label(name) + " must be an array of at most " + std::to_string(max) + " strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const Json& e : *v) {
    if (!e.is_string() || e.get_ref<const std::string&>().size() > 200) {
      Fail("invalid_field", Label(name) + " must hold strings of at most 200 bytes");
      return std::nullopt;
    }
    out.push_back(e.get<std::string>());
  }
  return out;
}

bool Fields::Done() {
  // An unknown field is named even when another field failed first: a
  // misspelt name explains its "missing" twin better than the twin does.
  for (auto it = j_.begin(); it != j_.end(); ++it) {
    if (read_.count(it.key()) == 0) {
      code_ = "unknown_field";
      detail_ = "unknown field '" + prefix_ + it.key() + "'";
      return false;
    }
  }
  return ok();
}

}  // namespace bg::api
