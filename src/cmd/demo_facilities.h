// `baygrid demo --world alliance`: a quarter (2026-Q2) of the Shenzhen–
// Dongguan science alliance's shared facilities played through the engine
// on an embedded SQLite file, in virtual time (docs/facilities.md):
//
//   - the alliance's firms, and seeded synthetic ones, apply for their
//     city's innovation voucher (科技创新券); the bureaus review and issue;
//   - one proposal round for the facilities allocated by rounds only
//     (beamlines, neutron stations, cryo-EMs, supercomputer partitions):
//     the user office's call, seeded proposals, screening, reviewers
//     assigned free of conflicts of interest, scores, ranking, hours
//     allocated within each facility's offer and placed into 8-hour shifts,
//     each step a journaled command (facility/rounds.h); the allocation
//     books the shifts;
//   - seeded daily demand books the instruments directly, first come,
//     within capacity and quota;
//   - users come and check out (or not: the clock releases no-shows), the
//     fees are paid by vouchers and users, the quarter's statements close.
//
// It ends with
//   RESULT facilities proposals=<n> allocated_hours=<n> used_hours=<n>
//          voucher_yuan=<x> cross_city_share=<x> double_booked=<n>
//          ledger_balanced=<true|false>
// The same seed gives the same numbers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cmd/demo.h"
#include "common/result.h"
#include "common/status.h"
#include "engine/engine.h"
#include "facility/bookings.h"
#include "state/state.h"
#include "world/world.h"

namespace bg::cmd {

// Whether `w` is a world of shared facilities without a compute network
// (the alliance): the demo plays facilities for it.
bool IsFacilityWorld(const world::World& w);

Status RunFacilityDemo(const DemoOptions& o, const world::World& alliance);

// The quarter's proposal round (demo_facilities_round.cc), run through the
// engine as the user office's commands before the quarter (the clock moves
// past the call's window): its proposals, reviews and allocation, and the
// shifts it booked.
struct RoundDemo {
  size_t proposals = 0;
  size_t reviews = 0;
  size_t conflicts_excluded = 0;  // (proposal, reviewer) pairs a conflict of interest ruled out
  uint64_t offered_hours = 0;     // what the call offered on its facilities
  uint64_t asked_hours = 0;
  uint64_t allocated_hours = 0;  // allocated and placed in shifts
  std::vector<facility::BookFacility> bookings = {};
};
Result<RoundDemo> RunRound(engine::Engine& e, VirtualClock* clock,
                           const std::vector<EnterpriseId>& users, uint64_t seed, Timestamp start,
                           uint32_t days);

}  // namespace bg::cmd
