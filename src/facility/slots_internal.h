// Shared between slots.cc and slots_flow.cc: the slots a request may use,
// and the plan's finishing (totals, each shortfall's reason).
#pragma once

#include <map>
#include <vector>

#include "facility/slots.h"

namespace bg::facility::internal {

struct Candidate {
  uint64_t facility = 0;
  uint32_t slot = 0;
};

std::map<uint64_t, const SlotFacility*> FacilityIndex(const SlotProblem& p);
// The (facility, slot) pairs open within the request's windows on the
// facilities it names, by slot (then in the order it names facilities).
std::vector<Candidate> Candidates(const SlotRequest& r,
                                  const std::map<uint64_t, const SlotFacility*>& facilities);
// Sorts each placement's bookings by slot, sets the totals and each
// shortfall with its reason.
void Finish(const SlotProblem& p, SlotPlan* plan);

}  // namespace bg::facility::internal
