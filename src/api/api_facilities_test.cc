// The shared facilities' reads: the list with its filters and names beside
// ids, one facility with its open hours over the next week, and clear
// refusals of a bad filter and an unknown id.
#include "api/api_test_fixture.h"

namespace bg::api {
namespace {

// A cryo-EM at the Shaoguan hub's provider (1) and a test lab at the
// Shenzhen provider (3), registered as the world file would.
void RegisterTwo(engine::Engine& engine) {
  const facility::Facility krios{.id = FacilityId(1),
                                 .name = "冷冻电镜 Krios 1",
                                 .name_en = "cryo-EM Krios 1",
                                 .institution = ProviderId(1),
                                 .kind = facility::FacilityKind::kCryoEm,
                                 .hours = {.days = 0x1f, .from_hour = 8, .to_hour = 20},
                                 .fees = {.own = Money::Fen(30'000),
                                          .academic = Money::Fen(100'000),
                                          .industry = Money::Fen(250'000)},
                                 .training = "cryo-EM operation",
                                 .assumed = true};
  facility::Facility lab = krios;
  lab.id = FacilityId(2);
  lab.name = "机器人关节可靠性测试台";
  lab.name_en = "robot joint reliability test bench";
  lab.institution = ProviderId(3);
  lab.kind = facility::FacilityKind::kTestLab;
  lab.capacity = 2;
  for (const facility::Facility& f : {krios, lab}) {
    const auto r = engine.Execute(state::RegisterFacility{f});
    ASSERT_TRUE(r.ok()) << r.status();
    ASSERT_EQ(std::get<state::RegistryResult>(*r).result, programme::RegistryResult::kOk)
        << std::get<state::RegistryResult>(*r).message;
  }
}

TEST_F(ApiTest, FacilitiesAreListedWithTheirOwnerCityAndFeesAndFiltered) {
  RegisterTwo(*engine_);
  const auto all = Call("GET", "/v1/facilities", "enterprise");
  ASSERT_EQ(all.status, 200) << all.body;
  const Json items = Body(all)["items"];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0]["name"], "冷冻电镜 Krios 1");
  EXPECT_EQ(items[0]["kind"], "cryo_em");
  EXPECT_EQ(items[0]["institution_name"], "Shaoguan Hub Intelligent Computing Centre");
  EXPECT_EQ(items[0]["city_name"], "Shaoguan");
  EXPECT_EQ(items[0]["industry_fee_per_hour"]["fen"], 250'000);
  EXPECT_EQ(items[0]["own_fee_per_hour"]["fen"], 30'000);
  EXPECT_EQ(items[0]["hours"]["days"], Json({"mon", "tue", "wed", "thu", "fri"}));
  EXPECT_EQ(items[0]["assumed"], true);

  const Json labs = Body(Call("GET", "/v1/facilities?kind=test_lab", "auditor"))["items"];
  ASSERT_EQ(labs.size(), 1u);
  EXPECT_EQ(labs[0]["name_en"], "robot joint reliability test bench");
  EXPECT_EQ(labs[0]["city_name"], "Shenzhen");
  const uint64_t shenzhen = labs[0]["city"].get<uint64_t>();
  const Json in_city =
      Body(Call("GET", "/v1/facilities?city=" + std::to_string(shenzhen), "provider"))["items"];
  ASSERT_EQ(in_city.size(), 1u);
  EXPECT_EQ(in_city[0]["id"], 2);
  EXPECT_EQ(Body(Call("GET", "/v1/facilities?institution=1", "operator"))["items"].size(), 1u);

  ExpectProblem(Call("GET", "/v1/facilities?kind=synchrotron", "admin"), 400, "invalid_field");
  EXPECT_EQ(Call("GET", "/v1/facilities", "").status, 401);
}

// The clock stands at Monday 2025-03-03 11:06 UTC (19:06 in Shenzhen):
// open 08-20 China Standard Time on weekdays is 00:00-12:00 UTC, so the
// week from 11:00 holds Monday's last hour, Tuesday to Friday, and next
// Monday up to the week's end.
TEST_F(ApiTest, AFacilityShowsWhenItIsOpenOverTheNextWeek) {
  RegisterTwo(*engine_);
  const auto r = Call("GET", "/v1/facilities/1", "enterprise");
  ASSERT_EQ(r.status, 200) << r.body;
  const Json open = Body(r)["open_next_7_days"];
  ASSERT_EQ(open.size(), 6u) << open.dump();
  EXPECT_EQ(open[0]["from"], "2025-03-03T11:00:00Z");
  EXPECT_EQ(open[0]["to"], "2025-03-03T12:00:00Z");
  EXPECT_EQ(open[1]["from"], "2025-03-04T00:00:00Z");
  EXPECT_EQ(open[4]["to"], "2025-03-07T12:00:00Z");
  EXPECT_EQ(open[5]["from"], "2025-03-10T00:00:00Z");
  EXPECT_EQ(open[5]["to"], "2025-03-10T11:00:00Z");
  ExpectProblem(Call("GET", "/v1/facilities/99", "enterprise"), 404, "not_found");
}

// The admin registers one over HTTP: 201 with the facility and its names,
// the same body again is answered as it is, a changed one is a conflict,
// and the registry's refusals name the field.
TEST_F(ApiTest, TheAdminRegistersAFacilityAndItsMistakesAreNamed) {
  const std::string body =
      R"({"id":7,"name":"工业CT","name_en":"industrial CT","institution":4,"kind":"test_lab",)"
      R"("days":["mon","tue","wed","thu","fri"],"from_hour":8,"to_hour":18,)"
      R"("maintenance":[{"from":"2025-04-01","to":"2025-04-03","why":"tube change"}],)"
      R"("own_fee_fen":0,"academic_fee_fen":30000,"industry_fee_fen":60000,"training":"radiation safety"})";
  const auto made = Call("POST", "/v1/facilities", "admin", body);
  ASSERT_EQ(made.status, 201) << made.body;
  const Json f = Body(made);
  EXPECT_EQ(f["institution_name"], "Binhaiwan Public Compute");
  EXPECT_EQ(f["city_name"], "Dongguan");
  EXPECT_EQ(f["hours"]["to_hour"], 18);
  EXPECT_EQ(f["maintenance"][0]["why"], "tube change");
  EXPECT_EQ(f["academic_fee_per_hour"]["fen"], 30000);
  EXPECT_EQ(Call("POST", "/v1/facilities", "admin", body).status, 200);  // the same again
  auto replaced = [](std::string b, const std::string& from, const std::string& to) {
    return b.replace(b.find(from), from.size(), to);
  };
  ExpectProblem(
      Call("POST", "/v1/facilities", "admin", replaced(body, "\"to_hour\":18", "\"to_hour\":19")),
      409, "exists_with_different_body");

  auto refused = [&](const std::string& edit_from, const std::string& edit_to, int status,
                     const std::string& code) {
    const std::string b = replaced(replaced(body, "\"id\":7", "\"id\":8"), edit_from, edit_to);
    const auto r = Call("POST", "/v1/facilities", "admin", b);
    ExpectProblem(r, status, code);
    return Body(r).value("detail", "");
  };
  EXPECT_EQ(refused("\"kind\":\"test_lab\"", "\"kind\":\"synchrotron\"", 400, "invalid_field"),
            "kind 'synchrotron' is not one of beamline, neutron_station, cryo_em, "
            "mass_spectrometer, nmr, electron_microscope, supercomputer, test_lab");
  EXPECT_EQ(refused("\"from_hour\":8", "\"from_hour\":18", 422, "invalid_facility"),
            "facility 8 (工业CT): invalid_facility: 'hours' must run from an hour before "
            "'to_hour', at most 24 (18 to 18 given)");
  EXPECT_EQ(refused("\"institution\":4", "\"institution\":99", 404, "unknown_provider"),
            "facility 8 (工业CT): unknown_provider: 'institution': no provider 99");
  EXPECT_NE(refused("\"days\":[\"mon\"", "\"days\":[\"funday\"", 400, "invalid_field")
                .find("\"funday\" is not one of mon"),
            std::string::npos);
  EXPECT_EQ(Body(Call("GET", "/v1/facilities", "auditor"))["items"].size(), 1u);
}

}  // namespace
}  // namespace bg::api
