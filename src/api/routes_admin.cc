// Tokens: created and rotated (the secret shown once), listed (never the
// secret) and revoked by an admin.
#include "api/handlers.h"
#include "api/service.h"
#include "api/views.h"

namespace bg::api {
namespace {

// ?expires_in_days= of a new or rotated token: 1 to 3650, 90 when absent.
std::optional<Timestamp> ExpiresAt(Fields& f, Timestamp now) {
  const auto days = f.U64("expires_in_days", false, 3650);
  if (days && *days == 0) {
    f.Refuse("invalid_field", "'expires_in_days' must be 1 to 3650");
    return std::nullopt;
  }
  return now + (days ? *days * 86'400 * kNanosPerSecond : access::kDefaultTokenLifetime);
}

// What the token acts for, by name: the programme, enterprise, provider or
// reviewer.
std::string SubjectName(const state::State& s, const access::ApiToken& t) {
  switch (t.role) {
    case access::TokenRole::kOperator: {
      const programme::ProgrammeRules* p = s.registry().FindProgramme(ProgrammeId(t.scope));
      return p == nullptr ? "" : p->name;
    }
    case access::TokenRole::kEnterprise: {
      const programme::Enterprise* e = s.registry().FindEnterprise(EnterpriseId(t.scope));
      return e == nullptr ? "" : e->name;
    }
    case access::TokenRole::kProvider: {
      const programme::Provider* p = s.registry().FindProvider(ProviderId(t.scope));
      return p == nullptr ? "" : p->name;
    }
    case access::TokenRole::kExpert: {
      const facility::Expert* e = s.rounds().FindReviewer(static_cast<uint32_t>(t.scope));
      return e == nullptr ? "" : e->request.name;
    }
    case access::TokenRole::kAdmin:
    case access::TokenRole::kAuditor:
      break;
  }
  return "";
}

Json TokenView(const state::State& s, const access::ApiToken& t, Timestamp now) {
  Json out;
  out["id"] = t.id;
  out["name"] = t.name;
  out["role"] = access::TokenRoleName(t.role);
  out["scope"] = t.scope;
  out["scope_name"] = SubjectName(s, t);
  out["stage"] = access::TokenStageName(t.stage);
  out["created_at"] = TimeJson(t.created_at);
  out["rotated_at"] = TimeJson(t.rotated_at);
  out["expires_at"] = TimeJson(t.expires_at);
  out["status"] = t.revoked ? "revoked" : t.LiveAt(now) ? "active" : "expired";
  return out;
}

}  // namespace

Answer Service::CreateToken(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "create tokens");
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto role = f.Str("role", true, 16);
  const auto scope = f.U64("scope", false, (uint64_t{1} << 54) - 1);
  const auto name = f.Str("name", true, 100);
  const auto stage_name = f.Str("stage", false, 16);
  const auto expires_at = ExpiresAt(f, clock_->Now());
  if (f.ok() && name->find_first_not_of(" \t") == std::string::npos) {
    f.Refuse("invalid_field", "'name' must name who holds the token (steps are journaled by it)");
  }
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const std::optional<access::TokenRole> r = access::TokenRoleFromName(*role);
  if (!r) {
    return Fail(c, "invalid_field",
                "role is admin, operator, enterprise, provider, auditor or expert");
  }
  const std::optional<access::TokenStage> stage =
      access::TokenStageFromName(stage_name.value_or("any"));
  if (!stage) return Fail(c, "invalid_field", "stage is reviewer, approver, finance or any");
  const auto [secret, hash] = NewToken();
  return Answer(state::CreateApiToken{.id = *id,
                                      .hash = hash,
                                      .role = *r,
                                      .scope = scope.value_or(0),
                                      .name = *name,
                                      .stage = *stage,
                                      .expires_at = *expires_at},
                [&c, id = *id, r = *r, role = *role, scope = scope.value_or(0), secret = secret,
                 stage = *stage,
                 expires_at = *expires_at](const state::State&, const state::CommandResult& out) {
                  const auto result = std::get<state::TokenOutcome>(out).result;
                  if (result == access::TokenResult::kUnknownSubject) {
                    const std::string subject = access::TokenSubjectName(r);
                    return Fail(c, "unknown_" + subject,
                                "no " + subject + " " + std::to_string(scope) +
                                    " is registered: the scope of " + role + " tokens names the " +
                                    subject + " they act for");
                  }
                  if (result == access::TokenResult::kStageForOperatorsOnly) {
                    return Fail(c, access::TokenResultName(result),
                                "only operator tokens take a stage; a " + role + " token has none");
                  }
                  if (result != access::TokenResult::kOk) {
                    return Fail(c, access::TokenResultName(result), "token " + std::to_string(id));
                  }
                  // The only time the secret is shown: the state keeps its hash.
                  return Reply({{"id", id},
                                {"role", role},
                                {"scope", scope},
                                {"stage", access::TokenStageName(stage)},
                                {"expires_at", TimeJson(expires_at)},
                                {"token", secret}},
                               201);
                });
}

Answer Service::RevokeToken(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "revoke tokens");
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the token id must be a positive number");
  return Answer(state::RevokeApiToken{.id = *id},
                [this, &c, id = *id](const state::State&, const state::CommandResult& out) {
                  // Once the revocation is applied no lookup finds the token,
                  // and the cache forgets it (a lookup from before cannot put
                  // it back: the generation moves).
                  ForgetTokens();
                  const auto result = std::get<state::TokenOutcome>(out).result;
                  if (result != access::TokenResult::kOk) {
                    return Fail(c, access::TokenResultName(result), "token " + std::to_string(id));
                  }
                  return Reply({{"id", id}, {"revoked", true}});
                });
}

Answer Service::ListTokens(Call& c) {
  if (!Is(c, {Role::kAdmin, Role::kAuditor})) return Forbidden(c, "list tokens");
  HttpResponse fail;
  const Timestamp now = clock_->Now();
  auto page = Look(*engine_, c, [&](const state::State& s) {
    return Page(
        c, s.tokens().tokens(), [](const access::ApiToken&) { return true; },
        [&](const access::ApiToken& t) { return TokenView(s, t, now); }, &fail);
  });
  return page ? Reply(*page) : fail;
}

Answer Service::Me(Call& c) {
  return Look(*engine_, c, [&](const state::State& s) {
    access::ApiToken t;
    t.role = static_cast<access::TokenRole>(c.who.role);  // numbered alike (spec/routes.h)
    t.scope = c.who.scope;
    return Reply({{"name", c.who.name},
                  {"role", access::TokenRoleName(t.role)},
                  {"scope", c.who.scope},
                  {"scope_name", SubjectName(s, t)},
                  {"stage", access::TokenStageName(c.who.stage)},
                  {"expires_at", TimeJson(c.who.expires_at)}});
  });
}

// A new secret for the same token (id, role, scope, name and stage): the
// old secret stops working as this is applied.
Answer Service::RotateToken(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "rotate tokens");
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the token id must be a positive number");
  Fields f(c.body);
  const auto expires_at = ExpiresAt(f, clock_->Now());
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const auto [secret, hash] = NewToken();
  return Answer(
      state::RotateApiToken{.id = *id, .hash = hash, .expires_at = *expires_at},
      [this, &c, id = *id, secret = secret, expires_at = *expires_at](
          const state::State&, const state::CommandResult& out) {
        ForgetTokens();  // the old secret's cached entry with it
        const auto result = std::get<state::TokenOutcome>(out).result;
        if (result != access::TokenResult::kOk) {
          return Fail(c, access::TokenResultName(result), "token " + std::to_string(id));
        }
        return Reply({{"id", id}, {"expires_at", TimeJson(expires_at)}, {"token", secret}});
      });
}

}  // namespace bg::api
