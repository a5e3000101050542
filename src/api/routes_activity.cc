// Activity (GET /v1/activity): who did what and when, read from the
// journal itself — every step a person takes (filing and reviewing
// applications, revoking, clawing back, the blacklist, closing, approving
// and paying statements, a programme's changes, tokens, registrations,
// jobs submitted and cancelled), oldest first, filtered by actor,
// programme, enterprise and period. Auditors and admins see everything;
// an operator its programme's, an enterprise its own, a provider its own.
//
// The journal is read on a read-only connection of its own (SQLite's WAL
// gives it one consistent view while the engine writes); records named by
// a step (an application's programme, a job's enterprise) are looked up
// in the state as applied now.
#include <algorithm>
#include <variant>

#include "api/activity.h"
#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "engine/journal.h"
#include "storage/open.h"

namespace bg::api {
namespace {

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

// An application step's words: "approve" / "批准".
const char* StepZh(programme::Step step) {
  switch (step) {
    case programme::Step::kSubmit:
      return "提交";
    case programme::Step::kStartReview:
      return "开始审核";
    case programme::Step::kApprove:
      return "批准";
    case programme::Step::kReject:
      return "驳回";
    case programme::Step::kReturnForInfo:
      return "退回补充材料";
    case programme::Step::kIssue:
      return "发放";
    case programme::Step::kWithdraw:
      return "撤回";
  }
  return "";
}

const char* ActionZh(programme::ProgrammeAction action) {
  switch (action) {
    case programme::ProgrammeAction::kTopUp:
      return "追加预算";
    case programme::ProgrammeAction::kCut:
      return "核减预算";
    case programme::ProgrammeAction::kSuspend:
      return "暂停";
    case programme::ProgrammeAction::kResume:
      return "恢复";
    case programme::ProgrammeAction::kClose:
      return "结束";
    case programme::ProgrammeAction::kListProvider:
      return "纳入服务商";
    case programme::ProgrammeAction::kDelistProvider:
      return "移出服务商";
  }
  return "";
}

// ": why" in English, "：why" in Chinese; nothing when there is no reason.
std::string Why(const std::string& reason) { return reason.empty() ? "" : ": " + reason; }
std::string WhyZh(const std::string& reason) { return reason.empty() ? "" : "：" + reason; }
std::string Num(uint64_t n) { return std::to_string(n); }

}  // namespace

std::optional<Step> StepOf(const state::CommandBody& body, const state::State& s) {
  auto app = [&](ApplicationId id, Step st) {
    if (const programme::Application* a = s.book().FindApplication(id)) {
      st.programme = a->filed.programme.value();
      st.enterprise = a->filed.enterprise.value();
    }
    return st;
  };
  const std::string name = state::CommandName(body);
  return std::visit(
      Overload{
          [&](const programme::FileApplication& c) -> std::optional<Step> {
            const std::string id = Num(c.id.value());
            const std::string yuan = c.amount.ToYuanString();
            return Step{.what = name,
                        .actor = c.actor,
                        .programme = c.programme.value(),
                        .enterprise = c.enterprise.value(),
                        .detail = "filed application " + id + " for " + yuan + Why(c.note),
                        .detail_zh = "提交申请 " + id + "，金额 " + yuan + " 元" + WhyZh(c.note)};
          },
          [&](const programme::ReviewApplication& c) -> std::optional<Step> {
            const std::string id = Num(c.id.value());
            return app(c.id, Step{.what = name,
                                  .actor = c.actor,
                                  .detail = std::string(programme::StepName(c.step)) +
                                            " application " + id + Why(c.reason),
                                  .detail_zh = std::string(StepZh(c.step)) + "申请 " + id +
                                               WhyZh(c.reason)});
          },
          [&](const programme::ReviewApplications& c) -> std::optional<Step> {
            const std::string n = Num(c.ids.size());
            Step st{.what = name,
                    .actor = c.actor,
                    .detail = std::string(programme::StepName(c.step)) + " " + n + " applications" +
                              Why(c.reason),
                    .detail_zh = "批量" + std::string(StepZh(c.step)) + " " + n + " 份申请" +
                                 WhyZh(c.reason)};
            if (!c.ids.empty()) st = app(c.ids.front(), st);
            st.enterprise = 0;  // many
            return st;
          },
          [&](const programme::RevokeVoucher& c) -> std::optional<Step> {
            const programme::Voucher* v = s.book().FindVoucher(c.id);
            const std::string id = Num(c.id.value());
            return Step{.what = name,
                        .actor = c.actor,
                        .programme = v ? v->programme.value() : 0,
                        .enterprise = v ? v->holder.value() : 0,
                        .detail = "revoked voucher " + id + Why(c.reason),
                        .detail_zh = "撤销算力券 " + id + WhyZh(c.reason)};
          },
          [&](const programme::Clawback& c) -> std::optional<Step> {
            // A claim that left memory with its job: the one the step carried.
            programme::Claim carried;
            const programme::Claim* k = s.book().FindClaim(c.claim);
            if (k == nullptr && !c.archived.empty()) {
              Reader r(c.archived);
              if (programme::DecodeClaim(r, &carried)) k = &carried;
            }
            const std::string id = Num(c.claim.value());
            return Step{
                .what = name,
                .actor = c.actor,
                .programme = k && !k->shares.empty() ? k->shares.front().programme.value() : 0,
                .enterprise = k ? k->request.enterprise.value() : 0,
                .provider = k ? k->request.provider.value() : 0,
                .detail = "clawed back claim " + id + Why(c.reason),
                .detail_zh = "追回补贴申领 " + id + WhyZh(c.reason)};
          },
          [&](const programme::SetBlacklist& c) -> std::optional<Step> {
            const std::string id = Num(c.enterprise.value());
            return Step{.what = name,
                        .actor = c.actor,
                        .enterprise = c.enterprise.value(),
                        .detail = std::string(c.listed ? "blacklisted" : "took off the blacklist") +
                                  " enterprise " + id + Why(c.reason),
                        .detail_zh = "将企业 " + id + (c.listed ? " 列入黑名单" : " 移出黑名单") +
                                     WhyZh(c.reason)};
          },
          [&](const programme::AmendProgramme& c) -> std::optional<Step> {
            const std::string from = TimeJson(c.effective_from).get<std::string>();
            return Step{.what = name,
                        .actor = c.actor,
                        .programme = c.rules.id.value(),
                        .detail = "amended from " + from + Why(c.reason),
                        .detail_zh = "修订条款，自 " + from + " 起生效" + WhyZh(c.reason)};
          },
          [&](const programme::ChangeProgramme& c) -> std::optional<Step> {
            std::string words(NameOf(programme::kProgrammeActionNames, c.action));
            std::string zh = ActionZh(c.action);
            if (!c.amount.is_zero()) {
              words += " " + c.amount.ToYuanString();
              zh += " " + c.amount.ToYuanString() + " 元";
            }
            if (!c.provider.is_zero()) {
              words += " provider " + Num(c.provider.value());
              zh += " 服务商 " + Num(c.provider.value());
            }
            return Step{.what = name,
                        .actor = c.actor,
                        .programme = c.programme.value(),
                        .provider = c.provider.value(),
                        .detail = words + Why(c.reason),
                        .detail_zh = zh + WhyZh(c.reason)};
          },
          [&](const settlement::CloseStatement& c) -> std::optional<Step> {
            const std::string period = settlement::PeriodName(c.period);
            return Step{.what = name,
                        .actor = c.actor,
                        .programme = c.programme.value(),
                        .detail = "closed " + period,
                        .detail_zh = "关账 " + period};
          },
          [&](const settlement::ApproveStatement& c) -> std::optional<Step> {
            const std::string period = settlement::PeriodName(c.period);
            const std::string payee = Num(c.payee);
            return Step{
                .what = name,
                .actor = c.actor,
                .programme = c.programme.value(),
                .detail = "approved " + period + (c.payee == 0 ? "" : " for payee " + payee),
                .detail_zh = "批准 " + period + " 的结算单" +
                             (c.payee == 0 ? "" : "（收款方 " + payee + "）")};
          },
          [&](const settlement::PayStatement& c) -> std::optional<Step> {
            const std::string period = settlement::PeriodName(c.period);
            const std::string payee = Num(c.payee);
            return Step{
                .what = name,
                .actor = c.actor,
                .programme = c.programme.value(),
                .detail = "paid " + period + " to payee " + payee + " (" + c.bank_reference + ")",
                .detail_zh = "向收款方 " + payee + " 支付 " + period + " 的结算款（银行流水 " +
                             c.bank_reference + "）"};
          },
          [&](const fraud::CloseAuditCase& c) -> std::optional<Step> {
            const std::string id = Num(c.id);
            return Step{.what = name,
                        .actor = c.actor,
                        .detail = "closed audit case " + id + Why(c.resolution),
                        .detail_zh = "结案审计案件 " + id + WhyZh(c.resolution)};
          },
          [&](const scheduler::SubmitJob& c) -> std::optional<Step> {
            const std::string id = Num(c.request.id.value());
            const std::string cards = Num(c.request.cards) + " × " + c.request.accelerator;
            return Step{.what = name,
                        .enterprise = c.request.enterprise.value(),
                        .detail = "submitted job " + id + ": " + cards,
                        .detail_zh = "提交作业 " + id + "：" + cards};
          },
          [&](const scheduler::CancelJob& c) -> std::optional<Step> {
            const scheduler::Job* j = s.scheduler().FindJob(c.id);
            const std::string id = Num(c.id.value());
            return Step{.what = name,
                        .enterprise = j ? j->submitted.request.enterprise.value() : 0,
                        .detail = "cancelled job " + id + Why(c.reason),
                        .detail_zh = "取消作业 " + id + WhyZh(c.reason)};
          },
          [&](const access::CreateApiToken& c) -> std::optional<Step> {
            const std::string id = Num(c.id);
            return Step{.what = name,
                        .detail = "created token " + id + " (" + c.name + ")",
                        .detail_zh = "创建令牌 " + id + "（" + c.name + "）"};
          },
          [&](const access::RevokeApiToken& c) -> std::optional<Step> {
            return Step{.what = name,
                        .detail = "revoked token " + Num(c.id),
                        .detail_zh = "吊销令牌 " + Num(c.id)};
          },
          [&](const access::RotateApiToken& c) -> std::optional<Step> {
            return Step{.what = name,
                        .detail = "rotated token " + Num(c.id),
                        .detail_zh = "轮换令牌 " + Num(c.id)};
          },
          [&](const state::CreateProgramme& c) -> std::optional<Step> {
            return Step{.what = name,
                        .programme = c.rules.id.value(),
                        .detail = "created " + c.rules.name,
                        .detail_zh = "创建项目 " + c.rules.name};
          },
          [&](const state::RegisterEnterprise& c) -> std::optional<Step> {
            return Step{.what = name,
                        .enterprise = c.enterprise.id.value(),
                        .detail = "registered " + c.enterprise.name,
                        .detail_zh = "登记企业 " + c.enterprise.name};
          },
          [&](const state::RegisterProvider& c) -> std::optional<Step> {
            return Step{.what = name,
                        .provider = c.provider.id.value(),
                        .detail = "registered " + c.provider.name,
                        .detail_zh = "登记服务商 " + c.provider.name};
          },
          [](const auto&) -> std::optional<Step> { return std::nullopt; },
      },
      body);
}

namespace {

// Whether the caller may see `st`.
bool MaySee(const Call& c, const Step& st) {
  switch (c.who.role) {
    case Role::kAdmin:
    case Role::kAuditor:
      return true;
    case Role::kOperator:
      return st.programme == c.who.scope;
    case Role::kEnterprise:
      return st.enterprise == c.who.scope;
    case Role::kExpert:
      return false;
    case Role::kProvider:
      return st.provider == c.who.scope;
  }
  return false;
}

}  // namespace

Answer Service::ListActivity(Call& c) {
  HttpResponse fail;
  const std::optional<size_t> limit = PageLimit(c, &fail);
  if (!limit) return fail;
  std::optional<uint64_t> programme, enterprise;
  std::optional<Timestamp> from, to;
  if (!QueryIdParam(c, "programme", &programme, &fail) ||
      !QueryIdParam(c, "enterprise", &enterprise, &fail) || !QueryTime(c, "from", &from, &fail) ||
      !QueryTime(c, "to", &to, &fail)) {
    return fail;
  }
  const std::string actor = c.request.query.count("actor") ? c.request.query.at("actor") : "";
  // The cursor is the (entry, command) after which the page starts.
  uint64_t after_seq = 0, after_index = 0;
  if (auto it = c.request.query.find("after"); it != c.request.query.end()) {
    if (!IsCursor(it->second, "a")) {
      return Fail(c, "invalid_field", "after is a cursor (next_after)");
    }
    after_seq = std::stoull(it->second.substr(2, 16), nullptr, 16);
    after_index = std::stoull(it->second.substr(19, 16), nullptr, 16);
  }
  if (options_.db.empty()) {
    return Fail(c, "unavailable", "this server has no database to read the journal from");
  }
  auto store = storage::OpenReader(options_.db);
  if (!store.ok()) return Fail(c, "unavailable", store.status().ToString());
  // A period starts at its first entry, found by time (the journal's
  // index on last_ts), not at the journal's start.
  uint64_t start = after_seq == 0 ? 0 : after_seq - 1;
  if (from) {
    auto first = (*store)->FirstSeqEndingAtOrAfter(*from);
    if (!first.ok()) return Fail(c, "unavailable", first.status().ToString());
    if (*first == 0) return Reply({{"items", Json::array()}, {"next_after", nullptr}});
    start = std::max(start, *first - 1);
  }
  Json items = Json::array();
  std::optional<std::string> next;
  bool full = false;   // the page is full: the journal's read stops there
  bool ended = false;  // past the period's end: so is everything after
  bool failed = false;
  Look(*engine_, c, [&](const state::State& s) {
    // A full page, or the period's end, stops the read with an error
    // (`full` and `ended` tell it apart).
    const Status read =
        (*store)->ReadJournal(start, [&](const storage::JournalEntry& entry) -> Status {
          if (to && entry.first_ts >= *to) {
            ended = true;
            return Aborted("past the period");
          }
          BG_ASSIGN_OR_RETURN(std::vector<state::Command> commands,
                              engine::DecodePayload(entry.payload));
          for (size_t i = 0; i < commands.size(); ++i) {
            if (entry.seq == after_seq && i <= after_index) continue;
            const state::Command& cmd = commands[i];
            if ((from && cmd.ts < *from) || (to && cmd.ts >= *to)) continue;
            std::optional<Step> st = StepOf(cmd.body, s);
            if (!st || !MaySee(c, *st)) continue;
            if ((!actor.empty() && st->actor != actor) ||
                (programme && st->programme != *programme) ||
                (enterprise && st->enterprise != *enterprise)) {
              continue;
            }
            if (items.size() == *limit) {
              full = true;
              return Aborted("page full");
            }
            Json item = {{"at", TimeJson(cmd.ts)}, {"entry", entry.seq},
                         {"what", st->what},       {"actor", st->actor},
                         {"detail", st->detail},   {"detail_zh", st->detail_zh}};
            if (st->programme != 0) {
              const auto* p = s.registry().FindProgramme(ProgrammeId(st->programme));
              item["programme"] = st->programme;
              item["programme_name"] = p == nullptr ? "" : p->name;
            }
            if (st->enterprise != 0) {
              const auto* e = s.registry().FindEnterprise(EnterpriseId(st->enterprise));
              item["enterprise"] = st->enterprise;
              item["enterprise_name"] = e == nullptr ? "" : e->name;
            }
            items.push_back(std::move(item));
            next = Cursor("a", entry.seq, i);
          }
          return Status::Ok();
        });
    if (!read.ok() && !full && !ended) {
      failed = true;
      fail = Fail(c, "unavailable", read.ToString());
    }
    if (!full) next.reset();  // the journal's (or the period's) end: no page after this
  });
  if (failed) return fail;
  return Reply({{"items", std::move(items)}, {"next_after", next ? Json(*next) : Json(nullptr)}});
}

}  // namespace bg::api
