// The programme engine's refusals and limits in Chinese, for answers read
// in the console's Chinese (GET /v1/quote's `subsidy_note_zh` and
// `reason_zh`). The English words stay in the engine's messages; these
// name the rule, not every detail of the message.
//
// Thread-safety: pure functions over constant text.
#pragma once

#include "programme/book.h"
#include "programme/subsidy.h"

namespace bg::programme {

// "补贴比例" for Limit::kRatio, ...
const char* LimitZh(Limit limit);
// "企业在黑名单中" for Code::kBlacklisted, ...; "" for kOk.
const char* CodeZh(Code code);

}  // namespace bg::programme
