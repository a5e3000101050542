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

#include "cli/http_client.h"
#include "cli/provider_keys.h"
#include "common/clock.h"
#include "common/hash.h"

namespace bg::cli {

using Json = nlohmann::json;

// How a flag travels: into the body as an id, a whole number, a string, an
// amount in yuan (sent as fen), hours (sent as seconds), a time (Unix
// seconds or RFC 3339, sent as Unix seconds), into the query, or as a JSON
// file whose object is the body (other flags are added to it). A key file
// (provider_keys.h) sends its public key, or signs the body as a usage
// record.
enum class Kind {
  kId,
  kNumber,
  kText,
  kBool,
  kYuan,
  kHours,
  kMinutes,
  kTime,
  kQuery,
  kFile,
  kPublicKeyOf,
  kSignWith
};

struct Flag {
  const char* name;   // --name
  const char* field;  // JSON field or query key
  Kind kind;
  const char* help;
  // A whole number (kNumber) that must be at least 1, such as a job's
  // cards; other numbers may be 0, ids start at 1, durations are more than 0.
  bool at_least_one = false;
};

struct HttpCli::Command {
  const char* noun;
  const char* verb;
  const char* method;
  const char* path;  // "{id}" is the positional argument
  const char* help;
  std::vector<Flag> flags;
  const char* example;
};

namespace {

const std::vector<HttpCli::Command>& Commands() {
  static const std::vector<HttpCli::Command> table = {
      {"pools", "list", "GET", "/v1/pools", "Pools: prices and cards", {}, "baygrid pools list"},
      {"sites", "list", "GET", "/v1/sites", "Sites of the network", {}, "baygrid sites list"},
      {"programmes", "list", "GET", "/v1/programmes", "Programmes", {}, "baygrid programmes list"},
      {"programmes",
       "get",
       "GET",
       "/v1/programmes/{id}",
       "A programme and its money",
       {},
       "baygrid programmes get 1"},
      {"providers", "list", "GET", "/v1/providers", "Providers", {}, "baygrid providers list"},
      {"enterprises",
       "list",
       "GET",
       "/v1/enterprises",
       "Enterprises",
       {},
       "baygrid enterprises list"},
      {"jurisdictions",
       "list",
       "GET",
       "/v1/jurisdictions",
       "Cities and districts",
       {},
       "baygrid jurisdictions list"},
      {"applications",
       "file",
       "POST",
       "/v1/applications",
       "Apply for a voucher",
       {{"--id", "id", Kind::kId, "Application id"},
        {"--programme", "programme", Kind::kId, "Programme id"},
        {"--enterprise", "enterprise", Kind::kId, "Enterprise (admin tokens)"},
        {"--amount", "amount_fen", Kind::kYuan, "Amount in yuan"},
        {"--note", "note", Kind::kText, "A note"}},
       "baygrid applications file --id 9001 --programme 1 --amount 50000"},
      {"applications",
       "review",
       "POST",
       "/v1/applications/{id}/review",
       "A step: submit, start_review, approve, reject, return_for_info, issue, withdraw",
       {{"--step", "step", Kind::kText, "The step"},
        {"--reason", "reason", Kind::kText, "Why (reject, return_for_info)"},
        {"--amount", "amount_fen", Kind::kYuan, "Approve less than applied for (yuan)"}},
       "baygrid applications review 9001 --step approve"},
      {"applications",
       "get",
       "GET",
       "/v1/applications/{id}",
       "An application and its history",
       {},
       "baygrid applications get 9001"},
      {"vouchers",
       "list",
       "GET",
       "/v1/vouchers",
       "Vouchers and what is left",
       {},
       "baygrid vouchers list"},
      {"jobs",
       "quote",
       "POST",
       "/v1/quotes",
       "Price a job on every pool, after subsidy",
       {{"--enterprise", "enterprise", Kind::kId, "Enterprise (admin tokens)"},
        {"--accelerator", "accelerator", Kind::kText, "A800, H800, H20, 910B, 4090"},
        {"--cards", "cards", Kind::kNumber, "Cards", true},
        {"--hours", "walltime_s", Kind::kHours, "Walltime in hours"},
        {"--tier", "tier", Kind::kText, "shared, exclusive or priority"},
        {"--max-oop", "max_out_of_pocket_fen", Kind::kYuan, "Most you will pay (yuan)"},
        {"--objective", "objective", Kind::kText, "cost, finish or latency"},
        {"--purpose", "purpose", Kind::kText, "training, fine_tuning or inference"}},
       "baygrid jobs quote --accelerator A800 --cards 8 --hours 10 --purpose training"},
      {"jobs",
       "submit",
       "POST",
       "/v1/jobs",
       "Submit a job (placed now or queued)",
       {{"--id", "id", Kind::kId, "Job id"},
        {"--enterprise", "enterprise", Kind::kId, "Enterprise (admin tokens)"},
        {"--accelerator", "accelerator", Kind::kText, "A800, H800, H20, 910B, 4090"},
        {"--cards", "cards", Kind::kNumber, "Cards", true},
        {"--hours", "walltime_s", Kind::kHours, "Walltime in hours"},
        {"--tier", "tier", Kind::kText, "shared, exclusive or priority"},
        {"--max-oop", "max_out_of_pocket_fen", Kind::kYuan, "Most you will pay (yuan)"},
        {"--pool", "pool", Kind::kId, "Take this pool's quote"},
        {"--purpose", "purpose", Kind::kText, "training, fine_tuning or inference"}},
       "baygrid jobs submit --id 7 --accelerator A800 --cards 8 --hours 10 --purpose training"},
      {"jobs", "list", "GET", "/v1/jobs", "Jobs you may see", {}, "baygrid jobs list"},
      {"jobs", "get", "GET", "/v1/jobs/{id}", "A job", {}, "baygrid jobs get 7"},
      {"jobs",
       "explain",
       "GET",
       "/v1/jobs/{id}/explain",
       "Why a job waits",
       {},
       "baygrid jobs explain 7"},
      {"jobs",
       "cancel",
       "POST",
       "/v1/jobs/{id}/cancel",
       "Cancel a job",
       {{"--reason", "reason", Kind::kText, "Why"}},
       "baygrid jobs cancel 7 --reason 'wrong data'"},
      {"jobs",
       "extend",
       "POST",
       "/v1/jobs/{id}/extend",
       "More walltime (you pay it)",
       {{"--minutes", "extra_s", Kind::kMinutes, "Minutes more"}},
       "baygrid jobs extend 7 --minutes 30"},
      {"jobs",
       "finish",
       "POST",
       "/v1/jobs/{id}/finish",
       "The job ended (providers)",
       {},
       "baygrid jobs finish 7"},
      {"placements",
       "list",
       "GET",
       "/v1/placements",
       "What to run (providers)",
       {},
       "baygrid placements list"},
      {"statements",
       "get",
       "GET",
       "/v1/statements",
       "A programme's statements for a period",
       {{"--programme", "programme", Kind::kQuery, "Programme id"},
        {"--period", "period", Kind::kQuery, "YYYY-MM or YYYY-Qn"},
        {"--format", "format", Kind::kQuery, "json (default, a page of payees) or csv (all)"},
        {"--lines", "lines", Kind::kQuery, "false: the totals without the lines"}},
       "baygrid statements get --programme 1 --period 2025-06 --lines false"},
      {"statements",
       "close",
       "POST",
       "/v1/statements/close",
       "Close a period: pay every payee",
       {{"--programme", "programme", Kind::kId, "Programme id"},
        {"--period", "period", Kind::kText, "YYYY-MM or YYYY-Qn"}},
       "baygrid statements close --programme 1 --period 2025-06"},
      {"flows",
       "list",
       "GET",
       "/v1/flows",
       "Issuer -> city: card-hours and yuan",
       {{"--from", "from", Kind::kQuery, "First period"},
        {"--to", "to", Kind::kQuery, "Last period"},
        {"--format", "format", Kind::kQuery, "json (default) or csv"}},
       "baygrid flows list --from 2025-06 --to 2025-Q3"},
      {"cases", "list", "GET", "/v1/audit/cases", "Fraud audit cases", {}, "baygrid cases list"},
      {"cases",
       "scan",
       "POST",
       "/v1/audit/scan",
       "Run the fraud detectors",
       {},
       "baygrid cases scan"},
      {"journal",
       "verify",
       "POST",
       "/v1/audit/verify",
       "Verify the server's journal: hash chain, replay, signatures, snapshot, balances",
       {},
       "baygrid journal verify"},
      {"pools",
       "offer",
       "POST",
       "/v1/pools/{id}/offered",
       "Change the cards a pool offers to the network",
       {{"--cards", "cards", Kind::kNumber, "Cards offered (at most the pool's cards)"}},
       "baygrid pools offer 2 --cards 200"},
      {"jobs",
       "schedule",
       "POST",
       "/v1/schedule",
       "Run one placement pass over the queue",
       {{"--max-jobs", "max_jobs", Kind::kNumber, "At most this many placements"}},
       "baygrid jobs schedule"},
      {"cases",
       "close",
       "POST",
       "/v1/audit/cases/{id}/close",
       "Close a case",
       {{"--resolution", "resolution", Kind::kText, "What was found and done"}},
       "baygrid cases close 3 --resolution 'refunded'"},
      {"enterprises",
       "register",
       "POST",
       "/v1/enterprises",
       "Register an enterprise",
       {{"--id", "id", Kind::kId, "Enterprise id"},
        {"--name", "name", Kind::kText, "Name"},
        {"--credit-code", "credit_code", Kind::kText, "统一社会信用代码 (18 characters)"},
        {"--home", "home", Kind::kId, "Jurisdiction id"},
        {"--category", "category", Kind::kText, "manufacturing, software_it, university, ..."}},
       "baygrid enterprises register --id 900 --name 'Pearl Bay AI' --credit-code 91440... --home "
       "3"},
      {"jurisdictions",
       "register",
       "POST",
       "/v1/jurisdictions",
       "Register a city, district, ...",
       {{"--id", "id", Kind::kId, "Jurisdiction id"},
        {"--code", "code", Kind::kText, "Short code (\"dongguan\")"},
        {"--name", "name", Kind::kText, "Name"},
        {"--name-zh", "name_zh", Kind::kText, "Chinese name"},
        {"--level", "level", Kind::kText, "district, cooperation_zone, city, province, national"},
        {"--parent", "parent", Kind::kId, "The jurisdiction above"},
        {"--currency", "currency", Kind::kText, "CNY, HKD or MOP"}},
       "baygrid jurisdictions register --id 30 --code qingyuan --name Qingyuan --level city "
       "--parent 1"},
      {"providers",
       "register",
       "POST",
       "/v1/providers",
       "Register a provider",
       {{"--id", "id", Kind::kId, "Provider id"},
        {"--name", "name", Kind::kText, "Name"},
        {"--credit-code", "credit_code", Kind::kText, "统一社会信用代码 (18 characters)"},
        {"--home", "home", Kind::kId, "Jurisdiction id"}},
       "baygrid providers register --id 9 --name 'Qingyuan Cloud' --credit-code 91441... --home "
       "30"},
      {"sites",
       "register",
       "POST",
       "/v1/sites",
       "Register a provider's site in a city",
       {{"--id", "id", Kind::kId, "Site id"},
        {"--code", "code", Kind::kText, "Short code"},
        {"--name", "name", Kind::kText, "Name"},
        {"--city", "city", Kind::kId, "Jurisdiction id"},
        {"--provider", "provider", Kind::kId, "Provider id"}},
       "baygrid sites register --id 9 --code qy-1 --name 'Qingyuan DC' --city 30 --provider 9"},
      {"pools",
       "price",
       "POST",
       "/v1/pools/{id}/prices",
       "Change a pool's prices per tier",
       {{"--shared", "shared_fen", Kind::kYuan, "Yuan per card-hour"},
        {"--exclusive", "exclusive_fen", Kind::kYuan, "Yuan per card-hour"},
        {"--priority", "priority_fen", Kind::kYuan, "Yuan per card-hour"}},
       "baygrid pools price 2 --shared 6.20 --exclusive 9.70 --priority 15.50"},
      {"pools",
       "add",
       "POST",
       "/v1/pools",
       "Add a pool at a site",
       {{"--id", "id", Kind::kId, "Pool id"},
        {"--site", "site", Kind::kId, "Site id"},
        {"--accelerator", "accelerator", Kind::kText, "A800, H800, H20, 910B, 4090, ..."},
        {"--memory-gb", "memory_gb", Kind::kNumber, "Memory per card"},
        {"--cards", "cards_total", Kind::kNumber, "Cards in the pool"},
        {"--offered", "cards_offered", Kind::kNumber, "Cards offered to the network"},
        {"--price-shared", "price_shared_fen", Kind::kYuan, "Yuan per card-hour, shared"},
        {"--price-exclusive", "price_exclusive_fen", Kind::kYuan, "Yuan per card-hour, exclusive"},
        {"--price-priority", "price_priority_fen", Kind::kYuan, "Yuan per card-hour, priority"}},
       "baygrid pools add --id 20 --site 9 --accelerator H20 --memory-gb 96 --cards 64 "
       "--price-shared 6 --price-exclusive 9.36 --price-priority 15"},
      {"enterprises",
       "blacklist",
       "POST",
       "/v1/enterprises/{id}/blacklist",
       "Put an enterprise on the blacklist (--listed true) or take it off (--listed false)",
       {{"--listed", "listed", Kind::kBool, "true or false"},
        {"--reason", "reason", Kind::kText, "Why"}},
       "baygrid enterprises blacklist 5 --listed true --reason 'resold vouchers'"},
      {"vouchers",
       "revoke",
       "POST",
       "/v1/vouchers/{id}/revoke",
       "Revoke a voucher",
       {{"--reason", "reason", Kind::kText, "Why"}},
       "baygrid vouchers revoke 9001 --reason fraud"},
      {"vouchers",
       "expire",
       "POST",
       "/v1/vouchers/expire",
       "Sweep vouchers past their validity now (the engine does it by itself at expiry)",
       {{"--limit", "limit", Kind::kNumber, "At most this many"},
        {"--programme", "programme", Kind::kId, "Only this programme's (an operator: its own)"}},
       "baygrid vouchers expire --programme 1"},
      {"programmes",
       "create",
       "POST",
       "/v1/programmes",
       "Create a programme from a JSON definition (the shape `programmes get --json` prints)",
       {{"--file", "", Kind::kFile, "The definition (JSON)"}},
       "baygrid programmes create --file dongguan-innovation.json"},
      {"links",
       "set",
       "POST",
       "/v1/links",
       "Set latency and bandwidth between two cities",
       {{"--a", "a", Kind::kId, "Jurisdiction id"},
        {"--b", "b", Kind::kId, "Jurisdiction id"},
        {"--latency-us", "latency_us", Kind::kNumber, "Round trip, microseconds"},
        {"--bandwidth-mbps", "bandwidth_mbps", Kind::kNumber, "Mbit/s"}},
       "baygrid links set --a 4 --b 7 --latency-us 3500 --bandwidth-mbps 400000"},
      {"keys",
       "register",
       "POST",
       "/v1/provider-keys",
       "Register (or rotate) your provider's public key, from a key file",
       {{"--key-file", "public_key_hex", Kind::kPublicKeyOf, "From `baygrid keys generate`"},
        {"--provider", "provider", Kind::kId, "Provider id (admin tokens)"}},
       "baygrid keys register --key-file shaoguan.key"},
      {"usage",
       "report",
       "POST",
       "/v1/usage",
       "Sign a usage record with your key file and send it",
       {{"--key-file", "", Kind::kSignWith, "From `baygrid keys generate`"},
        {"--id", "id", Kind::kNumber, "Record id (yours, unique per provider)"},
        {"--provider", "provider", Kind::kId, "Provider id"},
        {"--order", "order", Kind::kId, "The job (order) the cards ran"},
        {"--start", "start_unix_s", Kind::kTime, "Unix seconds or 2025-06-01T08:00:00Z"},
        {"--end", "end_unix_s", Kind::kTime, "Unix seconds or RFC 3339 (exclusive)"},
        {"--cards", "cards", Kind::kNumber, "Cards used"}},
       "baygrid usage report --key-file shaoguan.key --id 1 --provider 1 --order 900001 "
       "--start 2025-06-01T08:00:00Z --end 2025-06-01T09:00:00Z --cards 8"},
      {"claims",
       "redeem",
       "POST",
       "/v1/claims",
       "Redeem an order sold outside the scheduler against the enterprise's vouchers (held)",
       {{"--id", "id", Kind::kId, "Claim id"},
        {"--order", "order", Kind::kId, "Your order id"},
        {"--enterprise", "enterprise", Kind::kId, "Enterprise id"},
        {"--provider", "provider", Kind::kId, "Provider id (yours)"},
        {"--amount", "amount_fen", Kind::kYuan, "Eligible amount, yuan"},
        {"--resource", "resource", Kind::kText, "domestic or foreign (default)"},
        {"--purpose", "purpose", Kind::kText, "training, fine_tuning or inference"}},
       "baygrid claims redeem --id 1 --order 700 --enterprise 1 --provider 1 --amount 3000"},
      {"claims",
       "capture",
       "POST",
       "/v1/claims/{id}/capture",
       "Capture a held claim (the subsidy is spent)",
       {},
       "baygrid claims capture 1"},
      {"claims",
       "void",
       "POST",
       "/v1/claims/{id}/void",
       "Void a held claim (its holds are released)",
       {},
       "baygrid claims void 1"},
      {"claims",
       "list",
       "GET",
       "/v1/claims",
       "Direct claims you may see",
       {},
       "baygrid claims list"},
      {"claims", "get", "GET", "/v1/claims/{id}", "A direct claim", {}, "baygrid claims get 1"},
      {"jobs",
       "clawback",
       "POST",
       "/v1/jobs/{id}/clawback",
       "Claw back the subsidy of a placed job",
       {{"--reason", "reason", Kind::kText, "Why"}},
       "baygrid jobs clawback 7 --reason 'resold compute'"},
      {"claims",
       "clawback",
       "POST",
       "/v1/claims/{id}/clawback",
       "Claw back a captured subsidy",
       {{"--reason", "reason", Kind::kText, "Why"}},
       "baygrid claims clawback 17 --reason 'double claim'"},
      {"tokens",
       "create",
       "POST",
       "/v1/tokens",
       "Create a token (the secret is shown once)",
       {{"--id", "id", Kind::kId, "Token id"},
        {"--role", "role", Kind::kText, "admin, operator, enterprise, provider or auditor"},
        {"--scope", "scope", Kind::kNumber, "Programme, enterprise or provider id"},
        {"--name", "name", Kind::kText, "Who holds it"}},
       "baygrid tokens create --id 9 --role auditor --name audit-office"},
      {"tokens",
       "revoke",
       "POST",
       "/v1/tokens/{id}/revoke",
       "Revoke a token",
       {},
       "baygrid tokens revoke 9"},
  };
  return table;
}

// Every GET list answers a page at a time (?limit=, ?after=).
bool IsPagedList(const HttpCli::Command& c) {
  const std::string path = c.path;
  return std::string(c.method) == "GET" && path.find("{id}") == std::string::npos;
}

std::string Cell(const Json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("yuan")) return v["yuan"].get<std::string>();
  if (v.is_null()) return "-";
  if (v.is_object() || v.is_array()) return "…";
  return v.dump();
}

// Rows of objects as an aligned table of their scalar (and money) columns.
void PrintTable(const Json& rows) {
  if (rows.empty()) {
    std::printf("(none)\n");
    return;
  }
  std::vector<std::string> columns;
  for (auto it = rows[0].begin(); it != rows[0].end(); ++it) {
    const Json& v = it.value();
    if (!v.is_array() && !(v.is_object() && !v.contains("yuan"))) columns.push_back(it.key());
  }
  std::vector<size_t> width;
  width.reserve(columns.size());
  for (const std::string& c : columns) width.push_back(c.size());
  std::vector<std::vector<std::string>> cells;
  for (const Json& r : rows) {
    std::vector<std::string> line;
    for (size_t i = 0; i < columns.size(); ++i) {
      line.push_back(r.contains(columns[i]) ? Cell(r[columns[i]]) : "");
      width[i] = std::max(width[i], std::min<size_t>(line.back().size(), 48));
    }
    cells.push_back(std::move(line));
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    std::printf("%-*s  ", static_cast<int>(width[i]), columns[i].c_str());
  }
  std::printf("\n");
  for (const auto& line : cells) {
    for (size_t i = 0; i < line.size(); ++i) {
      std::printf("%-*s  ", static_cast<int>(width[i]), line[i].substr(0, 48).c_str());
    }
    std::printf("\n");
  }
}

void PrintObject(const Json& j) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.value().is_array() && !it.value().empty() && it.value()[0].is_object()) {
      std::printf("%s:\n", it.key().c_str());
      PrintTable(it.value());
    } else {
      std::printf("%-20s %s\n", it.key().c_str(), Cell(it.value()).c_str());
    }
  }
}

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

}  // namespace

struct HttpCli::Impl {
  std::string server;
  std::string token;
  std::string timeout;  // seconds
  bool json = false;
  struct Chosen {
    const Command* command;
    CLI::App* app;
  };
  std::vector<Chosen> all;
  std::map<CLI::App*, std::string> id;
  std::map<std::pair<CLI::App*, std::string>, std::string> values;
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
  for (const Command& c : Commands()) {
    CLI::App*& noun = nouns[c.noun];
    if (noun == nullptr) {
      noun = app.add_subcommand(c.noun, std::string("The API's ") + c.noun + " (over HTTP)");
      noun->require_subcommand(1);
    }
    CLI::App* verb = noun->add_subcommand(c.verb, c.help);
    verb->add_option("--server", impl_->server, "http://host:port (env BAYGRID_URL)");
    verb->add_option("--token", impl_->token, "API token (env BAYGRID_TOKEN)");
    verb->add_option("--timeout", impl_->timeout,
                     "Seconds to wait for the server to accept, then to answer (env "
                     "BAYGRID_TIMEOUT; default 30)");
    verb->add_flag("--json", impl_->json, "Print the JSON answer as it came");
    if (std::string(c.path).find("{id}") != std::string::npos) {
      verb->add_option("id", impl_->id[verb], "The id")->required();
    }
    for (const Flag& f : c.flags) verb->add_option(f.name, impl_->values[{verb, f.name}], f.help);
    if (IsPagedList(c)) {
      verb->add_option("--limit", impl_->values[{verb, "--limit"}], "At most this many (1-1000)");
      verb->add_option("--after", impl_->values[{verb, "--after"}],
                       "The page after this id (the last one shown)");
    }
    verb->footer(std::string("Example:\n  ") + c.example);
    impl_->all.push_back({&c, verb});
  }
  impl_->generate = nouns.at("keys")->add_subcommand(
      "generate", "Make a new Ed25519 signing key for your provider (offline)");
  impl_->generate->add_option("--out", impl_->key_out, "The key file to create")->required();
  impl_->generate->footer("Example:\n  baygrid keys generate --out shaoguan.key");
}

HttpCli::~HttpCli() = default;

std::vector<std::pair<std::string, std::string>> HttpCli::Routes() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Command& c : Commands()) out.emplace_back(c.method, c.path);
  return out;
}

bool HttpCli::chosen() const {
  if (impl_->generate != nullptr && impl_->generate->parsed()) return true;
  for (const auto& c : impl_->all) {
    if (c.app->parsed()) return true;
  }
  return false;
}

int HttpCli::Run() {
  if (impl_->generate != nullptr && impl_->generate->parsed()) {
    Result<std::string> public_hex = GenerateKeyFile(impl_->key_out);
    if (!public_hex.ok()) {
      std::fprintf(stderr, "baygrid: %s\n", public_hex.status().ToString().c_str());
      return 1;
    }
    std::printf("key written to %s (keep it secret; mode 0600)\npublic_key_hex %s\n",
                impl_->key_out.c_str(), public_hex->c_str());
    return 0;
  }
  const Impl::Chosen* chosen = nullptr;
  for (const auto& c : impl_->all) {
    if (c.app->parsed()) chosen = &c;
  }
  if (chosen == nullptr) return 2;
  const Command& cmd = *chosen->command;
  std::string path = cmd.path;
  if (const size_t at = path.find("{id}"); at != std::string::npos) {
    path.replace(at, 4, impl_->id[chosen->app]);
  }
  Json body = Json::object();
  std::string query;
  std::string signing_key;
  for (const Flag& f : cmd.flags) {
    const std::string& v = impl_->values[{chosen->app, f.name}];
    if (v.empty()) continue;
    std::string why;
    std::optional<int64_t> n;
    switch (f.kind) {
      case Kind::kFile: {
        std::ifstream in(v);
        std::stringstream text;
        text << in.rdbuf();
        Json file = Json::parse(text.str(), nullptr, false);
        if (!in || !file.is_object()) {
          std::fprintf(stderr, "baygrid: %s '%s' is not a readable JSON object\n", f.name,
                       v.c_str());
          return 2;
        }
        file.update(body);
        body = std::move(file);
        continue;
      }
      case Kind::kText:
        body[f.field] = v;
        continue;
      case Kind::kPublicKeyOf: {
        Result<metering::KeyPair> key = ReadKeyFile(v);
        if (!key.ok()) {
          std::fprintf(stderr, "baygrid: %s\n", key.status().ToString().c_str());
          return 2;
        }
        body[f.field] = ToHex(key->public_key);
        continue;
      }
      case Kind::kSignWith:
        signing_key = v;  // after every field is in the body
        continue;
      case Kind::kTime:
        if (const std::optional<Timestamp> t = ParseUtcTime(v)) {
          n = static_cast<int64_t>(*t / kNanosPerSecond);
        } else {
          n = NumberOf(f, v, &why);
        }
        break;
      case Kind::kBool:
        if (v != "true" && v != "false") {
          std::fprintf(stderr, "baygrid: %s is true or false\n", f.name);
          return 2;
        }
        body[f.field] = v == "true";
        continue;
      case Kind::kQuery:
        query += (query.empty() ? "?" : "&") + std::string(f.field) + "=" + QueryEscape(v);
        continue;
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
      return 2;
    }
    body[f.field] = *n;
  }
  if (!signing_key.empty()) {
    Result<metering::KeyPair> key = ReadKeyFile(signing_key);
    Result<Json> usage = key.ok() ? SignedUsage(body, *key) : Result<Json>(key.status());
    if (!usage.ok()) {
      std::fprintf(stderr, "baygrid: %s\n", usage.status().ToString().c_str());
      return 2;
    }
    body = std::move(*usage);
  }
  if (IsPagedList(cmd)) {
    for (const char* paging : {"limit", "after"}) {
      const std::string& v = impl_->values[{chosen->app, std::string("--") + paging}];
      if (!v.empty()) {
        query += (query.empty() ? "?" : "&") + std::string(paging) + "=" + QueryEscape(v);
      }
    }
  }
  std::chrono::milliseconds timeout = kDefaultTimeout;
  if (!impl_->timeout.empty()) {
    char* end = nullptr;
    const double seconds = std::strtod(impl_->timeout.c_str(), &end);
    if (end == impl_->timeout.c_str() || *end != '\0' || !(seconds > 0) || seconds > 86'400) {
      std::fprintf(stderr, "baygrid: --timeout must be seconds, more than 0 (got %s)\n",
                   impl_->timeout.c_str());
      return 2;
    }
    timeout = std::chrono::milliseconds(std::max<int64_t>(1, std::llround(seconds * 1000)));
  }
  Result<ClientResponse> r =
      HttpCall(impl_->server, cmd.method, path + query, impl_->token,
               std::string(cmd.method) == "POST" ? body.dump() : "", timeout);
  if (!r.ok()) {
    std::fprintf(stderr, "baygrid: %s\n", r.status().ToString().c_str());
    return 1;
  }
  if (r->status >= 400) {
    const Json p = Json::parse(r->body, nullptr, false);
    std::fprintf(stderr, "baygrid: %d %s: %s (request %s)\n", r->status,
                 p.is_object() ? p.value("title", "").c_str() : "",
                 p.is_object() ? p.value("detail", "").c_str() : r->body.c_str(),
                 r->request_id.c_str());
    return 1;
  }
  if (impl_->json || r->content_type.rfind("application/json", 0) != 0) {
    std::fwrite(r->body.data(), 1, r->body.size(), stdout);
    if (!r->body.empty() && r->body.back() != '\n') std::printf("\n");
    return 0;
  }
  const Json j = Json::parse(r->body, nullptr, false);
  if (j.is_object() && j.contains("items")) {
    PrintTable(j["items"]);
    if (j.contains("next_after") && !j["next_after"].is_null()) {
      std::printf("(more: --after %s)\n", j["next_after"].dump().c_str());
    }
  } else if (j.is_array()) {
    PrintTable(j);
  } else if (j.is_object()) {
    PrintObject(j);
  } else {
    std::printf("%s\n", r->body.c_str());
  }
  return 0;
}

}  // namespace bg::cli
