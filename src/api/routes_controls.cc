// Registering enterprises, and the programme controls: revoking a voucher,
// clawing back a claim, the blacklist, sweeping expired vouchers.
#include "api/handlers.h"
#include "api/service.h"
#include "api/views.h"
#include "programme/names.h"

namespace bg::api {
namespace {

HttpResponse BookReply(const Call& c, const programme::Outcome& out, const Json& ok) {
  if (out.code == programme::Code::kOk || out.code == programme::Code::kExists) return Reply(ok);
  return Fail(c, programme::CodeName(out.code), out.message);
}

}  // namespace

Answer Service::RegisterEnterprise(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "register enterprises");
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto name = f.Str("name", true, 200);
  const auto code = f.Str("credit_code", true, 18);
  const auto home = f.Id("home");
  const auto category = f.Str("category", false, 32);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  programme::Enterprise e;
  e.id = EnterpriseId(*id);
  e.credit_code = *code;
  e.name = *name;
  e.applicant.id = e.id;
  e.applicant.home = JurisdictionId(*home);
  const std::string cat = category.value_or("other");
  const auto known = programme::FromName(programme::kCategoryNames, cat);
  if (!known) {
    return Fail(c, "invalid_field",
                "category '" + cat + "' is not one of " +
                    programme::AllowedNames(programme::kCategoryNames));
  }
  e.applicant.category = *known;
  return Answer(state::RegisterEnterprise{e}, Registered(c, View(e)));
}

Answer Service::RevokeVoucher(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the voucher id must be a positive number");
  Fields f(c.body);
  const auto reason = f.Str("reason", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const bool allowed = Look(*engine_, c, [&](const state::State& s) {
    const programme::Voucher* v = s.book().FindVoucher(VoucherId(*id));
    if (c.who.role == Role::kAdmin || v == nullptr) return true;
    return c.who.role == Role::kOperator && v->programme.value() == c.who.scope;
  });
  if (!allowed || !Is(c, {Role::kAdmin, Role::kOperator})) {
    return Forbidden(c, "revoke this voucher");
  }
  return Answer(
      programme::RevokeVoucher{.id = VoucherId(*id), .actor = c.who.name, .reason = *reason},
      [&c, id = *id](const state::State&, const state::CommandResult& r) {
        return BookReply(c, std::get<programme::Outcome>(r), {{"id", id}, {"status", "revoked"}});
      });
}

Answer Service::ClawBackClaim(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the claim id must be a positive number");
  Fields f(c.body);
  const auto reason = f.Str("reason", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const bool allowed = Look(*engine_, c, [&](const state::State& s) {
    const programme::Claim* claim = s.book().FindClaim(ClaimId(*id));
    if (c.who.role == Role::kAdmin || claim == nullptr) return true;
    if (c.who.role != Role::kOperator) return false;
    for (const auto& share : claim->shares) {
      if (share.programme.value() == c.who.scope) return true;
    }
    return false;
  });
  if (!allowed || !Is(c, {Role::kAdmin, Role::kOperator})) {
    return Forbidden(c, "claw back this claim");
  }
  return Answer(programme::Clawback{.claim = ClaimId(*id), .actor = c.who.name, .reason = *reason},
                [&c, id = *id](const state::State&, const state::CommandResult& r) {
                  return BookReply(c, std::get<programme::Outcome>(r),
                                   {{"id", id}, {"status", "clawed_back"}});
                });
}

Answer Service::Blacklist(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kOperator})) return Forbidden(c, "change the blacklist");
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the enterprise id must be a positive number");
  Fields f(c.body);
  const auto listed = f.Bool("listed", true);
  const auto reason = f.Str("reason", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  return Answer(
      programme::SetBlacklist{.enterprise = EnterpriseId(*id),
                              .listed = *listed,
                              .actor = c.who.name,
                              .reason = *reason},
      [&c, id = *id, listed = *listed](const state::State&, const state::CommandResult& r) {
        return BookReply(c, std::get<programme::Outcome>(r),
                         {{"enterprise", id}, {"listed", listed}});
      });
}

// The engine expires vouchers by itself at their expiry (state::Tick);
// this sweeps now, every programme's (admin) or one programme's (admin,
// or that programme's operator: its own only, the default for it).
Answer Service::ExpireVouchers(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kOperator})) return Forbidden(c, "sweep expired vouchers");
  Fields f(c.body);
  const auto limit = f.U64("limit", false, programme::kMaxExpirePerCommand);
  const auto programme = f.Id("programme", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  programme::ExpireVouchers sweep{.limit = static_cast<uint32_t>(limit.value_or(256)),
                                  .programme = ProgrammeId(programme.value_or(0))};
  if (c.who.role == Role::kOperator) {
    if (programme.has_value() && *programme != c.who.scope) {
      return Forbidden(c, "sweep another programme's vouchers");
    }
    sweep.programme = ProgrammeId(c.who.scope);
  }
  return Answer(sweep, [&c](const state::State&, const state::CommandResult& r) {
    const auto& out = std::get<programme::Outcome>(r);
    return BookReply(c, out, {{"swept", out.swept}});
  });
}

}  // namespace bg::api
