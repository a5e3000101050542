// API tokens: who may call the HTTP API, in what role. A token is a random
// secret shown once when it is created (`baygrid tokens create`); the state
// keeps only its BLAKE2b-256 hash, the role and the scope (the programme
// an operator runs, the enterprise or provider a token acts for), an
// operator's stage, and when it expires. Creating, rotating (a new secret
// for the same token: the old one stops at once) and revoking are
// journaled commands like any other.
//
// Thread-safety: none; the engine's writer owns it.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/codec.h"
#include "common/enum_names.h"
#include "common/hash.h"
#include "common/undo_log.h"

namespace bg::access {

// The same numbering as api::Role.
// kExpert: an expert reviewer of proposal rounds for shared facilities
// (facility/rounds.h), scoped to its reviewer id.
enum class TokenRole : uint8_t { kAdmin = 0, kOperator, kEnterprise, kProvider, kAuditor, kExpert };
inline constexpr std::array<EnumName<TokenRole>, 6> kTokenRoleNames = {{
    {"admin", TokenRole::kAdmin},
    {"operator", TokenRole::kOperator},
    {"enterprise", TokenRole::kEnterprise},
    {"provider", TokenRole::kProvider},
    {"auditor", TokenRole::kAuditor},
    {"expert", TokenRole::kExpert},
}};
static_assert(IsNameTable(kTokenRoleNames));
const char* TokenRoleName(TokenRole r);
// The role of a name TokenRoleName gives; nothing for any other word.
std::optional<TokenRole> TokenRoleFromName(std::string_view name);
// What a token of the role acts for, its scope: "programme" (operator),
// "enterprise", "provider", "reviewer" (expert); "" for admin and auditor,
// which have none.
inline constexpr std::array<EnumName<TokenRole>, 6> kTokenSubjectNames = {{
    {"", TokenRole::kAdmin},
    {"programme", TokenRole::kOperator},
    {"enterprise", TokenRole::kEnterprise},
    {"provider", TokenRole::kProvider},
    {"", TokenRole::kAuditor},
    {"reviewer", TokenRole::kExpert},
}};
static_assert(IsDense(kTokenSubjectNames));  // not a name table: two roles share ""
const char* TokenSubjectName(TokenRole r);

// An operator token's stage: which of a programme's steps its holder takes.
// Reviewers close periods (and review), approvers approve, finance approves
// and pays statements. kAny is every step: operator tokens created before
// stages, and every token of another role.
enum class TokenStage : uint8_t { kAny = 0, kReviewer, kApprover, kFinance };
inline constexpr std::array<EnumName<TokenStage>, 4> kTokenStageNames = {{
    {"any", TokenStage::kAny},
    {"reviewer", TokenStage::kReviewer},
    {"approver", TokenStage::kApprover},
    {"finance", TokenStage::kFinance},
}};
static_assert(IsNameTable(kTokenStageNames));
const char* TokenStageName(TokenStage s);
std::optional<TokenStage> TokenStageFromName(std::string_view name);

struct ApiToken {
  uint64_t id = 0;
  Hash256 hash{};
  TokenRole role = TokenRole::kAuditor;
  uint64_t scope = 0;
  std::string name;
  TokenStage stage = TokenStage::kAny;
  Timestamp expires_at = 0;  // 0: never (tokens created before expiry)
  Timestamp created_at = 0;
  Timestamp rotated_at = 0;  // the last new secret; 0: never rotated
  bool revoked = false;
  // Whether it lets its holder in at `now`.
  bool LiveAt(Timestamp now) const { return !revoked && (expires_at == 0 || now < expires_at); }
  friend bool operator==(const ApiToken&, const ApiToken&) = default;
};

struct CreateApiToken {
  uint64_t id = 0;
  Hash256 hash{};
  TokenRole role = TokenRole::kAuditor;
  uint64_t scope = 0;
  std::string name;
  // Journaled after the rest, with the stage (tag 38), when either is set.
  TokenStage stage = TokenStage::kAny;
  Timestamp expires_at = 0;  // 0: never
  friend bool operator==(const CreateApiToken&, const CreateApiToken&) = default;
};
// A new secret (its hash) for token `id`, with a new expiry; the old
// secret stops working with this command.
struct RotateApiToken {
  uint64_t id = 0;
  Hash256 hash{};
  Timestamp expires_at = 0;
  friend bool operator==(const RotateApiToken&, const RotateApiToken&) = default;
};
inline constexpr Timestamp kDefaultTokenLifetime = Timestamp{90} * 86'400 * 1'000'000'000;
struct RevokeApiToken {
  uint64_t id = 0;
  friend bool operator==(const RevokeApiToken&, const RevokeApiToken&) = default;
};

enum class TokenResult : uint8_t {
  kOk = 0,
  kExists,
  kExistsWithDifferentBody,
  kUnknownToken,
  kScopeRequired,  // operator, enterprise and provider tokens name what they act for
  kAlreadyRevoked,
  kUnknownSubject,  // ... and what they name is registered
  kStageForOperatorsOnly,
  kExpiresInThePast,
};
inline constexpr std::array<EnumName<TokenResult>, 9> kTokenResultNames = {{
    {"ok", TokenResult::kOk},
    {"exists", TokenResult::kExists},
    {"exists_with_different_body", TokenResult::kExistsWithDifferentBody},
    {"unknown_token", TokenResult::kUnknownToken},
    {"scope_required", TokenResult::kScopeRequired},
    {"already_revoked", TokenResult::kAlreadyRevoked},
    {"unknown_subject", TokenResult::kUnknownSubject},
    {"stage_for_operators_only", TokenResult::kStageForOperatorsOnly},
    {"expires_in_the_past", TokenResult::kExpiresInThePast},
}};
static_assert(IsNameTable(kTokenResultNames));
const char* TokenResultName(TokenResult r);

class Tokens {
 public:
  // `subject_registered`: whether the programme, enterprise or provider the
  // token's scope names exists (the registry's to say).
  TokenResult Apply(const CreateApiToken& c, Timestamp ts, bool subject_registered);
  TokenResult Apply(const RevokeApiToken& c);
  TokenResult Apply(const RotateApiToken& c, Timestamp ts);
  // The token with this hash, unless revoked (expiry is the caller's to
  // check against its clock: ApiToken::LiveAt).
  const ApiToken* FindByHash(const Hash256& hash) const;
  const std::map<uint64_t, ApiToken>& tokens() const { return tokens_; }

  void BeginBatch() { undo_.BeginBatch(); }
  void CommitBatch() { undo_.CommitBatch(); }
  void RollbackBatch() { undo_.RollbackBatch(); }

  void Encode(Writer& w) const;
  static bool Decode(Reader& r, Tokens* out);
  bool operator==(const Tokens& o) const { return tokens_ == o.tokens_; }

 private:
  std::map<uint64_t, ApiToken> tokens_;
  std::map<Hash256, uint64_t> by_hash_;  // derived
  UndoLog undo_;
};

// The body without the stage and expiry (tags 30 and 38 both start so; 38
// adds the stage byte and the expiry after it).
void EncodeCreateApiToken(Writer& w, const CreateApiToken& c);
bool DecodeCreateApiToken(Reader& r, CreateApiToken* c);
void EncodeRotateApiToken(Writer& w, const RotateApiToken& c);
bool DecodeRotateApiToken(Reader& r, RotateApiToken* c);

}  // namespace bg::access
