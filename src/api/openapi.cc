// The OpenAPI 3 document served at /v1/openapi.json, generated from the
// route table (api/spec/routes.h): each row's summary, roles, query
// parameters and request body. That the document is true is the tests'
// work: api_test.cc sends every route its documented fields and checks
// that none is unknown to the handler and each required one is missed.
#include <algorithm>
#include <cctype>
#include <string>

#include "api/service.h"

namespace bg::api {
namespace {

Json FieldSchema(const spec::Field& f) {
  switch (f.type) {
    case spec::Type::kId:
      return {{"type", "integer"}, {"minimum", 1}, {"maximum", (int64_t{1} << 54) - 1}};
    case spec::Type::kInt:
      return {{"type", "integer"}, {"minimum", 0}};
    case spec::Type::kFen:
      return {{"type", "integer"}, {"minimum", 0}, {"description", "integer fen (0.01 yuan)"}};
    case spec::Type::kText:
      return {{"type", "string"}};
    case spec::Type::kBool:
      return {{"type", "boolean"}};
    case spec::Type::kDate:
      return {{"type", "string"}, {"example", "2026-01-01"}};
    case spec::Type::kArray:
      return {{"type", "array"}};
    case spec::Type::kObject:
      return {{"type", "object"}};
    case spec::Type::kLimit:
      return {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000}, {"default", 100}};
    case spec::Type::kCursor:
      return {{"type", "string"}, {"description", "the next_after of the page before"}};
    case spec::Type::kChoice: {
      const std::string_view words = f.choices;
      Json values = Json::array();
      for (size_t at = 0; at <= words.size();) {
        const size_t bar = std::min(words.find('|', at), words.size());
        values.push_back(std::string(words.substr(at, bar - at)));
        at = bar + 1;
      }
      return {{"type", "string"}, {"enum", values}};
    }
  }
  return {{"type", "string"}};
}

// The JSON schema of a body; unknown fields are refused.
Json BodySchema(const std::vector<spec::Field>& fields) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const spec::Field& f : fields) {
    properties[f.name] = FieldSchema(f);
    if (f.required) required.push_back(f.name);
  }
  Json schema = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (!required.empty()) schema["required"] = required;
  return schema;
}

// Query parameters, by name.
Json Parameters(std::vector<spec::Field> fields) {
  std::sort(fields.begin(), fields.end(), [](const spec::Field& a, const spec::Field& b) {
    return std::string_view(a.name) < std::string_view(b.name);
  });
  Json parameters = Json::array();
  for (const spec::Field& f : fields) {
    parameters.push_back(
        {{"name", f.name}, {"in", "query"}, {"required", f.required}, {"schema", FieldSchema(f)}});
  }
  return parameters;
}

Json Operation(const spec::Route& row) {
  Json operation = {{"summary", row.summary},
                    {"description", std::string("Roles: ") + row.who},
                    {"responses",
                     {{"200", {{"description", "OK"}}},
                      {"default",
                       {{"description", "A problem (RFC 9457)"},
                        {"content",
                         {{"application/problem+json",
                           {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}}}}}};
  if (!row.roles.public_route) {
    operation["security"] = Json::array({{{"bearer", Json::array()}}});
  }
  if (!row.query.empty()) operation["parameters"] = Parameters(row.query);
  if (std::string_view(row.method) == "POST") {
    operation["requestBody"] = {
        {"required", true},
        {"content", {{"application/json", {{"schema", BodySchema(row.body)}}}}}};
  }
  return operation;
}

}  // namespace

Json Service::OpenApi() {
  Json paths = Json::object();
  for (const spec::Route& row : spec::Routes()) {
    std::string method = row.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    paths[row.path][method] = Operation(row);
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
