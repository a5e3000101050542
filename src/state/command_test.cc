// The command table's tests. Every kind of CommandBody (one example each,
// generated from the variant: command_test_examples.h) comes back from its
// wire form as the same kind, value and bytes; its bytes and event count
// are pinned, since a journal already written must replay the same for
// ever; the legacy tags keep their meaning; a tag no kind reads does not
// decode (it was once a Tick).
#include "state/command.h"

#include <algorithm>
#include <cctype>
#include <concepts>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "common/codec.h"
#include "common/hash.h"
#include "state/command_test_examples.h"

namespace bg::state {
namespace {

template <size_t... I>
constexpr bool EveryKindComparable(std::index_sequence<I...>) {
  return (std::equality_comparable<std::variant_alternative_t<I, CommandBody>> && ...);
}
static_assert(EveryKindComparable(std::make_index_sequence<std::variant_size_v<CommandBody>>{}),
              "every command kind needs operator==: its round trip is compared");

const std::vector<CommandBody>& Examples() {
  static const std::vector<CommandBody> examples = examples::EveryKind();
  return examples;
}

std::vector<uint8_t> Encode(const Command& command) {
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  EncodeCommand(w, command);
  return bytes;
}

// The first 16 hex digits of the bytes' BLAKE2b-256.
std::string Digest(const std::vector<uint8_t>& bytes) {
  return ToHex(HashBytes(bytes)).substr(0, 16);
}

// [u64 ts][u8 tag] and then `body`.
std::vector<uint8_t> Wire(uint8_t tag, const std::vector<uint8_t>& body = {}) {
  std::vector<uint8_t> bytes;
  Writer w(&bytes);
  w.U64(1'000);
  w.U8(tag);
  bytes.insert(bytes.end(), body.begin(), body.end());
  return bytes;
}

// What each example is on the wire at ts 1000 (Digest) and how many
// timestamps it takes, as the journal has always had them. A change here
// is a change of the journal format: journals already written would
// replay differently. A new kind adds its line (the test says what).
struct Pinned {
  const char* name;
  uint8_t tag;
  size_t events;
  const char* digest;
};
constexpr Pinned kPinned[] = {
    {"create_accounts", 1, 2, "e8f9a3668a36971b"},
    {"create_transfers", 2, 2, "11d82d15c92ec8da"},
    {"tick", 61, kTickEvents, "5f06c43764e3b973"},
    {"register_jurisdiction", 4, 1, "5edd789fd06fd6b4"},
    {"register_enterprise", 5, 1, "d07d5aca8a1e719c"},
    {"register_provider", 6, 1, "a8b2f779391e6e4d"},
    {"create_programme", 7, 4, "8a619689ebab1ebc"},
    {"file_application", 8, 1, "a1d8fd841e4628bc"},
    {"review_application", 9, 2, "a235e71e6ac5411d"},
    {"redeem", 10, 32, "cf4091343aa1a33a"},
    {"settle_claim", 11, 64, "7311825027faf527"},
    {"expire_vouchers", 34, 17, "52843ee5f5ffcd3b"},
    {"revoke_voucher", 13, 1, "08756db1f7dfc340"},
    {"clawback", 14, 64, "ceb5713bef2d7695"},
    {"set_blacklist", 15, 1, "42feade4fa4b6f57"},
    {"register_site", 16, 1, "121724e39a0a068d"},
    {"register_pool", 17, 1, "2ccd558b1a931994"},
    {"set_link", 18, 1, "98b22bf88f16066d"},
    {"set_pool_offered", 19, 1, "9583c2f396a673b4"},
    {"submit_job", 20, 40, "34f203e0961ba885"},
    {"schedule", 21, 200, "f7afe8b8a51ef18b"},
    {"finish_job", 22, 80, "cf004159ef4139a9"},
    {"cancel_job", 23, 80, "a6970771cda955aa"},
    {"register_provider_key", 24, 1, "9b9c74de33d96bf6"},
    {"submit_usage", 25, 132, "661030315c6d6bb4"},
    {"close_statement", 35, 12'288, "6dcff9a7f5c09963"},  // 26: the close that paid (legacy)
    {"scan_for_fraud", 27, 1, "cdcbc358ff75ad8d"},
    {"close_audit_case", 28, 1, "81c2ed4c7e5b4e31"},
    {"extend_job", 29, 4, "22b005dff4cf995e"},
    {"create_api_token", 30, 1, "7c36e33ddd7dbe0a"},
    {"revoke_api_token", 31, 1, "cf92611f6e9edf34"},
    {"set_pool_prices", 32, 1, "9b9c851cafae3cd4"},
    {"approve_statement", 36, 1, "dfb49bcda42a30ce"},
    {"pay_statement", 37, 1, "9cad3c89be17c822"},
    {"review_applications", 40, 4, "631f09b440c6df34"},
    {"rotate_api_token", 41, 1, "7db2efee71d95c9e"},
    {"amend_programme", 43, 1, "982a7f83182e1d55"},
    {"change_programme", 44, 1, "8b5479b6606aa40f"},
    {"register_facility", 45, 1, "cb61473a24b22dc0"},
    {"book_facility", 50, 1, "3513baf74bc473eb"},
    {"use_facility", 51, kFacilityFeeEvents, "d06d90846a3bf347"},
    {"open_call", 52, 1, "d3866763ecc188c9"},
    {"submit_proposal", 53, 1, "4506a3017e13a88d"},
    {"review_proposal", 54, 1, "4b483ca8ed03336f"},
    {"register_reviewer", 55, 1, "2f773c0be513addb"},
    {"close_round", 56, 1, "7a162429a2821f55"},
    {"report_outputs", 57, 1, "2967586a0bd5ddd6"},
    {"record_training", 58, 1, "9c7bea21f8db579d"},
};

// --- Every kind, one test each ------------------------------------------------------

class EveryKind : public ::testing::TestWithParam<size_t> {
 protected:
  const CommandBody& body() const { return Examples()[GetParam()]; }
};

INSTANTIATE_TEST_SUITE_P(CommandTable, EveryKind,
                         ::testing::Range<size_t>(0, std::variant_size_v<CommandBody>),
                         [](const ::testing::TestParamInfo<size_t>& kind) {
                           return std::string(CommandName(Examples()[kind.param]));
                         });

TEST_P(EveryKind, ComesBackAsTheSameKindValueAndBytes) {
  const Command written{1'000, body()};
  const std::vector<uint8_t> bytes = Encode(written);
  Reader r(bytes);
  Command back;
  ASSERT_TRUE(DecodeCommand(r, &back));
  EXPECT_TRUE(r.done());
  EXPECT_EQ(back.ts, written.ts);
  ASSERT_EQ(back.body.index(), written.body.index()) << "came back as " << CommandName(back.body);
  EXPECT_TRUE(back.body == written.body);
  EXPECT_EQ(Encode(back), bytes);
}

TEST_P(EveryKind, KeepsItsPinnedTagBytesAndEventCount) {
  const std::string name = CommandName(body());
  const std::vector<uint8_t> bytes = Encode({1'000, body()});
  const auto* pin = std::find_if(std::begin(kPinned), std::end(kPinned),
                                 [&](const Pinned& p) { return p.name == name; });
  ASSERT_NE(pin, std::end(kPinned))
      << "a new kind: pin it in kPinned as {\"" << name << "\", " << int{bytes[8]} << ", "
      << EventCount(body()) << ", \"" << Digest(bytes) << "\"}";
  EXPECT_EQ(int{bytes[8]}, int{pin->tag}) << name;
  EXPECT_EQ(Digest(bytes), pin->digest) << name << "'s wire form changed";
  EXPECT_EQ(EventCount(body()), pin->events) << name;
  EXPECT_GE(EventCount(body()), 1u);
}

TEST_P(EveryKind, NoProperPrefixDecodes) {
  const std::vector<uint8_t> bytes = Encode({1'000, body()});
  for (size_t n = 0; n < bytes.size(); ++n) {
    const std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
    Reader r(cut);
    Command back;
    EXPECT_FALSE(DecodeCommand(r, &back)) << n << " of " << bytes.size() << " bytes";
  }
}

// --- The table as a whole -----------------------------------------------------------

TEST(CommandTable, NamesAreSnakeCaseAndUnique) {
  std::set<std::string> names;
  for (const CommandBody& body : Examples()) {
    const std::string name = CommandName(body);
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(std::all_of(name.begin(), name.end(), [](char c) {
      return std::islower(c) != 0 || c == '_';
    })) << name;
    EXPECT_TRUE(names.insert(name).second) << name << " twice";
  }
  EXPECT_EQ(names.size(), std::size(kPinned)) << "a kind pinned that is no longer in CommandBody";
}

// A Tick, a sweep of every programme and a close that pays are written with
// the tags they had before the clock finished jobs, a sweep could name one
// programme and statements were approved and paid as steps of their own.
TEST(CommandTable, LegacyTagsKeepTheirMeaning) {
  struct Case {
    CommandBody body;
    std::vector<uint8_t> wire;
    size_t events;
  };
  std::vector<uint8_t> limit_17 = {17, 0, 0, 0};
  std::vector<uint8_t> limit_17_of_8 = {17, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0};
  // Programme 8, month 2025-11, actor "ops".
  std::vector<uint8_t> close_8 = {8, 0, 0,  0, 0, 0, 0, 0,   0,   0xe9, 7,
                                  0, 0, 11, 3, 0, 0, 0, 'o', 'p', 's'};
  const CloseStatement close{.programme = ProgrammeId(8),
                             .period = {settlement::PeriodKind::kMonth, 2025, 11},
                             .actor = "ops"};
  CloseStatement pays = close;
  pays.pays_at_close = true;
  // Token 11, hash zero, an operator of programme 8 named "f"; staged: finance.
  const CreateApiToken token{
      .id = 11, .role = access::TokenRole::kOperator, .scope = 8, .name = "f"};
  CreateApiToken finance = token;
  finance.stage = access::TokenStage::kFinance;
  std::vector<uint8_t> token_11 = {11, 0, 0, 0, 0, 0, 0, 0};
  token_11.insert(token_11.end(), 32, 0);
  for (int b : {1, 8, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}) token_11.push_back(static_cast<uint8_t>(b));
  token_11.push_back('f');
  std::vector<uint8_t> finance_11 = token_11;
  finance_11.push_back(3);
  finance_11.insert(finance_11.end(), 8, 0);  // never expires
  const Case cases[] = {
      {Tick{.holds_only = true}, Wire(3), 1},
      {Tick{.retires = false, .retires_lines = false, .retires_claims = false}, Wire(33),
       kTickEvents},
      {Tick{.retires_lines = false, .retires_claims = false}, Wire(59), kTickEvents},
      {Tick{.retires_claims = false}, Wire(60), kTickEvents},
      {Tick{}, Wire(61), kTickEvents},
      {ExpireVouchers{.limit = 17}, Wire(12, limit_17), 17},
      {ExpireVouchers{.limit = 17, .programme = ProgrammeId(8)}, Wire(34, limit_17_of_8), 17},
      {pays, Wire(26, close_8), settlement::kCloseEvents},
      {close, Wire(35, close_8), settlement::kCloseEvents},
      {token, Wire(30, token_11), 1},
      {finance, Wire(38, finance_11), 1},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(Encode({1'000, c.body}), c.wire) << CommandName(c.body);
    Reader r(c.wire);
    Command back;
    ASSERT_TRUE(DecodeCommand(r, &back)) << CommandName(c.body);
    EXPECT_TRUE(r.done());
    EXPECT_TRUE(back.body == c.body) << CommandName(c.body);
    EXPECT_EQ(EventCount(back.body), c.events) << CommandName(c.body);
  }
  // Tag 34 names a programme: programme 0 is tag 12's.
  std::vector<uint8_t> of_0 = Wire(34, {17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  Reader r(of_0);
  Command back;
  EXPECT_FALSE(DecodeCommand(r, &back));
}

// A step names its actor's stage with tag 42 (tag 9's body and one byte);
// a step by a stage-less actor keeps tag 9.
TEST(CommandTable, AStepByAStagedActorTakesTag42) {
  ReviewApplication any{.id = ApplicationId(5), .step = programme::Step::kApprove, .actor = "li"};
  ReviewApplication finance = any;
  finance.by = 3;
  const std::vector<uint8_t> plain = Encode({1'000, any});
  std::vector<uint8_t> staged = plain;
  staged[8] = 42;
  staged.push_back(3);
  EXPECT_EQ(int{plain[8]}, 9);
  EXPECT_EQ(Encode({1'000, finance}), staged);
  Reader r(staged);
  Command back;
  ASSERT_TRUE(DecodeCommand(r, &back));
  EXPECT_TRUE(back.body == CommandBody(finance));
  staged.back() = 0;  // a stage of 0 is tag 9's
  Reader zero(staged);
  EXPECT_FALSE(DecodeCommand(zero, &back));
}

// A programme with review stages appends them (tag 39); one without keeps
// tag 7's body, byte for byte.
TEST(CommandTable, AReviewedProgrammeTakesTag39AndComesBackWhole) {
  CreateProgramme plain;
  plain.rules.id = ProgrammeId(8);
  plain.rules.name = "Yangzhou 算力券";
  CreateProgramme reviewed = plain;
  reviewed.rules.review = {.stages = {{"district", programme::StageRole::kReviewer},
                                      {"finance", programme::StageRole::kFinance}},
                           .second_approval_above = Money::Fen(50'000'000)};
  for (const auto& [c, tag] : {std::pair{plain, 7}, std::pair{reviewed, 39}}) {
    const std::vector<uint8_t> bytes = Encode({1'000, c});
    EXPECT_EQ(int{bytes[8]}, tag);
    Reader r(bytes);
    Command back;
    ASSERT_TRUE(DecodeCommand(r, &back));
    EXPECT_TRUE(r.done());
    EXPECT_TRUE(back.body == CommandBody(c));
  }
  // Tag 39 with no stages is tag 7's programme written wrongly: refused.
  std::vector<uint8_t> bytes = Encode({1'000, plain});
  bytes[8] = 39;
  bytes.insert(bytes.end(), {0, 0, 0, 0, 0});  // no stages, no second approval
  Reader r(bytes);
  Command back;
  EXPECT_FALSE(DecodeCommand(r, &back));
}

// Tags 1 to 62 are taken (3, 12, 26, 33, 59 and 60 by the legacy forms, 38 by
// a staged or expiring token, 39 by a reviewed programme, 42 by a step with
// its actor's stage, 46 to 49 by what facilities appended to older kinds,
// 62 by the clawback of an archived claim, which no example is); any other
// tag is an error, whatever follows it.
TEST(CommandTable, ATagNoKindReadsIsAnErrorNeverATick) {
  std::set<int> taken = {3, 12, 26, 33, 38, 39, 42, 46, 47, 48, 49, 59, 60, 62};
  for (const CommandBody& body : Examples()) taken.insert(Encode({1'000, body})[8]);
  std::set<int> one_to_62;
  for (int tag = 1; tag <= 62; ++tag) one_to_62.insert(tag);
  EXPECT_EQ(taken, one_to_62);
  const std::vector<uint8_t> zeros(64, 0);
  for (int tag = 0; tag < 256; ++tag) {
    if (taken.count(tag) != 0) continue;
    const std::vector<uint8_t> wire = Wire(static_cast<uint8_t>(tag), zeros);
    Reader r(wire);
    Command back;
    EXPECT_FALSE(DecodeCommand(r, &back)) << "tag " << tag;
  }
}

// A clawback of a claim that left memory carries its archived encoding
// (tag 62); one of a claim in memory stays tag 14, byte for byte.
TEST(CommandTable, AClawbackOfAnArchivedClaimCarriesItsBytes) {
  const Clawback in_memory{.claim = ClaimId(9), .actor = "audit", .reason = "double billing"};
  Clawback archived = in_memory;
  archived.archived = {1, 2, 3, 250};
  const std::vector<uint8_t> plain = Encode({1'000, in_memory});
  const std::vector<uint8_t> carried = Encode({1'000, archived});
  EXPECT_EQ(plain[8], 14);
  EXPECT_EQ(carried[8], 62);
  // Tag 62's body is tag 14's with the archived bytes after it.
  EXPECT_TRUE(std::equal(plain.begin() + 9, plain.end(), carried.begin() + 9));
  for (const Clawback& c : {in_memory, archived}) {
    const std::vector<uint8_t> bytes = Encode({1'000, c});
    Reader r(bytes);
    Command back;
    ASSERT_TRUE(DecodeCommand(r, &back));
    EXPECT_EQ(std::get<Clawback>(back.body), c);
  }
  // Tag 62 with nothing archived is no clawback.
  std::vector<uint8_t> empty = plain;
  empty[8] = 62;
  for (int b : {0, 0, 0, 0}) empty.push_back(static_cast<uint8_t>(b));
  Reader r(empty);
  Command back;
  EXPECT_FALSE(DecodeCommand(r, &back));
}

// What facilities brought (issue 19) extends older kinds with a tag each,
// appending to the older body, which stays byte for byte what it was: an
// innovation-voucher programme (47: after the review rules, even none), its
// amendment (48), a claim on a facility's use (49), a bookable facility
// (46). Each comes back whole; the older tag keeps the older meaning.
TEST(CommandTable, FacilityTermsTakeTheirOwnTags) {
  struct Case {
    CommandBody older;
    CommandBody newer;
    uint8_t older_tag;
    uint8_t newer_tag;
  };
  const CreateProgramme compute = Example(examples::For<CreateProgramme>{});
  CreateProgramme innovation = compute;
  innovation.rules.covers = {.spend = programme::Spend::kFacilities,
                             .facility_kinds = {"cryo_em", "neutron_station"}};
  const AmendProgramme amend = Example(examples::For<AmendProgramme>{});
  AmendProgramme amend_innovation = amend;
  amend_innovation.rules.covers = innovation.rules.covers;
  const Redeem redeem = Example(examples::For<Redeem>{});
  Redeem for_use = redeem;
  for_use.facility = FacilityId(3);
  for_use.facility_kind = "cryo_em";
  const RegisterFacility facility = Example(examples::For<RegisterFacility>{});
  RegisterFacility bookable = facility;
  bookable.facility.booking_quota_hours = 20;
  bookable.facility.no_show_grace_minutes = 15;
  const Case cases[] = {{compute, innovation, 7, 47},
                        {amend, amend_innovation, 43, 48},
                        {redeem, for_use, 10, 49},
                        {facility, bookable, 45, 46}};
  for (const Case& c : cases) {
    const std::vector<uint8_t> older = Encode({1'000, c.older});
    const std::vector<uint8_t> newer = Encode({1'000, c.newer});
    EXPECT_EQ(int{older[8]}, int{c.older_tag}) << CommandName(c.older);
    EXPECT_EQ(int{newer[8]}, int{c.newer_tag}) << CommandName(c.newer);
    // The newer body begins with the older one.
    ASSERT_GT(newer.size(), older.size());
    EXPECT_TRUE(std::equal(older.begin() + 9, older.end(), newer.begin() + 9))
        << CommandName(c.newer);
    Reader r(newer);
    Command back;
    ASSERT_TRUE(DecodeCommand(r, &back)) << CommandName(c.newer);
    EXPECT_TRUE(r.done());
    EXPECT_TRUE(back.body == c.newer) << CommandName(c.newer);
    // The newer tag on the older body (nothing appended) is refused.
    std::vector<uint8_t> bare = older;
    bare[8] = c.newer_tag;
    Reader cut(bare);
    EXPECT_FALSE(DecodeCommand(cut, &back)) << CommandName(c.newer);
  }
}

}  // namespace
}  // namespace bg::state
