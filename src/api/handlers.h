// Helpers shared by the route files (routes_*.cc): answers, role checks,
// reads of the state, paging and path parameters. Internal to api/.
#pragma once

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "api/json.h"
#include "api/problem.h"
#include "api/router.h"
#include "engine/engine.h"

namespace bg::api {

inline HttpResponse Reply(const Json& j, int status = 200) {
  HttpResponse r;
  r.status = status;
  r.body = Dump(j);
  return r;
}

inline HttpResponse Fail(const Call& c, const std::string& code, const std::string& detail) {
  return Problem(code, detail, c.request_id);
}

inline bool Is(const Call& c, std::initializer_list<Role> roles) {
  for (Role r : roles) {
    if (c.who.role == r) return true;
  }
  return false;
}

// Admin, or an operator of `programme` whose token takes one of `stages`
// (a token without a stage takes every step).
inline bool TakesStep(const Call& c, uint64_t programme,
                      std::span<const access::TokenStage> stages) {
  if (c.who.role == Role::kAdmin) return true;
  if (c.who.role != Role::kOperator || c.who.scope != programme) return false;
  if (c.who.stage == access::TokenStage::kAny) return true;
  for (access::TokenStage s : stages) {
    if (c.who.stage == s) return true;
  }
  return false;
}
inline bool TakesStep(const Call& c, uint64_t programme,
                      std::initializer_list<access::TokenStage> stages) {
  return TakesStep(c, programme, std::span(stages.begin(), stages.size()));
}

// A 200 that is no JSON: a CSV export.
inline HttpResponse Text(std::string body, const char* type) {
  HttpResponse r;
  r.content_type = type;
  r.body = std::move(body);
  return r;
}

inline HttpResponse Forbidden(const Call& c, const std::string& what) {
  const std::string role = RoleName(c.who.role);
  const bool vowel = role.find_first_of("aeiou") == 0;
  return Fail(c, "forbidden", (vowel ? "an " : "a ") + role + " token may not " + what);
}

// The answer to a registration (RegistryResult): 201 with `view`, the
// same view again for a repeat when `repeat_ok`, or the registry's refusal.
inline Then Registered(const Call& c, Json view, bool repeat_ok = false) {
  return
      [&c, view = std::move(view), repeat_ok](const state::State&, const state::CommandResult& r) {
        const auto& out = std::get<state::RegistryResult>(r);
        if (repeat_ok && out.result == programme::RegistryResult::kExists) return Reply(view);
        if (out.result != programme::RegistryResult::kOk) {
          return Fail(c, programme::RegistryResultName(out.result), out.message);
        }
        return Reply(view, 201);
      };
}

// Whether the caller may see (or act on) a job: its enterprise, the
// provider it runs at (read only), an operator of a programme that pays
// for it (read only: `claim`, the job's claim, says which pay; job_history.h
// ClaimOf), admin, auditor (read only) (routes_jobs.cc).
bool MayAccess(const Call& c, const state::State& s, const scheduler::Job& j,
               const programme::Claim* claim, bool act);

// A path parameter that must be an id (1 .. 2^54-1).
std::optional<uint64_t> PathId(const Call& c, const char* name);
// A query parameter as an id; nothing when absent; `*bad` set when invalid.
std::optional<uint64_t> QueryId(const Call& c, const char* name, bool* bad);

// Calls f(const State&) on the state as applied, without waiting for a
// commit, and returns what it returns; the call's answer then waits until
// that state is durable (Call::seen). Not from a `then` (it has the state).
inline void Saw(Call& c, const engine::Seen& seen) {
  if (std::tie(seen.generation, seen.seq) > std::tie(c.seen.generation, c.seen.seq)) c.seen = seen;
}
template <typename F>
auto Look(engine::Engine& e, Call& c, F&& f) {
  if constexpr (std::is_void_v<std::invoke_result_t<F, const state::State&>>) {
    Saw(c, e.ReadApplied([&f](const state::State& s) {
              f(s);
              return 0;
            }).second);
  } else {
    auto [value, seen] = e.ReadApplied(std::forward<F>(f));
    Saw(c, seen);
    return std::move(value);
  }
}

// ?limit= of a list: 1..1000, 100 when absent; nothing and a problem in
// *fail when it is not such a number.
std::optional<size_t> PageLimit(const Call& c, HttpResponse* fail);

// Paging over an id-ordered container: ?limit= (1..1000, default 100) and
// ?after=<id>. `at(it)` gives the element's value; `keep` filters it and
// `item` makes its JSON. A page costs the elements it walks, not the
// container's size (upper_bound to the cursor, then at most what `keep`
// skips).
template <typename Ordered, typename At, typename Keep, typename Item>
std::optional<Json> PageOrdered(const Call& c, const Ordered& ordered, At at, Keep keep, Item item,
                                HttpResponse* fail) {
  const std::optional<size_t> limit = PageLimit(c, fail);
  if (!limit) return std::nullopt;
  bool bad = false;
  const std::optional<uint64_t> after = QueryId(c, "after", &bad);
  if (bad) {
    *fail = Fail(c, "invalid_field", "after must be an id");
    return std::nullopt;
  }
  Json items = Json::array();
  std::optional<uint64_t> last;
  using Key = typename Ordered::key_type;
  auto it = after ? ordered.upper_bound(Key{*after}) : ordered.begin();
  for (; it != ordered.end(); ++it) {
    const auto& value = at(it);
    if (!keep(value)) continue;
    if (items.size() == *limit) break;
    items.push_back(item(value));
    const auto& key = [&]() -> const auto& {
      if constexpr (requires { it->first; }) {
        return it->first;
      } else {
        return *it;
      }
    }
    ();
    if constexpr (requires { key.value(); }) {
      last = key.value();
    } else {
      last = key;
    }
  }
  Json out = {{"items", std::move(items)}};
  out["next_after"] = (it != ordered.end() && last) ? Json(*last) : Json(nullptr);
  return out;
}

// Page over an id-ordered map of records.
template <typename Map, typename Keep, typename Item>
std::optional<Json> Page(const Call& c, const Map& map, Keep keep, Item item, HttpResponse* fail) {
  return PageOrdered(
      c, map, [](auto it) -> const auto& { return it->second; }, keep, item, fail);
}

}  // namespace bg::api
