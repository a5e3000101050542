// MinCostFlow: a min-cost circulation on a small directed network, the one
// wrapper around LEMON's network simplex (Debian's liblemon-dev; flow.cc is
// the only file that includes it). Slot placement (slots_flow.cc) and the
// assignment of a round's reviewers (round.cc) are built on it.
//
// Every arc has a finite upper bound and every node a supply of zero, so
// the empty circulation is always feasible and no cycle is unbounded: the
// optimum saturates the negative-cost cycles, which is how a caller asks
// for "as much flow as possible, cheapest first" (an arc back from sink to
// source and negative costs on the flow's way).
//
// Thread-safety: none; one instance per solve.
#pragma once

#include <cstdint>
#include <memory>

namespace bg::facility {

class MinCostFlow {
 public:
  MinCostFlow();
  ~MinCostFlow();
  MinCostFlow(const MinCostFlow&) = delete;
  MinCostFlow& operator=(const MinCostFlow&) = delete;

  int AddNode();
  // An arc carrying at most `upper` (>= 0) units at `cost` each.
  int AddArc(int from, int to, int64_t upper, int64_t cost);
  // The optimal circulation; the flows are read with Flow() after.
  void Solve();
  int64_t Flow(int arc) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bg::facility
