// Binary wire forms of the programme domain's records, for the engine's
// journal (commands carry them) and snapshots. Little-endian, fixed field
// order; optionals are a presence byte and the value; vectors a u32 count.
// Decoders refuse truncated input and out-of-range enum values.
#pragma once

#include "common/codec.h"
#include "programme/participants.h"
#include "programme/rules.h"

namespace bg::programme {

void EncodeJurisdiction(Writer& w, const Jurisdiction& j);
bool DecodeJurisdiction(Reader& r, Jurisdiction* j);
void EncodeEnterprise(Writer& w, const Enterprise& e);
bool DecodeEnterprise(Reader& r, Enterprise* e);
void EncodeProvider(Writer& w, const Provider& p);
bool DecodeProvider(Reader& r, Provider* p);
// A programme without its review rules (the body of journal tag 7), and
// the review rules alone (appended by tag 39 and in snapshots).
void EncodeProgramme(Writer& w, const ProgrammeRules& p);
bool DecodeProgramme(Reader& r, ProgrammeRules* p);
void EncodeReview(Writer& w, const ReviewRules& review);
bool DecodeReview(Reader& r, ReviewRules* review);
// What it pays for (appended by tags 47 and 48 and in snapshots).
void EncodeCovers(Writer& w, const SpendRules& covers);
bool DecodeCovers(Reader& r, SpendRules* covers);

}  // namespace bg::programme
