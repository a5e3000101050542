// Reads of the shared research facilities (issue 19, docs/facilities.md):
// the list with its filters, and one facility with its open hours over the
// next seven days. Names beside ids: the owning institution and its city.
#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "facility/registry.h"

namespace bg::api {
namespace {

Json HoursJson(const facility::WeeklyHours& h) {
  Json days = Json::array();
  for (std::string_view d : facility::WeekdaysOf(h.days)) days.push_back(d);
  return {{"days", days},
          {"from_hour", h.from_hour},
          {"to_hour", h.to_hour},
          {"time_zone", "Asia/Shanghai"}};
}

Json FacilityJson(const facility::Facility& f, const state::State& s) {
  const programme::Provider* owner = s.registry().FindProvider(f.institution);
  const programme::Jurisdiction* city =
      owner == nullptr ? nullptr : s.registry().FindJurisdiction(owner->home);
  Json maintenance = Json::array();
  for (const facility::Maintenance& m : f.maintenance) {
    maintenance.push_back({{"from", TimeJson(m.from)}, {"to", TimeJson(m.to)}, {"why", m.why}});
  }
  return {{"id", f.id.value()},
          {"name", f.name},
          {"name_en", f.name_en},
          {"kind", facility::FacilityKindName(f.kind)},
          {"institution", f.institution.value()},
          {"institution_name", owner == nullptr ? Json(nullptr) : Json(owner->name)},
          {"city", owner == nullptr ? Json(nullptr) : Json(owner->home.value())},
          {"city_name", city == nullptr ? Json(nullptr) : Json(city->name)},
          {"city_name_zh", city == nullptr ? Json(nullptr) : Json(city->name_zh)},
          {"capacity", f.capacity},
          {"hours", HoursJson(f.hours)},
          {"maintenance", maintenance},
          {"own_fee_per_hour", MoneyJson(f.fees.own)},
          {"academic_fee_per_hour", MoneyJson(f.fees.academic)},
          {"industry_fee_per_hour", MoneyJson(f.fees.industry)},
          {"training", f.training},
          {"booking_quota_hours", f.booking_quota_hours},
          {"bookable", f.booking_quota_hours > 0},
          {"no_show_grace_minutes", f.no_show_grace_minutes},
          {"assumed", f.assumed}};
}

// The facility's open hours from `now` (rounded down to the hour) over
// seven days, as [from, to) periods.
Json OpenPeriods(const facility::Facility& f, Timestamp now) {
  Json out = Json::array();
  const Timestamp start = now / kNanosPerHour * kNanosPerHour;
  std::optional<Timestamp> from;
  for (Timestamp t = start; t <= start + 7 * kNanosPerDay; t += kNanosPerHour) {
    const bool open = t < start + 7 * kNanosPerDay && facility::OpenAt(f, t);
    if (open && !from) from = t;
    if (!open && from) {
      out.push_back({{"from", TimeJson(*from)}, {"to", TimeJson(t)}});
      from.reset();
    }
  }
  return out;
}

constexpr uint64_t kMaxCapacity = 10'000;

// The week's days as words ("mon" .. "sun"); all when absent.
std::optional<uint8_t> ReadDays(Fields& f) {
  const std::optional<std::vector<std::string>> days = f.Strs("days", false, 7);
  if (!days) return uint8_t{0x7f};
  uint8_t mask = 0;
  for (const std::string& d : *days) {
    const std::optional<uint8_t> bit = facility::WeekdayBit(d);
    if (!bit) {
      f.Refuse("invalid_field",
               "'days': \"" + d + "\" is not one of mon, tue, wed, thu, fri, sat, sun");
      return std::nullopt;
    }
    mask = static_cast<uint8_t>(mask | *bit);
  }
  return mask;
}

// maintenance: [{"from": "2026-01-05", "to": "2026-01-12", "why": "..."}].
std::vector<facility::Maintenance> ReadMaintenance(Fields& f) {
  std::vector<facility::Maintenance> out;
  const Json* list = f.Raw("maintenance", false);
  if (list == nullptr) return out;
  if (!list->is_array() || list->size() > 100) {
    f.Refuse("invalid_field", "'maintenance' must be an array of at most 100 windows");
    return out;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    Fields m((*list)[i], "maintenance[" + std::to_string(i) + "].");
    const auto from = m.Time("from", true);
    const auto to = m.Time("to", true);
    const auto why = m.Str("why", false, 200);
    if (!m.Done()) {
      f.Refuse(m.code(), m.detail());
      return out;
    }
    out.push_back({.from = *from, .to = *to, .why = why.value_or("")});
  }
  return out;
}

}  // namespace

// The registry checks the rest (hours, fees, the institution) and names
// the field it refuses.
Answer Service::RegisterFacility(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "register facilities");
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto name = f.Str("name", true, 200);
  const auto name_en = f.Str("name_en", false, 200);
  const auto institution = f.Id("institution");
  const auto kind = f.Str("kind", true, 32);
  const auto capacity = f.U64("capacity", false, kMaxCapacity);
  const std::optional<uint8_t> days = ReadDays(f);
  const auto from_hour = f.U64("from_hour", false, 23);
  const auto to_hour = f.U64("to_hour", false, 24);
  std::vector<facility::Maintenance> maintenance = ReadMaintenance(f);
  const auto own = f.Fen("own_fee_fen", true);
  const auto academic = f.Fen("academic_fee_fen", true);
  const auto industry = f.Fen("industry_fee_fen", true);
  const auto training = f.Str("training", false, 200);
  const auto quota = f.U64("booking_quota_hours", false, facility::kMaxQuotaHours);
  const auto grace = f.U64("no_show_grace_minutes", false, facility::kMaxNoShowGraceMinutes);
  const auto assumed = f.Bool("assumed", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const std::optional<facility::FacilityKind> k = facility::FacilityKindFromName(*kind);
  if (!k) {
    return Fail(c, "invalid_field",
                "kind '" + *kind + "' is not one of " + AllowedNames(facility::kFacilityKindNames));
  }
  facility::Facility fac{.id = FacilityId(*id),
                         .name = *name,
                         .name_en = name_en.value_or(""),
                         .institution = ProviderId(*institution),
                         .kind = *k,
                         .capacity = static_cast<uint32_t>(capacity.value_or(1)),
                         .hours = {.days = days.value_or(0x7f),
                                   .from_hour = static_cast<uint8_t>(from_hour.value_or(0)),
                                   .to_hour = static_cast<uint8_t>(to_hour.value_or(24))},
                         .maintenance = std::move(maintenance),
                         .fees = {.own = *own, .academic = *academic, .industry = *industry},
                         .training = training.value_or(""),
                         .booking_quota_hours = static_cast<uint32_t>(quota.value_or(0)),
                         .no_show_grace_minutes = static_cast<uint32_t>(grace.value_or(30)),
                         .assumed = assumed.value_or(false)};
  return Answer(state::RegisterFacility{fac},
                [&c, fac](const state::State& s, const state::CommandResult& r) {
                  const auto& out = std::get<state::RegistryResult>(r);
                  if (out.result == programme::RegistryResult::kExists) {
                    return Reply(FacilityJson(fac, s));
                  }
                  if (out.result != programme::RegistryResult::kOk) {
                    return Fail(c, programme::RegistryResultName(out.result), out.message);
                  }
                  return Reply(FacilityJson(fac, s), 201);
                });
}

// ?kind=, ?institution= and ?city= narrow the list.
Answer Service::ListFacilities(Call& c) {
  return CachedRead(c, [&] {
    HttpResponse fail;
    std::optional<std::vector<facility::FacilityKind>> kinds;
    std::optional<uint64_t> institution;
    std::optional<uint64_t> city;
    if (!QueryChoices(c, "kind", facility::kFacilityKindNames, &kinds, &fail) ||
        !QueryIdParam(c, "institution", &institution, &fail) ||
        !QueryIdParam(c, "city", &city, &fail)) {
      return fail;
    }
    auto page = Look(*engine_, c, [&](const state::State& s) {
      return Page(
          c, s.facilities().facilities(),
          [&](const facility::Facility& f) {
            if (kinds && std::find(kinds->begin(), kinds->end(), f.kind) == kinds->end()) {
              return false;
            }
            if (institution && f.institution.value() != *institution) return false;
            if (!city) return true;
            const programme::Provider* owner = s.registry().FindProvider(f.institution);
            return owner != nullptr && owner->home.value() == *city;
          },
          [&](const facility::Facility& f) { return FacilityJson(f, s); }, &fail);
    });
    return page ? Reply(*page) : fail;
  });
}

Answer Service::GetFacility(Call& c) {
  const std::optional<uint64_t> id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the facility id must be a positive number");
  return Look(*engine_, c, [&](const state::State& s) {
    const facility::Facility* f = s.facilities().Find(FacilityId(*id));
    if (f == nullptr) return Fail(c, "not_found", "no facility " + std::to_string(*id));
    Json out = FacilityJson(*f, s);
    out["open_next_7_days"] = OpenPeriods(*f, clock_->Now());
    return Reply(out);
  });
}

}  // namespace bg::api
