// A programme's life (lifecycle.h): amendments as new versions, budget
// top-ups and cuts, suspension, resumption, the close, and the provider
// list. The money moves between the issuer's funding and the programme's
// budget (kFund in, kWithdraw out), so that the budget's identity in
// reconcile.h keeps holding with the total budget as what is funded now.
#include "common/check.h"
#include "programme/book.h"
#include "programme/book_util.h"

namespace bg::programme {
namespace {

using book::Minus;
using book::Plus;
using book::ProgName;
using book::Refuse;

bool Blank(const std::string& s) { return s.find_first_not_of(" \t\r\n") == std::string::npos; }

// What an amendment changes that every version shares, if anything.
std::string SharedFieldChanged(const ProgrammeRules& was, const ProgrammeRules& is) {
  if (is.name != was.name) return "name";
  if (is.kind != was.kind) return "kind";
  if (is.issuer != was.issuer) return "issuer";
  if (is.level != was.level) return "level";
  if (is.redemption != was.redemption) return "redemption";
  if (is.settlement != was.settlement) return "settlement";
  if (is.total_budget != was.total_budget) return "total_budget (top up or cut it)";
  if (is.providers != was.providers) return "providers (list or delist providers)";
  if (is.review != was.review) return "review";
  if (is.covers != was.covers) return "covers (what it pays for)";
  return "";
}

ProgrammeEvent EventOf(const ChangeProgramme& c, Timestamp ts) {
  return {.at = ts,
          .what = std::string(NameOf(kProgrammeActionNames, c.action)),
          .amount = c.amount,
          .provider = c.provider,
          .actor = c.actor,
          .reason = c.reason};
}

}  // namespace

Outcome Book::Apply(const AmendProgramme& c, Registry& registry, Timestamp ts) {
  const ProgrammeLife* found = registry.FindLife(c.rules.id);
  if (found == nullptr) {
    return Refuse(Code::kUnknownProgramme, "no programme " + std::to_string(c.rules.id.value()));
  }
  const ProgrammeRules& latest = found->versions.back().rules;
  const std::string name = ProgName(latest);
  if (Blank(c.reason)) return Refuse(Code::kReasonRequired, "amending " + name + " needs a reason");
  if (found->status == ProgrammeStatus::kClosed) {
    return Refuse(Code::kProgrammeClosed, name + " is closed; it is not amended");
  }
  auto invalid = [&](const std::string& why) {
    return Refuse(Code::kInvalidAmendment, "amending " + name + ": " + why);
  };
  if (found->versions.size() >= kMaxProgrammeVersions) {
    return invalid("at most " + std::to_string(kMaxProgrammeVersions) + " versions");
  }
  if (c.effective_from < ts) return invalid("an amendment takes effect from now or later");
  if (c.effective_from < found->versions.back().effective_from) {
    return invalid("version " + std::to_string(found->versions.size()) +
                   " takes effect later than this one would");
  }
  if (c.effective_from >= c.rules.valid_until) {
    return invalid("it would take effect after the programme ends");
  }
  if (std::string field = SharedFieldChanged(latest, c.rules); !field.empty()) {
    return invalid("every version shares its " + field);
  }
  if (RegistryResult r = registry.CheckRules(c.rules); r != RegistryResult::kOk) {
    return invalid(RegistryResultName(r));
  }
  ProgrammeLife life = *found;
  const auto number = static_cast<uint32_t>(life.versions.size() + 1);
  life.versions.push_back({.number = number, .effective_from = c.effective_from, .rules = c.rules});
  life.events.push_back(
      {.at = ts, .what = "amend", .version = number, .actor = c.actor, .reason = c.reason});
  registry.PutLife(c.rules.id, std::move(life));
  return {};
}

Outcome Book::Apply(const ChangeProgramme& c, Registry& registry, Timestamp ts,
                    ledger::Ledger& ledger) {
  const ProgrammeLife* found = registry.FindLife(c.programme);
  if (found == nullptr) {
    return Refuse(Code::kUnknownProgramme, "no programme " + std::to_string(c.programme.value()));
  }
  const ProgrammeRules& latest = found->versions.back().rules;
  const std::string name = ProgName(latest);
  const std::string action(NameOf(kProgrammeActionNames, c.action));
  if (Blank(c.reason)) {
    return Refuse(Code::kReasonRequired, action + " of " + name + " needs a reason");
  }
  using A = ProgrammeAction;
  using S = ProgrammeStatus;
  // A closed programme only gives back what returns to its budget later
  // (expiry, voids): a cut.
  if (found->status == S::kClosed && c.action != A::kCut) {
    return Refuse(Code::kProgrammeClosed, name + " is closed; " + action + " is not taken");
  }
  const bool money = c.action == A::kTopUp || c.action == A::kCut;
  if (money && c.amount.fen() <= 0) {
    return Refuse(
        Code::kAmountMustBePositive,
        action + " of " + name + ": the amount must be positive, got " + c.amount.ToYuanString());
  }
  ProgrammeLife life = *found;
  ProgrammeEvent event = EventOf(c, ts);
  const uint32_t currency = registry.FindJurisdiction(latest.issuer)->currency_ledger;
  const Money uncommitted = Available(ledger, BudgetAccount(latest.id));
  Money total = latest.total_budget;
  Money withdraw{};
  switch (c.action) {
    case A::kTopUp:
      total = Plus(total, c.amount);
      book::MustTransfer(
          ledger,
          {book::Move(NextTransferId(), FundingAccount(latest.issuer), BudgetAccount(latest.id),
                      c.amount, currency, MoneyCode::kFund, latest.id.value())},
          ts);
      break;
    case A::kCut:
      if (c.amount > uncommitted) {
        return Refuse(Code::kCutAboveUncommitted,
                      name + " has " + uncommitted.ToYuanString() + " uncommitted; a cut of " +
                          c.amount.ToYuanString() + " would take back what is granted");
      }
      if (life.status != S::kClosed && latest.yearly_budget &&
          Minus(total, c.amount) < *latest.yearly_budget) {
        return Refuse(Code::kCutAboveUncommitted,
                      name + ": the cut would leave a total budget below its yearly budget of " +
                          latest.yearly_budget->ToYuanString() + "; amend the yearly budget first");
      }
      withdraw = c.amount;
      break;
    case A::kSuspend:
    case A::kResume: {
      const S from = c.action == A::kSuspend ? S::kActive : S::kSuspended;
      if (life.status != from) {
        return Refuse(Code::kInvalidTransition,
                      name + " is " + std::string(NameOf(kProgrammeStatusNames, life.status)) +
                          "; " + action + " is for a programme that is " +
                          std::string(NameOf(kProgrammeStatusNames, from)));
      }
      life.status = c.action == A::kSuspend ? S::kSuspended : S::kActive;
      break;
    }
    case A::kClose:
      life.status = S::kClosed;
      withdraw = uncommitted;
      event.amount = uncommitted;
      break;
    case A::kListProvider:
    case A::kDelistProvider: {
      if (registry.FindProvider(c.provider) == nullptr) {
        return Refuse(Code::kUnknownProvider, "no provider " + std::to_string(c.provider.value()));
      }
      if (!latest.providers.listed_only) {
        return Refuse(Code::kInvalidTransition,
                      name + " pays at any eligible provider: it keeps no provider list");
      }
      const bool listing = c.action == A::kListProvider;
      const std::vector<ProviderId>& listed = latest.providers.listed;
      const bool on = std::find(listed.begin(), listed.end(), c.provider) != listed.end();
      if (on == listing) {
        return Refuse(Code::kInvalidTransition, "provider " + std::to_string(c.provider.value()) +
                                                    (on ? " is on " : " is not on ") + name +
                                                    "'s list");
      }
      for (ProgrammeVersion& v : life.versions) {
        std::vector<ProviderId>& list = v.rules.providers.listed;
        if (listing) {
          list.push_back(c.provider);
        } else {
          std::erase(list, c.provider);
        }
      }
      break;
    }
  }
  if (!withdraw.is_zero()) {
    total = Minus(total, withdraw);
    book::MustTransfer(
        ledger,
        {book::Move(NextTransferId(), BudgetAccount(latest.id), FundingAccount(latest.issuer),
                    withdraw, currency, MoneyCode::kWithdraw, latest.id.value())},
        ts);
  }
  // The total budget is every version's (lifecycle.h).
  for (ProgrammeVersion& v : life.versions) v.rules.total_budget = total;
  life.events.push_back(std::move(event));
  registry.PutLife(latest.id, std::move(life));
  return {};
}

}  // namespace bg::programme
