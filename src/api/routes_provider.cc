// What providers do: register a key, read their placements, report signed
// usage, finish jobs, change the cards a pool offers.
#include "api/handlers.h"
#include "api/job_history.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"

namespace bg::api {
namespace {

template <size_t N>
bool FromHex(const std::string& hex, std::array<uint8_t, N>* out) {
  if (hex.size() != 2 * N) return false;
  auto nibble = [](char ch) -> int {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < N; ++i) {
    const int hi = nibble(hex[2 * i]);
    const int lo = nibble(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

bool RunsAt(const state::State& s, const scheduler::Job& j, uint64_t provider) {
  const network::Pool* p = s.network().FindPool(j.pool);
  return p != nullptr && s.network().FindSite(p->site)->provider.value() == provider;
}

}  // namespace

Answer Service::RegisterKey(Call& c) {
  Fields f(c.body);
  auto provider = f.Id("provider", c.who.role != Role::kProvider);
  const auto key = f.Str("public_key_hex", true, 64);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (c.who.role == Role::kProvider) {
    if (provider && *provider != c.who.scope) {
      return Forbidden(c, "register another provider's key");
    }
    provider = c.who.scope;
  } else if (!Is(c, {Role::kAdmin})) {
    return Forbidden(c, "register provider keys");
  }
  metering::PublicKey pk{};
  if (!FromHex(*key, &pk)) return Fail(c, "invalid_field", "public_key_hex: 64 hex characters");
  return Answer(state::RegisterProviderKey{ProviderId(*provider), pk},
                [&c, provider = *provider](const state::State&, const state::CommandResult& r) {
                  const auto& out = std::get<state::KeyOutcome>(r);
                  if (out.result == metering::KeyResult::kOk) {
                    return Reply({{"provider", provider}}, 201);
                  }
                  if (out.result == metering::KeyResult::kSameKey) {
                    return Reply({{"provider", provider}});
                  }
                  return Fail(c, metering::KeyResultName(out.result), out.message);
                });
}

Answer Service::ListPlacements(Call& c) {
  if (!Is(c, {Role::kProvider, Role::kAdmin, Role::kAuditor})) {
    return Forbidden(c, "read placements");
  }
  HttpResponse fail;
  std::optional<Timestamp> from;
  if (!QueryTime(c, "started_from", &from, &fail)) return fail;
  auto page = Look(*engine_, c, [&](const state::State& s) {
    // The running jobs only: a page costs what runs, never the history.
    return PageOrdered(
        c, s.scheduler().running(),
        [&](auto it) -> const scheduler::Job& { return *s.scheduler().FindJob(*it); },
        [&](const scheduler::Job& j) {
          return (!from || j.start_at >= *from) &&
                 (c.who.role != Role::kProvider || RunsAt(s, j, c.who.scope));
        },
        [&](const scheduler::Job& j) {
          const programme::Enterprise* e =
              s.registry().FindEnterprise(j.submitted.request.enterprise);
          Json v{{"job", j.submitted.request.id.value()},
                 {"enterprise", j.submitted.request.enterprise.value()},
                 {"enterprise_name", e == nullptr ? Json(nullptr) : Json(e->name)},
                 {"pool", j.pool.value()},
                 {"cards", j.submitted.request.cards},
                 {"start_unix_s", j.start_at / kNanosPerSecond},
                 {"end_unix_s", j.end_at / kNanosPerSecond},
                 {"card_seconds", j.card_seconds},
                 {"charged", MoneyJson(j.charged)},
                 {"stop", j.stop}};
          if (const network::Pool* p = s.network().FindPool(j.pool)) {
            v["accelerator"] = p->accelerator;
            NameSite(s, p->site, &v);
          }
          return v;
        },
        &fail);
  });
  return page ? Reply(*page) : fail;
}

Answer Service::FinishJob(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the job id must be a positive number");
  Fields f(c.body);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const Result<std::optional<scheduler::Job>> job = AnyJob(*engine_, c, OrderId(*id));
  if (!job.ok()) return Fail(c, "unavailable", job.status().ToString());
  const bool allowed = Look(*engine_, c, [&](const state::State& s) {
    if (c.who.role == Role::kAdmin || !job->has_value()) return true;
    return c.who.role == Role::kProvider && RunsAt(s, **job, c.who.scope);
  });
  if (!allowed) return Forbidden(c, "finish this job");
  return Answer(scheduler::FinishJob{.id = OrderId(*id)},
                [&c, id = OrderId(*id)](const state::State& s, const state::CommandResult& r) {
                  const auto& out = std::get<scheduler::JobOutcome>(r);
                  if (out.code != scheduler::Code::kOk) {
                    return Fail(c, scheduler::CodeName(out.code), out.message);
                  }
                  return Reply(View(*s.scheduler().FindJob(id)));
                });
}

Answer Service::ReportUsage(Call& c) {
  if (!Is(c, {Role::kProvider, Role::kAdmin})) return Forbidden(c, "report usage");
  Fields f(c.body);
  const Json* records = f.Raw("records", true);
  const auto batch = f.Str("batch_signature_hex", false, 128);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (!records->is_array() || records->empty() || records->size() > metering::kMaxUsagePerCommand) {
    return Fail(c, "invalid_field",
                "records must be an array of 1 to " +
                    std::to_string(metering::kMaxUsagePerCommand) + " records");
  }
  state::SubmitUsage cmd;
  for (size_t i = 0; i < records->size(); ++i) {
    const Json& one = (*records)[i];
    if (!one.is_object()) {
      return Fail(c, "invalid_field", "records[" + std::to_string(i) + "] must be an object");
    }
    Fields rf(one);
    metering::UsageRecord r;
    const auto rid = rf.U64("id", true, UINT64_MAX);
    const auto provider = rf.Id("provider", true);
    const auto order = rf.Id("order", true);
    const auto start = rf.U64("start_unix_s", true, uint64_t{1} << 40);
    const auto end = rf.U64("end_unix_s", true, uint64_t{1} << 40);
    const auto cards = rf.U64("cards", true, 100'000);
    const auto sig = rf.Str("signature_hex", !batch, 128);
    if (!rf.Done()) {
      return Fail(c, rf.code(), "records[" + std::to_string(i) + "]: " + rf.detail());
    }
    if (c.who.role == Role::kProvider && *provider != c.who.scope) {
      return Forbidden(c, "report another provider's usage");
    }
    r = {.id = *rid,
         .provider = ProviderId(*provider),
         .order = OrderId(*order),
         .start_s = *start,
         .end_s = *end,
         .cards = static_cast<uint32_t>(*cards)};
    if (sig && !FromHex(*sig, &r.signature)) {
      return Fail(c, "invalid_field",
                  "records[" + std::to_string(i) + "].signature_hex: 128 hex characters");
    }
    cmd.records.push_back(r);
  }
  if (batch) {
    metering::Signature s{};
    if (!FromHex(*batch, &s)) {
      return Fail(c, "invalid_field", "batch_signature_hex: 128 hex characters");
    }
    cmd.batch_signature = s;
  }
  // The answer needs only the command's result: nothing is kept on the
  // writer, and it is built off it.
  return Answer::Deferred(std::move(cmd), [](const state::State&, const state::CommandResult&) {
    return [](const state::CommandResult& r) {
      const auto& out = std::get<metering::UsageOutcome>(r);
      Json results = Json::array();
      for (size_t i = 0; i < out.results.size(); ++i) {
        results.push_back(
            {{"result", metering::UsageResultName(out.results[i])}, {"message", out.messages[i]}});
      }
      return Reply({{"results", std::move(results)},
                    {"charged", MoneyJson(out.charged)},
                    {"subsidy", MoneyJson(out.subsidy)}});
    };
  });
}

Answer Service::PricePool(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the pool id must be a positive number");
  Fields f(c.body);
  const auto shared = f.Fen("shared_fen", true);
  const auto exclusive = f.Fen("exclusive_fen", true);
  const auto priority = f.Fen("priority_fen", true);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const bool allowed =
      c.who.role == Role::kAdmin ||
      (c.who.role == Role::kProvider && Look(*engine_, c, [&](const state::State& s) {
         const network::Pool* p = s.network().FindPool(PoolId(*id));
         return p != nullptr && s.network().FindSite(p->site)->provider.value() == c.who.scope;
       }));
  if (!allowed) return Forbidden(c, "price this pool");
  return Answer(state::SetPoolPrices{PoolId(*id), {*shared, *exclusive, *priority}},
                [&c, id = PoolId(*id)](const state::State& s, const state::CommandResult& r) {
                  const auto& out = std::get<state::NetworkResult>(r);
                  if (out.result != network::NetworkResult::kOk) {
                    return Fail(c, network::NetworkResultName(out.result),
                                "pool " + std::to_string(id.value()));
                  }
                  auto it = s.scheduler().use().find(id);
                  return Reply(View(*s.network().FindPool(id),
                                    it == s.scheduler().use().end() ? 0 : it->second.used));
                });
}

Answer Service::OfferPool(Call& c) {
  const auto id = PathId(c, "id");
  if (!id) return Fail(c, "invalid_field", "the pool id must be a positive number");
  Fields f(c.body);
  const auto cards = f.U64("cards", true, 1'000'000);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  const bool allowed = Look(*engine_, c, [&](const state::State& s) {
    const network::Pool* p = s.network().FindPool(PoolId(*id));
    if (c.who.role == Role::kAdmin || p == nullptr) {
      return c.who.role == Role::kAdmin || p == nullptr;
    }
    return c.who.role == Role::kProvider &&
           s.network().FindSite(p->site)->provider.value() == c.who.scope;
  });
  if (!allowed || !Is(c, {Role::kAdmin, Role::kProvider})) {
    return Forbidden(c, "change this pool");
  }
  return Answer(state::SetPoolOffered{PoolId(*id), static_cast<uint32_t>(*cards)},
                [&c, id = *id, cards = *cards](const state::State&, const state::CommandResult& r) {
                  const auto& out = std::get<state::NetworkResult>(r);
                  if (out.result != network::NetworkResult::kOk) {
                    return Fail(c, network::NetworkResultName(out.result),
                                "pool " + std::to_string(id));
                  }
                  return Reply({{"pool", id}, {"cards_offered", cards}});
                });
}

}  // namespace bg::api
