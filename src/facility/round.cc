#include "facility/round.h"

#include <algorithm>
#include <map>
#include <set>

#include "facility/flow.h"

namespace bg::facility {
namespace {

bool Contains(const std::vector<uint64_t>& v, uint64_t x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

Status CheckProposals(const std::vector<RoundProposal>& proposals) {
  std::set<uint64_t> ids;
  for (const RoundProposal& p : proposals) {
    if (!ids.insert(p.id).second) {
      return InvalidArgument("proposal " + std::to_string(p.id) + " is given twice");
    }
  }
  return Status::Ok();
}

}  // namespace

bool Conflicted(const Reviewer& reviewer, const RoundProposal& proposal) {
  return reviewer.institution == proposal.institution ||
         Contains(reviewer.related, proposal.applicant) ||
         Contains(reviewer.related, proposal.institution);
}

Result<ReviewAssignment> AssignReviewers(const std::vector<RoundProposal>& proposals,
                                         const std::vector<Reviewer>& reviewers,
                                         uint32_t per_proposal) {
  BG_RETURN_IF_ERROR(CheckProposals(proposals));
  if (per_proposal == 0) return InvalidArgument("each proposal needs at least one reviewer");
  std::set<uint64_t> ids;
  for (const Reviewer& r : reviewers) {
    if (!ids.insert(r.id).second) {
      return InvalidArgument("reviewer " + std::to_string(r.id) + " is given twice");
    }
  }
  // Weights: a review placed outweighs all load and expertise terms of the
  // whole assignment; a unit of load (a reviewer's n-th review costs
  // n × load) outweighs all expertise terms.
  const int64_t units = int64_t{per_proposal} * static_cast<int64_t>(proposals.size());
  constexpr int64_t kExpertise = 1;
  const int64_t load_step = units * kExpertise + 1;
  int64_t square = 0, place_gain = 0, total = 0;
  if (__builtin_mul_overflow(units, units, &square) ||
      __builtin_mul_overflow(square, load_step, &place_gain) ||
      __builtin_add_overflow(place_gain, load_step, &place_gain) ||
      __builtin_mul_overflow(place_gain, units + 1, &total)) {
    return InvalidArgument("the round is too large to assign exactly (" + std::to_string(units) +
                           " reviews)");
  }
  MinCostFlow g;
  const int source = g.AddNode(), sink = g.AddNode();
  std::vector<int> reviewer_node;
  for (const Reviewer& r : reviewers) {
    const int node = g.AddNode();
    reviewer_node.push_back(node);
    const auto load = static_cast<uint32_t>(std::min<uint64_t>(r.max_load, proposals.size()));
    for (uint32_t n = 0; n < load; ++n) g.AddArc(node, sink, 1, load_step * n);
  }
  struct Edge {
    size_t proposal;
    size_t reviewer;
    int arc;
  };
  std::vector<Edge> edges;
  std::vector<size_t> free_of_conflict(proposals.size(), 0);
  for (size_t i = 0; i < proposals.size(); ++i) {
    const RoundProposal& p = proposals[i];
    const int node = g.AddNode();
    g.AddArc(source, node, per_proposal, -place_gain);
    for (size_t j = 0; j < reviewers.size(); ++j) {
      const Reviewer& r = reviewers[j];
      if (Conflicted(r, p)) continue;
      ++free_of_conflict[i];
      const bool knows = std::find(r.kinds.begin(), r.kinds.end(), p.kind) != r.kinds.end();
      edges.push_back({.proposal = i,
                       .reviewer = j,
                       .arc = g.AddArc(node, reviewer_node[j], 1, knows ? 0 : kExpertise)});
    }
  }
  g.AddArc(sink, source, units, 0);
  g.Solve();

  ReviewAssignment out;
  out.proposals.resize(proposals.size());
  for (size_t i = 0; i < proposals.size(); ++i) out.proposals[i].proposal = proposals[i].id;
  for (const Edge& e : edges) {
    if (g.Flow(e.arc) > 0) out.proposals[e.proposal].reviewers.push_back(reviewers[e.reviewer].id);
  }
  for (size_t i = 0; i < proposals.size(); ++i) {
    ReviewAssignment::Of& of = out.proposals[i];
    std::sort(of.reviewers.begin(), of.reviewers.end());
    if (of.reviewers.size() >= per_proposal) continue;
    of.why = "needs " + std::to_string(per_proposal) + " reviewers, has " +
             std::to_string(of.reviewers.size()) + ": " +
             (free_of_conflict[i] < per_proposal
                  ? "only " + std::to_string(free_of_conflict[i]) +
                        " reviewers are free of a conflict of interest with it"
                  : std::string("the reviewers free of a conflict with it are fully loaded"));
  }
  return out;
}

Result<std::vector<Ranked>> Rank(const std::vector<RoundProposal>& proposals,
                                 const ReviewAssignment& assignment,
                                 const std::vector<ReviewScore>& scores) {
  BG_RETURN_IF_ERROR(CheckProposals(proposals));
  std::map<uint64_t, const ReviewAssignment::Of*> assigned;
  for (const ReviewAssignment::Of& of : assignment.proposals) assigned[of.proposal] = &of;
  std::map<uint64_t, std::pair<uint64_t, uint32_t>> sums;  // proposal -> (sum, count)
  std::set<std::pair<uint64_t, uint64_t>> seen;
  for (const ReviewScore& s : scores) {
    const std::string name = "the score of reviewer " + std::to_string(s.reviewer) +
                             " for proposal " + std::to_string(s.proposal);
    if (s.score < 1 || s.score > 5) {
      return InvalidArgument(name + " is " + std::to_string(s.score) + "; scores run from 1 to 5");
    }
    auto it = assigned.find(s.proposal);
    if (it == assigned.end()) return InvalidArgument(name + ": no such proposal in the round");
    if (!std::binary_search(it->second->reviewers.begin(), it->second->reviewers.end(),
                            s.reviewer)) {
      return InvalidArgument(name + ": the reviewer was not assigned to it");
    }
    if (!seen.insert({s.proposal, s.reviewer}).second) {
      return InvalidArgument(name + " is given twice");
    }
    auto& [sum, count] = sums[s.proposal];
    sum += s.score;
    ++count;
  }
  std::vector<Ranked> out;
  for (const RoundProposal& p : proposals) {
    Ranked r{.proposal = p.id};
    auto it = sums.find(p.id);
    if (it != sums.end()) {
      r.reviews = it->second.second;
      r.mean_centi = static_cast<uint32_t>(it->second.first * 100 / it->second.second);
    }
    out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(), [](const Ranked& a, const Ranked& b) {
    if ((a.reviews == 0) != (b.reviews == 0)) return b.reviews == 0;
    if (a.mean_centi != b.mean_centi) return a.mean_centi > b.mean_centi;
    return a.proposal < b.proposal;
  });
  for (size_t i = 0; i < out.size(); ++i) out[i].rank = static_cast<uint32_t>(i);
  return out;
}

Result<std::vector<Allocation>> Allocate(const std::vector<RoundProposal>& proposals,
                                         const std::vector<RoundFacility>& facilities,
                                         const std::vector<Ranked>& ranked, uint32_t min_hours) {
  BG_RETURN_IF_ERROR(CheckProposals(proposals));
  std::map<uint64_t, uint32_t> left;
  std::map<uint64_t, uint32_t> kind;
  for (const RoundFacility& f : facilities) {
    if (!left.emplace(f.id, f.capacity_hours).second) {
      return InvalidArgument("facility " + std::to_string(f.id) + " is given twice");
    }
    kind[f.id] = f.kind;
  }
  std::map<uint64_t, const RoundProposal*> by_id;
  for (const RoundProposal& p : proposals) {
    by_id[p.id] = &p;
    for (uint64_t f : p.facilities) {
      if (left.count(f) == 0) {
        return InvalidArgument("proposal " + std::to_string(p.id) + " names facility " +
                               std::to_string(f) + ", which is not in the round");
      }
      if (kind[f] != p.kind) {
        return InvalidArgument("proposal " + std::to_string(p.id) + " names facility " +
                               std::to_string(f) + ", which is not of its kind");
      }
    }
  }
  if (ranked.size() != proposals.size()) {
    return InvalidArgument("the ranking must hold every proposal of the round once");
  }
  std::vector<Allocation> out;
  for (const Ranked& r : ranked) {
    auto it = by_id.find(r.proposal);
    if (it == by_id.end()) {
      return InvalidArgument("the ranking names proposal " + std::to_string(r.proposal) +
                             ", which is not in the round");
    }
    const RoundProposal& p = *it->second;
    Allocation a{.proposal = p.id, .rank = r.rank};
    uint32_t available = 0;
    for (uint64_t f : p.facilities) available += left[f];
    const uint32_t grant = std::min(p.hours, available);
    if (grant < std::max<uint32_t>(1, std::min(min_hours, p.hours))) {
      a.why = "asked for " + std::to_string(p.hours) + " hours; " + std::to_string(available) +
              " were left on its facilities when its rank came, below the round's minimum of " +
              std::to_string(std::max<uint32_t>(1, min_hours));
      out.push_back(std::move(a));
      continue;
    }
    uint32_t need = grant;
    for (uint64_t f : p.facilities) {
      const uint32_t take = std::min(need, left[f]);
      if (take == 0) continue;
      left[f] -= take;
      need -= take;
      a.hours.emplace_back(f, take);
    }
    a.total = grant;
    if (grant < p.hours) {
      a.why = "cut to " + std::to_string(grant) + " of " + std::to_string(p.hours) +
              " hours: what was left on its facilities when its rank came";
    }
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace bg::facility
