#include "agent/scripted.h"

#include <algorithm>

namespace bg::agent {

void ScriptedExecutor::Final(uint64_t job, uint64_t until_s) {
  if (auto it = runs_.find(RunName(cluster_, job)); it != runs_.end()) {
    it->second.final = true;
    it->second.final_at_s = clock_->Now() / kNanosPerSecond;
    it->second.until_s = until_s;
  } else {
    final_[job] = until_s;  // not submitted yet: final as soon as it is
  }
}

Result<std::string> ScriptedExecutor::Submit(const RunSpec& spec) {
  const uint64_t now_s = clock_->Now() / kNanosPerSecond;
  const uint64_t start = spec.order_from_s != 0 ? spec.order_from_s : now_s;
  const auto known = final_.find(spec.job);
  Planned p{.run = {.id = spec.name,
                    .name = spec.name,
                    .state = RunState::kRunning,
                    .detail = "RUNNING",
                    .submit_s = now_s,
                    .start_s = start,
                    .cards = spec.cards},
            .until_s = known != final_.end() ? known->second : start + course_(spec.job),
            .final = known != final_.end(),
            .final_at_s = now_s};
  if (known != final_.end()) final_.erase(known);
  runs_[spec.name] = std::move(p);
  return spec.name;
}

Result<std::vector<Run>> ScriptedExecutor::Runs(const std::string& prefix, uint64_t since_s) {
  const uint64_t now_s = clock_->Now() / kNanosPerSecond;
  std::vector<Run> out;
  for (auto it = runs_.begin(); it != runs_.end();) {
    Planned& p = it->second;
    // Final a look-back ago: forgotten, as sacct's window forgets.
    if (p.final && p.final_at_s < since_s) {
      it = runs_.erase(it);
      continue;
    }
    Run r = p.run;
    if (now_s >= p.until_s) {
      // It has stopped; until it is final, its end only bounds the bill.
      r.end_s = p.until_s;
      if (p.final) {
        r.state = RunState::kEnded;
        if (r.detail == "RUNNING") r.detail = "COMPLETED";
      }
    }
    if (r.name.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(r));
    ++it;
  }
  return out;
}

Status ScriptedExecutor::Cancel(const std::string& id) {
  const auto it = runs_.find(id);
  if (it == runs_.end()) return Status::Ok();
  const uint64_t now_s = clock_->Now() / kNanosPerSecond;
  Planned& p = it->second;
  p.until_s = std::min(p.until_s, std::max(now_s, p.run.start_s));
  p.final = true;
  p.final_at_s = now_s;
  p.run.detail = "CANCELLED";
  return Status::Ok();
}

}  // namespace bg::agent
