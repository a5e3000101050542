#include "notice/derive.h"

#include <initializer_list>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "notice/notice.h"

namespace bg::notice {
namespace {

using Json = nlohmann::json;

constexpr Timestamp kDay = 86'400 * kNanosPerSecond;

template <class... F>
struct Overload : F... {
  using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

// Collects the notices of one command.
class Sink {
 public:
  Sink(const state::State& s, Timestamp at, storage::NoticeRows* out) : s_(s), at_(at), out_(out) {}

  const state::State& state() const { return s_; }

  // `event` names what happened ("voucher:7:expired"); `body` gets the
  // kind, the time and the names of what it mentions.
  void Add(const std::string& recipient, Kind kind, const std::string& event, Json body) {
    body["kind"] = NameOf(kKindNames, kind);
    body["at"] = FormatUtcTime(at_);
    body["recipient"] = recipient;
    out_->notices.push_back(storage::NoticeRow{.key = recipient + "/" + event,
                                               .recipient = recipient,
                                               .kind = std::string(NameOf(kKindNames, kind)),
                                               .at = at_,
                                               .body = body.dump()});
  }

  std::string ProgrammeName(ProgrammeId id) const {
    const programme::ProgrammeRules* p = s_.registry().FindProgramme(id);
    return p == nullptr ? std::to_string(id.value()) : p->name;
  }
  std::string EnterpriseName(EnterpriseId id) const {
    const programme::Enterprise* e = s_.registry().FindEnterprise(id);
    return e == nullptr ? std::to_string(id.value()) : e->name;
  }
  std::string ProviderName(ProviderId id) const {
    const programme::Provider* p = s_.registry().FindProvider(id);
    return p == nullptr ? std::to_string(id.value()) : p->name;
  }

 private:
  const state::State& s_;
  Timestamp at_;
  storage::NoticeRows* out_;
};

// The parts one after another (in a loop, without a temporary per +).
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

std::string Enterprise(EnterpriseId id) { return "enterprise:" + std::to_string(id.value()); }
std::string Provider(ProviderId id) { return "provider:" + std::to_string(id.value()); }
std::string Programme(ProgrammeId id) { return "programme:" + std::to_string(id.value()); }

Json MoneyOf(Money m) { return {{"fen", m.fen()}, {"yuan", m.ToYuanString()}}; }

// --- Applications and vouchers ----------------------------------------------------

// An application's status in Chinese, for text_zh.
const char* StatusZh(programme::ApplicationStatus s) {
  switch (s) {
    case programme::ApplicationStatus::kDraft:
      return "草稿";
    case programme::ApplicationStatus::kSubmitted:
      return "已提交";
    case programme::ApplicationStatus::kUnderReview:
      return "审核中";
    case programme::ApplicationStatus::kApproved:
      return "已批准";
    case programme::ApplicationStatus::kRejected:
      return "未通过";
    case programme::ApplicationStatus::kReturnedForInfo:
      return "退回补充材料";
    case programme::ApplicationStatus::kIssued:
      return "已发券";
    case programme::ApplicationStatus::kWithdrawn:
      return "已撤回";
  }
  return "";
}

void Warn(Sink& sink, const programme::Voucher& v, uint32_t days) {
  sink.Add(Enterprise(v.holder), Kind::kVoucherExpiring,
           "voucher:" + std::to_string(v.id.value()) + ":expiring:" + std::to_string(days),
           {{"subject", {{"type", "voucher"}, {"id", v.id.value()}}},
            {"programme", v.programme.value()},
            {"programme_name", sink.ProgrammeName(v.programme)},
            {"days", days},
            {"expires_at", FormatUtcTime(v.expires_at)},
            {"text", "Voucher " + std::to_string(v.id.value()) + " of " +
                         sink.ProgrammeName(v.programme) + " expires in " + std::to_string(days) +
                         " days (" + FormatUtcTime(v.expires_at) + ")"},
            {"text_zh", "算力券 " + std::to_string(v.id.value()) + "（" +
                            sink.ProgrammeName(v.programme) + "）将在 " + std::to_string(days) +
                            " 天后到期"}});
}

void VoucherEvent(Sink& sink, VoucherId id, Kind kind, const std::string& what,
                  const std::string& what_zh) {
  const programme::Voucher* v = sink.state().book().FindVoucher(id);
  if (v == nullptr) return;
  sink.Add(Enterprise(v->holder), kind, "voucher:" + std::to_string(id.value()) + ":" + what,
           {{"subject", {{"type", "voucher"}, {"id", id.value()}}},
            {"programme", v->programme.value()},
            {"programme_name", sink.ProgrammeName(v->programme)},
            {"amount", MoneyOf(v->amount)},
            {"expires_at", FormatUtcTime(v->expires_at)},
            {"reason", v->reason},
            {"text", "Voucher " + std::to_string(id.value()) + " of " +
                         sink.ProgrammeName(v->programme) + " (" + v->amount.ToYuanString() +
                         " yuan) " + what},
            {"text_zh", "算力券 " + std::to_string(id.value()) + "（" +
                            sink.ProgrammeName(v->programme) + "）" + what_zh}});
}

void Issued(Sink& sink, VoucherId id, Timestamp now) {
  VoucherEvent(sink, id, Kind::kVoucherIssued, "issued", "已发放");
  const programme::Voucher* v = sink.state().book().FindVoucher(id);
  if (v == nullptr) return;
  // Issued inside a warning's window: warned at once (the watermark has
  // passed that warning's time already).
  for (const uint32_t days : kExpiryWarningDays) {
    if (v->expires_at > now && v->expires_at - now <= days * kDay) Warn(sink, *v, days);
  }
}

void Step(Sink& sink, ApplicationId id, programme::Step step, const programme::Outcome& outcome,
          Timestamp now) {
  if (outcome.code != programme::Code::kOk) return;
  const programme::Application* a = sink.state().book().FindApplication(id);
  if (a == nullptr) return;
  const std::string status(NameOf(programme::kApplicationStatusNames, a->status));
  const std::string event = "application:" + std::to_string(id.value()) + ":" + status + ":" +
                            std::to_string(a->history.size());
  const std::string reason = a->history.empty() ? std::string() : a->history.back().reason;
  Json body = {{"subject", {{"type", "application"}, {"id", id.value()}}},
               {"programme", a->filed.programme.value()},
               {"programme_name", sink.ProgrammeName(a->filed.programme)},
               {"enterprise", a->filed.enterprise.value()},
               {"enterprise_name", sink.EnterpriseName(a->filed.enterprise)},
               {"status", status},
               {"reason", reason}};
  if (step == programme::Step::kSubmit || step == programme::Step::kWithdraw) {
    // The enterprise's own step: its programme is told.
    body["text"] = "Application " + std::to_string(id.value()) + " of " +
                   sink.EnterpriseName(a->filed.enterprise) + ": " + status;
    body["text_zh"] = "申请 " + std::to_string(id.value()) + "（" +
                      sink.EnterpriseName(a->filed.enterprise) + "）：" + StatusZh(a->status);
    sink.Add(Programme(a->filed.programme), Kind::kApplicationSubmitted, event, std::move(body));
    return;
  }
  body["text"] = "Your application " + std::to_string(id.value()) + " to " +
                 sink.ProgrammeName(a->filed.programme) + ": " + status +
                 (reason.empty() ? "" : " (" + reason + ")");
  body["text_zh"] = "您的申请 " + std::to_string(id.value()) + "（" +
                    sink.ProgrammeName(a->filed.programme) + "）：" + StatusZh(a->status) +
                    (reason.empty() ? "" : "（" + reason + "）");
  sink.Add(Enterprise(a->filed.enterprise), Kind::kApplicationStep, event, std::move(body));
  if (step == programme::Step::kIssue) Issued(sink, VoucherId(id.value()), now);
}

// --- Jobs -------------------------------------------------------------------------

void JobEvent(Sink& sink, OrderId id, Kind kind, const std::string& what,
              const std::string& what_zh) {
  const scheduler::Job* job = sink.state().scheduler().FindJob(id);
  if (job == nullptr) return;
  const EnterpriseId enterprise = job->submitted.request.enterprise;
  ProviderId provider{};
  if (const network::Pool* pool = sink.state().network().FindPool(job->pool)) {
    if (const network::Site* site = sink.state().network().FindSite(pool->site)) {
      provider = site->provider;
    }
  }
  Json body = {{"subject", {{"type", "job"}, {"id", id.value()}}},
               {"enterprise", enterprise.value()},
               {"enterprise_name", sink.EnterpriseName(enterprise)},
               {"pool", job->pool.value()},
               {"provider", provider.value()},
               {"provider_name", provider.is_zero() ? "" : sink.ProviderName(provider)},
               {"status", NameOf(scheduler::kJobStatusNames, job->status)},
               {"note", job->note},
               {"text", "Job " + std::to_string(id.value()) + " " + what},
               {"text_zh", "作业 " + std::to_string(id.value()) + " " + what_zh}};
  const std::string event = "job:" + std::to_string(id.value()) + ":" + what;
  sink.Add(Enterprise(enterprise), kind, event, body);
  // The provider runs what is placed, and frees what stops or finishes.
  if (!provider.is_zero()) sink.Add(Provider(provider), kind, event, std::move(body));
}

// --- Statements -------------------------------------------------------------------

void StatementEvents(Sink& sink, ProgrammeId programme, const settlement::Period& period,
                     uint64_t payee, Kind kind, const std::string& what,
                     const std::string& what_zh) {
  auto it = sink.state().settlement().closed().find({programme, period});
  if (it == sink.state().settlement().closed().end()) return;
  const std::string period_name = settlement::PeriodName(period);
  for (const settlement::Payment& p : it->second.payments) {
    if (payee != 0 && p.payee != payee) continue;
    const bool to_provider = p.payee_kind == static_cast<uint8_t>(settlement::PayeeKind::kProvider);
    const std::string payee_name = to_provider ? sink.ProviderName(ProviderId(p.payee))
                                               : sink.EnterpriseName(EnterpriseId(p.payee));
    const std::string payee_of =
        to_provider ? Provider(ProviderId(p.payee)) : Enterprise(EnterpriseId(p.payee));
    Json body = {
        {"subject",
         {{"type", "statement"}, {"programme", programme.value()}, {"period", period_name}}},
        {"programme", programme.value()},
        {"programme_name", sink.ProgrammeName(programme)},
        {"payee", p.payee},
        {"payee_kind", to_provider ? "provider" : "enterprise"},
        {"payee_name", payee_name},
        {"amount", MoneyOf(p.amount)},
        {"bank_reference", p.bank_reference},
        {"text", Cat({"Statement of ", sink.ProgrammeName(programme), " for ", period_name, " to ",
                      payee_name, " (", p.amount.ToYuanString(), " yuan) ", what})},
        {"text_zh", Cat({sink.ProgrammeName(programme), " ", period_name, " 对 ", payee_name,
                         " 的结算单", what_zh})}};
    const std::string event = Cat({"statement:", std::to_string(programme.value()), ":",
                                   period_name, ":", payee_of, ":", what});
    sink.Add(payee_of, kind, event, body);
    sink.Add(Programme(programme), kind, event, std::move(body));
  }
}

}  // namespace

void Deriver::Reset(const state::State& /*state*/, Timestamp last) { watermark_ = last; }

void Deriver::Applied(const state::State& state, const state::Command& command,
                      const state::CommandResult& result, storage::NoticeRows* out) {
  Sink sink(state, command.ts, out);
  std::visit(
      Overload{
          [&](const programme::ReviewApplication& c) {
            Step(sink, c.id, c.step, std::get<programme::Outcome>(result), command.ts);
          },
          [&](const programme::ReviewApplications& c) {
            const auto& bulk = std::get<programme::BulkOutcome>(result);
            for (size_t i = 0; i < c.ids.size() && i < bulk.results.size(); ++i) {
              Step(sink, c.ids[i], c.step, bulk.results[i], command.ts);
            }
          },
          [&](const programme::RevokeVoucher& c) {
            if (std::get<programme::Outcome>(result).code == programme::Code::kOk) {
              VoucherEvent(sink, c.id, Kind::kVoucherRevoked, "revoked", "已撤销");
            }
          },
          [&](const programme::ExpireVouchers&) {
            for (VoucherId id : std::get<programme::Outcome>(result).swept_ids) {
              VoucherEvent(sink, id, Kind::kVoucherExpired, "expired", "已过期");
            }
          },
          [&](const state::Tick&) {
            const auto& t = std::get<state::TickResult>(result);
            for (OrderId id : t.finished_ids) {
              JobEvent(sink, id, Kind::kJobFinished, "finished", "已结束");
            }
            for (VoucherId id : t.swept_ids) {
              VoucherEvent(sink, id, Kind::kVoucherExpired, "expired", "已过期");
            }
          },
          [&](const scheduler::SubmitJob& c) {
            const auto& r = std::get<scheduler::JobOutcome>(result);
            if (r.code == scheduler::Code::kOk && r.status == scheduler::JobStatus::kRunning) {
              JobEvent(sink, c.request.id, Kind::kJobPlaced, "placed", "已调度");
            }
          },
          [&](const scheduler::Schedule&) {
            for (OrderId id : std::get<scheduler::JobOutcome>(result).placed_ids) {
              JobEvent(sink, id, Kind::kJobPlaced, "placed", "已调度");
            }
          },
          [&](const scheduler::FinishJob& c) {
            if (std::get<scheduler::JobOutcome>(result).code == scheduler::Code::kOk) {
              JobEvent(sink, c.id, Kind::kJobFinished, "finished", "已结束");
            }
          },
          [&](const scheduler::CancelJob& c) {
            if (std::get<scheduler::JobOutcome>(result).code == scheduler::Code::kOk) {
              JobEvent(sink, c.id, Kind::kJobStopped, "stopped", "已停止");
            }
          },
          [&](const settlement::CloseStatement& c) {
            if (std::get<settlement::Outcome>(result).code == settlement::Code::kOk) {
              StatementEvents(sink, c.programme, c.period, 0, Kind::kStatementClosed, "closed",
                              "已结账");
            }
          },
          [&](const settlement::ApproveStatement& c) {
            if (std::get<settlement::Outcome>(result).code == settlement::Code::kOk) {
              StatementEvents(sink, c.programme, c.period, c.payee, Kind::kStatementApproved,
                              "approved", "已审批");
            }
          },
          [&](const settlement::PayStatement& c) {
            if (std::get<settlement::Outcome>(result).code == settlement::Code::kOk) {
              StatementEvents(sink, c.programme, c.period, c.payee, Kind::kStatementPaid, "paid",
                              "已支付");
            }
          },
          [](const auto&) {},
      },
      command.body);
  // Expiry warnings whose time this command passed.
  if (command.ts > watermark_) {
    if (watermark_ != 0) {
      for (const uint32_t days : kExpiryWarningDays) {
        for (VoucherId id :
             state.book().LiveExpiringIn(watermark_ + days * kDay, command.ts + days * kDay)) {
          Warn(sink, *state.book().FindVoucher(id), days);
        }
      }
    }
    watermark_ = command.ts;
  }
}

}  // namespace bg::notice
