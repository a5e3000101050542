// The HTTP API end to end: the real server on port 0 over a temporary
// SQLite file, driven with raw requests.
#include <ctime>
#include <set>

#include "api/api_test_fixture.h"
#include "common/hash.h"
#include "metering/usage.h"
#include "programme/credit_code.h"

namespace bg::api {
namespace {

// The document and the router are both built from the route table
// (api/spec); what is left to check is that each documented operation is
// served: a request reaches its handler (neither unknown_route nor
// method_not_allowed), and a path's {id} is the parameter its handler
// reads (an id that is no number is refused as such).
TEST_F(ApiTest, TheOpenApiDocumentListsExactlyTheRoutes) {
  const auto r = Call("GET", "/v1/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  const Json doc = Body(r);
  std::set<std::string> documented, routed;
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    for (auto m = p->begin(); m != p->end(); ++m) {
      std::string method = m.key();
      for (char& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      documented.insert(method + " " + p.key());
      EXPECT_FALSE(m->value("summary", "").empty()) << method << " " << p.key();
      EXPECT_NE(m->value("description", "").rfind("Roles: ", 0), std::string::npos) << p.key();
      const std::string body = method == "POST" ? "{}" : "";
      std::string target = p.key();
      if (const size_t at = target.find("{id}"); at != std::string::npos) {
        // Refused before anything happens, so nothing changes.
        const auto bad = Call(method, target.replace(at, 4, "x1"), "admin", body);
        ExpectProblem(bad, 400, "invalid_field");
        EXPECT_NE(Body(bad).value("detail", "").find(" id "), std::string::npos) << bad.body;
        continue;
      }
      const auto served = Call(method, target, "admin", body);
      EXPECT_LT(served.status, 500) << method << " " << target << ": " << served.body;
      const Json answer = Body(served);  // /metrics answers text
      const std::string title = answer.is_object() ? answer.value("title", "") : "";
      EXPECT_NE(title, "unknown_route") << method << " " << target;
      EXPECT_NE(title, "method_not_allowed") << method << " " << target;
    }
  }
  for (const Route& route : service_->router().routes()) {
    routed.insert(route.method + " " + route.pattern);
  }
  EXPECT_EQ(documented, routed);
  EXPECT_EQ(doc.value("openapi", ""), "3.0.3");
}

// Every POST documents its body, and the document agrees with the code:
// each documented field is one the route reads (no unknown_field), and
// each documented required field, left out, is the one reported missing.
TEST_F(ApiTest, TheOpenApiRequestBodiesAreTheFieldsTheRoutesRead) {
  const Json doc = Body(Call("GET", "/v1/openapi.json", ""));
  auto dummy = [](const Json& schema) -> Json {
    const std::string type = schema.value("type", "");
    if (type == "integer") return 1;
    if (type == "boolean") return false;
    if (type == "array") return Json::array();
    if (type == "object") return Json::object();
    if (schema.contains("example")) return schema["example"];
    return "x";
  };
  for (auto p = doc["paths"].begin(); p != doc["paths"].end(); ++p) {
    if (!p->contains("post")) continue;
    const Json& op = (*p)["post"];
    ASSERT_TRUE(op.contains("requestBody")) << "POST " << p.key() << " documents no body";
    const Json& schema = op["requestBody"]["content"]["application/json"]["schema"];
    // Id 7: token 7 is the auditor's, so revoking it leaves the admin's.
    std::string target = p.key();
    if (const size_t at = target.find("{id}"); at != std::string::npos) target.replace(at, 4, "7");
    Json all = Json::object();
    for (auto f = schema["properties"].begin(); f != schema["properties"].end(); ++f) {
      all[f.key()] = dummy(*f);
    }
    // The admin, or for a route that is not the admin's, a role it is.
    std::string who = "admin";
    for (const Route& route : service_->router().routes()) {
      const spec::Roles roles = spec::RouteOf(route.id).roles;
      if (route.method != "POST" || route.pattern != p.key() || roles.Has(Role::kAdmin)) continue;
      for (const auto& [name, role] : spec::kRoleNames) {
        if (roles.Has(role)) {
          who = name;
          break;
        }
      }
    }
    const auto r = Call("POST", target, who, all.dump());
    EXPECT_LT(r.status, 500) << target << ": " << r.body;
    EXPECT_NE(Body(r).value("title", ""), "unknown_field") << "POST " << p.key() << ": " << r.body;
    for (const Json& name : schema.value("required", Json::array())) {
      Json without = all;
      without.erase(name.get<std::string>());
      const auto missing = Call("POST", target, who, without.dump());
      EXPECT_EQ(Body(missing).value("title", ""), "missing_field")
          << "POST " << p.key() << " without " << name << ": " << missing.body;
      EXPECT_NE(Body(missing).value("detail", "").find(name.get<std::string>()), std::string::npos)
          << missing.body;
    }
  }
}

TEST_F(ApiTest, BadInputGetsA4xxProblemNeverA5xx) {
  const std::string admin = token_.at("admin");
  ExpectProblem(Call("GET", "/v1/nothing", "admin"), 404, "unknown_route");
  ExpectProblem(Call("DELETE", "/v1/jobs/1", "admin"), 405, "method_not_allowed");
  ExpectProblem(Call("GET", "/v1/pools", ""), 401, "unauthenticated");
  ExpectProblem(Request(port_, "GET", "/v1/pools", "bg_not_a_token"), 401, "unauthenticated");
  ExpectProblem(Call("POST", "/v1/jobs", "admin", "{\"id\":"), 400, "malformed_json");
  ExpectProblem(Call("POST", "/v1/jobs", "admin", "[1,2]"), 400, "malformed_json");
  ExpectProblem(Call("POST", "/v1/jobs", "admin", "{\"id\":\"seven\"}"), 400, "invalid_field");
  ExpectProblem(Call("POST", "/v1/jobs", "admin", "{\"id\":7}"), 400, "missing_field");
  ExpectProblem(Call("POST", "/v1/jobs", "admin",
                     R"({"id":7,"enterprise":1,"cards":1,"walltime_s":60,"colour":"blue"})"),
                400, "unknown_field");
  ExpectProblem(Call("POST", "/v1/jobs", "admin",
                     R"({"id":7,"enterprise":1,"cards":99999999999999999999999,"walltime_s":60})"),
                400, "invalid_field");
  ExpectProblem(
      Call("POST", "/v1/jobs", "admin", R"({"id":-7,"enterprise":1,"cards":1,"walltime_s":60})"),
      400, "invalid_field");
  ExpectProblem(
      Call("POST", "/v1/applications", "admin",
           "{\"id\":1,\"programme\":1,\"enterprise\":1,\"amount_fen\":1,\"note\":\"\xff\xfe\"}"),
      400, "malformed_json");
  ExpectProblem(
      Request(port_, "POST", "/v1/jobs", admin, "id=7", "application/x-www-form-urlencoded"), 415,
      "unsupported_media_type");
  ExpectProblem(Call("POST", "/v1/jobs", "admin", std::string(100 << 10, ' ')), 413,
                "body_too_large");
  ExpectProblem(Call("GET", "/v1/jobs/abc", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/jobs/99", "admin"), 404, "unknown_job");
  ExpectProblem(Call("GET", "/v1/pools?limit=0", "admin"), 400, "invalid_field");
  ExpectProblem(Call("GET", "/v1/pools?limit=%zz", "admin"), 400, "bad_request");
  // A domain refusal names its rule: a credit code that fails its check.
  const auto bad_code =
      Call("POST", "/v1/enterprises", "admin",
           R"({"id":900,"name":"X","credit_code":"91440900MA5TT00999","home":1})");
  ExpectProblem(bad_code, 422, "invalid_credit_code");
  ExpectProblem(Call("POST", "/v1/enterprises", "operator",
                     R"({"id":900,"name":"X","credit_code":"91440900MA5TT00999","home":1})"),
                403, "forbidden");
  ExpectProblem(Call("POST", "/v1/vouchers/1/revoke", "enterprise", R"({"reason":"x"})"), 403,
                "forbidden");
  // Not even HTTP.
  const auto garbage = SendRaw(port_, "HELLO\r\n\r\n");
  EXPECT_EQ(garbage.status, 400);
}

TEST_F(ApiTest, EveryRouteAndRoleNeverAnswers5xxAndOnlyOwnersChangeThings) {
  // A job of enterprise 1 (Songshan Lake) running at the Shaoguan hub.
  ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                 R"({"id":1,"accelerator":"A800","cards":2,"walltime_s":3600})")
                .status,
            201);
  // Nobody reads or changes what is not theirs.
  ExpectProblem(Call("GET", "/v1/jobs/1", "other_enterprise"), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/jobs/1/cancel", "other_enterprise", "{}"), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/jobs/1/cancel", "provider", "{}"), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/jobs/1/cancel", "auditor", "{}"), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/jobs/1/finish", "other_provider", "{}"), 403, "forbidden");
  ExpectProblem(Call("GET", "/v1/jobs/1", "other_provider"), 403, "forbidden");
  ExpectProblem(
      Call("POST", "/v1/jobs", "auditor", R"({"id":2,"enterprise":1,"cards":1,"walltime_s":60})"),
      403, "forbidden");
  ExpectProblem(Call("POST", "/v1/jobs", "other_enterprise",
                     R"({"id":2,"enterprise":1,"cards":1,"walltime_s":60})"),
                403, "forbidden");
  ExpectProblem(Call("POST", "/v1/tokens", "operator", R"({"id":9,"role":"admin","name":"x"})"),
                403, "forbidden");
  ExpectProblem(Call("GET", "/v1/programmes/2", "operator"), 403, "forbidden");
  // A provider adds pools at its own sites only.
  const std::string pool =
      R"({"id":77,"site":1,"accelerator":"H20","memory_gb":96,"cards_total":64,)"
      R"("price_shared_fen":600,"price_exclusive_fen":936,"price_priority_fen":1500})";
  ExpectProblem(Call("POST", "/v1/pools", "other_provider", pool), 403, "forbidden");
  EXPECT_EQ(Call("POST", "/v1/pools", "provider", pool).status, 201);
  EXPECT_EQ(Call("POST", "/v1/pools", "provider", pool).status, 200);  // the same again
  // Prices: the owner only; positive; a running job keeps its price.
  const std::string prices = R"({"shared_fen":700,"exclusive_fen":1000,"priority_fen":1600})";
  ExpectProblem(Call("POST", "/v1/pools/2/prices", "other_provider", prices), 403, "forbidden");
  ExpectProblem(Call("POST", "/v1/pools/2/prices", "provider",
                     R"({"shared_fen":0,"exclusive_fen":1000,"priority_fen":1600})"),
                422, "price_must_be_positive");
  const Json repriced = Body(Call("POST", "/v1/pools/2/prices", "provider", prices));
  EXPECT_EQ(repriced["price_per_card_hour"]["shared"]["fen"], 700) << repriced.dump();
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/1", "enterprise"))["list_cost"]["fen"], 1300);
  ExpectProblem(Call("POST", "/v1/sites", "provider",
                     R"({"id":9,"code":"x","name":"x","city":1,"provider":1})"),
                403, "forbidden");
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "enterprise").status, 200);
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "provider").status, 200);
  EXPECT_EQ(Call("GET", "/v1/jobs/1", "auditor").status, 200);
  // Lists are scoped: the other enterprise sees no job, itself only.
  EXPECT_EQ(Body(Call("GET", "/v1/jobs", "other_enterprise"))["items"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/v1/jobs", "enterprise"))["items"].size(), 1u);
  const Json enterprises = Body(Call("GET", "/v1/enterprises", "other_enterprise"));
  ASSERT_EQ(enterprises["items"].size(), 1u);
  EXPECT_EQ(enterprises["items"][0]["id"], 3);
  EXPECT_EQ(Body(Call("GET", "/v1/placements", "other_provider"))["items"].size(), 0u);
  EXPECT_EQ(Body(Call("GET", "/v1/placements", "provider"))["items"].size(), 1u);
  // The job was not touched by anyone else's attempts.
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/1", "admin"))["status"], "running");

  // Last (admin may cancel the job and revoke tokens on the way): every
  // route for every role answers, and never with a 5xx.
  for (const Route& route : service_->router().routes()) {
    std::string target = route.pattern;
    for (const char* p : {"{id}"}) {
      if (auto at = target.find(p); at != std::string::npos) target.replace(at, 4, "1");
    }
    for (const auto& [who, secret] : token_) {
      const std::string body = route.method == "POST" ? "{}" : "";
      const auto r = Request(port_, route.method, target, secret, body);
      EXPECT_LT(r.status, 500) << who << " " << route.method << " " << target << ": " << r.body;
      EXPECT_NE(r.status, 0) << who << " " << route.method << " " << target;
    }
    if (!route.public_route) {
      ExpectProblem(Request(port_, route.method, target, "", route.method == "POST" ? "{}" : ""),
                    401, "unauthenticated");
    }
  }
}

TEST_F(ApiTest, IdempotencyKeysReplayTheFirstAnswer) {
  const std::string body = R"({"id":5,"accelerator":"A800","cards":1,"walltime_s":600})";
  const std::string key = "Idempotency-Key: k-1\r\n";
  const auto first =
      Request(port_, "POST", "/v1/jobs", token_.at("enterprise"), body, "application/json", key);
  const auto again =
      Request(port_, "POST", "/v1/jobs", token_.at("enterprise"), body, "application/json", key);
  EXPECT_EQ(first.status, 201);
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.headers.count("idempotent-replayed"), 1u);
  EXPECT_EQ(Body(again)["id"], 5);
  ExpectProblem(Request(port_, "POST", "/v1/jobs", token_.at("enterprise"),
                        R"({"id":6,"accelerator":"A800","cards":1,"walltime_s":600})",
                        "application/json", key),
                409, "idempotency_key_reused");
}

// The README's tour over HTTP: apply, approve, issue, quote, submit, usage,
// finish, statements, close, flows; metrics and health along the way.
TEST_F(ApiTest, TheTourFromApplicationToClosedStatement) {
  auto post = [&](const std::string& who, const std::string& target, const std::string& body) {
    return Call("POST", target, who, body);
  };
  ASSERT_EQ(post("enterprise", "/v1/applications",
                 R"({"id":1,"programme":1,"amount_fen":10000000,"note":"训练"})")
                .status,
            201);
  for (const char* step : {"submit"}) {
    ASSERT_EQ(
        post("enterprise", "/v1/applications/1/review", std::string("{\"step\":\"") + step + "\"}")
            .status,
        200);
  }
  // The applicant cannot approve itself; the operator can.
  ExpectProblem(post("enterprise", "/v1/applications/1/review", R"({"step":"approve"})"), 403,
                "forbidden");
  for (const char* step : {"start_review", "approve", "issue"}) {
    const auto r =
        post("operator", "/v1/applications/1/review", std::string("{\"step\":\"") + step + "\"}");
    ASSERT_EQ(r.status, 200) << step << ": " << r.body;
  }
  EXPECT_EQ(Body(Call("GET", "/v1/applications/1", "enterprise"))["status"], "issued");
  const Json vouchers = Body(Call("GET", "/v1/vouchers", "enterprise"));
  ASSERT_EQ(vouchers["items"].size(), 1u);
  EXPECT_EQ(vouchers["items"][0]["available"]["fen"], 10000000);

  const Json quote = Body(
      post("enterprise", "/v1/quotes", R"({"accelerator":"A800","cards":8,"walltime_s":36000})"));
  ASSERT_FALSE(quote["options"].empty()) << quote.dump();
  EXPECT_EQ(quote["options"][0]["pool"], 2);
  EXPECT_EQ(quote["options"][0]["subsidy"]["fen"], 26000);
  // Who pays and what bound it, in English and in Chinese.
  const std::string note = quote["options"][0]["subsidy_note"];
  const std::string note_zh = quote["options"][0]["subsidy_note_zh"];
  EXPECT_NE(note.find("pays 260.00"), std::string::npos) << note;
  EXPECT_NE(note_zh.find("补贴 260.00 元（受"), std::string::npos) << note_zh;
  for (const Json& e : quote["excluded"]) {
    EXPECT_FALSE(e["reason_zh"].get<std::string>().empty()) << e.dump();
  }
  const auto placed = post("enterprise", "/v1/jobs",
                           R"({"id":1,"accelerator":"A800","cards":8,"walltime_s":36000})");
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(Body(placed)["status"], "running");

  // The Shaoguan hub registers a key and reports an hour on 8 cards.
  const auto keys = metering::KeyPairFromNumber(77);
  const std::string hex = ToHex(keys.public_key);
  ASSERT_EQ(post("provider", "/v1/provider-keys", "{\"public_key_hex\":\"" + hex + "\"}").status,
            201);
  const uint64_t start =
      Body(Call("GET", "/v1/placements", "provider"))["items"][0]["start_unix_s"];
  clock_.Set(clock_.Now() + 2 * 3600 * kNanosPerSecond);
  metering::UsageRecord rec{.id = 1,
                            .provider = ProviderId(1),
                            .order = OrderId(1),
                            .start_s = start,
                            .end_s = start + 3600,
                            .cards = 8};
  metering::SignRecord(&rec, keys.secret_key);
  const std::string sig = ToHex(rec.signature);
  const std::string usage = R"({"records":[{"id":1,"provider":1,"order":1,"start_unix_s":)" +
                            std::to_string(start) + R"(,"end_unix_s":)" +
                            std::to_string(start + 3600) + R"(,"cards":8,"signature_hex":")" + sig +
                            "\"}]}";
  const Json charged = Body(post("provider", "/v1/usage", usage));
  EXPECT_EQ(charged["results"][0]["result"], "ok") << charged.dump();
  EXPECT_EQ(charged["charged"]["fen"], 5200);
  EXPECT_EQ(charged["subsidy"]["fen"], 2600);
  // A forged copy is refused with its reason; nothing more is charged.
  std::string forged = usage;
  forged.replace(forged.find("\"cards\":8"), 9, "\"cards\":7");
  EXPECT_EQ(Body(post("provider", "/v1/usage", forged))["results"][0]["result"], "bad_signature");
  // What Dongguan owes the hub while the job runs: the hour charged is on
  // the open period; the rest of the claim is planned.
  auto owed = [&](const char* what) {
    const Json m = Body(Call("GET", "/v1/providers/1/money", "provider"));
    EXPECT_EQ(m["provider_name"], "Shaoguan Hub Intelligent Computing Centre") << m.dump();
    return m["programmes"][0][what]["fen"].get<int64_t>();
  };
  EXPECT_EQ(owed("open"), 2600);
  EXPECT_GT(owed("planned"), 0);
  ASSERT_EQ(post("provider", "/v1/jobs/1/finish", "{}").status, 200);
  EXPECT_EQ(Body(Call("GET", "/v1/jobs/1", "enterprise"))["charged"]["fen"], 5200);
  EXPECT_EQ(owed("planned"), 0);
  EXPECT_EQ(Call("GET", "/v1/providers/1/money", "other_provider").status, 403);

  // March's statement, closed once March is over; the flow Dongguan -> Shaoguan.
  const Json st =
      Body(Call("GET", "/v1/statements?programme=1&period=2025-03", "operator"))["items"];
  ASSERT_EQ(st.size(), 1u) << st.dump();
  EXPECT_EQ(st[0]["subsidy"]["fen"], 2600);
  EXPECT_EQ(st[0]["line_count"], 1);
  const Json summary = Body(
      Call("GET", "/v1/statements?programme=1&period=2025-03&lines=false", "operator"))["items"];
  EXPECT_TRUE(summary[0]["lines"].is_null());
  EXPECT_EQ(summary[0]["subsidy"]["fen"], 2600);
  EXPECT_EQ(Call("GET", "/v1/statements?programme=1&period=2025-03&format=csv", "provider").status,
            200);
  ExpectProblem(post("operator", "/v1/statements/close", R"({"programme":1,"period":"2025-03"})"),
                422, "period_not_over");
  clock_.Set(clock_.Now() + 40 * 86400 * kNanosPerSecond);
  const auto closed =
      post("reviewer", "/v1/statements/close", R"({"programme":1,"period":"2025-03"})");
  ASSERT_EQ(closed.status, 201) << closed.body;
  EXPECT_EQ(Body(closed)["held"]["fen"], 2600);
  // Closed is payable, not paid: the money is held until finance approves
  // (not the one who closed) and records the bank payment.
  auto statement = [&] {
    return Body(Call("GET", "/v1/statements?programme=1&period=2025-03", "auditor"))["items"][0];
  };
  EXPECT_EQ(statement()["status"], "payable");
  EXPECT_EQ(statement()["closed_by"], "dg-reviewer");
  EXPECT_EQ(owed("open"), 0);
  EXPECT_EQ(owed("payable"), 2600);
  const std::string pay =
      R"({"programme":1,"period":"2025-03","payee":1,"bank_reference":"ICBC-0042","paid_on":")";
  // Today in China Standard Time, the payment's value date.
  const std::string today = [&] {
    const auto t = static_cast<std::time_t>(clock_.Now() / kNanosPerSecond + 8 * 3600);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return std::string(buf);
  }();
  ExpectProblem(post("finance", "/v1/statements/pay", pay + "2025-05-10\"}"), 422, "not_payable");
  const std::string approve = R"({"programme":1,"period":"2025-03"})";
  ExpectProblem(post("reviewer", "/v1/statements/approve", approve), 403, "forbidden");
  const auto approved = post("finance", "/v1/statements/approve", approve);
  ASSERT_EQ(approved.status, 201) << approved.body;
  EXPECT_EQ(Body(approved)["approved"]["fen"], 2600);
  EXPECT_EQ(post("finance", "/v1/statements/approve", approve).status, 200);  // a repeat
  EXPECT_EQ(statement()["status"], "approved");
  EXPECT_EQ(statement()["approved_by"], "dg-finance");
  ExpectProblem(post("finance", "/v1/statements/pay", pay + "2099-01-01\"}"), 422,
                "invalid_paid_on");
  ExpectProblem(post("finance", "/v1/statements/pay", pay + "2025-02-30\"}"), 400, "invalid_field");
  const auto paid = post("finance", "/v1/statements/pay", pay + today + "\"}");
  ASSERT_EQ(paid.status, 201) << paid.body;
  EXPECT_EQ(Body(paid)["paid"]["fen"], 2600);
  EXPECT_EQ(post("finance", "/v1/statements/pay", pay + today + "\"}").status, 200);
  ExpectProblem(post("finance", "/v1/statements/pay",
                     R"({"programme":1,"period":"2025-03","payee":1,"bank_reference":"OTHER",)"
                     R"("paid_on":")" +
                         today + "\"}"),
                409, "paid_with_another_reference");
  EXPECT_EQ(statement()["status"], "paid");
  EXPECT_EQ(statement()["bank_reference"], "ICBC-0042");
  EXPECT_EQ(owed("payable"), 0);
  EXPECT_EQ(owed("paid"), 2600);
  const Json money = Body(Call("GET", "/v1/providers/1/money", "auditor"));
  EXPECT_EQ(money["owed"]["fen"], 0);
  EXPECT_EQ(money["programmes"][0]["statements"][0]["bank_reference"], "ICBC-0042");
  EXPECT_EQ(money["programmes"][0]["statements"][0]["status"], "paid");
  // The hub heard of each step of its statement.
  std::vector<std::string> kinds;
  const Json notices = Body(Call("GET", "/v1/notices?limit=100", "provider"));
  for (const Json& n : notices["items"]) {
    if (n["kind"].get<std::string>().rfind("statement_", 0) == 0) kinds.push_back(n["kind"]);
  }
  EXPECT_EQ(kinds,
            (std::vector<std::string>{"statement_paid", "statement_approved", "statement_closed"}));
  EXPECT_EQ(statement()["paid_on"], today);
  const Json flows = Body(Call("GET", "/v1/flows", "auditor"))["items"];
  ASSERT_EQ(flows.size(), 1u);
  EXPECT_EQ(flows[0]["issuer"], "dongguan");
  EXPECT_EQ(flows[0]["city"], "shaoguan");

  // The journal verifies (this server has its file: db).
  const Json verified = Body(Call("POST", "/v1/audit/verify", "auditor", "{}"));
  EXPECT_EQ(verified["ok"], true) << verified.dump();
  EXPECT_GT(verified["entries"].get<uint64_t>(), 0u);
  ExpectProblem(Call("POST", "/v1/audit/verify", "enterprise", "{}"), 403, "forbidden");
  EXPECT_EQ(Call("GET", "/healthz", "").status, 200);
  const auto metrics = Call("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("baygrid_http_requests_total{route=\"POST /v1/jobs\",code=\"2xx\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("baygrid_money_charged_fen 5200"), std::string::npos);
}

// --- Requests that are wrong get a clear no ----------------------------------

// RFC 8259 leaves a repeated name's meaning open (parsers keep the first or
// the last): the API refuses the object and names the key, with its path.
TEST_F(ApiTest, ARepeatedJsonKeyIsRefusedByName) {
  const auto top = Call("POST", "/v1/jobs", "enterprise",
                        R"({"id":7,"accelerator":"A800","cards":1,"walltime_s":3600,"cards":64})");
  ExpectProblem(top, 400, "duplicate_key");
  EXPECT_NE(Body(top).value("detail", "").find("'cards'"), std::string::npos) << top.body;
  ExpectProblem(Call("GET", "/v1/jobs/7", "admin"), 404, "unknown_job");

  const std::string programme =
      R"({"id":11,"name":"x","issuer":4,"valid_from":"2025-01-01","valid_until":"2026-01-01",)"
      R"("total_budget_fen":100000,"ratio_bp":4000,"ratio_rules":[)";
  const auto nested =
      Call("POST", "/v1/programmes", "admin",
           programme + R"({"category":"start_up","ratio_bp":6000},)"
                       R"({"category":"other","ratio_bp":5000,"category":"other"}]})");
  ExpectProblem(nested, 400, "duplicate_key");
  EXPECT_NE(Body(nested).value("detail", "").find("'ratio_rules[1].category'"), std::string::npos)
      << nested.body;
  // The same name in different objects is no repeat.
  const auto fine = Call("POST", "/v1/programmes", "admin",
                         programme + R"({"category":"start_up","ratio_bp":6000},)"
                                     R"({"category":"other","ratio_bp":5000}]})");
  EXPECT_EQ(fine.status, 201) << fine.body;
}

// A cursor is an id (id-ordered lists) or the cursor a page answered with
// (statements, flows); anything else is refused rather than read as "from
// the start" or "past the end".
TEST_F(ApiTest, ACursorThatDoesNotParseIsRefused) {
  const std::string statements = "/v1/statements?programme=1&period=2025-03&after=";
  for (const std::string& target : {
           std::string("/v1/jobs?after=abc"),
           std::string("/v1/pools?after=-1"),
           std::string("/v1/pools?after="),
           std::string("/v1/audit/cases?after=x"),
           statements + "garbage",
           statements + "a",
           statements + "f-0000000000000001-0000000000000002",  // a flows cursor
           statements + "p-1",
           statements + "q-00000000000000ff-0000000000000000",  // a payee, not a position
           std::string("/v1/flows?after=zzz"),
           std::string("/v1/flows?after=p-0000000000000001-0000000000000000"),
       }) {
    const auto r = Call("GET", target, "admin");
    ExpectProblem(r, 400, "invalid_field");
    EXPECT_NE(Body(r).value("detail", "").find("after"), std::string::npos) << target;
  }
  // A well-formed cursor pages on, also past the end.
  EXPECT_EQ(Call("GET", statements + "s-ffffffffffffffff-0000000000000000", "admin").status, 200);
  EXPECT_EQ(Call("GET", "/v1/flows?after=f-0000000000000001-0000000000000002", "admin").status,
            200);
  const Json past = Body(Call("GET", "/v1/pools?after=999", "admin"));
  EXPECT_TRUE(past["items"].empty()) << past.dump();
}

// Each route declares its query parameters; any other is refused by name
// (a misspelt `limt` would otherwise quietly answer 100 items).
TEST_F(ApiTest, AnUnknownQueryParameterIsRefusedByName) {
  const auto misspelt = Call("GET", "/v1/pools?limt=5", "admin");
  ExpectProblem(misspelt, 400, "unknown_parameter");
  const std::string detail = Body(misspelt).value("detail", "");
  EXPECT_NE(detail.find("'limt'"), std::string::npos) << detail;
  EXPECT_NE(detail.find("limit"), std::string::npos) << detail;  // what it takes
  ExpectProblem(Call("GET", "/v1/jobs/1?verbose=1", "admin"), 400, "unknown_parameter");
  ExpectProblem(Call("GET", "/v1/statements?programme=1&period=2025-03&line=false", "admin"), 400,
                "unknown_parameter");
  ExpectProblem(Call("POST", "/v1/quotes?dry_run=true", "enterprise",
                     R"({"accelerator":"A800","cards":1,"walltime_s":3600})"),
                400, "unknown_parameter");
  ExpectProblem(Call("GET", "/healthz?x=1", ""), 400, "unknown_parameter");
  // Nor is one given twice (which would count?).
  const auto twice = Call("GET", "/v1/pools?limit=5&limit=500", "admin");
  EXPECT_EQ(twice.status, 400) << twice.body;
  EXPECT_NE(Body(twice).value("detail", "").find("'limit'"), std::string::npos) << twice.body;
  // CSV exports are whole files: paging them is refused, not ignored.
  ExpectProblem(Call("GET", "/v1/flows?format=csv&limit=5", "admin"), 400, "invalid_field");
  // The declared ones are taken.
  EXPECT_EQ(
      Call("GET", "/v1/statements?programme=1&period=2025-03&lines=false&limit=5", "admin").status,
      200);
  EXPECT_EQ(Call("GET", "/v1/flows?from=2025-01&to=2025-Q2&format=csv", "admin").status, 200);
  EXPECT_EQ(Call("GET", "/v1/pools?limit=5&after=1", "auditor").status, 200);
  EXPECT_EQ(Call("GET", "/v1/audit/cases?limit=5", "auditor").status, 200);
}

// The OpenAPI document lists each route's query parameters, and they are
// the ones the route declares it takes (and so the only ones it accepts).
TEST_F(ApiTest, TheOpenApiQueryParametersAreTheOnesEachRouteTakes) {
  const Json doc = Body(Call("GET", "/v1/openapi.json", ""));
  for (const Route& route : service_->router().routes()) {
    std::string method = route.method;
    for (char& ch : method) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const Json op =
        doc.at("paths").value(route.pattern, Json::object()).value(method, Json::object());
    std::set<std::string> documented;
    for (const Json& p : op.value("parameters", Json::array())) {
      if (p.value("in", "") == "query") documented.insert(p.value("name", ""));
    }
    const std::set<std::string> taken(route.query.begin(), route.query.end());
    EXPECT_EQ(documented, taken) << route.method << " " << route.pattern;
  }
}

// Nothing for nothing: 0 hours or 0 cards is refused naming the field, for
// a quote as for a job (a quote used to price 0 hours at 0).
TEST_F(ApiTest, AQuoteOrJobForNothingIsRefusedNamingTheField) {
  for (const char* target : {"/v1/quotes", "/v1/jobs"}) {
    const std::string id = std::string(target) == "/v1/jobs" ? R"("id":7,)" : "";
    const auto no_time = Call("POST", target, "enterprise",
                              "{" + id + R"("accelerator":"A800","cards":8,"walltime_s":0})");
    ExpectProblem(no_time, 422, "walltime_must_be_positive");
    EXPECT_NE(Body(no_time).value("detail", "").find("walltime_s"), std::string::npos)
        << no_time.body;
    const auto no_cards = Call("POST", target, "enterprise",
                               "{" + id + R"("accelerator":"A800","cards":0,"walltime_s":3600})");
    ExpectProblem(no_cards, 422, "cards_must_be_positive");
    EXPECT_NE(Body(no_cards).value("detail", "").find("cards"), std::string::npos) << no_cards.body;
    const auto negative = Call("POST", target, "enterprise",
                               "{" + id + R"("accelerator":"A800","cards":-1,"walltime_s":3600})");
    ExpectProblem(negative, 400, "invalid_field");
    EXPECT_NE(Body(negative).value("detail", "").find("'cards'"), std::string::npos)
        << negative.body;
  }
  ExpectProblem(Call("GET", "/v1/jobs/7", "admin"), 404, "unknown_job");
}

// 1 card for 1 second lists at 0 fen on every pool (rounded half up), and
// still meets every control a priced order meets: a blacklisted
// enterprise's quote says so for the same pools either way.
TEST_F(ApiTest, AZeroPriceOrderPassesEveryControl) {
  ASSERT_EQ(Call("POST", "/v1/enterprises/1/blacklist", "admin",
                 R"({"listed":true,"reason":"resold vouchers"})")
                .status,
            200);
  auto mentions = [](const Json& quote) {
    size_t n = 0;
    const std::string text = quote.dump();
    for (size_t at = text.find("blacklist"); at != std::string::npos;
         at = text.find("blacklist", at + 1)) {
      ++n;
    }
    return n;
  };
  const Json hour = Body(Call("POST", "/v1/quotes", "enterprise",
                              R"({"accelerator":"A800","cards":1,"walltime_s":3600})"));
  const Json second = Body(Call("POST", "/v1/quotes", "enterprise",
                                R"({"accelerator":"A800","cards":1,"walltime_s":1})"));
  EXPECT_GT(mentions(hour), 0u) << hour.dump();
  EXPECT_EQ(mentions(second), mentions(hour)) << second.dump();
}

// A token acts for a programme, an enterprise or a provider that exists.
TEST_F(ApiTest, ATokenForNobodyIsRefused) {
  const struct {
    const char* role;
    const char* code;
  } cases[] = {{"operator", "unknown_programme"},
               {"enterprise", "unknown_enterprise"},
               {"provider", "unknown_provider"}};
  uint64_t id = 20;
  for (const auto& c : cases) {
    const auto r = Call("POST", "/v1/tokens", "admin",
                        "{\"id\":" + std::to_string(id++) + ",\"role\":\"" + c.role +
                            "\",\"scope\":999,\"name\":\"ghost\"}");
    ExpectProblem(r, 404, c.code);
    EXPECT_NE(Body(r).value("detail", "").find("999"), std::string::npos) << r.body;
  }
  // The engine refuses it whoever asks (`baygrid tokens create --db` too).
  const auto [secret, hash] = Service::NewToken();
  const auto direct = engine_->Execute(state::CreateApiToken{
      .id = 30, .hash = hash, .role = access::TokenRole::kEnterprise, .scope = 999, .name = "x"});
  ASSERT_TRUE(direct.ok());
  EXPECT_NE(std::get<state::TokenOutcome>(*direct).result, access::TokenResult::kOk);
  EXPECT_EQ(Request(port_, "GET", "/v1/vouchers", secret).status, 401);
  // One that exists gets its token.
  EXPECT_EQ(Call("POST", "/v1/tokens", "admin",
                 R"({"id":31,"role":"enterprise","scope":3,"name":"xiangzhou"})")
                .status,
            201);
}

// Categories have one spelling, the scenario file's (programme/names.h),
// in what the API reads and what it answers; a wrong one lists the rest.
TEST_F(ApiTest, CategoryNamesAreSpelledOneWay) {
  const Json all = Body(Call("GET", "/v1/enterprises", "admin"))["items"];
  std::map<uint64_t, std::string> category;
  for (const Json& e : all) category[e["id"].get<uint64_t>()] = e["category"].get<std::string>();
  EXPECT_EQ(category[2], "start_up");  // Nanshan Vision Start-up
  EXPECT_EQ(category[5], "research_institute");
  EXPECT_EQ(category[6], "software_it");
  const std::string code = programme::SyntheticCreditCode('A', 900);
  auto enterprise = [&](uint64_t id, const std::string& cat) {
    return Call("POST", "/v1/enterprises", "admin",
                "{\"id\":" + std::to_string(id) + ",\"name\":\"Pearl Bay AI\",\"credit_code\":\"" +
                    code + "\",\"home\":4,\"category\":\"" + cat + "\"}");
  };
  const auto wrong = enterprise(900, "start-up");
  ExpectProblem(wrong, 400, "invalid_field");
  const std::string detail = Body(wrong).value("detail", "");
  for (const char* allowed : {"manufacturing", "software_it", "start_up", "research_institute"}) {
    EXPECT_NE(detail.find(allowed), std::string::npos) << detail;
  }
  const auto made = enterprise(900, "start_up");
  ASSERT_EQ(made.status, 201) << made.body;
  EXPECT_EQ(Body(made)["category"], "start_up");
}

}  // namespace
}  // namespace bg::api
