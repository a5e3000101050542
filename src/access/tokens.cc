#include "access/tokens.h"

namespace bg::access {
namespace {

void PutHash(Writer& w, const Hash256& h) {
  for (uint8_t b : h) w.U8(b);
}
bool GetHash(Reader& r, Hash256* h) {
  for (uint8_t& b : *h) {
    if (!r.U8(&b)) return false;
  }
  return true;
}

}  // namespace

const char* TokenRoleName(TokenRole r) { return NameOf(kTokenRoleNames, r).data(); }

std::optional<TokenRole> TokenRoleFromName(std::string_view name) {
  return FromName(kTokenRoleNames, name);
}

const char* TokenSubjectName(TokenRole r) { return NameOf(kTokenSubjectNames, r).data(); }

const char* TokenResultName(TokenResult r) { return NameOf(kTokenResultNames, r).data(); }

const char* TokenStageName(TokenStage s) { return NameOf(kTokenStageNames, s).data(); }

std::optional<TokenStage> TokenStageFromName(std::string_view name) {
  return FromName(kTokenStageNames, name);
}

TokenResult Tokens::Apply(const CreateApiToken& c, Timestamp ts, bool subject_registered) {
  if (auto it = tokens_.find(c.id); it != tokens_.end()) {
    const ApiToken& t = it->second;
    const bool same = t.hash == c.hash && t.role == c.role && t.scope == c.scope &&
                      t.name == c.name && t.stage == c.stage && t.expires_at == c.expires_at;
    return same ? TokenResult::kExists : TokenResult::kExistsWithDifferentBody;
  }
  if (by_hash_.count(c.hash) != 0) return TokenResult::kExistsWithDifferentBody;
  const bool scoped = c.role == TokenRole::kOperator || c.role == TokenRole::kEnterprise ||
                      c.role == TokenRole::kProvider || c.role == TokenRole::kExpert;
  if (scoped && c.scope == 0) return TokenResult::kScopeRequired;
  if (scoped && !subject_registered) return TokenResult::kUnknownSubject;
  if (c.stage != TokenStage::kAny && c.role != TokenRole::kOperator) {
    return TokenResult::kStageForOperatorsOnly;
  }
  if (c.expires_at != 0 && c.expires_at <= ts) return TokenResult::kExpiresInThePast;
  undo_.Put(tokens_, c.id,
            ApiToken{.id = c.id,
                     .hash = c.hash,
                     .role = c.role,
                     .scope = c.scope,
                     .name = c.name,
                     .stage = c.stage,
                     .expires_at = c.expires_at,
                     .created_at = ts});
  undo_.Put(by_hash_, c.hash, c.id);
  return TokenResult::kOk;
}

TokenResult Tokens::Apply(const RevokeApiToken& c) {
  auto it = tokens_.find(c.id);
  if (it == tokens_.end()) return TokenResult::kUnknownToken;
  if (it->second.revoked) return TokenResult::kAlreadyRevoked;
  ApiToken t = it->second;
  t.revoked = true;
  undo_.Put(tokens_, c.id, std::move(t));
  return TokenResult::kOk;
}

TokenResult Tokens::Apply(const RotateApiToken& c, Timestamp ts) {
  auto it = tokens_.find(c.id);
  if (it == tokens_.end()) return TokenResult::kUnknownToken;
  if (it->second.revoked) return TokenResult::kAlreadyRevoked;
  if (by_hash_.count(c.hash) != 0) return TokenResult::kExistsWithDifferentBody;
  if (c.expires_at != 0 && c.expires_at <= ts) return TokenResult::kExpiresInThePast;
  ApiToken t = it->second;
  undo_.Erase(by_hash_, t.hash);
  t.hash = c.hash;
  t.expires_at = c.expires_at;
  t.rotated_at = ts;
  undo_.Put(by_hash_, c.hash, c.id);
  undo_.Put(tokens_, c.id, std::move(t));
  return TokenResult::kOk;
}

const ApiToken* Tokens::FindByHash(const Hash256& hash) const {
  auto it = by_hash_.find(hash);
  if (it == by_hash_.end()) return nullptr;
  const ApiToken& t = tokens_.at(it->second);
  return t.revoked ? nullptr : &t;
}

void EncodeCreateApiToken(Writer& w, const CreateApiToken& c) {
  w.U64(c.id);
  PutHash(w, c.hash);
  w.U8(static_cast<uint8_t>(c.role));
  w.U64(c.scope);
  w.Str(c.name);
}

bool DecodeCreateApiToken(Reader& r, CreateApiToken* c) {
  uint8_t role = 0;
  if (!r.U64(&c->id) || !GetHash(r, &c->hash) || !r.U8(&role) ||
      role > static_cast<uint8_t>(TokenRole::kExpert) || !r.U64(&c->scope) || !r.Str(&c->name)) {
    return false;
  }
  c->role = static_cast<TokenRole>(role);
  return true;
}

void EncodeRotateApiToken(Writer& w, const RotateApiToken& c) {
  w.U64(c.id);
  PutHash(w, c.hash);
  w.U64(c.expires_at);
}

bool DecodeRotateApiToken(Reader& r, RotateApiToken* c) {
  return r.U64(&c->id) && GetHash(r, &c->hash) && r.U64(&c->expires_at);
}

void Tokens::Encode(Writer& w) const {
  w.U64(tokens_.size());
  for (const auto& [id, t] : tokens_) {
    EncodeCreateApiToken(w, CreateApiToken{t.id, t.hash, t.role, t.scope, t.name});
    w.U8(static_cast<uint8_t>(t.stage));
    w.U64(t.expires_at);
    w.U64(t.created_at);
    w.U64(t.rotated_at);
    w.U8(t.revoked ? 1 : 0);
  }
}

bool Tokens::Decode(Reader& r, Tokens* out) {
  uint64_t n = 0;
  if (!r.U64(&n) || n > r.remaining()) return false;
  Tokens t;
  for (uint64_t i = 0; i < n; ++i) {
    CreateApiToken c;
    uint8_t revoked = 0;
    uint8_t stage = 0;
    ApiToken a;
    if (!DecodeCreateApiToken(r, &c) || !r.U8(&stage) ||
        stage > static_cast<uint8_t>(TokenStage::kFinance) || !r.U64(&a.expires_at) ||
        !r.U64(&a.created_at) || !r.U64(&a.rotated_at) || !r.U8(&revoked) || revoked > 1) {
      return false;
    }
    a.stage = static_cast<TokenStage>(stage);
    a.id = c.id;
    a.hash = c.hash;
    a.role = c.role;
    a.scope = c.scope;
    a.name = c.name;
    a.revoked = revoked == 1;
    t.by_hash_[a.hash] = a.id;
    t.tokens_.emplace(a.id, std::move(a));
  }
  out->tokens_ = std::move(t.tokens_);
  out->by_hash_ = std::move(t.by_hash_);
  return true;
}

}  // namespace bg::access
