// A proposal round: conflicts of interest, reviewer assignment (spread,
// expertise, reasons), ranking by scores, allocation within capacity, and
// a seeded property test over random rounds.
#include "facility/round.h"

#include <algorithm>
#include <map>

#include <gtest/gtest.h>

#include "common/rng.h"

namespace bg::facility {
namespace {

constexpr uint32_t kBeamline = 1;
constexpr uint32_t kCryoEm = 2;

TEST(RoundTest, AConflictIsTheSameInstitutionOrADeclaredRelation) {
  const RoundProposal p{.id = 1, .applicant = 100, .institution = 10};
  EXPECT_TRUE(Conflicted({.id = 1, .institution = 10}, p));
  EXPECT_TRUE(Conflicted({.id = 2, .institution = 11, .related = {100}}, p));  // the applicant
  EXPECT_TRUE(Conflicted({.id = 3, .institution = 11, .related = {10}}, p));   // the institution
  EXPECT_FALSE(Conflicted({.id = 4, .institution = 11, .related = {101, 12}}, p));
}

// Reviewer 1 is of proposal 1's institution: never its reviewer. Two
// reviews each for three proposals from four reviewers of load 2: spread so
// that nobody reviews more than two; the expert where the load allows.
TEST(RoundTest, ReviewersAreAssignedFreeOfConflictSpreadAndByExpertise) {
  const std::vector<RoundProposal> proposals = {
      {.id = 1, .applicant = 100, .institution = 10, .kind = kBeamline},
      {.id = 2, .applicant = 200, .institution = 20, .kind = kCryoEm},
      {.id = 3, .applicant = 300, .institution = 30, .kind = kBeamline}};
  const std::vector<Reviewer> reviewers = {
      {.id = 1, .institution = 10, .kinds = {kBeamline}, .max_load = 2},
      {.id = 2, .institution = 40, .kinds = {kBeamline}, .max_load = 2},
      {.id = 3, .institution = 50, .kinds = {kCryoEm}, .max_load = 2},
      {.id = 4, .institution = 60, .kinds = {}, .max_load = 2}};
  const Result<ReviewAssignment> a = AssignReviewers(proposals, reviewers, 2);
  ASSERT_TRUE(a.ok()) << a.status();
  std::map<uint64_t, int> load;
  for (const auto& of : a->proposals) {
    EXPECT_EQ(of.reviewers.size(), 2u) << of.proposal << ": " << of.why;
    EXPECT_EQ(of.why, "");
    for (uint64_t r : of.reviewers) ++load[r];
  }
  // Not reviewer 1 for proposal 1: the conflict.
  EXPECT_EQ(std::count(a->proposals[0].reviewers.begin(), a->proposals[0].reviewers.end(), 1u), 0);
  // Six reviews on four reviewers: two, two, one, one.
  int most = 0, least = 2;
  for (const Reviewer& r : reviewers) {
    most = std::max(most, load[r.id]);
    least = std::min(least, load[r.id]);
  }
  EXPECT_EQ(most, 2);
  EXPECT_EQ(least, 1);
  // Experts where they can be: proposal 3 gets both beamline experts, and
  // only two reviews in all go to a non-expert (one each for proposals 1
  // and 2, which have one expert each free of conflict).
  EXPECT_EQ(a->proposals[2].reviewers, (std::vector<uint64_t>{1, 2}));
  int non_expert = 0;
  for (size_t i = 0; i < proposals.size(); ++i) {
    for (uint64_t r : a->proposals[i].reviewers) {
      const auto& kinds = reviewers[r - 1].kinds;
      non_expert += std::count(kinds.begin(), kinds.end(), proposals[i].kind) == 0;
    }
  }
  EXPECT_EQ(non_expert, 2);
}

TEST(RoundTest, AProposalShortOfReviewersSaysWhy) {
  const std::vector<RoundProposal> proposals = {
      {.id = 7, .applicant = 100, .institution = 10, .kind = kBeamline}};
  const std::vector<Reviewer> reviewers = {{.id = 1, .institution = 10, .max_load = 3},
                                           {.id = 2, .institution = 11, .related = {100}},
                                           {.id = 3, .institution = 12, .max_load = 3}};
  const Result<ReviewAssignment> a = AssignReviewers(proposals, reviewers, 2);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->proposals[0].reviewers, (std::vector<uint64_t>{3}));
  EXPECT_EQ(
      a->proposals[0].why,
      "needs 2 reviewers, has 1: only 1 reviewers are free of a conflict of interest with it");
}

TEST(RoundTest, RankingIsByMeanScoreThenSubmissionAndUnscoredLast) {
  const std::vector<RoundProposal> proposals = {{.id = 1}, {.id = 2}, {.id = 3}, {.id = 4}};
  const ReviewAssignment assigned{.proposals = {{.proposal = 1, .reviewers = {7, 8}},
                                                {.proposal = 2, .reviewers = {7, 8}},
                                                {.proposal = 3, .reviewers = {8}},
                                                {.proposal = 4, .reviewers = {7}}}};
  const Result<std::vector<Ranked>> ranked =
      Rank(proposals, assigned,
           {{1, 7, 3}, {1, 8, 4}, {2, 7, 5}, {2, 8, 4}, {3, 8, 4}});  // 3.5, 4.5, 4.0, none
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  ASSERT_EQ(ranked->size(), 4u);
  EXPECT_EQ((*ranked)[0].proposal, 2u);
  EXPECT_EQ((*ranked)[0].mean_centi, 450u);
  EXPECT_EQ((*ranked)[1].proposal, 3u);
  EXPECT_EQ((*ranked)[2].proposal, 1u);
  EXPECT_EQ((*ranked)[3].proposal, 4u);
  EXPECT_EQ((*ranked)[3].reviews, 0u);
  EXPECT_EQ((*ranked)[3].rank, 3u);

  EXPECT_EQ(Rank(proposals, assigned, {{1, 7, 6}}).status().message(),
            "the score of reviewer 7 for proposal 1 is 6; scores run from 1 to 5");
  EXPECT_EQ(Rank(proposals, assigned, {{3, 7, 4}}).status().message(),
            "the score of reviewer 7 for proposal 3: the reviewer was not assigned to it");
  EXPECT_EQ(Rank(proposals, assigned, {{1, 7, 4}, {1, 7, 5}}).status().message(),
            "the score of reviewer 7 for proposal 1 is given twice");
}

// 100 hours on the beamline: the best gets its 60, the second is cut to
// the 40 left, the third gets none (below the minimum of 8).
TEST(RoundTest, HoursAreAllocatedInRankOrderWithinCapacity) {
  const std::vector<RoundFacility> facilities = {
      {.id = 5, .kind = kBeamline, .capacity_hours = 100}};
  const std::vector<RoundProposal> proposals = {
      {.id = 1, .kind = kBeamline, .facilities = {5}, .hours = 50},
      {.id = 2, .kind = kBeamline, .facilities = {5}, .hours = 60},
      {.id = 3, .kind = kBeamline, .facilities = {5}, .hours = 24}};
  const std::vector<Ranked> ranked = {
      {.proposal = 2, .rank = 0}, {.proposal = 1, .rank = 1}, {.proposal = 3, .rank = 2}};
  const Result<std::vector<Allocation>> a = Allocate(proposals, facilities, ranked, 8);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ((*a)[0].total, 60u);
  EXPECT_EQ((*a)[0].why, "");
  EXPECT_EQ((*a)[1].total, 40u);
  EXPECT_EQ((*a)[1].why,
            "cut to 40 of 50 hours: what was left on its facilities when its rank came");
  EXPECT_EQ((*a)[2].total, 0u);
  EXPECT_EQ((*a)[2].why,
            "asked for 24 hours; 0 were left on its facilities when its rank came, below the "
            "round's minimum of 8");

  const std::vector<RoundProposal> wrong_kind = {
      {.id = 1, .kind = kCryoEm, .facilities = {5}, .hours = 5}};
  EXPECT_EQ(Allocate(wrong_kind, facilities, {{.proposal = 1}}, 1).status().message(),
            "proposal 1 names facility 5, which is not of its kind");
}

// From call to allocation and slots: the applicant's colleague is excluded
// from its review, the scores rank it, its hours become shifts.
TEST(RoundTest, ARoundFromCallToSlotsExcludesTheColleague) {
  const std::vector<RoundFacility> facilities = {
      {.id = 5, .kind = kBeamline, .capacity_hours = 48}};
  const std::vector<RoundProposal> proposals = {{.id = 1,
                                                 .applicant = 100,
                                                 .institution = 10,
                                                 .kind = kBeamline,
                                                 .facilities = {5},
                                                 .hours = 24},
                                                {.id = 2,
                                                 .applicant = 200,
                                                 .institution = 20,
                                                 .kind = kBeamline,
                                                 .facilities = {5},
                                                 .hours = 40}};
  const std::vector<Reviewer> reviewers = {{.id = 1, .institution = 10, .max_load = 2},
                                           {.id = 2, .institution = 30, .max_load = 2},
                                           {.id = 3, .institution = 40, .max_load = 2}};
  const Result<ReviewAssignment> assigned = AssignReviewers(proposals, reviewers, 2);
  ASSERT_TRUE(assigned.ok()) << assigned.status();
  EXPECT_EQ(assigned->proposals[0].reviewers, (std::vector<uint64_t>{2, 3}));
  std::vector<ReviewScore> scores;
  for (const auto& of : assigned->proposals) {
    for (uint64_t r : of.reviewers) scores.push_back({of.proposal, r, of.proposal == 1 ? 5u : 3u});
  }
  const Result<std::vector<Ranked>> ranked = Rank(proposals, *assigned, scores);
  ASSERT_TRUE(ranked.ok()) << ranked.status();
  EXPECT_EQ((*ranked)[0].proposal, 1u);
  const Result<std::vector<Allocation>> allocated = Allocate(proposals, facilities, *ranked, 8);
  ASSERT_TRUE(allocated.ok()) << allocated.status();
  EXPECT_EQ((*allocated)[0].total, 24u);
  EXPECT_EQ((*allocated)[1].total, 24u);  // cut: 48 - 24

  // 8-hour shifts over two days, the beamline open in all six.
  SlotProblem p{.slot_count = 6,
                .facilities = {{.id = 5, .capacity = 1, .open = {0, 1, 2, 3, 4, 5}}}};
  for (const Allocation& a : *allocated) {
    p.requests.push_back({.id = a.proposal,
                          .slots = a.total / 8,
                          .facilities = {5},
                          .available = {{0, 6}},
                          .rank = a.rank});
  }
  const Result<SlotPlan> plan = Place(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Violation(p, *plan), "");
  EXPECT_EQ(plan->placed, 6u);
}

TEST(RoundPropertyTest, NoConflictedReviewerNoOverloadNoHourPastCapacity) {
  Rng rng(1919);
  for (int round = 0; round < 200; ++round) {
    std::vector<RoundFacility> facilities;
    const uint64_t nf = 1 + rng.Uniform(4);
    for (uint64_t f = 1; f <= nf; ++f) {
      facilities.push_back({.id = f,
                            .kind = static_cast<uint32_t>(f % 2),
                            .capacity_hours = static_cast<uint32_t>(rng.Uniform(200))});
    }
    std::vector<RoundProposal> proposals;
    const uint64_t np = 1 + rng.Uniform(12);
    for (uint64_t i = 1; i <= np; ++i) {
      RoundProposal p{.id = i,
                      .applicant = 100 + rng.Uniform(6),
                      .institution = rng.Uniform(5),
                      .kind = static_cast<uint32_t>(rng.Uniform(2)),
                      .hours = 1 + static_cast<uint32_t>(rng.Uniform(120))};
      for (const RoundFacility& f : facilities) {
        if (f.kind == p.kind && (p.facilities.empty() || rng.Percent(40)))
          p.facilities.push_back(f.id);
      }
      if (p.facilities.empty()) continue;
      proposals.push_back(p);
    }
    std::vector<Reviewer> reviewers;
    const uint64_t nr = 1 + rng.Uniform(6);
    for (uint64_t r = 1; r <= nr; ++r) {
      Reviewer v{.id = r,
                 .institution = rng.Uniform(5),
                 .max_load = 1 + static_cast<uint32_t>(rng.Uniform(4))};
      if (rng.Percent(30)) v.related.push_back(100 + rng.Uniform(6));
      if (rng.Percent(50)) v.kinds.push_back(static_cast<uint32_t>(rng.Uniform(2)));
      reviewers.push_back(v);
    }
    const auto k = 1 + static_cast<uint32_t>(rng.Uniform(3));
    const Result<ReviewAssignment> assigned = AssignReviewers(proposals, reviewers, k);
    ASSERT_TRUE(assigned.ok()) << assigned.status();
    std::map<uint64_t, uint32_t> load;
    std::vector<ReviewScore> scores;
    for (size_t i = 0; i < proposals.size(); ++i) {
      const auto& of = assigned->proposals[i];
      ASSERT_LE(of.reviewers.size(), k);
      ASSERT_EQ(of.reviewers.size() < k, !of.why.empty()) << "round " << round;
      for (uint64_t r : of.reviewers) {
        const Reviewer& v = reviewers[r - 1];
        ASSERT_FALSE(Conflicted(v, proposals[i])) << "round " << round;
        ASSERT_LE(++load[r], v.max_load) << "round " << round;
        scores.push_back({of.proposal, r, 1 + static_cast<uint32_t>(rng.Uniform(5))});
      }
    }
    const Result<std::vector<Ranked>> ranked = Rank(proposals, *assigned, scores);
    ASSERT_TRUE(ranked.ok()) << ranked.status();
    const Result<std::vector<Allocation>> allocated =
        Allocate(proposals, facilities, *ranked, static_cast<uint32_t>(rng.Uniform(20)));
    ASSERT_TRUE(allocated.ok()) << allocated.status();
    std::map<uint64_t, uint32_t> used;
    for (const Allocation& a : *allocated) {
      uint32_t sum = 0;
      for (const auto& [f, h] : a.hours) {
        used[f] += h;
        sum += h;
      }
      ASSERT_EQ(sum, a.total);
      const RoundProposal& p =
          *std::find_if(proposals.begin(), proposals.end(),
                        [&](const RoundProposal& x) { return x.id == a.proposal; });
      ASSERT_LE(a.total, p.hours);
      ASSERT_EQ(a.total < p.hours, !a.why.empty()) << "round " << round;
    }
    for (const RoundFacility& f : facilities) {
      ASSERT_LE(used[f.id], f.capacity_hours) << "round " << round << " facility " << f.id;
    }
  }
}

}  // namespace
}  // namespace bg::facility
