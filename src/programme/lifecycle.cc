#include "programme/lifecycle.h"

#include "common/wire.h"
#include "programme/codec.h"

namespace bg::programme {
namespace {

using namespace wire;  // NOLINT(google-build-using-namespace): the file is made of them

void PutRules(Writer& w, const ProgrammeRules& p) {
  EncodeProgramme(w, p);
  EncodeReview(w, p.review);
}
bool GetRules(Reader& r, ProgrammeRules* p) {
  return DecodeProgramme(r, p) && DecodeReview(r, &p->review);
}

void PutVersion(Writer& w, const ProgrammeVersion& v) {
  w.U32(v.number);
  w.U64(v.effective_from);
  PutRules(w, v.rules);
  EncodeCovers(w, v.rules.covers);
}
bool GetVersion(Reader& r, ProgrammeVersion* v) {
  return r.U32(&v->number) && r.U64(&v->effective_from) && GetRules(r, &v->rules) &&
         DecodeCovers(r, &v->rules.covers);
}

void PutEvent(Writer& w, const ProgrammeEvent& e) {
  w.U64(e.at);
  w.Str(e.what);
  w.U32(e.version);
  PutMoney(w, e.amount);
  PutId(w, e.provider);
  w.Str(e.actor);
  w.Str(e.reason);
}
bool GetEvent(Reader& r, ProgrammeEvent* e) {
  return r.U64(&e->at) && r.Str(&e->what) && r.U32(&e->version) && GetMoney(r, &e->amount) &&
         GetId(r, &e->provider) && r.Str(&e->actor) && r.Str(&e->reason);
}

}  // namespace

void EncodeAmendProgramme(Writer& w, const AmendProgramme& c) {
  PutRules(w, c.rules);
  w.U64(c.effective_from);
  w.Str(c.actor);
  w.Str(c.reason);
}

bool DecodeAmendProgramme(Reader& r, AmendProgramme* c) {
  return GetRules(r, &c->rules) && r.U64(&c->effective_from) && r.Str(&c->actor) &&
         r.Str(&c->reason);
}

void EncodeChangeProgramme(Writer& w, const ChangeProgramme& c) {
  PutId(w, c.programme);
  PutEnum(w, c.action);
  PutMoney(w, c.amount);
  PutId(w, c.provider);
  w.Str(c.actor);
  w.Str(c.reason);
}

bool DecodeChangeProgramme(Reader& r, ChangeProgramme* c) {
  return GetId(r, &c->programme) && GetEnum(r, &c->action, ProgrammeAction::kDelistProvider) &&
         GetMoney(r, &c->amount) && GetId(r, &c->provider) && r.Str(&c->actor) && r.Str(&c->reason);
}

void EncodeLife(Writer& w, const ProgrammeLife& life) {
  PutEnum(w, life.status);
  PutVector(w, life.versions, PutVersion);
  PutVector(w, life.events, PutEvent);
}

bool DecodeLife(Reader& r, ProgrammeLife* life) {
  return GetEnum(r, &life->status, ProgrammeStatus::kClosed) &&
         GetVector(r, &life->versions, GetVersion) && !life->versions.empty() &&
         GetVector(r, &life->events, GetEvent);
}

}  // namespace bg::programme
