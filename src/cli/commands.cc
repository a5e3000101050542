#include "cli/commands.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "api/spec/routes.h"
#include "cli/http_client.h"
#include "cli/provider_keys.h"
#include "cli/table.h"
#include "common/check.h"
#include "common/clock.h"
#include "common/hash.h"

namespace bg::cli {

namespace spec = api::spec;
using Json = nlohmann::json;
using spec::Flag;
using Kind = spec::FlagKind;

namespace {

// A flag's value for its kind (ids, numbers, hours, minutes, Unix
// seconds), or a message that names the flag and says what it must be.
std::optional<int64_t> NumberOf(const Flag& f, const std::string& v, std::string* why) {
  char* end = nullptr;
  const double x = std::strtod(v.c_str(), &end);
  if (end == v.c_str() || *end != '\0' || !std::isfinite(x)) {
    *why = std::string(f.name) + " '" + v + "' is not a number";
    return std::nullopt;
  }
  const bool whole = x == std::floor(x) && std::fabs(x) < 9e15;
  auto must = [&](const char* what) {
    *why = std::string(f.name) + " must be " + what + " (got " + v + ")";
    return std::nullopt;
  };
  switch (f.kind) {
    case Kind::kId:
      if (!whole || x < 1) return must("a whole number from 1 (an id)");
      return static_cast<int64_t>(x);
    case Kind::kNumber:
    case Kind::kTime:
      if (f.at_least_one && (!whole || x < 1)) return must("a whole number, at least 1");
      if (!whole || x < 0) return must("a whole number, 0 or more");
      return static_cast<int64_t>(x);
    case Kind::kHours:
    case Kind::kMinutes: {
      const int64_t seconds = std::llround(x * (f.kind == Kind::kHours ? 3600 : 60));
      if (x <= 0) return must("more than 0");
      if (seconds < 1) return must("at least a second");
      return seconds;
    }
    default:
      break;
  }
  return must("a number");
}

// A query value as it travels: %-escaped but for unreserved characters.
std::string QueryEscape(const std::string& v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(ch);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

// "12.5" yuan -> 1250 fen; nothing if it is not an amount.
std::optional<int64_t> YuanToFen(const std::string& s) {
  const size_t dot = s.find('.');
  const std::string whole = s.substr(0, dot);
  std::string frac = dot == std::string::npos ? "" : s.substr(dot + 1);
  if (whole.empty() || frac.size() > 2 || whole.size() > 15) return std::nullopt;
  for (char c : whole + frac) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  frac.resize(2, '0');
  return std::stoll(whole) * 100 + std::stoll(frac);
}

// `keys generate`: a new key file, offline.
int GenerateKey(const std::string& out) {
  Result<std::string> public_hex = GenerateKeyFile(out);
  if (!public_hex.ok()) {
    std::fprintf(stderr, "baygrid: %s\n", public_hex.status().ToString().c_str());
    return 1;
  }
  std::printf("key written to %s (keep it secret; mode 0600)\npublic_key_hex %s\n", out.c_str(),
              public_hex->c_str());
  return 0;
}

// What a command's flags make of the request.
struct Request {
  Json body = Json::object();
  std::string query;
  std::string signing_key;  // a key file that signs the body as a usage record
};

// A flag's value `v` as its kind says it travels; false, with what is
// wrong said on stderr, when it cannot be right.
bool Put(const Flag& f, const std::string& v, Request* request) {
  Json& body = request->body;
  std::string why;
  std::optional<int64_t> n;
  switch (f.kind) {
    case Kind::kFile: {
      std::ifstream in(v);
      std::stringstream text;
      text << in.rdbuf();
      Json file = Json::parse(text.str(), nullptr, false);
      if (!in || !file.is_object()) {
        std::fprintf(stderr, "baygrid: %s '%s' is not a readable JSON object\n", f.name, v.c_str());
        return false;
      }
      file.update(body);
      body = std::move(file);
      return true;
    }
    case Kind::kText:
      body[f.key] = v;
      return true;
    case Kind::kPublicKeyOf: {
      Result<metering::KeyPair> key = ReadKeyFile(v);
      if (!key.ok()) {
        std::fprintf(stderr, "baygrid: %s\n", key.status().ToString().c_str());
        return false;
      }
      body[f.key] = ToHex(key->public_key);
      return true;
    }
    case Kind::kSignWith:
      request->signing_key = v;  // after every field is in the body
      return true;
    case Kind::kTime:
      if (const std::optional<Timestamp> t = ParseUtcTime(v)) {
        n = static_cast<int64_t>(*t / kNanosPerSecond);
      } else {
        n = NumberOf(f, v, &why);
      }
      break;
    case Kind::kIds: {
      Json ids = Json::array();
      size_t at = 0;
      while (at <= v.size()) {
        const size_t comma = std::min(v.find(',', at), v.size());
        const std::string one = v.substr(at, comma - at);
        const bool digits = !one.empty() && one.size() <= 16 &&
                            one.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || std::stoull(one) == 0) {
          std::fprintf(stderr, "baygrid: %s takes ids separated by commas (1,2,3), got '%s'\n",
                       f.name, v.c_str());
          return false;
        }
        ids.push_back(std::stoull(one));
        at = comma + 1;
      }
      body[f.key] = std::move(ids);
      return true;
    }
    case Kind::kBool:
      if (v != "true" && v != "false") {
        std::fprintf(stderr, "baygrid: %s is true or false\n", f.name);
        return false;
      }
      body[f.key] = v == "true";
      return true;
    case Kind::kQuery:
      request->query +=
          (request->query.empty() ? "?" : "&") + std::string(f.key) + "=" + QueryEscape(v);
      return true;
    case Kind::kId:
    case Kind::kNumber:
    case Kind::kHours:
    case Kind::kMinutes:
      n = NumberOf(f, v, &why);
      break;
    case Kind::kYuan:
      n = YuanToFen(v);
      if (!n) {
        why = std::string(f.name) + (!v.empty() && v[0] == '-'
                                         ? " must not be negative (got " + v + ")"
                                         : " '" + v +
                                               "' is not an amount of yuan (at most 2 "
                                               "decimals)");
      }
      break;
  }
  if (!n) {
    std::fprintf(stderr, "baygrid: %s\n", why.c_str());
    return false;
  }
  body[f.key] = *n;
  return true;
}

// The body as a signed usage record, when a key file was given; false
// (said on stderr) when the key or the record is wrong.
bool Sign(Request* request) {
  if (request->signing_key.empty()) return true;
  Result<metering::KeyPair> key = ReadKeyFile(request->signing_key);
  Result<Json> usage = key.ok() ? SignedUsage(request->body, *key) : Result<Json>(key.status());
  if (!usage.ok()) {
    std::fprintf(stderr, "baygrid: %s\n", usage.status().ToString().c_str());
    return false;
  }
  request->body = std::move(*usage);
  return true;
}

// --timeout (or BAYGRID_TIMEOUT) in seconds; the default when empty;
// nothing (said on stderr) when it is no such number.
std::optional<std::chrono::milliseconds> TimeoutOf(const std::string& text) {
  if (text.empty()) return kDefaultTimeout;
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(seconds > 0) || seconds > 86'400) {
    std::fprintf(stderr, "baygrid: --timeout must be seconds, more than 0 (got %s)\n",
                 text.c_str());
    return std::nullopt;
  }
  return std::chrono::milliseconds(std::max<int64_t>(1, std::llround(seconds * 1000)));
}

// The answer: a problem on stderr (exit 1); JSON as it came (--json) or
// as tables; anything else as it came.
int Show(const ClientResponse& r, bool json, std::string_view columns) {
  if (r.status >= 400) {
    const Json p = Json::parse(r.body, nullptr, false);
    std::fprintf(stderr, "baygrid: %d %s: %s (request %s)\n", r.status,
                 p.is_object() ? p.value("title", "").c_str() : "",
                 p.is_object() ? p.value("detail", "").c_str() : r.body.c_str(),
                 r.request_id.c_str());
    return 1;
  }
  if (json || r.content_type.rfind("application/json", 0) != 0) {
    std::fwrite(r.body.data(), 1, r.body.size(), stdout);
    if (!r.body.empty() && r.body.back() != '\n') std::printf("\n");
    return 0;
  }
  const Json j = Json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("items")) {
    PrintTable(j["items"], stdout, columns);
    if (j.contains("next_after") && !j["next_after"].is_null()) {
      std::printf("(more: --after %s)\n", j["next_after"].dump().c_str());
    }
    // What a list says besides its items (the inbox's counts per status).
    Json rest = j;
    rest.erase("items");
    rest.erase("next_after");
    if (!rest.empty()) PrintObject(rest);
  } else if (j.is_array()) {
    PrintTable(j);
  } else if (j.is_object()) {
    PrintObject(j);
  } else {
    std::printf("%s\n", r.body.c_str());
  }
  return 0;
}

}  // namespace

struct HttpCli::Impl {
  std::string server;
  std::string token;
  std::string timeout;  // seconds
  bool json = false;
  bool wide = false;  // --wide: every column of a list
  struct Chosen {
    const spec::Route* route;
    CLI::App* app;
    std::vector<Flag> flags;  // route->Flags()
  };
  std::vector<Chosen> all;
  std::map<CLI::App*, std::string> id;
  std::map<std::pair<CLI::App*, std::string>, std::string> values;
  std::map<CLI::App*, Offline> offline;  // verbs that also run on a --db file
  // `keys generate`: offline, no server.
  CLI::App* generate = nullptr;
  std::string key_out;
};

HttpCli::HttpCli(CLI::App& app) : impl_(std::make_unique<Impl>()) {
  // Read once, before any thread starts.
  const char* url = std::getenv("BAYGRID_URL");          // NOLINT(concurrency-mt-unsafe)
  const char* token = std::getenv("BAYGRID_TOKEN");      // NOLINT(concurrency-mt-unsafe)
  const char* timeout = std::getenv("BAYGRID_TIMEOUT");  // NOLINT(concurrency-mt-unsafe)
  impl_->server = url != nullptr ? url : "http://127.0.0.1:8080";
  impl_->token = token != nullptr ? token : "";
  impl_->timeout = timeout != nullptr ? timeout : "";
  std::map<std::string, CLI::App*> nouns;
  for (const spec::Route& r : spec::Routes()) {
    if (r.cli.noun == nullptr) continue;
    CLI::App*& noun = nouns[r.cli.noun];
    if (noun == nullptr) {
      noun =
          app.add_subcommand(r.cli.noun, std::string("The API's ") + r.cli.noun + " (over HTTP)");
      noun->require_subcommand(1);
    }
    CLI::App* verb = noun->add_subcommand(r.cli.verb, r.cli.help);
    verb->add_option("--server", impl_->server, "http://host:port (env BAYGRID_URL)");
    verb->add_option("--token", impl_->token, "API token (env BAYGRID_TOKEN)");
    verb->add_option("--timeout", impl_->timeout,
                     "Seconds to wait for the server to accept, then to answer (env "
                     "BAYGRID_TIMEOUT; default 30)");
    verb->add_flag("--json", impl_->json, "Print the JSON answer as it came");
    if (*r.cli.columns != '\0') {
      verb->add_flag("--wide", impl_->wide, std::string("Every column, not only ") + r.cli.columns);
    }
    if (std::string(r.path).find("{id}") != std::string::npos) {
      verb->add_option("id", impl_->id[verb], "The id")->required();
    }
    std::vector<Flag> flags = r.Flags();
    for (const Flag& f : flags) verb->add_option(f.name, impl_->values[{verb, f.name}], f.help);
    verb->footer(std::string("Example:\n  ") + r.cli.example);
    impl_->all.push_back({&r, verb, std::move(flags)});
  }
  impl_->generate = nouns.at("keys")->add_subcommand(
      "generate", "Make a new Ed25519 signing key for your provider (offline)");
  impl_->generate->add_option("--out", impl_->key_out, "The key file to create")->required();
  impl_->generate->footer("Example:\n  baygrid keys generate --out shaoguan.key");
}

HttpCli::~HttpCli() = default;

void HttpCli::AddOffline(Offline offline) {
  for (const Impl::Chosen& c : impl_->all) {
    if (std::string(c.route->cli.noun) != offline.noun ||
        std::string(c.route->cli.verb) != offline.verb) {
      continue;
    }
    c.app->add_option("--db", impl_->values[{c.app, "--db"}], offline.db_help);
    for (const auto& [name, help] : offline.extra_flags) {
      c.app->add_option(name, impl_->values[{c.app, name}], help);
    }
    impl_->offline.emplace(c.app, std::move(offline));
    return;
  }
  BG_CHECK(false) << "no verb " << offline.noun << " " << offline.verb << " to run offline";
}

bool HttpCli::chosen() const {
  if (impl_->generate != nullptr && impl_->generate->parsed()) return true;
  for (const auto& c : impl_->all) {
    if (c.app->parsed()) return true;
  }
  return false;
}

int HttpCli::Run() {
  if (impl_->generate != nullptr && impl_->generate->parsed()) return GenerateKey(impl_->key_out);
  const Impl::Chosen* chosen = nullptr;
  for (const auto& c : impl_->all) {
    if (c.app->parsed()) chosen = &c;
  }
  if (chosen == nullptr) return 2;
  const spec::Route& route = *chosen->route;
  if (auto off = impl_->offline.find(chosen->app);
      off != impl_->offline.end() && !impl_->values[{chosen->app, "--db"}].empty()) {
    FlagValues v;
    for (const auto& [key, value] : impl_->values) {
      if (key.first == chosen->app) v[key.second] = value;
    }
    v["id"] = impl_->id[chosen->app];
    const Status done = off->second.run(v);
    if (!done.ok()) {
      std::fprintf(stderr, "baygrid: %s\n", done.ToString().c_str());
      return 1;
    }
    return 0;
  }
  std::string path = route.path;
  if (const size_t at = path.find("{id}"); at != std::string::npos) {
    path.replace(at, 4, impl_->id[chosen->app]);
  }
  Request request;
  for (const Flag& f : chosen->flags) {
    const std::string& v = impl_->values[{chosen->app, f.name}];
    if (!v.empty() && !Put(f, v, &request)) return 2;
  }
  if (!Sign(&request)) return 2;
  const std::optional<std::chrono::milliseconds> timeout = TimeoutOf(impl_->timeout);
  if (!timeout) return 2;
  Result<ClientResponse> r =
      HttpCall(impl_->server, route.method, path + request.query, impl_->token,
               std::string(route.method) == "POST" ? request.body.dump() : "", *timeout);
  if (!r.ok()) {
    std::fprintf(stderr, "baygrid: %s\n", r.status().ToString().c_str());
    return 1;
  }
  return Show(*r, impl_->json, impl_->wide ? "" : route.cli.columns);
}

}  // namespace bg::cli
