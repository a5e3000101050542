// The book's canonical encoding, part of the engine's snapshots and state
// hash: every map in key order. claims_by_order_ and held_total_ are derived
// from the claims and rebuilt on decode, like the voucher indexes.
#include "common/wire.h"
#include "programme/book.h"
#include "programme/book_util.h"

namespace bg::programme {
namespace {

using namespace wire;  // NOLINT(google-build-using-namespace): the file is made of them

void PutFiled(Writer& w, const FileApplication& f) {
  PutId(w, f.id);
  PutId(w, f.programme);
  PutId(w, f.enterprise);
  PutMoney(w, f.amount);
  w.Str(f.actor);
  w.Str(f.note);
}
bool GetFiled(Reader& r, FileApplication* f) {
  return GetId(r, &f->id) && GetId(r, &f->programme) && GetId(r, &f->enterprise) &&
         GetMoney(r, &f->amount) && r.Str(&f->actor) && r.Str(&f->note);
}

void PutHistory(Writer& w, const HistoryEntry& h) {
  PutEnum(w, h.status);
  w.U64(h.at);
  w.Str(h.actor);
  w.Str(h.reason);
  w.Str(h.stage);
}
bool GetHistory(Reader& r, HistoryEntry* h) {
  return GetEnum(r, &h->status, ApplicationStatus::kWithdrawn) && r.U64(&h->at) &&
         r.Str(&h->actor) && r.Str(&h->reason) && r.Str(&h->stage);
}

void PutApplication(Writer& w, const Application& a) {
  PutFiled(w, a.filed);
  PutEnum(w, a.status);
  PutMoney(w, a.approved);
  PutVector(w, a.history, PutHistory);
  w.U32(a.stage);
  w.Str(a.prepared_by);
  PutVector(w, a.approved_by, [](Writer& ww, const std::string& s) { ww.Str(s); });
  PutMoney(w, a.first_approval);
}
bool GetApplication(Reader& r, Application* a) {
  return GetFiled(r, &a->filed) && GetEnum(r, &a->status, ApplicationStatus::kWithdrawn) &&
         GetMoney(r, &a->approved) && GetVector(r, &a->history, GetHistory) && r.U32(&a->stage) &&
         r.Str(&a->prepared_by) &&
         GetVector(r, &a->approved_by, [](Reader& rr, std::string* s) { return rr.Str(s); }) &&
         GetMoney(r, &a->first_approval);
}

void WriteVoucher(Writer& w, const Voucher& v) {
  PutId(w, v.id);
  PutId(w, v.programme);
  PutId(w, v.holder);
  PutMoney(w, v.amount);
  PutId(w, v.grant);
  w.U32(static_cast<uint32_t>(v.year));
  w.U64(v.issued_at);
  w.U64(v.expires_at);
  PutEnum(w, v.status);
  w.Str(v.reason);
  w.U32(v.version);
}
bool GetVoucher(Reader& r, Voucher* v) {
  uint32_t year = 0;
  if (!(GetId(r, &v->id) && GetId(r, &v->programme) && GetId(r, &v->holder) &&
        GetMoney(r, &v->amount) && GetId(r, &v->grant) && r.U32(&year) && r.U64(&v->issued_at) &&
        r.U64(&v->expires_at) && GetEnum(r, &v->status, VoucherStatus::kRevoked) &&
        r.Str(&v->reason) && r.U32(&v->version) && v->version != 0)) {
    return false;
  }
  v->year = static_cast<int32_t>(year);
  return true;
}

void PutShare(Writer& w, const ClaimShare& s) {
  PutId(w, s.programme);
  PutId(w, s.issuer);
  PutMoney(w, s.amount);
}
bool GetShare(Reader& r, ClaimShare* s) {
  return GetId(r, &s->programme) && GetId(r, &s->issuer) && GetMoney(r, &s->amount);
}

void PutHold(Writer& w, const ClaimHold& h) {
  PutId(w, h.programme);
  PutId(w, h.voucher);
  PutId(w, h.transfer);
  PutMoney(w, h.amount);
  PutMoney(w, h.posted);
}
bool GetHold(Reader& r, ClaimHold* h) {
  return GetId(r, &h->programme) && GetId(r, &h->voucher) && GetId(r, &h->transfer) &&
         GetMoney(r, &h->amount) && GetMoney(r, &h->posted);
}

void PutClaim(Writer& w, const Claim& c) {
  EncodeRedeem(w, c.request);
  EncodeRedeemFacility(w, c.request);
  w.U64(c.at);
  w.U32(static_cast<uint32_t>(c.year));
  PutMoney(w, c.subsidy);
  PutVector(w, c.shares, PutShare);
  PutVector(w, c.holds, PutHold);
  PutEnum(w, c.status);
  w.Str(c.reason);
}
bool GetClaim(Reader& r, Claim* c) {
  uint32_t year = 0;
  if (!(DecodeRedeem(r, &c->request) && DecodeRedeemFacility(r, &c->request) && r.U64(&c->at) &&
        r.U32(&year) && GetMoney(r, &c->subsidy) && GetVector(r, &c->shares, GetShare) &&
        GetVector(r, &c->holds, GetHold) && GetEnum(r, &c->status, ClaimStatus::kClawedBack) &&
        r.Str(&c->reason))) {
    return false;
  }
  c->year = static_cast<int32_t>(year);
  return true;
}

template <typename K, typename V, typename PutK, typename PutV>
void PutMap(Writer& w, const std::map<K, V>& map, PutK put_key, PutV put_value) {
  w.U32(static_cast<uint32_t>(map.size()));
  for (const auto& [k, v] : map) {
    put_key(w, k);
    put_value(w, v);
  }
}
template <typename K, typename V, typename GetK, typename GetV>
bool GetMap(Reader& r, std::map<K, V>* map, GetK get_key, GetV get_value) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    K k{};
    V v{};
    if (!get_key(r, &k) || !get_value(r, &v) || !map->emplace(k, v).second) return false;
  }
  return true;
}

template <typename Id>
auto PutIdFn() {
  return [](Writer& w, Id id) { PutId(w, id); };
}
template <typename Id>
auto GetIdFn() {
  return [](Reader& r, Id* id) { return GetId(r, id); };
}

}  // namespace

void EncodeRedeem(Writer& w, const Redeem& c) {
  PutId(w, c.id);
  PutId(w, c.order);
  PutId(w, c.enterprise);
  PutId(w, c.provider);
  w.U32(c.currency_ledger);
  PutMoney(w, c.amount);
  PutEnum(w, c.resource);
  PutEnum(w, c.purpose);
}
bool DecodeRedeem(Reader& r, Redeem* c) {
  return GetId(r, &c->id) && GetId(r, &c->order) && GetId(r, &c->enterprise) &&
         GetId(r, &c->provider) && r.U32(&c->currency_ledger) && GetMoney(r, &c->amount) &&
         GetEnum(r, &c->resource, ResourceClass::kDomesticAccelerator) &&
         GetEnum(r, &c->purpose, Purpose::kInference);
}

void EncodeRedeemFacility(Writer& w, const Redeem& c) {
  PutId(w, c.facility);
  w.Str(c.facility_kind);
}
bool DecodeRedeemFacility(Reader& r, Redeem* c) {
  // A facility's claim names its kind; a compute claim names neither.
  return GetId(r, &c->facility) && r.Str(&c->facility_kind) &&
         c->facility.is_zero() == c->facility_kind.empty();
}

void EncodeFileApplication(Writer& w, const FileApplication& c) { PutFiled(w, c); }
bool DecodeFileApplication(Reader& r, FileApplication* c) { return GetFiled(r, c); }

void EncodeReviewApplication(Writer& w, const ReviewApplication& c) {
  PutId(w, c.id);
  PutEnum(w, c.step);
  w.Str(c.actor);
  w.Str(c.reason);
  PutMoney(w, c.amount);
}
bool DecodeReviewApplication(Reader& r, ReviewApplication* c) {
  return GetId(r, &c->id) && GetEnum(r, &c->step, Step::kWithdraw) && r.Str(&c->actor) &&
         r.Str(&c->reason) && GetMoney(r, &c->amount);
}

void EncodeReviewApplications(Writer& w, const ReviewApplications& c) {
  PutVector(w, c.ids, [](Writer& ww, ApplicationId id) { PutId(ww, id); });
  PutEnum(w, c.step);
  w.Str(c.actor);
  w.Str(c.reason);
  w.U8(c.by);
}
bool DecodeReviewApplications(Reader& r, ReviewApplications* c) {
  return GetVector(r, &c->ids, [](Reader& rr, ApplicationId* id) { return GetId(rr, id); }) &&
         c->ids.size() <= kMaxBulkReview && GetEnum(r, &c->step, Step::kWithdraw) &&
         r.Str(&c->actor) && r.Str(&c->reason) && r.U8(&c->by) && c->by <= 3;
}

void EncodeSettleClaim(Writer& w, const SettleClaim& c) {
  PutId(w, c.id);
  w.U8(c.capture ? 1 : 0);
}
bool DecodeSettleClaim(Reader& r, SettleClaim* c) {
  return GetId(r, &c->id) && GetBool(r, &c->capture);
}

void EncodeExpireVouchers(Writer& w, const ExpireVouchers& c) { w.U32(c.limit); }
bool DecodeExpireVouchers(Reader& r, ExpireVouchers* c) { return r.U32(&c->limit); }

void EncodeRevokeVoucher(Writer& w, const RevokeVoucher& c) {
  PutId(w, c.id);
  w.Str(c.actor);
  w.Str(c.reason);
}
bool DecodeRevokeVoucher(Reader& r, RevokeVoucher* c) {
  return GetId(r, &c->id) && r.Str(&c->actor) && r.Str(&c->reason);
}

void EncodeClawback(Writer& w, const Clawback& c) {
  PutId(w, c.claim);
  w.Str(c.actor);
  w.Str(c.reason);
}
bool DecodeClawback(Reader& r, Clawback* c) {
  return GetId(r, &c->claim) && r.Str(&c->actor) && r.Str(&c->reason);
}
void EncodeClawbackArchived(Writer& w, const Clawback& c) {
  EncodeClawback(w, c);
  w.Bytes(c.archived);
}
bool DecodeClawbackArchived(Reader& r, Clawback* c) {
  return DecodeClawback(r, c) && r.Bytes(&c->archived) && !c->archived.empty();
}

void EncodeClaim(Writer& w, const Claim& c) { PutClaim(w, c); }
bool DecodeClaim(Reader& r, Claim* c) { return GetClaim(r, c); }

void EncodeSetBlacklist(Writer& w, const SetBlacklist& c) {
  PutId(w, c.enterprise);
  w.U8(c.listed ? 1 : 0);
  w.Str(c.actor);
  w.Str(c.reason);
}
bool DecodeSetBlacklist(Reader& r, SetBlacklist* c) {
  return GetId(r, &c->enterprise) && GetBool(r, &c->listed) && r.Str(&c->actor) &&
         r.Str(&c->reason);
}

namespace {

// What the book counts of claims that left memory (retired_claims.h).
void PutRetired(Writer& w, const RetiredClaims& rc) {
  PutMap(
      w, rc.days,
      [](Writer& ww, const RetiredClaims::DayKey& k) {
        PutId(ww, k.first);
        ww.U32(static_cast<uint32_t>(k.second));
      },
      [](Writer& ww, const RetiredClaims::Day& d) {
        PutMoney(ww, d.vouchered);
        PutMoney(ww, d.automatic);
      });
  PutMap(
      w, rc.parties,
      [](Writer& ww, const RetiredClaims::PartyKey& k) {
        PutId(ww, std::get<0>(k));
        PutId(ww, std::get<1>(k));
        PutId(ww, std::get<2>(k));
        ww.U32(static_cast<uint32_t>(std::get<3>(k)));
      },
      PutMoney);
  PutMap(
      w, rc.mixes,
      [](Writer& ww, const std::vector<ProgrammeId>& k) {
        PutVector(ww, k, [](Writer& www, ProgrammeId p) { PutId(www, p); });
      },
      [](Writer& ww, uint64_t n) { ww.U64(n); });
  PutMap(w, rc.late, PutIdFn<VoucherId>(), PutMoney);
}
bool GetRetired(Reader& r, RetiredClaims* rc) {
  auto get_day_key = [](Reader& rr, RetiredClaims::DayKey* k) {
    uint32_t day = 0;
    if (!GetId(rr, &k->first) || !rr.U32(&day)) return false;
    k->second = static_cast<int32_t>(day);
    return true;
  };
  auto get_day = [](Reader& rr, RetiredClaims::Day* d) {
    return GetMoney(rr, &d->vouchered) && GetMoney(rr, &d->automatic);
  };
  auto get_party = [](Reader& rr, RetiredClaims::PartyKey* k) {
    uint32_t year = 0;
    if (!GetId(rr, &std::get<0>(*k)) || !GetId(rr, &std::get<1>(*k)) ||
        !GetId(rr, &std::get<2>(*k)) || !rr.U32(&year)) {
      return false;
    }
    std::get<3>(*k) = static_cast<int32_t>(year);
    return true;
  };
  auto get_mix = [](Reader& rr, std::vector<ProgrammeId>* k) {
    return GetVector(rr, k, [](Reader& rrr, ProgrammeId* p) { return GetId(rrr, p); });
  };
  auto get_count = [](Reader& rr, uint64_t* n) { return rr.U64(n); };
  return GetMap(r, &rc->days, get_day_key, get_day) &&
         GetMap(r, &rc->parties, get_party, GetMoney) &&
         GetMap(r, &rc->mixes, get_mix, get_count) &&
         GetMap(r, &rc->late, GetIdFn<VoucherId>(), GetMoney);
}

}  // namespace

void Book::Encode(Writer& w) const {
  PutMap(w, applications_, PutIdFn<ApplicationId>(), PutApplication);
  PutMap(w, vouchers_, PutIdFn<VoucherId>(), WriteVoucher);
  PutMap(w, claims_, PutIdFn<ClaimId>(), PutClaim);
  PutMap(
      w, usage_,
      [](Writer& ww, const UsageKey& k) {
        PutId(ww, std::get<0>(k));
        PutId(ww, std::get<1>(k));
        ww.U32(static_cast<uint32_t>(std::get<2>(k)));
      },
      PutMoney);
  PutMap(
      w, granted_,
      [](Writer& ww, const YearKey& k) {
        PutId(ww, k.first);
        ww.U32(static_cast<uint32_t>(k.second));
      },
      PutMoney);
  PutMap(w, blacklist_, PutIdFn<EnterpriseId>(), [](Writer& ww, const BlacklistEntry& b) {
    ww.U64(b.at);
    ww.Str(b.actor);
    ww.Str(b.reason);
  });
  PutMap(
      w, receivables_,
      [](Writer& ww, const std::pair<ProgrammeId, EnterpriseId>& k) {
        PutId(ww, k.first);
        PutId(ww, k.second);
      },
      PutIdFn<AccountId>());
  w.U64(next_seq_);
  PutRetired(w, retired_);
}

bool Book::Decode(Reader& r, Book* out) {
  Book b;
  auto get_usage = [](Reader& rr, UsageKey* k) {
    ProgrammeId p;
    EnterpriseId e;
    uint32_t y = 0;
    if (!GetId(rr, &p) || !GetId(rr, &e) || !rr.U32(&y)) return false;
    *k = {p, e, static_cast<int32_t>(y)};
    return true;
  };
  auto get_year = [](Reader& rr, YearKey* k) {
    uint32_t y = 0;
    if (!GetId(rr, &k->first) || !rr.U32(&y)) return false;
    k->second = static_cast<int32_t>(y);
    return true;
  };
  auto get_black = [](Reader& rr, BlacklistEntry* e) {
    return rr.U64(&e->at) && rr.Str(&e->actor) && rr.Str(&e->reason);
  };
  auto get_pair = [](Reader& rr, std::pair<ProgrammeId, EnterpriseId>* k) {
    return GetId(rr, &k->first) && GetId(rr, &k->second);
  };
  if (!GetMap(r, &b.applications_, GetIdFn<ApplicationId>(), GetApplication) ||
      !GetMap(r, &b.vouchers_, GetIdFn<VoucherId>(), GetVoucher) ||
      !GetMap(r, &b.claims_, GetIdFn<ClaimId>(), GetClaim) ||
      !GetMap(r, &b.usage_, get_usage, GetMoney) || !GetMap(r, &b.granted_, get_year, GetMoney) ||
      !GetMap(r, &b.blacklist_, GetIdFn<EnterpriseId>(), get_black) ||
      !GetMap(r, &b.receivables_, get_pair, GetIdFn<AccountId>()) || !r.U64(&b.next_seq_) ||
      !GetRetired(r, &b.retired_)) {
    return false;
  }
  for (const auto& [id, claim] : b.claims_) {
    b.claims_by_order_[claim.request.order].push_back(id);
    b.held_total_ = book::Plus(b.held_total_, HeldBy(claim));
  }
  for (const auto& [id, v] : b.vouchers_) {
    b.by_holder_[v.holder].push_back(id);
    if (v.status == VoucherStatus::kLive) b.live_by_expiry_.insert({v.expires_at, id});
  }
  // The undo log holds closures over the maps' addresses: move the maps in,
  // never the book with a live log.
  out->applications_ = std::move(b.applications_);
  out->vouchers_ = std::move(b.vouchers_);
  out->claims_ = std::move(b.claims_);
  out->claims_by_order_ = std::move(b.claims_by_order_);
  out->held_total_ = b.held_total_;
  out->by_holder_ = std::move(b.by_holder_);
  out->live_by_expiry_ = std::move(b.live_by_expiry_);
  out->usage_ = std::move(b.usage_);
  out->granted_ = std::move(b.granted_);
  out->blacklist_ = std::move(b.blacklist_);
  out->receivables_ = std::move(b.receivables_);
  out->next_seq_ = b.next_seq_;
  out->retired_ = std::move(b.retired_);
  return true;
}

}  // namespace bg::programme
