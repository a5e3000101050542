// The state's metering and settlement commands: provider keys, signed usage
// (checked against the order, metered, billed, lined) and closing periods.
#include <algorithm>

#include "common/check.h"
#include "programme/book_util.h"
#include "state/state.h"

namespace bg::state {

using metering::UsageResult;

KeyOutcome State::Apply(const RegisterProviderKey& c, Timestamp /*ts*/) {
  if (registry_.FindProvider(c.provider) == nullptr) {
    return KeyOutcome{metering::KeyResult::kUnknownProvider,
                      "no provider " + std::to_string(c.provider.value())};
  }
  if (const metering::PublicKey* old = metering_.KeyOf(c.provider); old && *old == c.key) {
    return KeyOutcome{metering::KeyResult::kSameKey, "this key is registered already"};
  }
  metering_.SetKey(c.provider, c.key);
  return KeyOutcome{};
}

settlement::Outcome State::Apply(const CloseStatement& c, Timestamp ts) {
  return settlement_.Apply(c, registry_, book_, ledger_, ts);
}

settlement::Outcome State::Apply(const ApproveStatement& c, Timestamp ts) {
  return settlement_.Apply(c, registry_, ts);
}

settlement::Outcome State::Apply(const PayStatement& c, Timestamp ts) {
  return settlement_.Apply(c, registry_, book_, ledger_, ts);
}

metering::UsageOutcome State::Apply(const SubmitUsage& c, Timestamp ts) {
  metering::UsageOutcome out;
  if (c.records.size() > metering::kMaxUsagePerCommand) {
    out.results.assign(c.records.size(), UsageResult::kTooManyRecords);
    out.messages.assign(
        c.records.size(),
        "at most " + std::to_string(metering::kMaxUsagePerCommand) + " records per submission");
    return out;
  }
  // The engine marks what it verified (SubmitUsage::checked, journaled);
  // anything unmarked is verified here, against the keys registered now.
  std::vector<uint8_t> signed_ok = c.checked;
  signed_ok.resize(c.records.size(), 0);
  if (std::find(signed_ok.begin(), signed_ok.end(), 0) != signed_ok.end()) {
    const std::vector<uint8_t> own =
        metering::VerifySignatures(c, [this](ProviderId p) { return metering_.KeyOf(p); });
    for (size_t i = 0; i < own.size(); ++i) signed_ok[i] |= own[i];
  }
  for (size_t i = 0; i < c.records.size(); ++i) {
    const UsageResult result = CountUsage(c.records[i], signed_ok[i] == 1, ts, &out);
    out.results.push_back(result);
    if (out.messages.size() < out.results.size()) {
      out.messages.push_back(result == UsageResult::kOk
                                 ? std::string()
                                 : std::string(metering::UsageResultName(result)));
    }
    ts += scheduler::Scheduler::kBillEvents;
  }
  return out;
}

UsageResult State::CountUsage(const metering::UsageRecord& r, bool signed_ok, Timestamp ts,
                              metering::UsageOutcome* out) {
  auto refuse = [&](UsageResult code, std::string why) {
    out->messages.push_back("record " + std::to_string(r.id) + " of provider " +
                            std::to_string(r.provider.value()) + ": " +
                            metering::UsageResultName(code) + ": " + std::move(why));
    return code;
  };
  const metering::PublicKey* key = metering_.KeyOf(r.provider);
  if (key == nullptr) return refuse(UsageResult::kUnknownKey, "the provider has no key");
  if (!signed_ok) {
    return refuse(UsageResult::kBadSignature,
                  "the signature does not match the record (or its batch, which must be one "
                  "provider's)");
  }
  const scheduler::Job* job = scheduler_.FindJob(r.order);
  if (job == nullptr && scheduler_.IsRetired(r.order)) {
    return refuse(UsageResult::kOrderEnded, "the order ended long ago and is archived");
  }
  if (job == nullptr) return refuse(UsageResult::kUnknownOrder, "no such order");
  if (job->status == scheduler::JobStatus::kQueued) {
    return refuse(UsageResult::kOrderNotRunning, "the order has not been placed");
  }
  const network::Pool& pool = *network_.FindPool(job->pool);
  if (network_.FindSite(pool.site)->provider != r.provider) {
    return refuse(UsageResult::kNotYourOrder, "the order runs on another provider's pool");
  }
  if (job->status != scheduler::JobStatus::kRunning) {
    // A repeat of a record counted before the end answers as it did.
    const metering::OrderMeter* meter = metering_.MeterOf(r.order);
    if (meter != nullptr) {
      auto same = meter->by_id().find(r.id);
      if (same != meter->by_id().end()) {
        return same->second == r ? UsageResult::kExists
                                 : refuse(UsageResult::kExistsWithDifferentBody,
                                          "the record id was used for another record");
      }
    }
    return refuse(UsageResult::kOrderEnded, std::string("the order is ") +
                                                scheduler::JobStatusName(job->status) +
                                                ": usage must arrive before it ends");
  }
  // The order lives from its start (after any data transfer) for its
  // walltime, in whole seconds.
  const uint64_t from_s = job->start_at / kNanosPerSecond;
  const uint64_t until_s = from_s + scheduler::WalltimeS(*job);
  // Usage that has not happened yet cannot be charged: a provider could
  // otherwise bill an order's whole reservation up front.
  if (r.end_s <= until_s && r.end_s > ts / kNanosPerSecond + metering::kClockSkewS) {
    return refuse(UsageResult::kInTheFuture, "the interval ends at " + std::to_string(r.end_s) +
                                                 ", after now (" +
                                                 std::to_string(ts / kNanosPerSecond) + ")");
  }
  const UsageResult counted = metering_.Count(r, from_s, until_s, job->submitted.request.cards);
  if (counted == UsageResult::kExists) return counted;
  if (counted != UsageResult::kOk) {
    return refuse(counted, "order " + std::to_string(r.order.value()) + " runs [" +
                               std::to_string(from_s) + ", " + std::to_string(until_s) + ") on " +
                               std::to_string(job->submitted.request.cards) + " cards");
  }
  scheduler::World w = JobWorld();
  const scheduler::Scheduler::Billed billed =
      scheduler_.Bill(r.order, metering_.MeterOf(r.order)->card_seconds(), w, ts);
  settlement::ChargeLine line = LineFor(*scheduler_.FindJob(r.order), ts);
  line.card_seconds = (r.end_s - r.start_s) * r.cards;
  line.charge = billed.charge;
  line.copay = billed.copay;
  line.subsidy = billed.subsidy;
  for (const programme::ClaimShare& s : billed.subsidy) {
    out->subsidy = programme::book::Plus(out->subsidy, s.amount);
  }
  out->charged = programme::book::Plus(out->charged, billed.charge);
  settlement_.AddLine(std::move(line));
  return UsageResult::kOk;
}

settlement::ChargeLine State::LineFor(const scheduler::Job& job, Timestamp ts) const {
  const network::Pool& pool = *network_.FindPool(job.pool);
  const network::Site& site = *network_.FindSite(pool.site);
  return settlement::ChargeLine{.at = ts,
                                .order = job.submitted.request.id,
                                .enterprise = job.submitted.request.enterprise,
                                .provider = site.provider,
                                .pool = job.pool,
                                .city = site.city,
                                .price = job.price};
}

void State::LineForClaim(ClaimId id, Timestamp ts) {
  const programme::Claim& claim = *book_.FindClaim(id);
  if (claim.status != programme::ClaimStatus::kCaptured) return;
  const programme::Provider* provider = registry_.FindProvider(claim.request.provider);
  settlement_.AddLine(
      settlement::ChargeLine{.at = ts,
                             .order = claim.request.order,
                             .enterprise = claim.request.enterprise,
                             .provider = claim.request.provider,
                             .city = provider == nullptr ? JurisdictionId() : provider->home,
                             .charge = claim.request.amount,
                             .copay = programme::book::Minus(claim.request.amount, claim.subsidy),
                             .subsidy = claim.shares});
}

}  // namespace bg::state
