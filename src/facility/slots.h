// Slot placement: turning a round's allocated hours into time slots on the
// facilities (issue 19, docs/facilities.md).
//
// A round covers a period cut into equal slots (an 8-hour shift for a
// beamline, an hour for an instrument). Each facility is open in some slots
// (its calendar less maintenance) and serves `capacity` users in each (end
// stations, instruments of one kind). Each request — an allocated proposal
// or a booking — asks for a number of slots on any one of the facilities it
// names, within the windows its users are available, at most one per slot.
//
// Place() solves it as a min-cost flow (LEMON's network simplex, wrapped in
// slots_flow.cc only): source → request (its slots) → request × facility ×
// slot (one) → facility × slot (capacity) → sink. The objective, in this
// order: (1) place as many slots as can be placed; (2) among the plans that
// do, give them to the better-ranked requests; (3) then the earlier slots.
// Every request ends with its slots or a reason why it has fewer.
// PlaceGreedy() is the first-come baseline a booking desk would run: each
// request in rank order takes the earliest free slots it may use.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"

namespace bg::facility {

struct SlotFacility {
  uint64_t id = 0;
  uint32_t capacity = 1;            // users served in one slot
  std::vector<uint32_t> open = {};  // slot indices, ascending: calendar less maintenance
};

// Slots [from, to).
struct SlotWindow {
  uint32_t from = 0;
  uint32_t to = 0;
};

struct SlotRequest {
  uint64_t id = 0;
  uint32_t slots = 0;                      // how many it was allocated
  std::vector<uint64_t> facilities = {};   // any one of these (one kind)
  std::vector<SlotWindow> available = {};  // when its users can come
  uint32_t rank = 0;                       // 0 is best (review score order)
};

struct SlotProblem {
  uint32_t slot_count = 0;  // slots in the round: indices 0 .. slot_count-1
  std::vector<SlotFacility> facilities = {};
  std::vector<SlotRequest> requests = {};
};

// One slot placed: on which facility, in which slot.
struct SlotTaken {
  uint64_t facility = 0;
  uint32_t slot = 0;
  friend bool operator==(const SlotTaken&, const SlotTaken&) = default;
};

// Why a request has fewer slots than it asked for.
enum class Shortfall : uint8_t {
  kNone,           // placed in full
  kNeverOpen,      // no facility it names is open in any of its windows
  kTooFewOpen,     // its windows hold fewer open slots than it asked for
  kTakenByOthers,  // the open slots in its windows went to other requests
};

struct Placement {
  uint64_t request = 0;
  std::vector<SlotTaken> bookings = {};  // by slot
  Shortfall shortfall = Shortfall::kNone;
  std::string why = {};  // a sentence for the applicant; empty when placed in full
};

struct SlotPlan {
  std::vector<Placement> placements = {};  // in the problem's request order
  uint64_t asked = 0;                      // slots asked for in all
  uint64_t placed = 0;                     // slots placed in all
  double PlacedShare() const {
    return asked == 0 ? 1.0 : static_cast<double>(placed) / static_cast<double>(asked);
  }
};

// The problem's own checks: ids unique, slots within the round, windows
// not empty, facilities known, open slots ascending. The message names the
// request or facility.
Status CheckProblem(const SlotProblem& p);

// The min-cost-flow plan (objective above).
Result<SlotPlan> Place(const SlotProblem& p);
// The first-come greedy baseline.
Result<SlotPlan> PlaceGreedy(const SlotProblem& p);

// What is wrong with `plan` as an answer to `p`, or empty: a booking on a
// closed slot, outside the request's windows or facilities, two of one
// request in one slot, a slot over its capacity, more than asked, totals
// that do not add up. Tests and the benchmark run it on every plan.
std::string Violation(const SlotProblem& p, const SlotPlan& plan);

}  // namespace bg::facility
