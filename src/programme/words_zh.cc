// Switches without a default: a Limit or Code added without its Chinese
// words is a -Wswitch error.
#include "programme/words_zh.h"

#include "common/check.h"

namespace bg::programme {

const char* LimitZh(Limit limit) {
  switch (limit) {
    case Limit::kRatio:
      return "补贴比例";
    case Limit::kPerOrderCap:
      return "单笔订单上限";
    case Limit::kEntityYearCap:
      return "企业年度上限";
    case Limit::kVoucherBalance:
      return "券面余额";
    case Limit::kBudget:
      return "项目预算";
    case Limit::kCombinedCeiling:
      return "叠加补贴上限";
    case Limit::kJurisdictionAlreadyPaid:
      return "同级财政已补贴此订单";
    case Limit::kNoLiveVoucher:
      return "无有效算力券";
  }
  BG_CHECK(false) << "limit " << static_cast<int>(limit);
  return "";
}

const char* CodeZh(Code code) {
  switch (code) {
    case Code::kOk:
      return "";
    case Code::kExists:
      return "重复请求，按首次答复";
    case Code::kExistsWithDifferentBody:
      return "编号已被其他请求占用";
    case Code::kIdMustNotBeZero:
      return "编号不能为 0";
    case Code::kIdTooLarge:
      return "编号过大";
    case Code::kAmountMustBePositive:
      return "金额须为正数";
    case Code::kUnknownProgramme:
      return "无此项目";
    case Code::kUnknownEnterprise:
      return "无此企业";
    case Code::kUnknownProvider:
      return "无此服务商";
    case Code::kUnknownApplication:
      return "无此申请";
    case Code::kUnknownVoucher:
      return "无此算力券";
    case Code::kUnknownClaim:
      return "无此补贴申领";
    case Code::kNotInForce:
      return "项目不在有效期内";
    case Code::kOutsideApplicationWindow:
      return "不在申报期内";
    case Code::kIneligible:
      return "不符合申报条件（地区、类别或信用）";
    case Code::kAutomaticGrantTakesNoApplication:
      return "免申即享项目无需申请";
    case Code::kOverAwardCap:
      return "超过单券上限";
    case Code::kOverEntityYearCap:
      return "超过企业年度上限";
    case Code::kBudgetExhausted:
      return "项目预算已用完";
    case Code::kYearlyBudgetExhausted:
      return "年度预算已用完";
    case Code::kInvalidTransition:
      return "当前状态不允许此操作";
    case Code::kReasonRequired:
      return "须填写理由";
    case Code::kBlacklisted:
      return "企业在黑名单中";
    case Code::kRelatedParty:
      return "企业与服务商为关联方";
    case Code::kProviderNotAllowed:
      return "该服务商不在项目范围内";
    case Code::kNoVoucher:
      return "无有效算力券，也无免申即享项目适用";
    case Code::kCurrencyMismatch:
      return "币种账本不一致";
    case Code::kTooManyVouchers:
      return "一次申领动用的算力券过多";
    case Code::kClaimNotHeld:
      return "补贴已确认或已作废";
    case Code::kClaimNotCaptured:
      return "只有已确认的补贴可追回";
    case Code::kVoucherNotRevocable:
      return "算力券已过期或已撤销";
    case Code::kApprovedAboveRequest:
      return "核定金额高于申请金额";
    case Code::kOrderIsAJob:
      return "该订单是调度作业";
    case Code::kPurposeNotFunded:
      return "项目不资助该用途";
    case Code::kSamePerson:
      return "须由另一人审批";
    case Code::kWrongStage:
      return "审批环节不符";
    case Code::kProgrammeSuspended:
      return "项目已暂停";
    case Code::kProgrammeClosed:
      return "项目已结束";
    case Code::kInvalidAmendment:
      return "修订无效";
    case Code::kCutAboveUncommitted:
      return "核减超过未承诺预算";
    case Code::kNotCovered:
      return "不在资助范围";
    case Code::kOrderIsABooking:
      return "订单为设施预约";
    case Code::kArchivedClaimMismatch:
      return "存档申领不符";
  }
  BG_CHECK(false) << "code " << static_cast<int>(code);
  return "";
}

}  // namespace bg::programme
