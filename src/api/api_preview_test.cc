// POST /v1/programmes/preview: the subsidy of a sample order under a draft
// definition, by the server's own rules; a bad definition answers what POST
// /v1/programmes answers; nothing is written; admin and operators only.
#include "api/api_test_fixture.h"
#include "common/hash.h"

namespace bg::api {
namespace {

class PreviewTest : public ApiTest {
 protected:
  // Dongguan's definition as GET /v1/programmes/1 answers it: its latest
  // version's, which POST /v1/programmes takes back.
  Json Dongguan() {
    const Json got = Body(Call("GET", "/v1/programmes/1", "admin"));
    EXPECT_TRUE(got.contains("versions")) << got.dump();
    return got["versions"].back()["definition"];
  }

  // Songshan Lake (1) buys 10,000.00 yuan of domestic compute for training
  // at the Shaoguan hub (1, on Dongguan's platform 1) on 2025-06-01.
  static Json Order(uint64_t provider = 1, int64_t amount_fen = 1'000'000) {
    return {{"enterprise", 1},       {"provider", provider},   {"amount_fen", amount_fen},
            {"purpose", "training"}, {"resource", "domestic"}, {"at", "2025-06-01"}};
  }

  testing::RawResponse Preview(const Json& definition, const Json& order,
                               const std::string& who = "admin") {
    return Call("POST", "/v1/programmes/preview", who,
                Json{{"programme", definition}, {"order", order}}.dump());
  }
};

TEST_F(PreviewTest, DongguanPaysHalfAndALowerRatioPaysLess) {
  const auto r = Preview(Dongguan(), Order());
  ASSERT_EQ(r.status, 200) << r.body;
  const Json p = Body(r);
  EXPECT_TRUE(p["eligible"].get<bool>());
  EXPECT_TRUE(p["refusal"].is_null());
  EXPECT_EQ(p["amount"]["fen"], 1'000'000);
  EXPECT_EQ(p["subsidy"]["fen"], 500'000);
  EXPECT_EQ(p["subsidy"]["yuan"], "5000.00");
  EXPECT_EQ(p["self_pay"]["fen"], 500'000);
  EXPECT_EQ(p["ratio_bp"], 5000);
  EXPECT_EQ(p["bound_by"], "ratio");
  ASSERT_EQ(p["limits"].size(), 5u) << p.dump();
  EXPECT_EQ(p["limits"][1]["limit"], "per-entity yearly cap");
  EXPECT_EQ(p["limits"][1]["value"]["fen"], 100'000'000);  // 1,000,000 yuan, none used
  EXPECT_EQ(p["cap_year"], 2025);
  EXPECT_EQ(p["cap_used_this_year"]["fen"], 0);
  EXPECT_TRUE(p["cap_used_recorded"].get<bool>());
  EXPECT_EQ(p["explanation"].get<std::string>().rfind(
                "10000.00 yuan: subsidy 5000.00, self-pay 5000.00\n", 0),
            0u)
      << p["explanation"];

  Json lower = Dongguan();
  lower["ratio_bp"] = 3000;
  const Json q = Body(Preview(lower, Order()));
  EXPECT_EQ(q["subsidy"]["fen"], 300'000) << q.dump();
  EXPECT_EQ(q["ratio_bp"], 3000);

  // The same terms as a new programme: no use of its cap to count.
  Json draft = Dongguan();
  draft["id"] = 77;
  const Json n = Body(Preview(draft, Order()));
  EXPECT_EQ(n["subsidy"]["fen"], 500'000) << n.dump();
  EXPECT_FALSE(n["cap_used_recorded"].get<bool>());
}

TEST_F(PreviewTest, AnOrderTheRulesExcludeIsARefusalNotAnError) {
  // Shenzhen Open (provider 3) is on platform 2, not Dongguan's platform 1.
  const auto r = Preview(Dongguan(), Order(3));
  ASSERT_EQ(r.status, 200) << r.body;
  const Json p = Body(r);
  EXPECT_FALSE(p["eligible"].get<bool>());
  EXPECT_NE(p["refusal"].get<std::string>().find("pays only at providers on platform 1"),
            std::string::npos)
      << p.dump();
  EXPECT_EQ(p["subsidy"]["fen"], 0);
  EXPECT_EQ(p["self_pay"]["fen"], 1'000'000);
  EXPECT_TRUE(p["bound_by"].is_null());
  EXPECT_TRUE(p["limits"].empty());
}

TEST_F(PreviewTest, ABadDefinitionAnswersWhatCreatingItWould) {
  Json unknown_issuer = Dongguan();
  unknown_issuer["id"] = 77;
  unknown_issuer["issuer"] = 999;
  Json no_name = Dongguan();
  no_name.erase("name");
  Json yearly_above = Dongguan();
  yearly_above["id"] = 78;
  yearly_above["yearly_budget_fen"] = yearly_above["total_budget_fen"].get<int64_t>() + 1;
  Json derived = Dongguan();
  derived["level"] = "city";
  for (const Json& bad : {unknown_issuer, no_name, yearly_above, derived}) {
    const Json preview = Body(Preview(bad, Order()));
    const auto created = Call("POST", "/v1/programmes", "admin", bad.dump());
    ASSERT_GE(created.status, 400) << created.body;
    const Json problem = Body(created);
    EXPECT_EQ(preview["status"], problem["status"]) << preview.dump();
    EXPECT_EQ(preview["title"], problem["title"]) << preview.dump();
    EXPECT_EQ(preview["detail"], problem["detail"]) << preview.dump();
  }
  const Json issuer = Body(Preview(unknown_issuer, Order()));
  EXPECT_EQ(issuer["status"], 404);
  EXPECT_EQ(issuer["title"], "unknown_jurisdiction");
  EXPECT_NE(issuer["detail"].get<std::string>().find("'issuer': no jurisdiction 999"),
            std::string::npos)
      << issuer.dump();
  EXPECT_EQ(Body(Call("GET", "/v1/programmes/77", "admin"))["status"], 404) << "nothing created";
}

TEST_F(PreviewTest, BadOrdersAre4xxProblems) {
  const Json dongguan = Dongguan();
  Json zero = Order();
  zero["amount_fen"] = 0;
  const auto r = Preview(dongguan, zero);
  ExpectProblem(r, 400, "invalid_field");
  EXPECT_NE(Body(r)["detail"].get<std::string>().find("'order.amount_fen'"), std::string::npos)
      << r.body;
  Json stranger = Order();
  stranger["enterprise"] = 999;
  ExpectProblem(Preview(dongguan, stranger), 404, "unknown_enterprise");
  ExpectProblem(Preview(dongguan, Order(999)), 404, "unknown_provider");
  Json alien = Order();
  alien["resource"] = "alien";
  ExpectProblem(Preview(dongguan, alien), 400, "invalid_field");
  Json extra = Order();
  extra["colour"] = "blue";
  ExpectProblem(Preview(dongguan, extra), 400, "unknown_field");
  ExpectProblem(
      Call("POST", "/v1/programmes/preview", "admin", Json{{"programme", dongguan}}.dump()), 400,
      "missing_field");
  ExpectProblem(Call("POST", "/v1/programmes/preview", "admin", R"({"programme":[],"order":{}})"),
                400, "invalid_field");
}

TEST_F(PreviewTest, APreviewWritesNothing) {
  const uint64_t seq = engine_->last_seq();
  const std::string head = ToHex(engine_->chain_head());
  const std::string state = ToHex(engine_->StateHash());
  Json lower = Dongguan();
  lower["ratio_bp"] = 1000;
  Json draft = Dongguan();
  draft["id"] = 77;
  for (const Json& definition : {Dongguan(), lower, draft}) {
    ASSERT_EQ(Preview(definition, Order()).status, 200);
  }
  EXPECT_EQ(engine_->last_seq(), seq);
  EXPECT_EQ(ToHex(engine_->chain_head()), head);
  EXPECT_EQ(ToHex(engine_->StateHash()), state);
  EXPECT_EQ(Body(Call("GET", "/v1/programmes/1", "admin"))["ratio_bp"], 5000);
}

TEST_F(PreviewTest, AdminAndOperatorsMayOthersMayNot) {
  const Json dongguan = Dongguan();
  for (const char* who : {"enterprise", "provider", "auditor"}) {
    const auto r = Preview(dongguan, Order(), who);
    ExpectProblem(r, 403, "forbidden");
    EXPECT_NE(Body(r)["detail"].get<std::string>().find("may not preview programme rules"),
              std::string::npos)
        << r.body;
  }
  // Dongguan's operators, whatever their stage; another programme's terms
  // are not theirs to preview, a new programme's are.
  for (const char* who : {"operator", "reviewer", "finance"}) {
    EXPECT_EQ(Preview(dongguan, Order(), who).status, 200) << who;
  }
  Json zhuhai = Body(Call("GET", "/v1/programmes/2", "admin"))["versions"].back()["definition"];
  ExpectProblem(Preview(zhuhai, Order(), "operator"), 403, "forbidden");
  zhuhai["id"] = 77;
  EXPECT_EQ(Preview(zhuhai, Order(), "operator").status, 200);
}

}  // namespace
}  // namespace bg::api
