// Slot placement: the objective's three orders on small rounds built by
// hand, a reason for every shortfall, clear refusals of bad input, and a
// seeded property test (every plan valid; the flow places as many slots as
// an independent max-flow says can be placed, never fewer than greedy).
#include "facility/slots.h"

#include <algorithm>
#include <deque>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "common/rng.h"

namespace bg::facility {
namespace {

std::vector<uint32_t> Range(uint32_t from, uint32_t to) {
  std::vector<uint32_t> out;
  for (uint32_t s = from; s < to; ++s) out.push_back(s);
  return out;
}

std::vector<uint32_t> SlotsOf(const Placement& p) {
  std::vector<uint32_t> out;
  for (const SlotTaken& b : p.bookings) out.push_back(b.slot);
  return out;
}

// A needs 2 of slots 0-3, B 2 of slots 0-1, one user at a time: greedy
// gives A the first two and B none; the flow gives A 2-3 and B 0-1.
TEST(SlotsTest, TheFlowPlacesWhatFirstComeLeavesOutAndGreedySaysWhy) {
  const SlotProblem p{
      .slot_count = 4,
      .facilities = {{.id = 1, .capacity = 1, .open = Range(0, 4)}},
      .requests = {{.id = 10, .slots = 2, .facilities = {1}, .available = {{0, 4}}, .rank = 0},
                   {.id = 11, .slots = 2, .facilities = {1}, .available = {{0, 2}}, .rank = 1}}};
  const Result<SlotPlan> flow = Place(p);
  ASSERT_TRUE(flow.ok()) << flow.status();
  EXPECT_EQ(Violation(p, *flow), "");
  EXPECT_EQ(flow->placed, 4u);
  EXPECT_EQ(SlotsOf(flow->placements[0]), (std::vector<uint32_t>{2, 3}));
  EXPECT_EQ(SlotsOf(flow->placements[1]), (std::vector<uint32_t>{0, 1}));
  EXPECT_DOUBLE_EQ(flow->PlacedShare(), 1.0);

  const Result<SlotPlan> greedy = PlaceGreedy(p);
  ASSERT_TRUE(greedy.ok()) << greedy.status();
  EXPECT_EQ(Violation(p, *greedy), "");
  EXPECT_EQ(greedy->placed, 2u);
  EXPECT_EQ(SlotsOf(greedy->placements[0]), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(greedy->placements[1].shortfall, Shortfall::kTakenByOthers);
  EXPECT_EQ(greedy->placements[1].why,
            "asked for 2 slots, placed 0: the 2 open slots in its windows went to other requests");
}

// When not everyone fits, the better-ranked request gets the slots.
TEST(SlotsTest, TheBetterRankedRequestGetsTheScarceSlots) {
  const SlotProblem p{
      .slot_count = 3,
      .facilities = {{.id = 1, .capacity = 1, .open = Range(0, 3)}},
      .requests = {{.id = 20, .slots = 3, .facilities = {1}, .available = {{0, 3}}, .rank = 5},
                   {.id = 21, .slots = 2, .facilities = {1}, .available = {{0, 3}}, .rank = 1}}};
  const Result<SlotPlan> plan = Place(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Violation(p, *plan), "");
  EXPECT_EQ(plan->placed, 3u);
  EXPECT_EQ(plan->placements[1].bookings.size(), 2u);  // rank 1: all it asked
  EXPECT_EQ(plan->placements[1].shortfall, Shortfall::kNone);
  EXPECT_EQ(plan->placements[0].bookings.size(), 1u);
  EXPECT_EQ(plan->placements[0].shortfall, Shortfall::kTakenByOthers);
}

// With room to spare, the earliest slots; capacity 2 lets two share one.
TEST(SlotsTest, EarlierSlotsFirstAndASlotServesAsManyAsItsCapacity) {
  const SlotProblem p{
      .slot_count = 10,
      .facilities = {{.id = 1, .capacity = 2, .open = {3, 4, 7, 8, 9}}},
      .requests = {{.id = 1, .slots = 2, .facilities = {1}, .available = {{0, 10}}},
                   {.id = 2, .slots = 2, .facilities = {1}, .available = {{0, 10}}}}};
  const Result<SlotPlan> plan = Place(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Violation(p, *plan), "");
  EXPECT_EQ(SlotsOf(plan->placements[0]), (std::vector<uint32_t>{3, 4}));
  EXPECT_EQ(SlotsOf(plan->placements[1]), (std::vector<uint32_t>{3, 4}));
}

// A request naming two instruments of one kind books one per slot, on
// either; closed slots and windows are honoured.
TEST(SlotsTest, ARequestNamingTwoFacilitiesGetsOneBookingPerSlot) {
  const SlotProblem p{
      .slot_count = 6,
      .facilities = {{.id = 1, .capacity = 1, .open = {0, 1, 2}},
                     {.id = 2, .capacity = 1, .open = {1, 2, 3, 4}}},
      .requests = {{.id = 7, .slots = 4, .facilities = {1, 2}, .available = {{0, 2}, {3, 6}}}}};
  const Result<SlotPlan> plan = Place(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Violation(p, *plan), "");
  // Slots 0, 1 (windows [0,2)) and 3, 4 (window [3,6)); 2 is outside, 5 closed.
  EXPECT_EQ(SlotsOf(plan->placements[0]), (std::vector<uint32_t>{0, 1, 3, 4}));
}

TEST(SlotsTest, EveryShortfallSaysWhy) {
  const SlotProblem p{
      .slot_count = 8,
      .facilities = {{.id = 1, .capacity = 1, .open = {5, 6}}},
      .requests = {{.id = 1, .slots = 2, .facilities = {1}, .available = {{0, 4}}},
                   {.id = 2, .slots = 3, .facilities = {1}, .available = {{4, 8}}}}};
  const Result<SlotPlan> plan = Place(p);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(Violation(p, *plan), "");
  EXPECT_EQ(plan->placements[0].shortfall, Shortfall::kNeverOpen);
  EXPECT_EQ(plan->placements[0].why,
            "asked for 2 slots, placed 0: no facility it names is open in any of its windows");
  EXPECT_EQ(plan->placements[1].shortfall, Shortfall::kTooFewOpen);
  EXPECT_EQ(plan->placements[1].why,
            "asked for 3 slots, placed 2: its windows hold only 2 open slots on the facilities it "
            "names");
}

TEST(SlotsTest, BadInputIsRefusedNamingWhatIsWrong) {
  auto refused = [](const SlotProblem& p) {
    const Result<SlotPlan> plan = Place(p);
    EXPECT_FALSE(plan.ok());
    EXPECT_EQ(PlaceGreedy(p).status().message(), plan.status().message());
    return std::string(plan.status().message());
  };
  const SlotFacility f{.id = 1, .capacity = 1, .open = {0, 1}};
  const SlotRequest r{.id = 5, .slots = 1, .facilities = {1}, .available = {{0, 2}}};
  EXPECT_EQ(refused({.slot_count = 2, .facilities = {f, f}, .requests = {r}}),
            "facility 1 is given twice");
  EXPECT_EQ(refused({.slot_count = 1, .facilities = {f}, .requests = {}}),
            "facility 1: open slot 1 is past the round's 1 slots");
  SlotRequest bad = r;
  bad.facilities = {9};
  EXPECT_EQ(refused({.slot_count = 2, .facilities = {f}, .requests = {bad}}),
            "request 5: names facility 9, which is not in the round");
  bad = r;
  bad.available = {{1, 1}};
  EXPECT_EQ(refused({.slot_count = 2, .facilities = {f}, .requests = {bad}}),
            "request 5: window [1, 1) is empty or past the round's end");
  bad = r;
  bad.slots = 0;
  EXPECT_EQ(refused({.slot_count = 2, .facilities = {f}, .requests = {bad}}),
            "request 5: slots must be at least 1");
  EXPECT_EQ(refused({.slot_count = 2, .facilities = {f}, .requests = {r, r}}),
            "request 5 is given twice");
}

// An independent maximum: Edmonds–Karp on the same network (source →
// request → request × slot → facility × slot → sink), small enough for an
// adjacency matrix.
uint64_t MaxPlaceable(const SlotProblem& p) {
  std::map<std::string, size_t> ids;
  auto node = [&](const std::string& name) {
    return ids.try_emplace(name, ids.size()).first->second;
  };
  const size_t s = node("s"), t = node("t");
  std::vector<std::tuple<size_t, size_t, int64_t>> arcs;
  for (const SlotFacility& f : p.facilities) {
    for (uint32_t slot : f.open) {
      arcs.emplace_back(node("f" + std::to_string(f.id) + "@" + std::to_string(slot)), t,
                        f.capacity);
    }
  }
  for (const SlotRequest& r : p.requests) {
    const std::string name = "r" + std::to_string(r.id);
    arcs.emplace_back(s, node(name), r.slots);
    for (uint32_t slot = 0; slot < p.slot_count; ++slot) {
      const bool free =
          std::any_of(r.available.begin(), r.available.end(),
                      [&](const SlotWindow& w) { return slot >= w.from && slot < w.to; });
      if (!free) continue;
      const size_t per_slot = node(name + "@" + std::to_string(slot));
      arcs.emplace_back(node(name), per_slot, 1);
      for (uint64_t f : r.facilities) {
        const SlotFacility& fac = *std::find_if(p.facilities.begin(), p.facilities.end(),
                                                [&](const SlotFacility& x) { return x.id == f; });
        if (std::binary_search(fac.open.begin(), fac.open.end(), slot)) {
          arcs.emplace_back(per_slot, node("f" + std::to_string(f) + "@" + std::to_string(slot)),
                            1);
        }
      }
    }
  }
  const size_t n = ids.size();
  std::vector<std::vector<int64_t>> cap(n, std::vector<int64_t>(n, 0));
  for (const auto& [a, b, c] : arcs) cap[a][b] += c;
  uint64_t flow = 0;
  while (true) {
    std::vector<size_t> prev(n, SIZE_MAX);
    prev[s] = s;
    std::deque<size_t> queue{s};
    while (!queue.empty() && prev[t] == SIZE_MAX) {
      const size_t u = queue.front();
      queue.pop_front();
      for (size_t v = 0; v < n; ++v) {
        if (cap[u][v] > 0 && prev[v] == SIZE_MAX) {
          prev[v] = u;
          queue.push_back(v);
        }
      }
    }
    if (prev[t] == SIZE_MAX) return flow;
    int64_t push = INT64_MAX;
    for (size_t v = t; v != s; v = prev[v]) push = std::min(push, cap[prev[v]][v]);
    for (size_t v = t; v != s; v = prev[v]) {
      cap[prev[v]][v] -= push;
      cap[v][prev[v]] += push;
    }
    flow += static_cast<uint64_t>(push);
  }
}

SlotProblem RandomProblem(Rng& rng) {
  SlotProblem p;
  p.slot_count = 2 + static_cast<uint32_t>(rng.Uniform(9));
  const uint64_t facilities = 1 + rng.Uniform(3);
  for (uint64_t f = 1; f <= facilities; ++f) {
    SlotFacility fac{.id = f, .capacity = 1 + static_cast<uint32_t>(rng.Uniform(2))};
    for (uint32_t s = 0; s < p.slot_count; ++s) {
      if (rng.Percent(70)) fac.open.push_back(s);
    }
    p.facilities.push_back(fac);
  }
  const uint64_t requests = 1 + rng.Uniform(6);
  for (uint64_t r = 1; r <= requests; ++r) {
    SlotRequest req{.id = r,
                    .slots = 1 + static_cast<uint32_t>(rng.Uniform(p.slot_count)),
                    .rank = static_cast<uint32_t>(rng.Uniform(4))};
    for (uint64_t f = 1; f <= facilities; ++f) {
      if (req.facilities.empty() || rng.Percent(30)) req.facilities.push_back(f);
    }
    const uint64_t windows = 1 + rng.Uniform(2);
    for (uint64_t w = 0; w < windows; ++w) {
      const auto from = static_cast<uint32_t>(rng.Uniform(p.slot_count));
      const auto to = from + 1 + static_cast<uint32_t>(rng.Uniform(p.slot_count - from));
      req.available.push_back({from, to});
    }
    p.requests.push_back(req);
  }
  return p;
}

TEST(SlotsPropertyTest, EveryPlanIsValidAndTheFlowPlacesTheMaximum) {
  Rng rng(19);
  for (int round = 0; round < 300; ++round) {
    const SlotProblem p = RandomProblem(rng);
    const Result<SlotPlan> flow = Place(p);
    const Result<SlotPlan> greedy = PlaceGreedy(p);
    ASSERT_TRUE(flow.ok()) << flow.status();
    ASSERT_TRUE(greedy.ok()) << greedy.status();
    ASSERT_EQ(Violation(p, *flow), "") << "round " << round;
    ASSERT_EQ(Violation(p, *greedy), "") << "round " << round;
    ASSERT_EQ(flow->placed, MaxPlaceable(p)) << "round " << round;
    ASSERT_GE(flow->placed, greedy->placed) << "round " << round;
  }
}

// The checker itself catches what it is there to catch.
TEST(SlotsTest, TheCheckerFindsADoubleBookingAndAClosedSlot) {
  const SlotProblem p{
      .slot_count = 4,
      .facilities = {{.id = 1, .capacity = 1, .open = {0, 1, 2}}},
      .requests = {{.id = 1, .slots = 1, .facilities = {1}, .available = {{0, 4}}},
                   {.id = 2, .slots = 1, .facilities = {1}, .available = {{0, 4}}}}};
  SlotPlan plan{
      .placements = {{.request = 1, .bookings = {{1, 0}}}, {.request = 2, .bookings = {{1, 0}}}},
      .asked = 2,
      .placed = 2};
  EXPECT_EQ(Violation(p, plan), "facility 1 is over capacity in slot 0");
  plan.placements[1].bookings = {{1, 3}};
  EXPECT_EQ(Violation(p, plan), "request 2 at slot 3 is in a slot its facility is closed");
}

}  // namespace
}  // namespace bg::facility
