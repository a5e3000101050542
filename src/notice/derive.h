// The notices a command causes (notice.h), derived on the engine's writer
// right after the command is applied, from the command, its result and the
// state it left: an engine::Observer. Each notice's key names its event
// and recipient ("enterprise:3/voucher:7:expiring:30"), so deriving one
// twice stores it once.
//
// Expiry warnings are due when time passes a voucher's expiry less 30 (or
// 7) days: each command moves the deriver's watermark to its timestamp and
// warns of the live vouchers whose warning time it passed. Time moves with
// commands (usage, ticks, placements), so a warning rides on the first
// command after it is due. A voucher issued within a warning's window is
// warned of at once.
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"

namespace bg::notice {

class Deriver final : public engine::Observer {
 public:
  void Reset(const state::State& state, Timestamp last) override;
  void Applied(const state::State& state, const state::Command& command,
               const state::CommandResult& result, storage::NoticeRows* out) override;

 private:
  Timestamp watermark_ = 0;  // expiry warnings are given up to this time
};

}  // namespace bg::notice
