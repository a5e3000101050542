// The parts of slot placement that do not depend on the solver: the
// problem's checks, the greedy baseline, each request's reason for a
// shortfall, and the plan checker the tests and the benchmark run.
#include "facility/slots.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "facility/slots_internal.h"

namespace bg::facility {
namespace {

bool InWindows(const std::vector<SlotWindow>& windows, uint32_t slot) {
  for (const SlotWindow& w : windows) {
    if (slot >= w.from && slot < w.to) return true;
  }
  return false;
}

std::string Count(uint64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

namespace internal {

std::map<uint64_t, const SlotFacility*> FacilityIndex(const SlotProblem& p) {
  std::map<uint64_t, const SlotFacility*> out;
  for (const SlotFacility& f : p.facilities) out[f.id] = &f;
  return out;
}

std::vector<Candidate> Candidates(const SlotRequest& r,
                                  const std::map<uint64_t, const SlotFacility*>& facilities) {
  std::vector<Candidate> out;
  for (uint64_t id : r.facilities) {
    const SlotFacility& f = *facilities.at(id);
    for (uint32_t slot : f.open) {
      if (InWindows(r.available, slot)) out.push_back({.facility = id, .slot = slot});
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Candidate& a, const Candidate& b) { return a.slot < b.slot; });
  return out;
}

}  // namespace internal

Status CheckProblem(const SlotProblem& p) {
  std::set<uint64_t> facilities;
  for (const SlotFacility& f : p.facilities) {
    const std::string name = "facility " + std::to_string(f.id);
    if (!facilities.insert(f.id).second) return InvalidArgument(name + " is given twice");
    if (f.capacity == 0) return InvalidArgument(name + ": capacity must be at least 1");
    for (size_t i = 0; i < f.open.size(); ++i) {
      if (f.open[i] >= p.slot_count) {
        return InvalidArgument(name + ": open slot " + std::to_string(f.open[i]) +
                               " is past the round's " + std::to_string(p.slot_count) + " slots");
      }
      if (i > 0 && f.open[i] <= f.open[i - 1]) {
        return InvalidArgument(name + ": open slots must be ascending and distinct");
      }
    }
  }
  std::set<uint64_t> requests;
  for (const SlotRequest& r : p.requests) {
    const std::string name = "request " + std::to_string(r.id);
    if (!requests.insert(r.id).second) return InvalidArgument(name + " is given twice");
    if (r.slots == 0) return InvalidArgument(name + ": slots must be at least 1");
    if (r.slots > p.slot_count) {
      return InvalidArgument(name + ": asks for " + std::to_string(r.slots) +
                             " slots, more than the round's " + std::to_string(p.slot_count));
    }
    if (r.facilities.empty()) return InvalidArgument(name + ": names no facility");
    for (uint64_t f : r.facilities) {
      if (facilities.count(f) == 0) {
        return InvalidArgument(name + ": names facility " + std::to_string(f) +
                               ", which is not in the round");
      }
    }
    if (std::set<uint64_t>(r.facilities.begin(), r.facilities.end()).size() !=
        r.facilities.size()) {
      return InvalidArgument(name + ": names a facility twice");
    }
    if (r.available.empty()) return InvalidArgument(name + ": has no availability window");
    for (const SlotWindow& w : r.available) {
      if (w.from >= w.to || w.to > p.slot_count) {
        return InvalidArgument(name + ": window [" + std::to_string(w.from) + ", " +
                               std::to_string(w.to) + ") is empty or past the round's end");
      }
    }
  }
  return Status::Ok();
}

// Each placement's shortfall: never open, too few distinct open slots in
// its windows, or (there were enough) taken by other requests.
void internal::Finish(const SlotProblem& p, SlotPlan* plan) {
  const auto facilities = FacilityIndex(p);
  plan->asked = 0;
  plan->placed = 0;
  for (size_t i = 0; i < p.requests.size(); ++i) {
    const SlotRequest& r = p.requests[i];
    Placement& out = plan->placements[i];
    std::stable_sort(out.bookings.begin(), out.bookings.end(),
                     [](const SlotTaken& a, const SlotTaken& b) { return a.slot < b.slot; });
    plan->asked += r.slots;
    plan->placed += out.bookings.size();
    out.shortfall = Shortfall::kNone;
    out.why.clear();
    if (out.bookings.size() >= r.slots) continue;
    std::set<uint32_t> open;  // distinct: one booking per slot at most
    for (const Candidate& c : Candidates(r, facilities)) open.insert(c.slot);
    out.why = "asked for " + Count(r.slots, "slot", "slots") + ", placed " +
              std::to_string(out.bookings.size()) + ": ";
    if (open.empty()) {
      out.shortfall = Shortfall::kNeverOpen;
      out.why += "no facility it names is open in any of its windows";
    } else if (open.size() < r.slots) {
      out.shortfall = Shortfall::kTooFewOpen;
      out.why += "its windows hold only " + Count(open.size(), "open slot", "open slots") +
                 " on the facilities it names";
    } else {
      out.shortfall = Shortfall::kTakenByOthers;
      out.why += "the " + Count(open.size(), "open slot", "open slots") +
                 " in its windows went to other requests";
    }
  }
}

Result<SlotPlan> PlaceGreedy(const SlotProblem& p) {
  BG_RETURN_IF_ERROR(CheckProblem(p));
  const auto facilities = internal::FacilityIndex(p);
  std::map<std::pair<uint64_t, uint32_t>, uint32_t> used;  // (facility, slot) -> users
  std::vector<size_t> order(p.requests.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return p.requests[a].rank < p.requests[b].rank; });
  SlotPlan plan;
  plan.placements.resize(p.requests.size());
  for (size_t i : order) {
    const SlotRequest& r = p.requests[i];
    Placement& out = plan.placements[i];
    out.request = r.id;
    std::set<uint32_t> taken;  // its own slots: one booking per slot
    for (const internal::Candidate& c : internal::Candidates(r, facilities)) {
      if (out.bookings.size() == r.slots) break;
      if (taken.count(c.slot) != 0) continue;
      uint32_t& users = used[{c.facility, c.slot}];
      if (users >= facilities.at(c.facility)->capacity) continue;
      ++users;
      taken.insert(c.slot);
      out.bookings.push_back({.facility = c.facility, .slot = c.slot});
    }
  }
  internal::Finish(p, &plan);
  return plan;
}

std::string Violation(const SlotProblem& p, const SlotPlan& plan) {
  if (plan.placements.size() != p.requests.size()) return "one placement per request expected";
  const auto facilities = internal::FacilityIndex(p);
  std::map<std::pair<uint64_t, uint32_t>, uint32_t> used;
  uint64_t asked = 0, placed = 0;
  for (size_t i = 0; i < p.requests.size(); ++i) {
    const SlotRequest& r = p.requests[i];
    const Placement& out = plan.placements[i];
    const std::string name = "request " + std::to_string(r.id);
    if (out.request != r.id) return "placement " + std::to_string(i) + " is not " + name + "'s";
    if (out.bookings.size() > r.slots) return name + " has more slots than it asked for";
    if ((out.bookings.size() == r.slots) != (out.shortfall == Shortfall::kNone)) {
      return name + "'s shortfall does not match its bookings";
    }
    std::set<uint32_t> slots;
    for (const SlotTaken& b : out.bookings) {
      const std::string where = name + " at slot " + std::to_string(b.slot);
      if (std::find(r.facilities.begin(), r.facilities.end(), b.facility) == r.facilities.end()) {
        return where + " is on a facility it did not name";
      }
      const SlotFacility& f = *facilities.at(b.facility);
      if (!std::binary_search(f.open.begin(), f.open.end(), b.slot)) {
        return where + " is in a slot its facility is closed";
      }
      if (!InWindows(r.available, b.slot)) return where + " is outside its windows";
      if (!slots.insert(b.slot).second) return where + " is booked twice";
      if (++used[{b.facility, b.slot}] > f.capacity) {
        return "facility " + std::to_string(b.facility) + " is over capacity in slot " +
               std::to_string(b.slot);
      }
    }
    asked += r.slots;
    placed += out.bookings.size();
  }
  if (asked != plan.asked || placed != plan.placed) return "the plan's totals do not add up";
  return "";
}

}  // namespace bg::facility
