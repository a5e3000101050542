// A proposal round for scarce facilities, as user offices run them
// (reference/wave2.md §D): proposals that passed the admin and feasibility
// checks go to expert review; each gets `per_proposal` reviewers, none with
// a conflict of interest; their scores rank the proposals; hours are
// allocated in rank order within the round's capacity on each facility;
// then the allocated hours are placed into slots (slots.h).
//
// AssignReviewers is a min-cost flow (flow.h): source → proposal (k) →
// reviewer (one each, only where there is no conflict; cheaper where the
// reviewer knows the facility's kind) → sink through unit arcs of rising
// cost (a reviewer's second review costs more than a first elsewhere), so
// that (1) every proposal gets as many reviewers as can be found, (2) the
// load is spread, (3) then expertise is preferred.
//
// A conflict: the reviewer is of the applicant's institution, or declared a
// relation to the applicant or to the applicant's institution.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "facility/slots.h"

namespace bg::facility {

struct Reviewer {
  uint64_t id = 0;
  uint64_t institution = 0;
  std::vector<uint64_t> related = {};  // applicants or institutions declared
  std::vector<uint32_t> kinds = {};    // facility kinds the reviewer knows
  uint32_t max_load = 1;               // proposals at most
};

struct RoundFacility {
  uint64_t id = 0;
  uint32_t kind = 0;
  uint32_t capacity_hours = 0;  // what the round may allocate on it
};

struct RoundProposal {
  uint64_t id = 0;  // in submission order
  uint64_t applicant = 0;
  uint64_t institution = 0;
  uint32_t kind = 0;                      // of the facilities it names
  std::vector<uint64_t> facilities = {};  // any one of these, of that kind
  uint32_t hours = 0;                     // asked
};

bool Conflicted(const Reviewer& reviewer, const RoundProposal& proposal);

struct ReviewAssignment {
  struct Of {
    uint64_t proposal = 0;
    std::vector<uint64_t> reviewers = {};  // ascending
    std::string why = {};                  // when fewer than asked: why
  };
  std::vector<Of> proposals = {};  // in the input's order
};

// `per_proposal` reviewers for each proposal (fewer, with a reason, when
// not enough reviewers are free of conflict and load).
Result<ReviewAssignment> AssignReviewers(const std::vector<RoundProposal>& proposals,
                                         const std::vector<Reviewer>& reviewers,
                                         uint32_t per_proposal);

struct ReviewScore {
  uint64_t proposal = 0;
  uint64_t reviewer = 0;
  uint32_t score = 0;  // 1 (poor) to 5 (outstanding)
};

struct Ranked {
  uint64_t proposal = 0;
  uint32_t mean_centi = 0;  // the mean score × 100, rounded down
  uint32_t reviews = 0;
  uint32_t rank = 0;  // 0 is best
};

// The proposals by mean score, best first; ties by submission (id) order.
// A score outside 1-5, for an unknown proposal or from a reviewer not
// assigned to it (`assignment`), or given twice, is refused naming it; a
// proposal without any score ranks after every scored one.
Result<std::vector<Ranked>> Rank(const std::vector<RoundProposal>& proposals,
                                 const ReviewAssignment& assignment,
                                 const std::vector<ReviewScore>& scores);

struct Allocation {
  uint64_t proposal = 0;
  uint32_t rank = 0;
  // Hours granted on each facility it named (in its order), summing to
  // what it was allocated.
  std::vector<std::pair<uint64_t, uint32_t>> hours = {};
  uint32_t total = 0;
  std::string why = {};  // when less than asked: why
};

// In rank order, each proposal gets what it asked, or what capacity is left
// on its facilities if that is at least `min_hours`; otherwise none. Never
// more than a facility's capacity in all.
Result<std::vector<Allocation>> Allocate(const std::vector<RoundProposal>& proposals,
                                         const std::vector<RoundFacility>& facilities,
                                         const std::vector<Ranked>& ranked, uint32_t min_hours);

}  // namespace bg::facility
