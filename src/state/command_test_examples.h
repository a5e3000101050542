// One example value of every command kind, for the command tests: each
// overload of Example is one kind's, with its fields set away from their
// defaults so that a field the codec drops or reorders shows. EveryKind()
// is generated from CommandBody's alternatives, so a kind without its
// Example here does not compile.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>
#include <vector>

#include "state/command.h"

namespace bg::state::examples {

// Names the type an Example is for (the overloads differ in nothing else).
template <typename T>
struct For {};

inline ledger::Account ExampleAccount(uint64_t id) {
  return {.id = AccountId(id),
          .ledger = LedgerId(1),
          .code = 3,
          .flags = 2,
          .owner = 77,
          .credits_posted = 5,  // journaled as submitted, so that replay refuses it again
          .timestamp = 9};
}

inline ledger::Transfer ExampleTransfer(uint64_t id) {
  return {.id = TransferId(id),
          .debit_account_id = AccountId(1),
          .credit_account_id = AccountId(2),
          .amount = 500,
          .pending_id = TransferId(3),
          .reference = 44,
          .timeout = 60,
          .ledger = LedgerId(1),
          .code = 1,
          .flags = 4};
}

inline CreateAccounts Example(For<CreateAccounts>) {
  return {{ExampleAccount(1), ExampleAccount(2)}};
}
inline CreateTransfers Example(For<CreateTransfers>) {
  return {{ExampleTransfer(9), ExampleTransfer(10)}};
}
inline Tick Example(For<Tick>) { return Tick{}; }

inline RegisterJurisdiction Example(For<RegisterJurisdiction>) {
  return {programme::Jurisdiction{.id = JurisdictionId(12),
                                  .code = "nansha",
                                  .name = "Nansha",
                                  .name_zh = "南沙区",
                                  .level = programme::JurisdictionLevel::kDistrict,
                                  .parent = JurisdictionId(3),
                                  .currency_ledger = programme::kLedgerHkd}};
}
inline RegisterEnterprise Example(For<RegisterEnterprise>) {
  return {programme::Enterprise{.id = EnterpriseId(4),
                                .credit_code = "91441900MA5BG00017",
                                .name = "Songshan Robotics",
                                .applicant = {.id = EnterpriseId(4),
                                              .home = JurisdictionId(12),
                                              .category = programme::ApplicantCategory::kStartUp,
                                              .flags = programme::kSme | programme::kLittleGiant,
                                              .credit = programme::CreditStatus::kDishonest},
                                .related_enterprises = {EnterpriseId(5), EnterpriseId(6)},
                                .related_providers = {ProviderId(7)}}};
}
inline RegisterFacility Example(For<RegisterFacility>) {
  return {facility::Facility{.id = FacilityId(3),
                             .name = "散裂中子源 通用粉末衍射仪",
                             .name_en = "CSNS general-purpose powder diffractometer",
                             .institution = ProviderId(9),
                             .kind = facility::FacilityKind::kNeutronStation,
                             .capacity = 2,
                             .hours = {.days = 0x1f, .from_hour = 8, .to_hour = 20},
                             .maintenance = {{.from = 1'000, .to = 2'000, .why = "target change"}},
                             .fees = {.own = Money::Fen(10'000),
                                      .academic = Money::Fen(50'000),
                                      .industry = Money::Fen(120'000)},
                             .training = "radiation safety",
                             .assumed = true}};
}
inline BookFacility Example(For<BookFacility>) {
  return {.id = OrderId(9'001),
          .facility = FacilityId(3),
          .user = EnterpriseId(4),
          .start = 1'772'416'800 * kNanosPerSecond,
          .hours = 3,
          .actor = "desk"};
}
inline UseFacility Example(For<UseFacility>) {
  return {
      .id = OrderId(9'001), .step = facility::UseStep::kCheckOut, .minutes = 150, .actor = "csns"};
}
inline OpenCall Example(For<OpenCall>) {
  return {.round = 2,
          .name = "2026 second run cycle",
          .proposals_from = 1'772'416'800 * kNanosPerSecond,
          .proposals_until = 1'773'000'000 * kNanosPerSecond,
          .period_start = 1'775'000'000 * kNanosPerSecond,
          .days = 91,
          .facilities = {FacilityId(1), FacilityId(2)},
          .offered_percent = 25,
          .min_hours = 16,
          .reviewers_per_proposal = 2,
          .outputs_required = true,
          .actor = "user office"};
}
inline SubmitProposal Example(For<SubmitProposal>) {
  return {.id = 77,
          .round = 2,
          .applicant = EnterpriseId(4),
          .title = "减速器齿面残余应力",
          .facilities = {FacilityId(1)},
          .hours = 24,
          .windows = {{.from = 1'775'000'000 * kNanosPerSecond,
                       .until = 1'776'000'000 * kNanosPerSecond}},
          .actor = "enterprise token"};
}
inline ReviewProposal Example(For<ReviewProposal>) {
  return {.proposal = 77,
          .step = facility::ReviewStep::kScore,
          .pass = true,
          .reviewer = 3,
          .score = 4,
          .reason = "",
          .actor = "user office"};
}
inline RegisterReviewer Example(For<RegisterReviewer>) {
  return {.id = 3,
          .name = "Prof. A",
          .institution = ProviderId(8),
          .related = {EnterpriseId(4)},
          .kinds = {facility::FacilityKind::kNeutronStation},
          .max_load = 6};
}
inline CloseRound Example(For<CloseRound>) {
  return {.round = 2, .step = facility::RoundStep::kAllocate, .actor = "user office"};
}
inline ReportOutputs Example(For<ReportOutputs>) {
  return {.proposal = 77,
          .outputs = {{.kind = facility::OutputKind::kPaper, .reference = "doi:10.1000/x"}},
          .actor = "enterprise token"};
}
inline RecordTraining Example(For<RecordTraining>) {
  return {.id = 12,
          .user = EnterpriseId(3),
          .training = "radiation safety",
          .by = ProviderId(7),
          .valid_until = 1'767'225'600'000'000'000,
          .actor = "provider token"};
}
inline RegisterProvider Example(For<RegisterProvider>) {
  return {programme::Provider{.id = ProviderId(7),
                              .name = "Shaoguan Compute",
                              .credit_code = "91441900MA5BG01046",
                              .home = JurisdictionId(12),
                              .related_enterprises = {EnterpriseId(4)},
                              .platforms = {2, 5}}};
}
inline CreateProgramme Example(For<CreateProgramme>) {
  using namespace programme;
  return {ProgrammeRules{
      .id = ProgrammeId(8),
      .name = "Nansha compute vouchers",
      .kind = "训力券",
      .issuer = JurisdictionId(12),
      .level = JurisdictionLevel::kDistrict,
      .valid_from = 1'000,
      .valid_until = 2'000,
      .total_budget = Money::Fen(100'000'000),
      .yearly_budget = Money::Fen(40'000'000),
      .apply_from = 1'100,
      .apply_until = 1'200,
      .eligibility = {.home_jurisdictions = {JurisdictionId(12)},
                      .categories = {ApplicantCategory::kStartUp, ApplicantCategory::kUniversity},
                      .good_credit_required = false},
      .purposes = {Purpose::kTraining},
      .default_ratio_bp = 5'000,
      .ratio_rules = {RatioRule{.category = ApplicantCategory::kStartUp,
                                .flags_all = kSme,
                                .resource = ResourceClass::kDomesticAccelerator,
                                .ratio_bp = 6'000}},
      .per_order_cap = Money::Fen(2'000'000),
      .per_award_cap = Money::Fen(10'000'000),
      .default_entity_year_cap = Money::Fen(1'000'000),
      .cap_rules = {CapRule{.flags_any = kLittleGiant, .per_entity_year = Money::Fen(5'000'000)}},
      .providers = {.listed_only = true,
                    .listed = {ProviderId(7)},
                    .platform = 2,
                    .inside_issuer_only = true},
      .redemption = RedemptionMode::kReimbursement,
      .voucher_validity_days = 180,
      .lapse = LapsePolicy::kLapse,
      .combined_ceiling_bp = 9'000,
      .sme_first = true,
      .settlement = SettlementCycle::kQuarterly}};
}

inline FileApplication Example(For<FileApplication>) {
  return {.id = ApplicationId(7),
          .programme = ProgrammeId(8),
          .enterprise = EnterpriseId(4),
          .amount = Money::Fen(60'000'000),
          .actor = "applicant",
          .note = "训练 ResNet"};
}
inline ReviewApplication Example(For<ReviewApplication>) {
  return {.id = ApplicationId(7),
          .step = programme::Step::kApprove,
          .actor = "reviewer",
          .reason = "ok",
          .amount = Money::Fen(50'000'000)};
}
inline Redeem Example(For<Redeem>) {
  return {.id = ClaimId(3),
          .order = OrderId(4),
          .enterprise = EnterpriseId(4),
          .provider = ProviderId(7),
          .currency_ledger = programme::kLedgerHkd,
          .amount = Money::Fen(12'345),
          .resource = programme::ResourceClass::kDomesticAccelerator,
          .purpose = programme::Purpose::kFineTuning};
}
inline SettleClaim Example(For<SettleClaim>) { return {.id = ClaimId(3), .capture = false}; }
// Of one programme; the sweep of every programme (a legacy tag) is
// command_test.cc's.
inline ExpireVouchers Example(For<ExpireVouchers>) {
  return {.limit = 17, .programme = ProgrammeId(8)};
}
inline RevokeVoucher Example(For<RevokeVoucher>) {
  return {.id = VoucherId(7), .actor = "ops", .reason = "fraud"};
}
inline Clawback Example(For<Clawback>) {
  return {.claim = ClaimId(3), .actor = "auditor", .reason = "double claim"};
}
inline SetBlacklist Example(For<SetBlacklist>) {
  return {.enterprise = EnterpriseId(4), .listed = true, .actor = "ops", .reason = "fraud"};
}

inline RegisterSite Example(For<RegisterSite>) {
  return {network::Site{.id = SiteId(2),
                        .code = "shaoguan-hub",
                        .name = "Shaoguan hub",
                        .city = JurisdictionId(12),
                        .provider = ProviderId(7),
                        .lat_e6 = 24'810'000,
                        .lon_e6 = -113'600'000}};
}
inline RegisterPool Example(For<RegisterPool>) {
  return {network::Pool{.id = PoolId(3),
                        .site = SiteId(2),
                        .accelerator = "910B",
                        .domestic = true,
                        .memory_gb = 64,
                        .cards_total = 512,
                        .cards_offered = 256,
                        .price = {Money::Fen(240), Money::Fen(375), Money::Fen(600)}}};
}
inline SetLink Example(For<SetLink>) {
  return {network::Link{.a = JurisdictionId(12),
                        .b = JurisdictionId(13),
                        .latency_us = 4'000,
                        .bandwidth_mbps = 400'000}};
}
inline SetPoolOffered Example(For<SetPoolOffered>) { return {.pool = PoolId(3), .cards = 128}; }
inline SetPoolPrices Example(For<SetPoolPrices>) {
  return {.pool = PoolId(3), .price = {Money::Fen(650), Money::Fen(1014), Money::Fen(1625)}};
}

inline SubmitJob Example(For<SubmitJob>) {
  return {.request = {.id = OrderId(4),
                      .enterprise = EnterpriseId(4),
                      .accelerator = "A800",
                      .min_memory_gb = 80,
                      .cards = 8,
                      .walltime_s = 7'200,
                      .purpose = programme::Purpose::kTraining,
                      .tier = network::Tier::kExclusive,
                      .data_site = SiteId(2),
                      .data_gb = 500,
                      .deadline = 9'000,
                      .max_out_of_pocket = Money::Fen(99'000),
                      .objective = scheduler::Objective::kLowestLatency,
                      .near_city = JurisdictionId(12)},
          .pool = PoolId(3),
          .policy = scheduler::Policy::kCheapestList};
}
inline Schedule Example(For<Schedule>) {
  return {.policy = scheduler::Policy::kFirstFit, .max_jobs = 5};
}
// `metered` and `by_clock` are not journaled (scheduler/job.h).
inline FinishJob Example(For<FinishJob>) { return {.id = OrderId(4)}; }
inline CancelJob Example(For<CancelJob>) { return {.id = OrderId(4), .reason = "not needed"}; }
inline ExtendJob Example(For<ExtendJob>) { return {.id = OrderId(4), .extra_s = 600}; }

inline RegisterProviderKey Example(For<RegisterProviderKey>) {
  return {ProviderId(7), metering::KeyPairFromNumber(7).public_key};
}
// `checked_with` is not journaled (metering/metering.h).
inline SubmitUsage Example(For<SubmitUsage>) {
  return {.records = {metering::UsageRecord{.id = 1,
                                            .provider = ProviderId(7),
                                            .order = OrderId(4),
                                            .start_s = 10,
                                            .end_s = 70,
                                            .cards = 2,
                                            .signature = {1, 2, 3}},
                      metering::UsageRecord{.id = 2, .provider = ProviderId(7)}},
          .batch_signature = metering::Signature{9, 8, 7},
          .checked = {1, 0}};
}
inline CloseStatement Example(For<CloseStatement>) {
  return {.programme = ProgrammeId(8),
          .period = {settlement::PeriodKind::kQuarter, 2025, 4},
          .actor = "ops"};
}
inline ApproveStatement Example(For<ApproveStatement>) {
  return {.programme = ProgrammeId(8),
          .period = {settlement::PeriodKind::kMonth, 2025, 11},
          .payee = 3,
          .actor = "finance"};
}
inline PayStatement Example(For<PayStatement>) {
  return {.programme = ProgrammeId(8),
          .period = {settlement::PeriodKind::kMonth, 2025, 11},
          .payee = 3,
          .bank_reference = "ICBC-2025-12-0042",
          .paid_on = 1'764'000'000 * kNanosPerSecond,
          .actor = "finance"};
}
inline ReviewApplications Example(For<ReviewApplications>) {
  return {.ids = {ApplicationId(4), ApplicationId(9)},
          .step = programme::Step::kReject,
          .actor = "zhao",
          .reason = "outside the programme's categories"};
}
inline ScanForFraud Example(For<ScanForFraud>) { return {}; }
inline CloseAuditCase Example(For<CloseAuditCase>) {
  return {.id = 3, .actor = "auditor", .resolution = "refunded"};
}
inline CreateApiToken Example(For<CreateApiToken>) {
  return {.id = 11,
          .hash = {0xab, 0xcd, 0xef},
          .role = access::TokenRole::kOperator,
          .scope = 8,
          .name = "nansha-ops"};
}
inline RevokeApiToken Example(For<RevokeApiToken>) { return {.id = 11}; }
inline RotateApiToken Example(For<RotateApiToken>) {
  return {.id = 11, .hash = {0x12, 0x34}, .expires_at = 1'780'000'000 * kNanosPerSecond};
}
inline AmendProgramme Example(For<AmendProgramme>) {
  AmendProgramme c{.rules = Example(For<CreateProgramme>{}).rules,
                   .effective_from = 1'500,
                   .actor = "li-director",
                   .reason = "ratio to 40%"};
  c.rules.default_ratio_bp = 4'000;
  c.rules.review.stages = {{"district", programme::StageRole::kReviewer}};
  return c;
}
inline ChangeProgramme Example(For<ChangeProgramme>) {
  return {.programme = ProgrammeId(8),
          .action = programme::ProgrammeAction::kDelistProvider,
          .amount = Money::Fen(5'000'000),
          .provider = ProviderId(7),
          .actor = "li-director",
          .reason = "left the 算力伙伴 list"};
}

// Example of the I-th alternative of CommandBody, in that alternative.
template <size_t I>
CommandBody ExampleOf() {
  using T = std::variant_alternative_t<I, CommandBody>;
  static_assert(
      requires { Example(For<T>{}); },
      "every command kind needs its Example (state/command_test_examples.h)");
  return CommandBody(std::in_place_index<I>, Example(For<T>{}));
}

template <size_t... I>
std::vector<CommandBody> EveryKind(std::index_sequence<I...>) {
  return {ExampleOf<I>()...};
}

// One example of every alternative, in the variant's order.
inline std::vector<CommandBody> EveryKind() {
  return EveryKind(std::make_index_sequence<std::variant_size_v<CommandBody>>{});
}

}  // namespace bg::state::examples
