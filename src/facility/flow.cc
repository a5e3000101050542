#include "facility/flow.h"

#include <vector>

#include <lemon/network_simplex.h>
#include <lemon/smart_graph.h>

#include "common/check.h"

namespace bg::facility {

struct MinCostFlow::Impl {
  using Graph = lemon::SmartDigraph;
  using Simplex = lemon::NetworkSimplex<Graph, int64_t, int64_t>;
  Graph g;
  Graph::ArcMap<int64_t> upper{g};
  Graph::ArcMap<int64_t> cost{g};
  std::vector<int64_t> flow;
  bool solved = false;
};

MinCostFlow::MinCostFlow() : impl_(std::make_unique<Impl>()) {}
MinCostFlow::~MinCostFlow() = default;

int MinCostFlow::AddNode() { return Impl::Graph::id(impl_->g.addNode()); }

int MinCostFlow::AddArc(int from, int to, int64_t upper, int64_t cost) {
  BG_CHECK(upper >= 0 && !impl_->solved);
  const Impl::Graph::Arc a = impl_->g.addArc(impl_->g.nodeFromId(from), impl_->g.nodeFromId(to));
  impl_->upper[a] = upper;
  impl_->cost[a] = cost;
  return Impl::Graph::id(a);
}

void MinCostFlow::Solve() {
  Impl& m = *impl_;
  Impl::Simplex simplex(m.g);
  simplex.upperMap(m.upper).costMap(m.cost);
  // Bounded arcs and zero supplies (the header): always feasible and
  // bounded, so any other answer is a broken invariant.
  BG_CHECK(simplex.run() == Impl::Simplex::OPTIMAL);
  // SmartDigraph numbers its arcs 0 .. maxArcId() in the order added.
  const int arcs = m.g.maxArcId() + 1;
  m.flow.assign(static_cast<size_t>(arcs), 0);
  for (int id = 0; id < arcs; ++id) {
    m.flow[static_cast<size_t>(id)] = simplex.flow(m.g.arcFromId(id));
  }
  m.solved = true;
}

int64_t MinCostFlow::Flow(int arc) const {
  BG_CHECK(impl_->solved);
  return impl_->flow.at(static_cast<size_t>(arc));
}

}  // namespace bg::facility
