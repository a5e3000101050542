// The shared facilities and instruments (issue 19): what each is, whose it
// is, when it is open, and what an hour costs whom. A facility belongs to
// an institution registered as a provider (programme/participants.h: the
// same record that is paid for compute is paid for beam time), so its city
// is the institution's home and an innovation voucher's money flows to it
// through the same claims and statements.
//
// A facility's calendar is a week of open hours in China Standard Time
// (UTC+8, no daylight saving) less its maintenance windows; OpenSlots turns
// it into the open slots of a round (slots.h). Its fees are per hour by the
// user's class: the owner's own staff, other academic users, industry.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/codec.h"
#include "common/enum_names.h"
#include "common/ids.h"
#include "common/money.h"
#include "common/undo_log.h"
#include "facility/slots.h"
#include "programme/registry.h"

namespace bg::facility {

enum class FacilityKind : uint8_t {
  kBeamline = 0,    // a synchrotron or free-electron-laser beamline station
  kNeutronStation,  // a spectrometer or diffractometer at a spallation source
  kCryoEm,          // cryo-electron microscope
  kMassSpectrometer,
  kNmr,                 // nuclear magnetic resonance spectrometer
  kElectronMicroscope,  // SEM/TEM for materials
  kSupercomputer,       // a partition of a supercomputer
  kTestLab,             // an accredited test or certification lab
};
inline constexpr std::array<EnumName<FacilityKind>, 8> kFacilityKindNames = {{
    {"beamline", FacilityKind::kBeamline},
    {"neutron_station", FacilityKind::kNeutronStation},
    {"cryo_em", FacilityKind::kCryoEm},
    {"mass_spectrometer", FacilityKind::kMassSpectrometer},
    {"nmr", FacilityKind::kNmr},
    {"electron_microscope", FacilityKind::kElectronMicroscope},
    {"supercomputer", FacilityKind::kSupercomputer},
    {"test_lab", FacilityKind::kTestLab},
}};
static_assert(IsNameTable(kFacilityKindNames));
const char* FacilityKindName(FacilityKind k);
std::optional<FacilityKind> FacilityKindFromName(std::string_view name);

// When it is open each week, in China Standard Time: the days (bit 0
// Monday .. bit 6 Sunday) and the hours [from_hour, to_hour) of each.
struct WeeklyHours {
  uint8_t days = 0x7f;
  uint8_t from_hour = 0;
  uint8_t to_hour = 24;
  friend bool operator==(const WeeklyHours&, const WeeklyHours&) = default;
};
// The days' one spelling, bit 0 first: "mon" .. "sun".
inline constexpr std::array<std::string_view, 7> kWeekdayNames = {"mon", "tue", "wed", "thu",
                                                                  "fri", "sat", "sun"};
// The day's bit (1 << index in kWeekdayNames), or nothing for another word.
std::optional<uint8_t> WeekdayBit(std::string_view name);
// The days of `mask`, in the week's order.
std::vector<std::string_view> WeekdaysOf(uint8_t mask);

// Closed for maintenance over [from, to).
struct Maintenance {
  Timestamp from = 0;
  Timestamp to = 0;
  std::string why = {};
  friend bool operator==(const Maintenance&, const Maintenance&) = default;
};

// Per hour of use.
struct Fees {
  Money own{};       // the owning institution's staff
  Money academic{};  // other universities and institutes
  Money industry{};  // enterprises
  friend bool operator==(const Fees&, const Fees&) = default;
};

struct Facility {
  FacilityId id{};
  std::string name = {};     // as the institution names it, Chinese first
  std::string name_en = {};  // English, for the console's switch
  ProviderId institution{};  // the owner, registered as a provider
  FacilityKind kind = FacilityKind::kTestLab;
  uint32_t capacity = 1;  // users served at once (end stations, instruments)
  WeeklyHours hours = {};
  std::vector<Maintenance> maintenance = {};
  Fees fees = {};
  std::string training = {};  // the safety training a user must hold; empty: none
  // Direct booking (bookings.h): the hours one user may book a week here;
  // 0: by proposal rounds only (a beamline), never booked directly.
  uint32_t booking_quota_hours = 0;
  // A booking not checked in this long after its start is a no-show, and
  // the rest of its time is free for others.
  uint32_t no_show_grace_minutes = 30;
  // Invented for the world file rather than taken from the facility's own
  // pages (the world file marks these; the console says so).
  bool assumed = false;
  friend bool operator==(const Facility&, const Facility&) = default;
};

struct RegisterFacility {
  Facility facility;
  friend bool operator==(const RegisterFacility&, const RegisterFacility&) = default;
};

// Whether the facility is open at `at` (its week, less maintenance).
bool OpenAt(const Facility& f, Timestamp at);
// The facility's open slots in a round of `count` slots of `slot_ns` from
// `start`: a slot is open when the facility is open over all of it.
SlotFacility OpenSlots(const Facility& f, Timestamp start, uint64_t slot_ns, uint32_t count);

// What is wrong with `f` as a registration, or empty: the field and why.
// (The institution's existence is the caller's to check.)
std::string CheckFacility(const Facility& f);

// The registration as journal tag 45 wrote it (no booking terms), and the
// booking terms alone (appended by tag 46 and in snapshots).
void EncodeFacility(Writer& w, const Facility& f);
bool DecodeFacility(Reader& r, Facility* f);
void EncodeBookingTerms(Writer& w, const Facility& f);
bool DecodeBookingTerms(Reader& r, Facility* f);
inline constexpr uint32_t kMaxNoShowGraceMinutes = 24 * 60;
inline constexpr uint32_t kMaxQuotaHours = 7 * 24;

class Facilities {
 public:
  // Records the facility; kExists for the same registration again, and for
  // a refusal its code with `why` (the field and the rule).
  // `institution_known`: the provider it names exists.
  programme::RegistryResult Apply(const RegisterFacility& c, bool institution_known,
                                  std::string* why);
  const Facility* Find(FacilityId id) const;
  const std::map<FacilityId, Facility>& facilities() const { return facilities_; }

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Facilities* out);
  bool operator==(const Facilities& o) const { return facilities_ == o.facilities_; }

 private:
  std::map<FacilityId, Facility> facilities_;
  UndoLog undo_;
};

}  // namespace bg::facility
