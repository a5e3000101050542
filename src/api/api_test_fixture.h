// The fixture of the API tests: the real server on port 0 over a temporary
// SQLite file loaded with scenarios/gba.toml, one token per role, and
// helpers to send raw requests and check problems.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "api/api_test_client.h"
#include "api/http.h"
#include "api/service.h"
#include "notice/derive.h"
#include "storage/sqlite_store.h"
#include "world/commands.h"
#include "world/world.h"

namespace bg::api {

namespace fs = std::filesystem;
using testing::Request;
using testing::SendRaw;

inline Json Body(const testing::RawResponse& r) { return Json::parse(r.body, nullptr, false); }

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "bg_api_test_XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    auto store = storage::SqliteStore::Open({.path = (dir_ / "api.db").string()});
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
    engine::EngineOptions options;
    options.idle_tick = std::chrono::milliseconds(0);
    options.observer = &notices_;
    auto engine = engine::Engine::Open(store_.get(), &clock_, options);
    ASSERT_TRUE(engine.ok());
    engine_ = std::move(*engine);
    auto scenario = world::LoadWorldFile(std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml");
    ASSERT_TRUE(scenario.ok());
    for (state::CommandBody& body : world::ToCommands(*scenario)) {
      ASSERT_TRUE(engine_->Execute(std::move(body)).ok());
    }
    // One token per role: admin; the Dongguan programme's operator (1);
    // Songshan Lake Precision Moulds (1) and Xiangzhou Robotics (3); the
    // Shaoguan hub (1) and Hengqin (5); an auditor.
    token_["admin"] = Token(1, access::TokenRole::kAdmin, 0);
    token_["operator"] = Token(2, access::TokenRole::kOperator, 1);
    token_["enterprise"] = Token(3, access::TokenRole::kEnterprise, 1);
    token_["other_enterprise"] = Token(4, access::TokenRole::kEnterprise, 3);
    token_["provider"] = Token(5, access::TokenRole::kProvider, 1);
    token_["other_provider"] = Token(6, access::TokenRole::kProvider, 5);
    token_["auditor"] = Token(7, access::TokenRole::kAuditor, 0);
    // An expert reviewer of proposal rounds (reviewer 900, of provider 1).
    ASSERT_TRUE(engine_
                    ->Execute(facility::RegisterReviewer{
                        .id = 900, .name = "评审专家 900", .institution = ProviderId(1)})
                    .ok());
    token_["expert"] = Token(8, access::TokenRole::kExpert, 900);
    // The Dongguan programme's staff by stage: a reviewer and finance.
    token_["reviewer"] =
        Token(40, access::TokenRole::kOperator, 1, access::TokenStage::kReviewer, "dg-reviewer");
    token_["finance"] =
        Token(41, access::TokenRole::kOperator, 1, access::TokenStage::kFinance, "dg-finance");
    service_ = std::make_unique<Service>(engine_.get(), &clock_,
                                         ServiceOptions{.db = (dir_ / "api.db").string()});
    auto http = HttpServer::Start(
        {.port = 0, .threads = 2, .body_limit = 64 << 10},
        [this](const HttpRequest& r) { return service_->Handle(r); },
        [this](int status, const std::string& d) { return service_->Refuse(status, d); });
    ASSERT_TRUE(http.ok()) << http.status();
    http_ = std::move(*http);
    port_ = http_->port();
  }

  void TearDown() override {
    http_->Stop();
    ASSERT_TRUE(engine_->Shutdown().ok());
    engine_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  std::string Token(uint64_t id, access::TokenRole role, uint64_t scope,
                    access::TokenStage stage = access::TokenStage::kAny, std::string name = "") {
    const auto [secret, hash] = Service::NewToken();
    auto r = engine_->Execute(
        state::CreateApiToken{.id = id,
                              .hash = hash,
                              .role = role,
                              .scope = scope,
                              .name = name.empty() ? access::TokenRoleName(role) : name,
                              .stage = stage});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(std::get<state::TokenOutcome>(*r).result, access::TokenResult::kOk);
    return secret;
  }

  // Songshan Lake (enterprise 1) applies to `programme` and the admin
  // issues the voucher.
  void IssueVoucher(uint64_t application, uint64_t programme, int64_t amount_fen) {
    const std::string id = std::to_string(application);
    const auto filed = Call("POST", "/v1/applications", "enterprise",
                            "{\"id\":" + id + ",\"programme\":" + std::to_string(programme) +
                                ",\"amount_fen\":" + std::to_string(amount_fen) + "}");
    ASSERT_EQ(filed.status, 201) << filed.body;
    const std::string review = "/v1/applications/" + id + "/review";
    ASSERT_EQ(Call("POST", review, "enterprise", R"({"step":"submit"})").status, 200);
    for (const char* step : {"start_review", "approve", "issue"}) {
      const auto r = Call("POST", review, "admin", std::string(R"({"step":")") + step + "\"}");
      ASSERT_EQ(r.status, 200) << step << ": " << r.body;
    }
  }

  // Records of Songshan Lake (enterprise 1) and the Shaoguan hub (provider
  // 1): voucher 1, application 2 in draft, job 1 running at the hub's pool
  // 2, the hub's held direct claim 1.
  void MakeOwnedRecords() {
    IssueVoucher(1, 1, 10000000);
    ASSERT_EQ(Call("POST", "/v1/applications", "enterprise",
                   R"({"id":2,"programme":1,"amount_fen":100000})")
                  .status,
              201);
    ASSERT_EQ(Call("POST", "/v1/jobs", "enterprise",
                   R"({"id":1,"accelerator":"A800","cards":1,"walltime_s":3600})")
                  .status,
              201);
    ASSERT_EQ(Call("POST", "/v1/claims", "provider",
                   R"({"id":1,"order":700,"enterprise":1,"provider":1,"amount_fen":1000})")
                  .status,
              201);
    ASSERT_EQ(Body(Call("GET", "/v1/jobs/1", "enterprise"))["pool"], 2);  // the hub's
  }

  testing::RawResponse Call(const std::string& method, const std::string& target,
                            const std::string& who, const std::string& body = "") {
    return Request(port_, method, target, who.empty() ? "" : token_.at(who), body);
  }

  fs::path dir_;
  VirtualClock clock_{1'741'000'000 * kNanosPerSecond};  // 2025-03-03
  std::unique_ptr<storage::SqliteStore> store_;
  notice::Deriver notices_;  // the engine's observer: outlives it
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<HttpServer> http_;
  uint16_t port_ = 0;
  std::map<std::string, std::string> token_;
};

// Every 4xx is problem+json with its status, a code and the request id.
inline void ExpectProblem(const testing::RawResponse& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
            "application/problem+json");
  const Json j = Body(r);
  ASSERT_TRUE(j.is_object()) << r.body;
  EXPECT_EQ(j.value("title", ""), code) << r.body;
  EXPECT_EQ(j.value("status", 0), status);
  EXPECT_FALSE(j.value("detail", "").empty());
  EXPECT_EQ(j.value("request_id", ""),
            r.headers.count("x-request-id") ? r.headers.at("x-request-id") : "?");
}

}  // namespace bg::api
