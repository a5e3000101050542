// The OpenAPI 3 document served at /v1/openapi.json. Written by hand, not
// generated from the route table, so that api_test.cc's comparison of the
// two means something: no route missing here, none here that does not
// exist.
#include <algorithm>

#include "api/service.h"

namespace bg::api {
namespace {

struct Op {
  const char* method;
  const char* path;
  const char* summary;
  const char* roles;
};

// Request bodies, compactly: "name:type" per field, "!" after a required
// one. Types: id (1 to 2^54-1), int (>= 0), fen (integer fen), str, bool,
// date ("2026-01-01" or RFC 3339 UTC), array, object. api_test.cc sends
// every route its documented fields and checks none is unknown to it.
struct Body {
  const char* path;
  const char* fields;
};

constexpr Body kBodies[] = {
    {"/v1/applications", "id:id!,programme:id!,enterprise:id,amount_fen:fen!,note:str"},
    {"/v1/applications/{id}/review", "step:str!,reason:str,amount_fen:fen"},
    {"/v1/quotes",
     "enterprise:id,accelerator:str,min_memory_gb:int,cards:int!,walltime_s:int!,tier:str,"
     "data_site:id,data_gb:int,deadline_unix_s:int,max_out_of_pocket_fen:fen,objective:str,"
     "near_city:id,purpose:str,pool:id"},
    {"/v1/jobs",
     "id:id!,enterprise:id,accelerator:str,min_memory_gb:int,cards:int!,walltime_s:int!,tier:str,"
     "data_site:id,data_gb:int,deadline_unix_s:int,max_out_of_pocket_fen:fen,objective:str,"
     "near_city:id,purpose:str,pool:id"},
    {"/v1/jobs/{id}/cancel", "reason:str"},
    {"/v1/jobs/{id}/extend", "extra_s:int!"},
    {"/v1/jobs/{id}/finish", ""},
    {"/v1/jobs/{id}/clawback", "reason:str!"},
    {"/v1/schedule", "max_jobs:int"},
    {"/v1/provider-keys", "provider:id,public_key_hex:str!"},
    {"/v1/usage", "records:array!,batch_signature_hex:str"},
    {"/v1/pools/{id}/offered", "cards:int!"},
    {"/v1/pools/{id}/prices", "shared_fen:fen!,exclusive_fen:fen!,priority_fen:fen!"},
    {"/v1/statements/close", "programme:id!,period:str!"},
    {"/v1/audit/scan", ""},
    {"/v1/audit/cases/{id}/close", "resolution:str!"},
    {"/v1/audit/verify", ""},
    {"/v1/enterprises", "id:id!,name:str!,credit_code:str!,home:id!,category:str"},
    {"/v1/providers", "id:id!,name:str!,credit_code:str!,home:id!,platforms:array"},
    {"/v1/jurisdictions",
     "id:id!,code:str!,name:str!,name_zh:str,level:str!,parent:id,currency:str"},
    {"/v1/sites", "id:id!,code:str!,name:str!,city:id!,provider:id!"},
    {"/v1/pools",
     "id:id!,site:id!,accelerator:str!,domestic:bool,memory_gb:int!,cards_total:int!,"
     "cards_offered:int,price_shared_fen:fen!,price_exclusive_fen:fen!,price_priority_fen:fen!"},
    {"/v1/programmes",
     "id:id!,name:str!,kind:str,issuer:id!,valid_from:date!,valid_until:date!,apply_from:date,"
     "apply_until:date,total_budget_fen:fen!,yearly_budget_fen:fen,eligibility:object,"
     "ratio_bp:int!,combined_ceiling_bp:int,ratio_rules:array,per_order_cap_fen:fen,"
     "per_award_cap_fen:fen,purposes:array,entity_year_cap_fen:fen,cap_rules:array,providers:"
     "object,"
     "redemption:str,voucher_validity_days:int,lapse:str,sme_first:bool,settlement:str"},
    {"/v1/links", "a:id!,b:id!,latency_us:int!,bandwidth_mbps:int!"},
    {"/v1/claims",
     "id:id!,order:id!,enterprise:id!,provider:id!,amount_fen:fen!,resource:str,purpose:str"},
    {"/v1/claims/{id}/capture", ""},
    {"/v1/claims/{id}/void", ""},
    {"/v1/claims/{id}/clawback", "reason:str!"},
    {"/v1/enterprises/{id}/blacklist", "listed:bool!,reason:str!"},
    {"/v1/vouchers/{id}/revoke", "reason:str!"},
    {"/v1/vouchers/expire", "limit:int,programme:id"},
    {"/v1/tokens", "id:id!,role:str!,scope:int,name:str!"},
    {"/v1/tokens/{id}/revoke", ""},
};

// Query parameters, in the same compact form, for the GET routes that take
// any (each route declares its own on its row; api_test.cc checks that the
// two agree). A list's `after` is an id, or the string cursor its pages
// answered with (`cursor`). Types as above, and enum-like strings as
// "a|b".
struct Query {
  const char* path;
  const char* params;
};

constexpr const char* kPaged = "limit:limit,after:id";

constexpr Query kQueries[] = {
    {"/v1/jurisdictions", kPaged},
    {"/v1/programmes", kPaged},
    {"/v1/providers", kPaged},
    {"/v1/enterprises", kPaged},
    {"/v1/sites", kPaged},
    {"/v1/pools", kPaged},
    {"/v1/vouchers", kPaged},
    {"/v1/jobs", kPaged},
    {"/v1/placements", kPaged},
    {"/v1/claims", kPaged},
    {"/v1/audit/cases", kPaged},
    {"/v1/statements",
     "programme:id!,period:str!,format:json|csv,lines:true|false,limit:limit,after:cursor"},
    {"/v1/flows", "from:str,to:str,format:json|csv,limit:limit,after:cursor"},
};

Json FieldSchema(std::string_view type) {
  if (type == "id") {
    return {{"type", "integer"}, {"minimum", 1}, {"maximum", (int64_t{1} << 54) - 1}};
  }
  if (type == "int") return {{"type", "integer"}, {"minimum", 0}};
  if (type == "fen") {
    return {{"type", "integer"}, {"minimum", 0}, {"description", "integer fen (0.01 yuan)"}};
  }
  if (type == "limit") {
    return {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 100}};
  }
  if (type == "cursor") {
    return {{"type", "string"}, {"description", "the next_after of the page before"}};
  }
  if (type.find('|') != std::string_view::npos) {
    Json values = Json::array();
    for (size_t at = 0; at <= type.size();) {
      const size_t bar = std::min(type.find('|', at), type.size());
      values.push_back(std::string(type.substr(at, bar - at)));
      at = bar + 1;
    }
    return {{"type", "string"}, {"enum", values}};
  }
  if (type == "bool") return {{"type", "boolean"}};
  if (type == "date") return {{"type", "string"}, {"example", "2026-01-01"}};
  if (type == "array") return {{"type", "array"}};
  if (type == "object") return {{"type", "object"}};
  return {{"type", "string"}};
}

// The JSON schema of a compact body spec; unknown fields are refused.
Json BodySchema(std::string_view fields) {
  Json properties = Json::object();
  Json required = Json::array();
  while (!fields.empty()) {
    const size_t comma = fields.find(',');
    std::string_view one = fields.substr(0, comma);
    fields = comma == std::string_view::npos ? "" : fields.substr(comma + 1);
    const size_t colon = one.find(':');
    std::string_view type = one.substr(colon + 1);
    const bool must = !type.empty() && type.back() == '!';
    if (must) type.remove_suffix(1);
    const std::string name(one.substr(0, colon));
    properties[name] = FieldSchema(type);
    if (must) required.push_back(name);
  }
  Json schema = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

constexpr Op kOps[] = {
    {"get", "/healthz", "Liveness", "public"},
    {"get", "/metrics", "Prometheus metrics", "public"},
    {"get", "/v1/openapi.json", "This document", "public"},
    {"get", "/v1/jurisdictions", "Jurisdictions (paged: limit, after)", "any"},
    {"get", "/v1/programmes", "Programmes (paged)", "any"},
    {"get", "/v1/programmes/{id}",
     "A programme, with its money totals for admin, its operator and auditors", "any"},
    {"get", "/v1/providers", "Providers (paged)", "any"},
    {"get", "/v1/enterprises", "Enterprises (an enterprise sees itself)",
     "admin, operator, auditor, enterprise"},
    {"get", "/v1/sites", "Sites of the network (paged)", "any"},
    {"get", "/v1/pools", "Pools with prices and cards offered and used (paged)", "any"},
    {"post", "/v1/applications", "File a voucher application (Draft)", "enterprise (own), admin"},
    {"post", "/v1/applications/{id}/review",
     "A step: submit, withdraw (applicant); start_review, approve, reject, return_for_info, issue "
     "(operator)",
     "enterprise, operator (programme), admin"},
    {"get", "/v1/applications/{id}", "An application and its history",
     "owner, operator, admin, auditor"},
    {"get", "/v1/vouchers", "Vouchers with what is available (paged)",
     "holder, operator, admin, auditor"},
    {"post", "/v1/quotes",
     "Quote a job across every pool: price after subsidy, start, finish, and why pools are left "
     "out",
     "enterprise (own), admin"},
    {"post", "/v1/jobs", "Submit a job: placed now or queued", "enterprise (own), admin"},
    {"get", "/v1/jobs", "Jobs (paged; scoped to the caller)",
     "enterprise, provider, admin, auditor"},
    {"get", "/v1/jobs/{id}", "A job", "owner, its provider, admin, auditor"},
    {"get", "/v1/jobs/{id}/explain", "Why a job waits, and what it would cost elsewhere",
     "owner, its provider, admin, auditor"},
    {"post", "/v1/jobs/{id}/cancel", "Cancel: releases cards and holds", "owner, admin"},
    {"post", "/v1/jobs/{id}/extend", "More walltime, paid by the enterprise (or a stop signal)",
     "owner, admin"},
    {"post", "/v1/jobs/{id}/finish", "The job ended (its provider)", "provider (own pools), admin"},
    {"post", "/v1/schedule", "Run one placement pass over the queue", "admin"},
    {"post", "/v1/provider-keys", "Register or rotate a provider's Ed25519 public key",
     "provider (own), admin"},
    {"get", "/v1/placements", "What to run: running jobs on the caller's pools",
     "provider, admin, auditor"},
    {"post", "/v1/usage", "Signed usage records (one signature each, or batch_signature_hex)",
     "provider (own), admin"},
    {"post", "/v1/pools/{id}/offered", "Change the cards a pool offers", "provider (own), admin"},
    {"post", "/v1/pools/{id}/prices", "Change a pool's prices per tier (running jobs keep theirs)",
     "provider (own), admin"},
    {"get", "/v1/statements", "A programme's statements for a period (json or csv)",
     "operator (programme), admin, auditor; payees see their own"},
    {"post", "/v1/statements/close", "Close a period: pay every payee",
     "operator (programme), admin"},
    {"get", "/v1/flows", "Issuer -> city flows (json or csv)", "admin, operator, auditor"},
    {"get", "/v1/audit/cases", "Fraud audit cases", "admin, auditor"},
    {"post", "/v1/audit/scan", "Run the fraud detectors", "admin, auditor"},
    {"post", "/v1/audit/cases/{id}/close", "Close a case with a resolution", "admin, auditor"},
    {"post", "/v1/audit/verify",
     "Verify the journal: hash chain, replay, signatures, snapshot, balances", "admin, auditor"},
    {"post", "/v1/enterprises", "Register an enterprise (credit code checked)", "admin"},
    {"post", "/v1/providers", "Register a provider (credit code checked)", "admin"},
    {"post", "/v1/jurisdictions",
     "Register a jurisdiction (city, district, ...) and its funding account", "admin"},
    {"post", "/v1/sites", "Register a site of a provider in a city", "admin"},
    {"post", "/v1/pools", "Add a pool: accelerator, memory, cards, prices per tier",
     "admin, provider (own sites)"},
    {"post", "/v1/enterprises/{id}/blacklist", "Put an enterprise on the blacklist, or take it off",
     "admin, operator"},
    {"post", "/v1/vouchers/{id}/revoke", "Revoke a voucher: what is not held returns to the budget",
     "operator (programme), admin"},
    {"post", "/v1/vouchers/expire",
     "Sweep vouchers whose validity has ended now (the engine also does it by itself at expiry)",
     "admin, operator (its programme)"},
    {"post", "/v1/claims/{id}/clawback", "Claw back a captured subsidy",
     "operator (a paying programme), admin"},
    {"post", "/v1/programmes",
     "Create a programme from its whole definition (the shape GET /v1/programmes/{id} answers)",
     "admin"},
    {"post", "/v1/links", "Set latency and bandwidth between two cities", "admin"},
    {"post", "/v1/claims",
     "Redeem a direct order (sold outside the scheduler) against the enterprise's vouchers",
     "provider (own), admin"},
    {"post", "/v1/claims/{id}/capture", "Capture a direct claim: the subsidy is spent",
     "provider (own), admin"},
    {"post", "/v1/claims/{id}/void", "Void a direct claim: its holds are released",
     "provider (own), admin"},
    {"get", "/v1/claims", "Direct claims (paged; scoped to the caller)",
     "enterprise, provider, operator (paying programme), admin, auditor"},
    {"get", "/v1/claims/{id}", "A direct claim and its shares",
     "its enterprise, provider, paying operator, admin, auditor"},
    {"post", "/v1/jobs/{id}/clawback", "Claw back the subsidy of a placed job",
     "operator (a paying programme), admin"},
    {"post", "/v1/tokens", "Create an API token (the secret is shown once)", "admin"},
    {"post", "/v1/tokens/{id}/revoke", "Revoke an API token", "admin"},
};

}  // namespace

Json Service::OpenApi() {
  Json paths = Json::object();
  for (const Op& op : kOps) {
    Json operation = {{"summary", op.summary},
                      {"description", std::string("Roles: ") + op.roles},
                      {"responses",
                       {{"200", {{"description", "OK"}}},
                        {"default",
                         {{"description", "A problem (RFC 9457)"},
                          {"content",
                           {{"application/problem+json",
                             {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}}}}}};
    if (std::string(op.roles) != "public") {
      operation["security"] = Json::array({{{"bearer", Json::array()}}});
    }
    for (const Query& q : kQueries) {
      if (std::string(op.method) != "get" || std::string(q.path) != op.path) continue;
      // The body schema's reader, turned into parameters.
      const Json schema = BodySchema(q.params);
      Json parameters = Json::array();
      for (auto f = schema["properties"].begin(); f != schema["properties"].end(); ++f) {
        const Json required = schema.value("required", Json::array());
        parameters.push_back(
            {{"name", f.key()},
             {"in", "query"},
             {"required", std::find(required.begin(), required.end(), f.key()) != required.end()},
             {"schema", *f}});
      }
      operation["parameters"] = std::move(parameters);
    }
    for (const Body& b : kBodies) {
      if (std::string(op.method) == "post" && std::string(b.path) == op.path) {
        operation["requestBody"] = {
            {"required", true},
            {"content", {{"application/json", {{"schema", BodySchema(b.fields)}}}}}};
      }
    }
    paths[op.path][op.method] = std::move(operation);
  }
  return {{"openapi", "3.0.3"},
          {"info",
           {{"title", "baygrid"},
            {"version", "1"},
            {"description",
             "Compute vouchers (算力券) and the compute network that spends them. Money is "
             "integer fen ({fen, yuan}). Every response carries X-Request-Id; POSTs accept "
             "Idempotency-Key."}}},
          {"paths", std::move(paths)},
          {"components",
           {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
            {"schemas",
             {{"Problem",
               {{"type", "object"},
                {"properties",
                 {{"type", {{"type", "string"}}},
                  {"title", {{"type", "string"}}},
                  {"status", {{"type", "integer"}}},
                  {"detail", {{"type", "string"}}},
                  {"request_id", {{"type", "string"}}}}}}}}}}}};
}

}  // namespace bg::api
