#include "metering/metering.h"

#include "common/check.h"
#include "common/wire.h"

namespace bg::metering {

using wire::GetId;
using wire::PutId;

const char* KeyResultName(KeyResult r) { return NameOf(kKeyResultNames, r).data(); }

bool UsageOutcome::ok() const {
  for (UsageResult r : results) {
    if (r != UsageResult::kOk && r != UsageResult::kExists) return false;
  }
  return true;
}

void Metering::SetKey(ProviderId provider, const PublicKey& key) {
  undo_.Put(keys_, provider, key);
}

const PublicKey* Metering::KeyOf(ProviderId provider) const {
  auto it = keys_.find(provider);
  return it == keys_.end() ? nullptr : &it->second;
}

const OrderId* Metering::OrderOfRecord(ProviderId provider, uint64_t record_id) const {
  auto it = records_.find({provider, record_id});
  return it == records_.end() ? nullptr : &it->second;
}

const OrderMeter* Metering::MeterOf(OrderId order) const {
  auto it = meters_.find(order);
  return it == meters_.end() ? nullptr : &it->second;
}

UsageResult Metering::Count(const UsageRecord& r, uint64_t from_s, uint64_t until_s,
                            uint32_t cards) {
  if (const OrderId* taken = OrderOfRecord(r.provider, r.id);
      taken != nullptr && *taken != r.order) {
    return UsageResult::kExistsWithDifferentBody;
  }
  auto it = meters_.find(r.order);
  if (it == meters_.end()) {
    // An order is metered from its first accepted record.
    OrderMeter meter(from_s, until_s, cards);
    const UsageResult result = meter.Add(r);
    if (result != UsageResult::kOk) return result;
    meters_.emplace(r.order, std::move(meter));
    undo_.Record([this, order = r.order] { meters_.erase(order); });
  } else {
    const UsageResult result = it->second.Add(r);
    if (result != UsageResult::kOk) return result;
    undo_.Record([this, order = r.order, id = r.id] { meters_.at(order).Remove(id); });
  }
  undo_.Put(records_, std::pair{r.provider, r.id}, r.order);
  return UsageResult::kOk;
}

void Metering::ExtendOrder(OrderId order, uint64_t until_s) {
  auto it = meters_.find(order);
  if (it == meters_.end()) return;
  const uint64_t before = it->second.until_s();
  it->second.SetUntil(until_s);
  undo_.Record([this, order, before] { meters_.at(order).SetUntil(before); });
}

// --- Wire forms -------------------------------------------------------------------

namespace {

template <size_t N>
void PutArray(Writer& w, const std::array<uint8_t, N>& a) {
  for (uint8_t b : a) w.U8(b);  // fixed size: no length prefix
}
template <size_t N>
bool GetArray(Reader& r, std::array<uint8_t, N>* a) {
  for (uint8_t& b : *a) {
    if (!r.U8(&b)) return false;
  }
  return true;
}

}  // namespace

void EncodeUsageRecord(Writer& w, const UsageRecord& r) {
  w.U64(r.id);
  PutId(w, r.provider);
  PutId(w, r.order);
  w.U64(r.start_s);
  w.U64(r.end_s);
  w.U32(r.cards);
  PutArray(w, r.signature);
}

bool DecodeUsageRecord(Reader& r, UsageRecord* out) {
  return r.U64(&out->id) && GetId(r, &out->provider) && GetId(r, &out->order) &&
         r.U64(&out->start_s) && r.U64(&out->end_s) && r.U32(&out->cards) &&
         GetArray(r, &out->signature);
}

void EncodeRegisterProviderKey(Writer& w, const RegisterProviderKey& c) {
  PutId(w, c.provider);
  PutArray(w, c.key);
}

bool DecodeRegisterProviderKey(Reader& r, RegisterProviderKey* c) {
  return GetId(r, &c->provider) && GetArray(r, &c->key);
}

void EncodeSubmitUsage(Writer& w, const SubmitUsage& c) {
  w.U32(static_cast<uint32_t>(c.records.size()));
  for (size_t i = 0; i < c.records.size(); ++i) {
    EncodeUsageRecord(w, c.records[i]);
    w.U8(i < c.checked.size() ? c.checked[i] : 0);
  }
  w.U8(c.batch_signature ? 1 : 0);
  if (c.batch_signature) PutArray(w, *c.batch_signature);
}

bool DecodeSubmitUsage(Reader& r, SubmitUsage* c) {
  uint32_t n = 0;
  if (!r.U32(&n) || n > r.remaining()) return false;
  c->records.resize(n);
  c->checked.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (!DecodeUsageRecord(r, &c->records[i]) || !r.U8(&c->checked[i]) || c->checked[i] > 1) {
      return false;
    }
  }
  uint8_t batch = 0;
  if (!r.U8(&batch) || batch > 1) return false;
  if (batch == 1) {
    Signature s{};
    if (!GetArray(r, &s)) return false;
    c->batch_signature = s;
  }
  return true;
}

void Metering::Encode(Writer& w) const {
  w.U64(keys_.size());
  for (const auto& [provider, key] : keys_) {
    PutId(w, provider);
    PutArray(w, key);
  }
  w.U64(meters_.size());
  for (const auto& [order, m] : meters_) {
    PutId(w, order);
    w.U64(m.from_s());
    w.U64(m.until_s());
    w.U32(m.reserved_cards());
    w.U64(m.by_id().size());
    for (const auto& [id, rec] : m.by_id()) EncodeUsageRecord(w, rec);
  }
}

bool Metering::Decode(Reader& r, Metering* out) {
  Metering m;
  uint64_t n = 0;
  if (!r.U64(&n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    ProviderId p;
    PublicKey k{};
    if (!GetId(r, &p) || !GetArray(r, &k)) return false;
    m.keys_[p] = k;
  }
  if (!r.U64(&n)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    OrderId order;
    uint64_t from = 0;
    uint64_t until = 0;
    uint32_t cards = 0;
    uint64_t records = 0;
    if (!GetId(r, &order) || !r.U64(&from) || !r.U64(&until) || !r.U32(&cards) ||
        !r.U64(&records) || records > r.remaining()) {
      return false;
    }
    OrderMeter meter(from, until, cards);
    for (uint64_t k = 0; k < records; ++k) {
      UsageRecord rec;
      if (!DecodeUsageRecord(r, &rec) || meter.Add(rec) != UsageResult::kOk) return false;
      m.records_[{rec.provider, rec.id}] = order;
    }
    m.meters_.emplace(order, std::move(meter));
  }
  out->keys_ = std::move(m.keys_);
  out->meters_ = std::move(m.meters_);
  out->records_ = std::move(m.records_);
  return true;
}

}  // namespace bg::metering
