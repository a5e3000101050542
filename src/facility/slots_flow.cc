// Place(): slot placement as a min-cost circulation (flow.h).
//
// The network: source → request (upper: its slots) → [request × slot, when
// it names several facilities, so that it gets one booking per slot] →
// facility × slot (upper 1) → sink (upper: the facility's capacity), and a
// return arc sink → source. Costs are on the source → request arcs and the
// arcs into facility × slot, and make the circulation's cost lexicographic:
//   unit cost = -kPlace - (ranks - rank) * kRankStep + slot
// where kRankStep exceeds every slot index (a better rank outweighs any
// earlier slot) and kPlace exceeds what all the rank and slot terms of the
// whole plan could add up to (one more slot placed outweighs any ranking).
#include <cstdint>
#include <limits>
#include <map>

#include "facility/flow.h"
#include "facility/slots.h"
#include "facility/slots_internal.h"

namespace bg::facility {
namespace {

struct Weights {
  int64_t rank_step = 0;
  int64_t place = 0;
};

// The weights, or an error when the plan's cost could overflow int64.
Result<Weights> WeightsFor(const SlotProblem& p) {
  int64_t ranks = 0, units = 0;
  for (const SlotRequest& r : p.requests) {
    ranks = std::max<int64_t>(ranks, int64_t{r.rank} + 1);
    units += r.slots;
  }
  Weights w{.rank_step = int64_t{p.slot_count} + 1};
  int64_t per_unit = 0, all = 0, total = 0;
  // One unit's rank and slot terms at most; all units'; then the plan.
  if (__builtin_mul_overflow(ranks + 1, w.rank_step, &per_unit) ||
      __builtin_mul_overflow(per_unit, units + 1, &all) ||
      __builtin_add_overflow(all, int64_t{1}, &w.place) ||
      __builtin_mul_overflow(w.place + per_unit, units + 1, &total) ||
      total > std::numeric_limits<int64_t>::max() / 4) {
    return InvalidArgument("the round is too large to place exactly (" + std::to_string(units) +
                           " slots asked by requests of " + std::to_string(ranks) + " ranks)");
  }
  return w;
}

}  // namespace

Result<SlotPlan> Place(const SlotProblem& p) {
  BG_RETURN_IF_ERROR(CheckProblem(p));
  BG_ASSIGN_OR_RETURN(const Weights weights, WeightsFor(p));
  const auto facilities = internal::FacilityIndex(p);
  int64_t ranks = 0, asked = 0;
  for (const SlotRequest& r : p.requests) {
    ranks = std::max<int64_t>(ranks, int64_t{r.rank} + 1);
    asked += r.slots;
  }

  MinCostFlow g;
  const int source = g.AddNode(), sink = g.AddNode();
  // facility × slot nodes, made when a request may use them.
  std::map<std::pair<uint64_t, uint32_t>, int> slot_nodes;
  auto slot_node = [&](uint64_t facility, uint32_t slot) {
    auto [it, fresh] = slot_nodes.try_emplace({facility, slot}, 0);
    if (fresh) {
      it->second = g.AddNode();
      g.AddArc(it->second, sink, facilities.at(facility)->capacity, 0);
    }
    return it->second;
  };
  // The arcs that carry a booking: request i on (facility, slot).
  struct Use {
    size_t request;
    internal::Candidate at;
    int arc;
  };
  std::vector<Use> uses;
  for (size_t i = 0; i < p.requests.size(); ++i) {
    const SlotRequest& r = p.requests[i];
    const int node = g.AddNode();
    g.AddArc(source, node, r.slots, -weights.place - (ranks - int64_t{r.rank}) * weights.rank_step);
    std::map<uint32_t, int> per_slot;  // request × slot, with several facilities
    for (const internal::Candidate& c : internal::Candidates(r, facilities)) {
      int from = node;
      if (r.facilities.size() > 1) {
        auto [it, fresh] = per_slot.try_emplace(c.slot, 0);
        if (fresh) {
          it->second = g.AddNode();
          g.AddArc(node, it->second, 1, 0);
        }
        from = it->second;
      }
      uses.push_back({.request = i,
                      .at = c,
                      .arc = g.AddArc(from, slot_node(c.facility, c.slot), 1, int64_t{c.slot})});
    }
  }
  g.AddArc(sink, source, asked, 0);
  g.Solve();

  SlotPlan plan;
  plan.placements.resize(p.requests.size());
  for (size_t i = 0; i < p.requests.size(); ++i) plan.placements[i].request = p.requests[i].id;
  for (const Use& u : uses) {
    if (g.Flow(u.arc) > 0) {
      plan.placements[u.request].bookings.push_back({.facility = u.at.facility, .slot = u.at.slot});
    }
  }
  internal::Finish(p, &plan);
  return plan;
}

}  // namespace bg::facility
