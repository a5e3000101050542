// Safety training records (rounds.h's RecordTraining): the user office's
// list of who may use which facility, read at check-in. A record is the
// institution's word for its own facility's course — one institution
// cannot attest training for another's instruments.
#include <algorithm>

#include "facility/rounds.h"

namespace bg::facility {
namespace {

constexpr size_t kMaxTrainingName = 200;  // bytes, as RegisterFacility takes it
constexpr uint64_t kMaxTrainingId = (uint64_t{1} << 53) - 1;

RoundOutcome Refuse(RoundCode code, std::string message) {
  return RoundOutcome{.code = code, .message = std::move(message)};
}

}  // namespace

RoundOutcome Rounds::Apply(const RecordTraining& c, const RoundWorld& w, Timestamp ts) {
  if (c.id == 0 || c.id > kMaxTrainingId) {
    return Refuse(RoundCode::kInvalid, "a training record's id is 1 to 2^53 - 1");
  }
  if (const auto it = trainings_.find(c.id); it != trainings_.end()) {
    if (it->second.request == c) return {.code = RoundCode::kExists, .message = "recorded already"};
    return Refuse(RoundCode::kExistsWithDifferentBody,
                  "training record " + std::to_string(c.id) + " exists with a different body");
  }
  if (c.training.empty() || c.training.size() > kMaxTrainingName) {
    return Refuse(RoundCode::kInvalid,
                  "a training is named as its facility names it (1 to 200 bytes)");
  }
  if (c.valid_until <= ts) {
    return Refuse(RoundCode::kInvalid, "valid_until must be later than now (" + CstTime(ts) + ")");
  }
  if (w.registry->FindEnterprise(c.user) == nullptr) {
    return Refuse(RoundCode::kUnknownApplicant,
                  "no enterprise or institution " + std::to_string(c.user.value()));
  }
  if (w.registry->FindProvider(c.by) == nullptr) {
    return Refuse(RoundCode::kUnknownInstitution,
                  "no institution (provider) " + std::to_string(c.by.value()));
  }
  const auto& all = w.facilities->facilities();
  const bool ours = std::any_of(all.begin(), all.end(), [&](const auto& entry) {
    return entry.second.institution == c.by && entry.second.training == c.training;
  });
  if (!ours) {
    return Refuse(RoundCode::kInvalid, "no facility of institution " +
                                           std::to_string(c.by.value()) + " requires \"" +
                                           c.training + "\"");
  }
  TrainingKey key{c.user, c.training};
  const auto held = trained_until_.find(key);
  if (held == trained_until_.end() || held->second < c.valid_until) {
    undo_.Put(trained_until_, key, c.valid_until);
  }
  undo_.Put(trainings_, c.id, Training{.request = c, .recorded_at = ts});
  return {.message = "\"" + c.training + "\" recorded for " + std::to_string(c.user.value()) +
                     ", valid until " + CstTime(c.valid_until)};
}

std::string Rounds::TrainingMissing(EnterpriseId user, const std::string& training,
                                    Timestamp at) const {
  if (training.empty()) return {};
  const auto it = trained_until_.find(TrainingKey{user, training});
  if (it == trained_until_.end()) {
    return "the user holds no record of the training \"" + training + "\" this facility requires";
  }
  if (it->second <= at) {
    return "the user's training \"" + training + "\" lapsed at " + CstTime(it->second);
  }
  return {};
}

}  // namespace bg::facility
