// Tokens: created (the secret shown once) and revoked by an admin.
#include "api/handlers.h"
#include "api/service.h"

namespace bg::api {

Answer Service::CreateToken(Call& c) {
  if (!Is(c, {Role::kAdmin})) return Forbidden(c, "create tokens");
  Fields f(c.body);
  const auto id = f.Id("id");
  const auto role = f.Str("role", true, 16);
  const auto scope = f.U64("scope", false, (uint64_t{1} << 54) - 1);
  const auto name = f.Str("name", true, 100);
  const auto stage_name = f.Str("stage", false, 16);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const std::optional<access::TokenRole> r = access::TokenRoleFromName(*role);
  if (!r) {
    return Fail(c, "invalid_field", "role is admin, operator, enterprise, provider or auditor");
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
                                      .stage = *stage},
                [&c, id = *id, r = *r, role = *role, scope = scope.value_or(0), secret = secret,
                 stage = *stage](const state::State&, const state::CommandResult& out) {
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

}  // namespace bg::api
