#include "facility/registry.h"

#include "common/wire.h"

namespace bg::facility {
namespace {

// China Standard Time: UTC+8 all year.
constexpr Timestamp kCst = 8 * kNanosPerHour;
// 1970-01-01 was a Thursday: day 0 is weekday 3 (Monday = 0).
constexpr uint64_t kEpochWeekday = 3;

// Whether the week's hours cover the local hour that starts at `at`.
bool WeekOpen(const WeeklyHours& h, Timestamp at) {
  const Timestamp local = at + kCst;
  const uint64_t day = local / kNanosPerDay;
  const auto weekday = static_cast<uint32_t>((day + kEpochWeekday) % 7);
  const auto hour = static_cast<uint32_t>(local % kNanosPerDay / kNanosPerHour);
  return (h.days >> weekday & 1U) != 0 && hour >= h.from_hour && hour < h.to_hour;
}

bool InMaintenance(const Facility& f, Timestamp from, Timestamp to) {
  for (const Maintenance& m : f.maintenance) {
    if (m.from < to && from < m.to) return true;
  }
  return false;
}

}  // namespace

const char* FacilityKindName(FacilityKind k) { return NameOf(kFacilityKindNames, k).data(); }

std::optional<uint8_t> WeekdayBit(std::string_view name) {
  for (size_t d = 0; d < kWeekdayNames.size(); ++d) {
    if (kWeekdayNames[d] == name) return static_cast<uint8_t>(1U << d);
  }
  return std::nullopt;
}

std::vector<std::string_view> WeekdaysOf(uint8_t mask) {
  std::vector<std::string_view> out;
  for (size_t d = 0; d < kWeekdayNames.size(); ++d) {
    if ((static_cast<unsigned>(mask) >> d & 1U) != 0) out.push_back(kWeekdayNames[d]);
  }
  return out;
}
std::optional<FacilityKind> FacilityKindFromName(std::string_view name) {
  return FromName(kFacilityKindNames, name);
}

bool OpenAt(const Facility& f, Timestamp at) {
  return WeekOpen(f.hours, at) && !InMaintenance(f, at, at + 1);
}

SlotFacility OpenSlots(const Facility& f, Timestamp start, uint64_t slot_ns, uint32_t count) {
  SlotFacility out{.id = f.id.value(), .capacity = f.capacity};
  for (uint32_t i = 0; i < count; ++i) {
    const Timestamp from = start + i * slot_ns, to = from + slot_ns;
    if (InMaintenance(f, from, to)) continue;
    // Every hour the slot touches must be open (slots are whole hours or
    // longer; a shorter one is read by the hour it starts in).
    bool open = true;
    for (Timestamp t = from; t < to && open; t += kNanosPerHour) open = WeekOpen(f.hours, t);
    if (open) out.open.push_back(i);
  }
  return out;
}

std::string CheckFacility(const Facility& f) {
  if (f.id.value() == 0) return "'id' must not be 0";
  if (f.name.empty()) return "'name' must not be empty";
  if (f.capacity == 0) return "'capacity' must be at least 1";
  const WeeklyHours& h = f.hours;
  if (h.days == 0 || h.days > 0x7f) return "'hours.days' must name at least one weekday";
  if (h.from_hour >= h.to_hour || h.to_hour > 24) {
    return "'hours' must run from an hour before 'to_hour', at most 24 (" +
           std::to_string(h.from_hour) + " to " + std::to_string(h.to_hour) + " given)";
  }
  for (size_t i = 0; i < f.maintenance.size(); ++i) {
    if (f.maintenance[i].from >= f.maintenance[i].to) {
      return "'maintenance[" + std::to_string(i) + "]' must end after it starts";
    }
  }
  const std::pair<const char*, Money> fees[] = {{"fees.own", f.fees.own},
                                                {"fees.academic", f.fees.academic},
                                                {"fees.industry", f.fees.industry}};
  for (const auto& [name, fee] : fees) {
    if (fee.fen() < 0) return "'" + std::string(name) + "' must not be negative";
  }
  if (f.booking_quota_hours > kMaxQuotaHours) {
    return "'booking_quota_hours' must be at most " + std::to_string(kMaxQuotaHours) + " (a week)";
  }
  if (f.no_show_grace_minutes > kMaxNoShowGraceMinutes) {
    return "'no_show_grace_minutes' must be at most " + std::to_string(kMaxNoShowGraceMinutes);
  }
  return "";
}

void EncodeFacility(Writer& w, const Facility& f) {
  wire::PutId(w, f.id);
  w.Str(f.name);
  w.Str(f.name_en);
  wire::PutId(w, f.institution);
  wire::PutEnum(w, f.kind);
  w.U32(f.capacity);
  w.U8(f.hours.days);
  w.U8(f.hours.from_hour);
  w.U8(f.hours.to_hour);
  wire::PutVector(w, f.maintenance, [](Writer& out, const Maintenance& m) {
    out.U64(m.from);
    out.U64(m.to);
    out.Str(m.why);
  });
  wire::PutMoney(w, f.fees.own);
  wire::PutMoney(w, f.fees.academic);
  wire::PutMoney(w, f.fees.industry);
  w.Str(f.training);
  w.U8(f.assumed ? 1 : 0);
}

bool DecodeFacility(Reader& r, Facility* f) {
  return wire::GetId(r, &f->id) && r.Str(&f->name) && r.Str(&f->name_en) &&
         wire::GetId(r, &f->institution) && wire::GetEnum(r, &f->kind, FacilityKind::kTestLab) &&
         r.U32(&f->capacity) && r.U8(&f->hours.days) && r.U8(&f->hours.from_hour) &&
         r.U8(&f->hours.to_hour) &&
         wire::GetVector(r, &f->maintenance,
                         [](Reader& in, Maintenance* m) {
                           return in.U64(&m->from) && in.U64(&m->to) && in.Str(&m->why);
                         }) &&
         wire::GetMoney(r, &f->fees.own) && wire::GetMoney(r, &f->fees.academic) &&
         wire::GetMoney(r, &f->fees.industry) && r.Str(&f->training) &&
         wire::GetBool(r, &f->assumed);
}

void EncodeBookingTerms(Writer& w, const Facility& f) {
  w.U32(f.booking_quota_hours);
  w.U32(f.no_show_grace_minutes);
}

bool DecodeBookingTerms(Reader& r, Facility* f) {
  return r.U32(&f->booking_quota_hours) && r.U32(&f->no_show_grace_minutes);
}

programme::RegistryResult Facilities::Apply(const RegisterFacility& c, bool institution_known,
                                            std::string* why) {
  using R = programme::RegistryResult;
  const Facility& f = c.facility;
  if (f.id.value() == 0) return R::kIdMustNotBeZero;
  if (const Facility* had = Find(f.id); had != nullptr) {
    return *had == f ? R::kExists : R::kExistsWithDifferentBody;
  }
  if (!institution_known) {
    *why = "'institution': no provider " + std::to_string(f.institution.value());
    return R::kUnknownProvider;
  }
  if (std::string wrong = CheckFacility(f); !wrong.empty()) {
    *why = std::move(wrong);
    return R::kInvalidFacility;
  }
  undo_.Put(facilities_, f.id, f);
  return R::kOk;
}

const Facility* Facilities::Find(FacilityId id) const {
  auto it = facilities_.find(id);
  return it == facilities_.end() ? nullptr : &it->second;
}

void Facilities::Encode(Writer& w) const {
  w.U32(static_cast<uint32_t>(facilities_.size()));
  for (const auto& [id, f] : facilities_) {
    EncodeFacility(w, f);
    EncodeBookingTerms(w, f);
  }
}

bool Facilities::Decode(Reader& r, Facilities* out) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  out->facilities_.clear();
  for (uint32_t i = 0; i < n; ++i) {
    Facility f;
    if (!DecodeFacility(r, &f) || !DecodeBookingTerms(r, &f)) return false;
    out->facilities_.emplace(f.id, std::move(f));
  }
  return true;
}

}  // namespace bg::facility
