// Tests for the scenario loader: scenarios/gba.toml parses into the expected
// parties and programmes, Dongguan's rules match 东府〔2025〕1号 field by field,
// and each kind of bad input is refused with its line and what is wrong.
#include "world/world.h"

#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "programme/credit_code.h"
#include "world/commands.h"

namespace bg::world {

using programme::ApplicantCategory;
using programme::CreditCodeCheckCharacter;
using programme::Enterprise;
using programme::Jurisdiction;
using programme::JurisdictionLevel;
using programme::kLedgerCny;
using programme::kLedgerHkd;
using programme::kLedgerMop;
using programme::kLittleGiant;
using programme::kSme;
using programme::kStartUpFlag;
using programme::LapsePolicy;
using programme::ProgrammeRules;
using programme::Provider;
using programme::Purpose;
using programme::RedemptionMode;
using programme::ResourceClass;
using programme::ValidateCreditCode;
namespace {

using ::testing::HasSubstr;

constexpr Timestamp kDay = 24ULL * 3600 * kNanosPerSecond;
constexpr Timestamp k2025 = 1'735'689'600ULL * kNanosPerSecond;  // 2025-01-01T00:00Z
constexpr Timestamp k2028 = k2025 + 1095 * kDay;

Money Yuan(int64_t y) { return *Money::Yuan(y); }

std::string GbaPath() { return std::string(BG_SOURCE_DIR) + "/scenarios/gba.toml"; }

const Jurisdiction& ByCode(const World& s, const std::string& code) {
  for (const Jurisdiction& j : s.jurisdictions) {
    if (j.code == code) return j;
  }
  ADD_FAILURE() << "no jurisdiction " << code;
  return s.jurisdictions.front();
}

const ProgrammeRules& ByName(const World& s, const std::string& name) {
  for (const ProgrammeRules& p : s.programmes) {
    if (p.name == name) return p;
  }
  ADD_FAILURE() << "no programme " << name;
  return s.programmes.front();
}

TEST(ScenarioTest, GbaParses) {
  Result<World> s = LoadWorldFile(GbaPath());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->jurisdictions.size(), 11u);
  EXPECT_EQ(s->enterprises.size(), 8u);
  EXPECT_EQ(s->providers.size(), 6u);
  EXPECT_EQ(s->programmes.size(), 5u);
  for (size_t i = 0; i < s->jurisdictions.size(); ++i) {
    EXPECT_EQ(s->jurisdictions[i].id, JurisdictionId(i + 1));
  }
}

TEST(ScenarioTest, GbaJurisdictions) {
  Result<World> s = LoadWorldFile(GbaPath());
  ASSERT_TRUE(s.ok()) << s.status();
  const Jurisdiction& huangpu = ByCode(*s, "huangpu");
  EXPECT_EQ(huangpu.level, JurisdictionLevel::kDistrict);
  EXPECT_EQ(huangpu.parent, ByCode(*s, "guangzhou").id);
  EXPECT_EQ(ByCode(*s, "guangzhou").parent, ByCode(*s, "guangdong").id);
  EXPECT_EQ(ByCode(*s, "guangming").parent, ByCode(*s, "shenzhen").id);
  EXPECT_EQ(ByCode(*s, "hong_kong").currency_ledger, kLedgerHkd);
  EXPECT_EQ(ByCode(*s, "macau").currency_ledger, kLedgerMop);
  EXPECT_EQ(ByCode(*s, "dongguan").currency_ledger, kLedgerCny);
  EXPECT_EQ(ByCode(*s, "dongguan").name_zh, "东莞市");
}

TEST(ScenarioTest, GbaPartiesAndRelations) {
  Result<World> s = LoadWorldFile(GbaPath());
  ASSERT_TRUE(s.ok()) << s.status();
  const Enterprise& moulds = s->enterprises[0];
  EXPECT_EQ(moulds.name, "Songshan Lake Precision Moulds");
  EXPECT_EQ(moulds.applicant.id, moulds.id);
  EXPECT_EQ(moulds.applicant.home, ByCode(*s, "dongguan").id);
  EXPECT_EQ(moulds.related_enterprises, std::vector<EnterpriseId>{EnterpriseId(6)});
  EXPECT_EQ(s->enterprises[5].related_enterprises, std::vector<EnterpriseId>{moulds.id});
  EXPECT_EQ(moulds.related_providers, std::vector<ProviderId>{ProviderId(4)});
  EXPECT_EQ(s->providers[3].related_enterprises, std::vector<EnterpriseId>{moulds.id});
  EXPECT_EQ(s->enterprises[1].applicant.category, ApplicantCategory::kStartUp);
  EXPECT_EQ(s->enterprises[1].applicant.flags, kSme | kStartUpFlag);
  EXPECT_EQ(s->enterprises[2].applicant.flags, kLittleGiant);
  EXPECT_EQ(s->providers[0].home, ByCode(*s, "shaoguan").id);
  EXPECT_EQ(s->providers[0].platforms, (std::vector<uint64_t>{1, 2}));
}

TEST(ScenarioTest, DongguanRulesMatchTheOfficialText) {
  Result<World> s = LoadWorldFile(GbaPath());
  ASSERT_TRUE(s.ok()) << s.status();
  const ProgrammeRules& p = ByName(*s, "Dongguan 算力券");
  const JurisdictionId dongguan = ByCode(*s, "dongguan").id;
  EXPECT_EQ(p.id, ProgrammeId(1));
  EXPECT_EQ(p.kind, "算力券");
  EXPECT_EQ(p.issuer, dongguan);
  EXPECT_EQ(p.level, JurisdictionLevel::kCity);
  EXPECT_EQ(p.valid_from, k2025);
  EXPECT_EQ(p.valid_until, k2028);
  EXPECT_EQ(p.total_budget, Yuan(50'000'000));
  EXPECT_EQ(p.yearly_budget, std::nullopt);
  EXPECT_EQ(p.apply_from, std::nullopt);
  EXPECT_EQ(p.eligibility.home_jurisdictions, std::vector<JurisdictionId>{dongguan});
  EXPECT_EQ(p.eligibility.categories,
            (std::vector<ApplicantCategory>{
                ApplicantCategory::kManufacturing, ApplicantCategory::kSoftwareIt,
                ApplicantCategory::kUniversity, ApplicantCategory::kResearchInstitute}));
  EXPECT_TRUE(p.eligibility.good_credit_required);
  EXPECT_EQ(p.default_ratio_bp, 5000u);
  EXPECT_TRUE(p.ratio_rules.empty());
  EXPECT_EQ(p.per_order_cap, std::nullopt);
  EXPECT_EQ(p.default_entity_year_cap, Yuan(1'000'000));
  EXPECT_TRUE(p.cap_rules.empty());
  EXPECT_FALSE(p.providers.listed_only);
  EXPECT_EQ(p.providers.platform, 1u);
  EXPECT_FALSE(p.providers.inside_issuer_only);
  EXPECT_EQ(p.redemption, RedemptionMode::kPointOfSale);
  EXPECT_EQ(p.voucher_validity_days, 365u);
  EXPECT_EQ(p.lapse, LapsePolicy::kReturnToBudget);
}

TEST(ScenarioTest, OtherGbaProgrammesEvaluate) {
  Result<World> s = LoadWorldFile(GbaPath());
  ASSERT_TRUE(s.ok()) << s.status();
  const ProgrammeRules& zhuhai = ByName(*s, "Zhuhai 算力券");
  EXPECT_EQ(zhuhai.redemption, RedemptionMode::kAutomaticGrant);
  EXPECT_EQ(EntityYearCapFor(zhuhai, s->enterprises[2].applicant), Yuan(10'000'000));
  const ProgrammeRules& shenzhen = ByName(*s, "Shenzhen 训力券");
  EXPECT_EQ(shenzhen.yearly_budget, Yuan(500'000'000));
  EXPECT_EQ(shenzhen.per_award_cap, Yuan(10'000'000));  // per award, not per order
  EXPECT_EQ(shenzhen.per_order_cap, std::nullopt);
  EXPECT_EQ(shenzhen.purposes, std::vector<Purpose>{Purpose::kTraining});
  EXPECT_EQ(RatioFor(shenzhen, s->enterprises[1].applicant, ResourceClass::kDomesticAccelerator),
            6000u);
  EXPECT_EQ(RatioFor(shenzhen, s->enterprises[4].applicant, ResourceClass::kDomesticAccelerator),
            5000u);
  const ProgrammeRules& guangming = ByName(*s, "Guangming 算力券");
  EXPECT_EQ(guangming.level, JurisdictionLevel::kDistrict);
  EXPECT_EQ(guangming.default_ratio_bp, 3000u);
  EXPECT_EQ(guangming.default_entity_year_cap, Yuan(6'000'000));
}

// Every credit code in the scenario passes the validator; a one-character
// typo in any of them is refused with the validator's message and the line.
TEST(ScenarioTest, CreditCodesRoundTrip) {
  Result<World> s = LoadWorldFile(GbaPath());
  ASSERT_TRUE(s.ok()) << s.status();
  for (const Enterprise& e : s->enterprises) EXPECT_TRUE(ValidateCreditCode(e.credit_code).ok());
  for (const Provider& p : s->providers) EXPECT_TRUE(ValidateCreditCode(p.credit_code).ok());

  const std::string code = s->enterprises[0].credit_code;
  EXPECT_EQ(code.back(), CreditCodeCheckCharacter(code.substr(0, 17)));
  std::string typo = code;
  typo[10] = typo[10] == '5' ? '6' : '5';
  const std::string text =
      "[[jurisdiction]]\ncode = \"dg\"\nname = \"Dongguan\"\nlevel = \"city\"\n"
      "[[enterprise]]\nname = \"A\"\nhome = \"dg\"\ncredit_code = \"" +
      typo + "\"\n";
  Result<World> bad = ParseWorld(text, "typo.toml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("typo.toml:8: bad credit code"));
  EXPECT_THAT(bad.status().message(), HasSubstr(ValidateCreditCode(typo).message()));
}

struct BadCase {
  const char* name;
  std::string body;  // appended to kBase (5 lines)
  std::string want;  // expected substring, with the line
};

// Lines 1-5: one city, so that the cases can refer to "dg".
const std::string kBase =
    "[[jurisdiction]]\ncode = \"dg\"\nname = \"Dongguan\"\nlevel = \"city\"\ncurrency = \"CNY\"\n";
const std::string kGoodEnterprise =
    "[[enterprise]]\nname = \"A\"\nhome = \"dg\"\ncredit_code = \"91441900MA5BG00017\"\n";  // 6-9
// Lines 6-9: an institution; lines 10-14: its facility, valid.
const std::string kInstitution =
    "[[provider]]\nname = \"I\"\ncredit_code = \"91441900MA5BG01046\"\nhome = \"dg\"\n";
std::string FacilityWith(const std::string& kind = "cryo_em", const std::string& institution = "I",
                         const std::string& fees = "own = 0, academic = 1, industry = 2") {
  return kInstitution + "[[facility]]\nname = \"F\"\ninstitution = \"" + institution +
         "\"\nkind = \"" + kind + "\"\nfees_yuan = { " + fees + " }\n";
}
// Lines 6-11: a minimal valid programme; cases append keys from line 12.
const std::string kProgramme =
    "[[programme]]\nname = \"P\"\nissuer = \"dg\"\nvalid_from = 2025-01-01\n"
    "valid_until = 2028-01-01\ntotal_budget_yuan = 1000\n";

std::vector<BadCase> BadCases() {
  return {
      {"UnknownKey", "[[jurisdiction]]\ncode = \"x\"\nname = \"X\"\nlevel = \"city\"\nsize = 3\n",
       "bad.toml:10: unknown key 'size' in [[jurisdiction]]"},
      {"UnknownLevel", "[[jurisdiction]]\ncode = \"x\"\nname = \"X\"\nlevel = \"county\"\n",
       "bad.toml:9: jurisdiction.level: unknown value \"county\" (allowed: province, city, "
       "district, cooperation_zone, national)"},
      {"UnknownCurrency",
       "[[jurisdiction]]\ncode = \"x\"\nname = \"X\"\nlevel = \"city\"\ncurrency = \"USD\"\n",
       "bad.toml:10: jurisdiction.currency: unknown value \"USD\" (allowed: CNY, HKD, MOP)"},
      {"DuplicateCode", "[[jurisdiction]]\ncode = \"dg\"\nname = \"X\"\nlevel = \"city\"\n",
       "bad.toml:7: duplicate jurisdiction code \"dg\""},
      {"UnknownParent",
       "[[jurisdiction]]\ncode = \"x\"\nname = \"X\"\nlevel = \"district\"\nparent = \"gz\"\n",
       "bad.toml:10: jurisdiction.parent: unknown jurisdiction code \"gz\""},
      {"ParentCycle",
       "[[jurisdiction]]\ncode = \"a\"\nname = \"A\"\nlevel = \"district\"\nparent = \"a\"\n",
       "bad.toml:10: parent cycle"},
      {"ParentNotLarger",
       "[[jurisdiction]]\ncode = \"x\"\nname = \"X\"\nlevel = \"province\"\nparent = \"dg\"\n",
       "bad.toml:10: jurisdiction \"x\" (province) cannot have parent \"dg\""},
      {"MissingKey", "[[jurisdiction]]\ncode = \"x\"\nlevel = \"city\"\n",
       "bad.toml:6: [[jurisdiction]] has no 'name'"},
      {"WrongType", "[[jurisdiction]]\ncode = 7\n",
       "bad.toml:7: [[jurisdiction]].code must be "
       "a string, not an integer"},
      {"BadCreditCode",
       "[[enterprise]]\nname = \"A\"\nhome = \"dg\"\ncredit_code = \"91441900MA5BG00018\"\n",
       "bad.toml:9: bad credit code \"91441900MA5BG00018\": "},
      {"LowerCaseCreditCode",
       "[[enterprise]]\nname = \"A\"\nhome = \"dg\"\ncredit_code = \"91441900ma5bg00017\"\n",
       "is lower case"},
      {"UnknownHome",
       "[[enterprise]]\nname = \"A\"\nhome = \"sz\"\ncredit_code = \"91441900MA5BG00017\"\n",
       "bad.toml:8: enterprise.home: unknown jurisdiction code \"sz\""},
      {"UnknownCategory", kGoodEnterprise + "category = \"farming\"\n",
       "bad.toml:10: enterprise.category: unknown value \"farming\" (allowed: manufacturing, "
       "software_it, university, research_institute, start_up, other)"},
      {"UnknownFlag", kGoodEnterprise + "flags = [\"sme\", \"unicorn\"]\n",
       "bad.toml:10: enterprise.flags: unknown value \"unicorn\""},
      {"UnknownRelated", kGoodEnterprise + "related = [\"Nobody\"]\n",
       "bad.toml:10: enterprise.related: no enterprise or provider named or with credit code "
       "\"Nobody\""},
      {"DuplicateEnterprise", kGoodEnterprise + kGoodEnterprise,
       "bad.toml:10: duplicate enterprise name or credit code \"A\""},
      {"NegativeMoney", kProgramme + "ratio_percent = 50\nentity_year_cap_yuan = -5\n",
       "bad.toml:13: programme.entity_year_cap_yuan must not be negative"},
      {"FractionalMoney", kProgramme + "ratio_percent = 50\nper_order_cap_yuan = 10.5\n",
       "bad.toml:13: programme.per_order_cap_yuan must be a whole number of yuan"},
      {"RatioAbove100", kProgramme + "ratio_percent = 101\n",
       "bad.toml:12: programme.ratio_percent is above 100%"},
      {"RatioTwoDecimals", kProgramme + "ratio_percent = 12.25\n",
       "bad.toml:12: programme.ratio_percent must be a percentage with at most one decimal"},
      {"RuleRatioAbove100",
       kProgramme + "ratio_percent = 50\n[[programme.ratio_rule]]\nratio_percent = 100.5\n",
       "bad.toml:14: ratio_rule.ratio_percent is above 100%"},
      {"DateAsString", kProgramme + "ratio_percent = 50\napply_from = \"2025-09-01\"\n",
       "bad.toml:13: programme.apply_from must be a TOML date"},
      {"UntilBeforeFrom",
       "[[programme]]\nname = \"P\"\nissuer = \"dg\"\nvalid_from = 2025-01-01\n"
       "valid_until = 2024-01-01\ntotal_budget_yuan = 1\nratio_percent = 1\n",
       "bad.toml:10: programme.valid_until must be after valid_from"},
      {"UnknownIssuer", "[[programme]]\nname = \"P\"\nissuer = \"zh\"\n",
       "bad.toml:8: programme.issuer: unknown "
       "jurisdiction code \"zh\""},
      {"UnknownRedemption", kProgramme + "ratio_percent = 50\nredemption = \"cash\"\n",
       "bad.toml:13: programme.redemption: unknown value \"cash\" (allowed: point_of_sale, "
       "reimbursement, automatic_grant)"},
      {"UnknownProviderKey", kProgramme + "ratio_percent = 50\nproviders = { local = true }\n",
       "bad.toml:13: unknown key 'local' in programme.providers"},
      {"UnknownListedProvider",
       kProgramme + "ratio_percent = 50\nproviders = { listed = [\"Nobody\"] }\n",
       "bad.toml:13: programme.providers.listed: no provider named or with credit code "
       "\"Nobody\""},
      {"UnknownEligibleCategory",
       kProgramme + "ratio_percent = 50\neligibility = { categories = [\"bank\"] }\n",
       "bad.toml:13: programme.eligibility.categories: unknown value \"bank\""},
      {"LevelIsDerived", kProgramme + "ratio_percent = 50\nlevel = \"city\"\n",
       "bad.toml:13: programme.level is derived from the issuer"},
      {"CapRuleMissingCap",
       kProgramme + "ratio_percent = 50\n[[programme.cap_rule]]\n"
                    "flags_any = [\"sme\"]\n",
       "bad.toml:13: [[programme.cap_rule]] has no 'entity_year_cap_yuan'"},
      {"TomlSyntax", "[[enterprise]\n", "bad.toml:6: "},
      {"UnknownFacilityKind", FacilityWith("synchrotron"), "bad.toml:13: "},
      {"FacilityOfNoInstitution", FacilityWith("cryo_em", "Nobody"),
       "bad.toml:12: facility.institution: no provider named or with credit code \"Nobody\""},
      {"FacilityNegativeFee", FacilityWith("cryo_em", "I", "own = -1, academic = 1, industry = 2"),
       "bad.toml:14: facility.fees_yuan.own must be a positive price in yuan"},
      {"FacilityUnknownWeekday", FacilityWith() + "hours = { days = [\"mon\", \"funday\"] }\n",
       "bad.toml:15: facility.hours.days: \"funday\" is not one of mon, tue, wed, thu, fri, sat, "
       "sun"},
      {"FacilityHoursBackwards", FacilityWith() + "hours = { from = 20, to = 8 }\n",
       "bad.toml:10: [[facility]] \"F\": 'hours' must run from an hour before 'to_hour', at "
       "most 24 (20 to 8 given)"},
  };
}

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class BadScenarioTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadScenarioTest, IsRefusedWithLineAndReason) {
  const BadCase& c = GetParam();
  Result<World> s = ParseWorld(kBase + c.body, "bad.toml");
  ASSERT_FALSE(s.ok()) << c.name;
  EXPECT_EQ(s.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(s.status().message(), HasSubstr(c.want));
}

INSTANTIATE_TEST_SUITE_P(Cases, BadScenarioTest, ::testing::ValuesIn(BadCases()),
                         [](const ::testing::TestParamInfo<BadCase>& param_info) {
                           return std::string(param_info.param.name);
                         });

TEST(ScenarioTest, BaseAndMinimalProgrammeAreValid) {
  Result<World> s =
      ParseWorld(kBase + kGoodEnterprise + kProgramme + "ratio_percent = 12.5\n", "ok.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->programmes[0].default_ratio_bp, 1250u);
  EXPECT_EQ(s->programmes[0].total_budget, Yuan(1000));
}

// Independent records: every error is reported, each with its line.
TEST(ScenarioTest, EveryErrorOfAPassIsReported) {
  const std::string two_bad_enterprises =
      "[[enterprise]]\nname = \"A\"\nhome = \"dg\"\ncredit_code = \"x\"\n"  // lines 6-9
      "[[enterprise]]\nname = \"B\"\nhome = \"dg\"\n";                      // 10-12
  Result<World> s = ParseWorld(kBase + two_bad_enterprises, "bad.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("bad.toml:9: bad credit code \"x\""));
  EXPECT_THAT(s.status().message(), HasSubstr("bad.toml:10: [[enterprise]] has no 'credit_code'"));
}

// A key after a [[table]] header belongs to that table, so a stray top-level
// key can only come first.
TEST(ScenarioTest, UnknownTopLevelKey) {
  Result<World> s = ParseWorld("colour = \"red\"\n" + kBase, "bad.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(),
              HasSubstr("bad.toml:1: unknown key 'colour' in the top level (allowed: "
                        "jurisdiction, enterprise, provider, programme, site, pool, link, "
                        "facility)"));
}

// A facility with every key: its week, maintenance and fees as given.
TEST(ScenarioTest, AFacilityIsReadWithItsWeekMaintenanceAndFees) {
  Result<World> s = ParseWorld(
      kBase + FacilityWith("neutron_station", "I", "own = 0, academic = 1500.5, industry = 6000") +
          "name_en = \"GPPD\"\ncapacity = 2\n"
          "hours = { days = [\"mon\", \"fri\"], from = 8, to = 18 }\n"
          "maintenance = [{ from = 2026-01-05, to = 2026-01-06, why = "
          "\"target\" }]\ntraining = \"radiation safety\"\nassumed = true\n",
      "f.toml");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->facilities.size(), 1u);
  const facility::Facility& f = s->facilities[0];
  EXPECT_EQ(f.id, FacilityId(1));
  EXPECT_EQ(f.institution, s->providers[0].id);
  EXPECT_EQ(f.kind, facility::FacilityKind::kNeutronStation);
  EXPECT_EQ(f.capacity, 2u);
  EXPECT_EQ(f.hours.days, 0b10001);
  EXPECT_EQ(f.hours.from_hour, 8);
  EXPECT_EQ(f.hours.to_hour, 18);
  ASSERT_EQ(f.maintenance.size(), 1u);
  EXPECT_EQ(f.maintenance[0].to - f.maintenance[0].from, kNanosPerDay);
  EXPECT_EQ(f.fees.own, Money::Fen(0));
  EXPECT_EQ(f.fees.academic, Money::Fen(150'050));
  EXPECT_EQ(f.fees.industry, Money::Fen(600'000));
  EXPECT_EQ(f.training, "radiation safety");
  EXPECT_TRUE(f.assumed);
  EXPECT_EQ(ToCommands(*s).size(), 3u);  // the city, the institution, the facility
}

TEST(ScenarioTest, KindsMustBeArraysOfTables) {
  Result<World> s = ParseWorld("[enterprise]\nname = \"A\"\n", "bad.toml");
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(),
              HasSubstr("bad.toml:1: enterprise must be an array of tables ([[enterprise]])"));
}

TEST(ScenarioTest, MissingFileIsNotFound) {
  Result<World> s = LoadWorldFile("/nonexistent/scenario.toml");
  EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace bg::world
