// Each row of the route table bound to its handler. HandlerOf is a switch
// over RouteId without a default: a RouteId added without its handler is a
// -Wswitch error (-Werror), and the handler is named after its RouteId.
#include "api/service.h"
#include "common/check.h"

namespace bg::api {

void Service::AddRoutes() {
  route_stats_.resize(static_cast<size_t>(spec::RouteId::kCount));
  for (const spec::Route& row : spec::Routes()) {
    route_stats_[static_cast<size_t>(row.id)] = StatsFor(std::string(row.method) + " " + row.path);
    const Handler handler = HandlerOf(row.id);
    router_.Add(row, [this, handler](Call& c) { return (this->*handler)(c); });
  }
}

Service::Handler Service::HandlerOf(spec::RouteId id) {
  using R = spec::RouteId;
  switch (id) {
    case R::kHealthz:
      return &Service::Healthz;
    case R::kMetrics:
      return &Service::Metrics;
    case R::kOpenApi:
      return &Service::OpenApiDocument;
    case R::kListPools:
      return &Service::ListPools;
    case R::kListSites:
      return &Service::ListSites;
    case R::kListFacilities:
      return &Service::ListFacilities;
    case R::kGetFacility:
      return &Service::GetFacility;
    case R::kRegisterFacility:
      return &Service::RegisterFacility;
    case R::kBookFacility:
      return &Service::BookFacility;
    case R::kListBookings:
      return &Service::ListBookings;
    case R::kGetBooking:
      return &Service::GetBooking;
    case R::kCheckIn:
      return &Service::CheckIn;
    case R::kCheckOut:
      return &Service::CheckOut;
    case R::kCancelBooking:
      return &Service::CancelBooking;
    case R::kListRounds:
      return &Service::ListRounds;
    case R::kGetRound:
      return &Service::GetRound;
    case R::kOpenCall:
      return &Service::OpenCall;
    case R::kAssignRound:
      return &Service::AssignRound;
    case R::kAllocateRound:
      return &Service::AllocateRound;
    case R::kSubmitProposal:
      return &Service::SubmitProposal;
    case R::kListProposals:
      return &Service::ListProposals;
    case R::kGetProposal:
      return &Service::GetProposal;
    case R::kScreenProposal:
      return &Service::ScreenProposal;
    case R::kScoreProposal:
      return &Service::ScoreProposal;
    case R::kReportOutputs:
      return &Service::ReportOutputs;
    case R::kRegisterReviewer:
      return &Service::RegisterReviewer;
    case R::kListReviewers:
      return &Service::ListReviewers;
    case R::kRecordTraining:
      return &Service::RecordTraining;
    case R::kListTrainings:
      return &Service::ListTrainings;
    case R::kListProgrammes:
      return &Service::ListProgrammes;
    case R::kGetProgramme:
      return &Service::GetProgramme;
    case R::kProgrammePacing:
      return &Service::ProgrammePacing;
    case R::kAmendProgramme:
      return &Service::AmendProgramme;
    case R::kTopUpProgramme:
      return &Service::TopUpProgramme;
    case R::kCutProgramme:
      return &Service::CutProgramme;
    case R::kSuspendProgramme:
      return &Service::SuspendProgramme;
    case R::kResumeProgramme:
      return &Service::ResumeProgramme;
    case R::kCloseProgramme:
      return &Service::CloseProgramme;
    case R::kListProgrammeProvider:
      return &Service::ListProgrammeProvider;
    case R::kPreviewProgramme:
      return &Service::PreviewProgramme;
    case R::kListProviders:
      return &Service::ListProviders;
    case R::kListEnterprises:
      return &Service::ListEnterprises;
    case R::kEnterpriseMoney:
      return &Service::EnterpriseMoney;
    case R::kProviderMoney:
      return &Service::ProviderMoney;
    case R::kListJurisdictions:
      return &Service::ListJurisdictions;
    case R::kFileApplication:
      return &Service::FileApplication;
    case R::kReviewApplication:
      return &Service::ReviewApplication;
    case R::kGetApplication:
      return &Service::GetApplication;
    case R::kListApplications:
      return &Service::ListApplications;
    case R::kReviewApplications:
      return &Service::ReviewApplications;
    case R::kListVouchers:
      return &Service::ListVouchers;
    case R::kGetVoucher:
      return &Service::GetVoucher;
    case R::kQuote:
      return &Service::Quote;
    case R::kSubmitJob:
      return &Service::SubmitJob;
    case R::kListJobs:
      return &Service::ListJobs;
    case R::kGetJob:
      return &Service::GetJob;
    case R::kExplainJob:
      return &Service::ExplainJob;
    case R::kJobTrail:
      return &Service::JobTrail;
    case R::kCancelJob:
      return &Service::CancelJob;
    case R::kExtendJob:
      return &Service::ExtendJob;
    case R::kFinishJob:
      return &Service::FinishJob;
    case R::kListPlacements:
      return &Service::ListPlacements;
    case R::kGetStatements:
      return &Service::GetStatements;
    case R::kStatementLines:
      return &Service::StatementLines;
    case R::kCloseStatements:
      return &Service::CloseStatements;
    case R::kApproveStatements:
      return &Service::ApproveStatements;
    case R::kPayStatements:
      return &Service::PayStatements;
    case R::kListFlows:
      return &Service::ListFlows;
    case R::kListCases:
      return &Service::ListCases;
    case R::kScanForFraud:
      return &Service::ScanForFraud;
    case R::kVerifyJournal:
      return &Service::VerifyJournal;
    case R::kOfferPool:
      return &Service::OfferPool;
    case R::kSchedule:
      return &Service::Schedule;
    case R::kCloseCase:
      return &Service::CloseCase;
    case R::kRegisterEnterprise:
      return &Service::RegisterEnterprise;
    case R::kRegisterJurisdiction:
      return &Service::RegisterJurisdiction;
    case R::kRegisterProvider:
      return &Service::RegisterProvider;
    case R::kRegisterSite:
      return &Service::RegisterSite;
    case R::kPricePool:
      return &Service::PricePool;
    case R::kAddPool:
      return &Service::AddPool;
    case R::kBlacklist:
      return &Service::Blacklist;
    case R::kRevokeVoucher:
      return &Service::RevokeVoucher;
    case R::kExpireVouchers:
      return &Service::ExpireVouchers;
    case R::kCreateProgramme:
      return &Service::CreateProgramme;
    case R::kSetLink:
      return &Service::SetLink;
    case R::kRegisterKey:
      return &Service::RegisterKey;
    case R::kReportUsage:
      return &Service::ReportUsage;
    case R::kRedeemClaim:
      return &Service::RedeemClaim;
    case R::kCaptureClaim:
      return &Service::CaptureClaim;
    case R::kVoidClaim:
      return &Service::VoidClaim;
    case R::kListClaims:
      return &Service::ListClaims;
    case R::kGetClaim:
      return &Service::GetClaim;
    case R::kClawBackJob:
      return &Service::ClawBackJob;
    case R::kClawBackClaim:
      return &Service::ClawBackClaim;
    case R::kCreateToken:
      return &Service::CreateToken;
    case R::kRevokeToken:
      return &Service::RevokeToken;
    case R::kListTokens:
      return &Service::ListTokens;
    case R::kRotateToken:
      return &Service::RotateToken;
    case R::kListActivity:
      return &Service::ListActivity;
    case R::kGetJournalEntry:
      return &Service::GetJournalEntry;
    case R::kListNotices:
      return &Service::ListNotices;
    case R::kReadNotices:
      return &Service::ReadNotices;
    case R::kListWebhooks:
      return &Service::ListWebhooks;
    case R::kSetWebhook:
      return &Service::SetWebhook;
    case R::kMe:
      return &Service::Me;
    case R::kRemoveWebhook:
      return &Service::RemoveWebhook;
    case R::kCount:
      break;  // counts the routes; none
  }
  BG_CHECK(false) << "no handler for route " << static_cast<int>(id);
  return nullptr;
}

}  // namespace bg::api
