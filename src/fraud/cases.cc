#include "fraud/cases.h"

#include <algorithm>

namespace bg::fraud {

const char* KindName(Kind k) { return NameOf(kKindNames, k).data(); }

const char* CodeName(Code c) { return NameOf(kCodeNames, c).data(); }

size_t Cases::Open(const std::vector<Finding>& findings, Timestamp ts) {
  size_t opened = 0;
  for (const Finding& f : findings) {
    const std::pair key{f.kind, f.subject};
    if (by_subject_.count(key) != 0) continue;
    const uint64_t id = cases_.empty() ? 1 : cases_.rbegin()->first + 1;
    undo_.Put(cases_, id, Case{.id = id, .finding = f, .opened_at = ts});
    undo_.Put(by_subject_, key, id);
    ++opened;
  }
  return opened;
}

Outcome Cases::Apply(const CloseAuditCase& c, Timestamp ts) {
  auto it = cases_.find(c.id);
  if (it == cases_.end()) return {Code::kUnknownCase, "no audit case " + std::to_string(c.id)};
  if (it->second.closed) {
    return {Code::kAlreadyClosed, "audit case " + std::to_string(c.id) + " was closed by " +
                                      it->second.closed_by + ": " + it->second.resolution};
  }
  if (c.resolution.empty() || c.actor.empty()) {
    return {Code::kResolutionRequired, "closing a case needs who closes it and a resolution"};
  }
  Case closed = it->second;
  closed.closed = true;
  closed.closed_at = ts;
  closed.closed_by = c.actor;
  closed.resolution = c.resolution;
  undo_.Put(cases_, c.id, std::move(closed));
  return {};
}

std::pair<uint64_t, uint64_t> PeakCards(const std::vector<Interval>& intervals) {
  std::vector<std::pair<uint64_t, int64_t>> edges;
  for (const Interval& i : intervals) {
    edges.push_back({i.start, int64_t{i.cards}});
    edges.push_back({i.end, -int64_t{i.cards}});
  }
  std::sort(edges.begin(), edges.end());  // at a tie, ends (negative) first
  int64_t in_use = 0;
  std::pair<uint64_t, uint64_t> peak{0, 0};
  for (const auto& [at, delta] : edges) {
    in_use += delta;
    if (static_cast<uint64_t>(in_use) > peak.first) peak = {static_cast<uint64_t>(in_use), at};
  }
  return peak;
}

void EncodeCloseAuditCase(Writer& w, const CloseAuditCase& c) {
  w.U64(c.id);
  w.Str(c.actor);
  w.Str(c.resolution);
}

bool DecodeCloseAuditCase(Reader& r, CloseAuditCase* c) {
  return r.U64(&c->id) && r.Str(&c->actor) && r.Str(&c->resolution);
}

void Cases::Encode(Writer& w) const {
  w.U64(cases_.size());
  for (const auto& [id, c] : cases_) {
    w.U64(id);
    w.U8(static_cast<uint8_t>(c.finding.kind));
    w.U64(c.finding.subject);
    w.Str(c.finding.detail);
    w.U64(c.opened_at);
    w.U8(c.closed ? 1 : 0);
    w.U64(c.closed_at);
    w.Str(c.closed_by);
    w.Str(c.resolution);
  }
}

bool Cases::Decode(Reader& r, Cases* out) {
  uint64_t n = 0;
  if (!r.U64(&n) || n > r.remaining()) return false;
  std::map<uint64_t, Case> cases;
  std::map<std::pair<Kind, uint64_t>, uint64_t> by_subject;
  for (uint64_t i = 0; i < n; ++i) {
    Case c;
    uint8_t kind = 0;
    uint8_t closed = 0;
    if (!r.U64(&c.id) || !r.U8(&kind) || kind > 3 || !r.U64(&c.finding.subject) ||
        !r.Str(&c.finding.detail) || !r.U64(&c.opened_at) || !r.U8(&closed) || closed > 1 ||
        !r.U64(&c.closed_at) || !r.Str(&c.closed_by) || !r.Str(&c.resolution)) {
      return false;
    }
    c.finding.kind = static_cast<Kind>(kind);
    c.closed = closed == 1;
    by_subject[{c.finding.kind, c.finding.subject}] = c.id;
    cases.emplace(c.id, std::move(c));
  }
  out->cases_ = std::move(cases);
  out->by_subject_ = std::move(by_subject);
  return true;
}

}  // namespace bg::fraud
