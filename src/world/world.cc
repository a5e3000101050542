// World loader: one of the two files that include toml++ (agent/config.cc,
// the agent's config, is the other). The installed toml++
// is a shared library built with exceptions, so toml::parse_error is caught
// here and turned into a Status; no exception leaves this file.
//
// Parsing runs in passes over the parsed document: jurisdictions (then their
// parents, which may be declared in any order), enterprises and providers
// (then their relations), then programmes, which refer to all of them. Each
// reader checks the keys of its table first, so a misspelt key is reported
// rather than silently ignored.
#include "world/world.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <map>
#include <span>
#include <sstream>
#include <utility>

#include <toml++/toml.h>

#include "programme/credit_code.h"
#include "programme/names.h"

namespace bg::world {
namespace {

using programme::ApplicantCategory;
using programme::CapRule;
using programme::Eligibility;
using programme::Enterprise;
using programme::EnumName;
using programme::Jurisdiction;
using programme::JurisdictionLevelName;
using programme::kCategoryNames;
using programme::kCreditNames;
using programme::kCurrencyNames;
using programme::kCycleNames;
using programme::kFlagNames;
using programme::kLapseNames;
using programme::kLevelNames;
using programme::kMaxReviewStages;
using programme::kPurposeNames;
using programme::kRedemptionNames;
using programme::kResourceNames;
using programme::kStageRoleNames;
using programme::ProgrammeRules;
using programme::Provider;
using programme::ProviderRules;
using programme::Purpose;
using programme::RatioRule;
using programme::ReviewRules;
using programme::ReviewStage;
using programme::ValidateCreditCode;

using Keys = std::span<const std::string_view>;
constexpr std::array<std::string_view, 8> kTopKeys = {
    "jurisdiction", "enterprise", "provider", "programme", "site", "pool", "link", "facility"};
constexpr std::array<std::string_view, 12> kFacilityKeys = {
    "name",     "name_en", "institution",         "kind",
    "capacity", "hours",   "maintenance",         "fees_yuan",
    "training", "assumed", "booking_quota_hours", "no_show_grace_minutes"};
constexpr std::array<std::string_view, 3> kHoursKeys = {"days", "from", "to"};
constexpr std::array<std::string_view, 3> kMaintenanceKeys = {"from", "to", "why"};
constexpr std::array<std::string_view, 3> kFeeKeys = {"own", "academic", "industry"};
constexpr std::array<std::string_view, 6> kSiteKeys = {"code",     "name", "city",
                                                       "provider", "lat",  "lon"};
constexpr std::array<std::string_view, 7> kPoolKeys = {
    "site", "accelerator", "domestic", "memory_gb", "cards", "offered", "price_yuan"};
// Indexed by tier: kTierNames is in the enum's order.
constexpr std::array<std::string_view, network::kTiers> kPriceKeys = Names(network::kTierNames);
constexpr std::array<std::string_view, 4> kLinkKeys = {"a", "b", "latency_ms", "bandwidth_gbps"};
constexpr std::array<std::string_view, 6> kJurisdictionKeys = {"code",  "name",   "name_zh",
                                                               "level", "parent", "currency"};
constexpr std::array<std::string_view, 7> kEnterpriseKeys = {
    "credit_code", "name", "home", "category", "flags", "credit", "related"};
constexpr std::array<std::string_view, 5> kProviderKeys = {"name", "credit_code", "home", "related",
                                                           "platforms"};
constexpr std::array<std::string_view, 28> kProgrammeKeys = {"name",
                                                             "kind",
                                                             "issuer",
                                                             "valid_from",
                                                             "valid_until",
                                                             "total_budget_yuan",
                                                             "yearly_budget_yuan",
                                                             "apply_from",
                                                             "apply_until",
                                                             "eligibility",
                                                             "ratio_percent",
                                                             "ratio_rule",
                                                             "per_order_cap_yuan",
                                                             "per_award_cap_yuan",
                                                             "purposes",
                                                             "entity_year_cap_yuan",
                                                             "cap_rule",
                                                             "providers",
                                                             "redemption",
                                                             "voucher_validity_days",
                                                             "lapse",
                                                             "combined_ceiling_percent",
                                                             "sme_first",
                                                             "settlement",
                                                             "review",
                                                             "covers",
                                                             "facility_kinds",
                                                             "level"};
constexpr std::array<std::string_view, 3> kEligibilityKeys = {"home", "categories",
                                                              "good_credit_required"};
constexpr std::array<std::string_view, 4> kRatioRuleKeys = {"category", "flags", "resource",
                                                            "ratio_percent"};
constexpr std::array<std::string_view, 2> kCapRuleKeys = {"flags_any", "entity_year_cap_yuan"};
constexpr std::array<std::string_view, 2> kReviewKeys = {"stages", "second_approval_above_yuan"};
constexpr std::array<std::string_view, 2> kReviewStageKeys = {"name", "by"};
constexpr std::array<std::string_view, 3> kProviderRuleKeys = {"listed", "platform",
                                                               "inside_issuer_only"};

std::string JoinNames(Keys names) {
  std::string out;
  for (std::string_view n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

const char* TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::none:
      return "nothing";
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a floating-point number";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
  }
  return "an unknown type";
}

// Reads one document. Errors carry "<source>:<line>: ".
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  Result<World> Run(const toml::table& root);

 private:
  // --- Errors and scalar fields -------------------------------------------
  Status Fail(const toml::source_region& where, const std::string& what) const {
    return InvalidArgument(source_ + ":" + std::to_string(where.begin.line) + ": " + what);
  }
  Status WrongType(const toml::node& node, std::string_view field, std::string_view want) const {
    return Fail(node.source(), std::string(field) + " must be " + std::string(want) + ", not " +
                                   TypeName(node.type()));
  }
  Status CheckKeys(const toml::table& table, std::string_view what, Keys allowed) const;
  Result<const toml::node*> Require(const toml::table& table, std::string_view key,
                                    std::string_view what) const;
  Result<std::string> String(const toml::node& node, std::string_view field) const;
  Result<std::string> RequiredString(const toml::table& t, std::string_view key,
                                     std::string_view what) const;
  Result<std::string> OptionalString(const toml::table& t, std::string_view key,
                                     std::string_view what, std::string fallback) const;
  Result<int64_t> Integer(const toml::node& node, std::string_view field) const;
  Result<bool> Bool(const toml::node& node, std::string_view field) const;
  Result<Money> Yuan(const toml::node& node, std::string_view field) const;
  Result<std::optional<Money>> OptionalYuan(const toml::table& t, std::string_view key,
                                            std::string_view what) const;
  Result<uint32_t> RatioBp(const toml::node& node, std::string_view field) const;
  Result<Timestamp> Date(const toml::node& node, std::string_view field) const;
  Result<std::optional<Timestamp>> OptionalDate(const toml::table& t, std::string_view key,
                                                std::string_view what) const;
  Result<const toml::array*> Array(const toml::node& node, std::string_view field) const;
  Result<const toml::table*> Table(const toml::node& node, std::string_view field) const;
  template <typename E, size_t N>
  Result<E> Enum(const toml::node& node, std::string_view field,
                 const std::array<EnumName<E>, N>& table) const;
  Result<uint32_t> Flags(const toml::node& node, std::string_view field) const;

  // --- References -----------------------------------------------------------
  Result<JurisdictionId> JurisdictionRef(const toml::node& node, std::string_view field) const;
  Result<std::vector<JurisdictionId>> JurisdictionRefs(const toml::node& node,
                                                       std::string_view field) const;
  Result<ProviderId> ProviderRef(const toml::node& node, std::string_view field) const;
  Result<std::vector<const toml::table*>> Tables(const toml::table& parent,
                                                 std::string_view key) const;

  // --- Passes ---------------------------------------------------------------
  Status ReadJurisdiction(const toml::table& t);
  Status ResolveParent(size_t index);
  Status CheckNoCycle(size_t index) const;
  Status ReadCreditCode(const toml::table& t, std::string_view what, std::string* out) const;
  Status ReadEnterprise(const toml::table& t);
  Status ReadProvider(const toml::table& t);
  Status ResolveRelated(const toml::node& list, std::string_view field, size_t enterprise,
                        std::optional<size_t> provider);
  void Relate(size_t enterprise, size_t other_enterprise);
  void RelateProvider(size_t enterprise, size_t provider);
  Status ReadProgramme(const toml::table& t);
  Status ReadProgrammeDates(const toml::table& t, ProgrammeRules* p) const;
  Status ReadProgrammeMoney(const toml::table& t, ProgrammeRules* p) const;
  Status ReadPurposes(const toml::table& t, ProgrammeRules* p) const;
  Status ReadEligibility(const toml::table& t, Eligibility* e) const;
  Status ReadRatioRules(const toml::table& t, ProgrammeRules* p) const;
  Status ReadCapRules(const toml::table& t, ProgrammeRules* p) const;
  Status ReadProviderRules(const toml::table& t, ProviderRules* r) const;
  Status ReadRedemption(const toml::table& t, ProgrammeRules* p) const;
  Status ReadReview(const toml::table& t, ReviewRules* r) const;
  Status ReadSite(const toml::table& t);
  Status ReadPool(const toml::table& t);
  Status ReadLink(const toml::table& t);
  Status ReadFacility(const toml::table& t);
  Status ReadHours(const toml::node& node, facility::WeeklyHours* h) const;
  Status ReadCovers(const toml::table& t, programme::SpendRules* c) const;
  Status ReadMaintenance(const toml::node& node, std::vector<facility::Maintenance>* out) const;
  Result<double> Number(const toml::node& node, std::string_view field) const;
  Result<Money> PriceYuan(const toml::node& node, std::string_view field) const;
  Result<uint32_t> Count(const toml::table& t, std::string_view key, std::string_view what,
                         bool required) const;

  std::string source_;
  World out_;
  std::map<std::string, size_t, std::less<>> jurisdiction_by_code_;
  std::vector<const toml::table*> jurisdiction_tables_;
  std::map<std::string, size_t, std::less<>> enterprise_by_key_;  // name and credit code
  std::map<std::string, size_t, std::less<>> provider_by_key_;
  std::map<std::string, size_t, std::less<>> programme_by_name_;
  std::map<std::string, size_t, std::less<>> site_by_code_;
};

// --- Errors and scalar fields -----------------------------------------------

Status Reader::CheckKeys(const toml::table& table, std::string_view what, Keys allowed) const {
  for (auto&& [key, node] : table) {
    bool known = false;
    for (std::string_view a : allowed) known = known || key.str() == a;
    if (!known) {
      return Fail(key.source(), "unknown key '" + std::string(key.str()) + "' in " +
                                    std::string(what) + " (allowed: " + JoinNames(allowed) + ")");
    }
  }
  return Status::Ok();
}

Result<const toml::node*> Reader::Require(const toml::table& table, std::string_view key,
                                          std::string_view what) const {
  const toml::node* node = table.get(key);
  if (node == nullptr) {
    return Fail(table.source(), std::string(what) + " has no '" + std::string(key) + "'");
  }
  return node;
}

Result<std::string> Reader::String(const toml::node& node, std::string_view field) const {
  const auto* s = node.as_string();
  if (s == nullptr) return WrongType(node, field, "a string");
  if (s->get().empty()) return Fail(node.source(), std::string(field) + " must not be empty");
  return s->get();
}

Result<std::string> Reader::RequiredString(const toml::table& t, std::string_view key,
                                           std::string_view what) const {
  BG_ASSIGN_OR_RETURN(const toml::node* node, Require(t, key, what));
  return String(*node, std::string(what) + "." + std::string(key));
}

Result<std::string> Reader::OptionalString(const toml::table& t, std::string_view key,
                                           std::string_view what, std::string fallback) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) return fallback;
  return String(*node, std::string(what) + "." + std::string(key));
}

Result<int64_t> Reader::Integer(const toml::node& node, std::string_view field) const {
  const auto* i = node.as_integer();
  if (i == nullptr) return WrongType(node, field, "an integer");
  return i->get();
}

Result<bool> Reader::Bool(const toml::node& node, std::string_view field) const {
  const auto* b = node.as_boolean();
  if (b == nullptr) return WrongType(node, field, "true or false");
  return b->get();
}

Result<Money> Reader::Yuan(const toml::node& node, std::string_view field) const {
  const std::string f(field);
  if (node.is_floating_point()) {
    return Fail(node.source(), f + " must be a whole number of yuan, not " +
                                   std::to_string(node.as_floating_point()->get()));
  }
  BG_ASSIGN_OR_RETURN(int64_t yuan, Integer(node, field));
  if (yuan < 0) {
    return Fail(node.source(), f + " must not be negative, got " + std::to_string(yuan));
  }
  std::optional<Money> money = Money::Yuan(yuan);
  if (!money) return Fail(node.source(), f + " is too large: " + std::to_string(yuan));
  return *money;
}

Result<std::optional<Money>> Reader::OptionalYuan(const toml::table& t, std::string_view key,
                                                  std::string_view what) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) return std::optional<Money>();
  BG_ASSIGN_OR_RETURN(Money m, Yuan(*node, std::string(what) + "." + std::string(key)));
  return std::optional<Money>(m);
}

Result<uint32_t> Reader::RatioBp(const toml::node& node, std::string_view field) const {
  const std::string f(field);
  int64_t tenths = 0;  // of a percent
  if (const auto* d = node.as_floating_point()) {
    const double scaled = d->get() * 10.0;
    if (!std::isfinite(scaled) || std::abs(scaled - std::round(scaled)) > 1e-6 ||
        std::abs(scaled) > 1e6) {
      return Fail(node.source(), f + " must be a percentage with at most one decimal, not " +
                                     std::to_string(d->get()));
    }
    tenths = std::llround(scaled);
  } else {
    BG_ASSIGN_OR_RETURN(int64_t percent, Integer(node, field));
    tenths = std::clamp<int64_t>(percent, -1, 101) * 10;
  }
  if (tenths < 0) return Fail(node.source(), f + " must not be negative");
  if (tenths > 1000) return Fail(node.source(), f + " is above 100%");
  return static_cast<uint32_t>(tenths * 10);
}

Result<Timestamp> Reader::Date(const toml::node& node, std::string_view field) const {
  const auto* d = node.as_date();
  if (d == nullptr) return WrongType(node, field, "a TOML date such as 2025-01-01 (no quotes)");
  const toml::date& date = d->get();
  const int64_t days = DaysFromCivil(date.year, date.month, date.day);
  if (days < 0) return Fail(node.source(), std::string(field) + " is before 1970-01-01");
  return static_cast<Timestamp>(days) * 86'400 * kNanosPerSecond;
}

Result<std::optional<Timestamp>> Reader::OptionalDate(const toml::table& t, std::string_view key,
                                                      std::string_view what) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) return std::optional<Timestamp>();
  BG_ASSIGN_OR_RETURN(Timestamp ts, Date(*node, std::string(what) + "." + std::string(key)));
  return std::optional<Timestamp>(ts);
}

Result<const toml::array*> Reader::Array(const toml::node& node, std::string_view field) const {
  const toml::array* a = node.as_array();
  if (a == nullptr) return WrongType(node, field, "an array");
  return a;
}

Result<const toml::table*> Reader::Table(const toml::node& node, std::string_view field) const {
  const toml::table* t = node.as_table();
  if (t == nullptr) return WrongType(node, field, "a table");
  return t;
}

template <typename E, size_t N>
Result<E> Reader::Enum(const toml::node& node, std::string_view field,
                       const std::array<EnumName<E>, N>& table) const {
  BG_ASSIGN_OR_RETURN(std::string s, String(node, field));
  if (const std::optional<E> v = FromName(table, s)) return *v;
  return Fail(node.source(), std::string(field) + ": unknown value \"" + s +
                                 "\" (allowed: " + AllowedNames(table) + ")");
}

Result<uint32_t> Reader::Flags(const toml::node& node, std::string_view field) const {
  BG_ASSIGN_OR_RETURN(const toml::array* list, Array(node, field));
  uint32_t flags = 0;
  for (const toml::node& element : *list) {
    BG_ASSIGN_OR_RETURN(uint32_t flag, Enum(element, field, kFlagNames));
    flags |= flag;
  }
  return flags;
}

// --- References -------------------------------------------------------------

Result<JurisdictionId> Reader::JurisdictionRef(const toml::node& node,
                                               std::string_view field) const {
  BG_ASSIGN_OR_RETURN(std::string code, String(node, field));
  auto it = jurisdiction_by_code_.find(code);
  if (it == jurisdiction_by_code_.end()) {
    return Fail(node.source(), std::string(field) + ": unknown jurisdiction code \"" + code + "\"");
  }
  return out_.jurisdictions[it->second].id;
}

Result<std::vector<JurisdictionId>> Reader::JurisdictionRefs(const toml::node& node,
                                                             std::string_view field) const {
  BG_ASSIGN_OR_RETURN(const toml::array* list, Array(node, field));
  std::vector<JurisdictionId> ids;
  for (const toml::node& element : *list) {
    BG_ASSIGN_OR_RETURN(JurisdictionId id, JurisdictionRef(element, field));
    ids.push_back(id);
  }
  return ids;
}

Result<ProviderId> Reader::ProviderRef(const toml::node& node, std::string_view field) const {
  BG_ASSIGN_OR_RETURN(std::string key, String(node, field));
  auto it = provider_by_key_.find(key);
  if (it == provider_by_key_.end()) {
    return Fail(node.source(),
                std::string(field) + ": no provider named or with credit code \"" + key + "\"");
  }
  return out_.providers[it->second].id;
}

Result<std::vector<const toml::table*>> Reader::Tables(const toml::table& parent,
                                                       std::string_view key) const {
  std::vector<const toml::table*> tables;
  const toml::node* node = parent.get(key);
  if (node == nullptr) return tables;
  const std::string want = "an array of tables ([[" + std::string(key) + "]])";
  const toml::array* list = node->as_array();
  if (list == nullptr) return WrongType(*node, key, want);
  for (const toml::node& element : *list) {
    if (!element.is_table()) return WrongType(element, key, want);
    tables.push_back(element.as_table());
  }
  return tables;
}

// --- Jurisdictions ----------------------------------------------------------

Status Reader::ReadJurisdiction(const toml::table& t) {
  constexpr std::string_view kWhat = "[[jurisdiction]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kJurisdictionKeys));
  Jurisdiction j;
  j.id = JurisdictionId(out_.jurisdictions.size() + 1);
  BG_ASSIGN_OR_RETURN(j.code, RequiredString(t, "code", kWhat));
  BG_ASSIGN_OR_RETURN(j.name, RequiredString(t, "name", kWhat));
  BG_ASSIGN_OR_RETURN(j.name_zh, OptionalString(t, "name_zh", kWhat, ""));
  BG_ASSIGN_OR_RETURN(const toml::node* level, Require(t, "level", kWhat));
  BG_ASSIGN_OR_RETURN(j.level, Enum(*level, "jurisdiction.level", kLevelNames));
  if (const toml::node* currency = t.get("currency")) {
    BG_ASSIGN_OR_RETURN(j.currency_ledger,
                        Enum(*currency, "jurisdiction.currency", kCurrencyNames));
  }
  if (!jurisdiction_by_code_.emplace(j.code, out_.jurisdictions.size()).second) {
    return Fail(t.get("code")->source(), "duplicate jurisdiction code \"" + j.code + "\"");
  }
  out_.jurisdictions.push_back(std::move(j));
  jurisdiction_tables_.push_back(&t);
  return Status::Ok();
}

// Parents may be declared after their children, so they are resolved once
// every code is known. A parent must be a larger unit than its child.
Status Reader::ResolveParent(size_t index) {
  const toml::node* node = jurisdiction_tables_[index]->get("parent");
  if (node == nullptr) return Status::Ok();
  BG_ASSIGN_OR_RETURN(JurisdictionId parent, JurisdictionRef(*node, "jurisdiction.parent"));
  Jurisdiction& child = out_.jurisdictions[index];
  const Jurisdiction& p = out_.jurisdictions[parent.value() - 1];
  if (p.id != child.id && p.level <= child.level) {
    return Fail(node->source(), "jurisdiction \"" + child.code + "\" (" +
                                    JurisdictionLevelName(child.level) + ") cannot have parent \"" +
                                    p.code + "\" (" + JurisdictionLevelName(p.level) + ")");
  }
  child.parent = parent;
  return Status::Ok();
}

Status Reader::CheckNoCycle(size_t index) const {
  const Jurisdiction* at = &out_.jurisdictions[index];
  for (size_t steps = 0; at->parent; ++steps) {
    at = &out_.jurisdictions[at->parent->value() - 1];
    if (at->id == out_.jurisdictions[index].id || steps > out_.jurisdictions.size()) {
      return Fail(jurisdiction_tables_[index]->get("parent")->source(),
                  "parent cycle: the chain of parents from jurisdiction \"" +
                      out_.jurisdictions[index].code + "\" loops");
    }
  }
  return Status::Ok();
}

// --- Enterprises and providers ----------------------------------------------

Status Reader::ReadCreditCode(const toml::table& t, std::string_view what, std::string* out) const {
  BG_ASSIGN_OR_RETURN(*out, RequiredString(t, "credit_code", what));
  Status valid = ValidateCreditCode(*out);
  if (!valid.ok()) {
    return Fail(t.get("credit_code")->source(),
                "bad credit code \"" + *out + "\": " + valid.message());
  }
  return Status::Ok();
}

Status Reader::ReadEnterprise(const toml::table& t) {
  constexpr std::string_view kWhat = "[[enterprise]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kEnterpriseKeys));
  Enterprise e;
  e.id = EnterpriseId(out_.enterprises.size() + 1);
  e.applicant.id = e.id;
  BG_RETURN_IF_ERROR(ReadCreditCode(t, kWhat, &e.credit_code));
  BG_ASSIGN_OR_RETURN(e.name, RequiredString(t, "name", kWhat));
  BG_ASSIGN_OR_RETURN(const toml::node* home, Require(t, "home", kWhat));
  BG_ASSIGN_OR_RETURN(e.applicant.home, JurisdictionRef(*home, "enterprise.home"));
  if (const toml::node* category = t.get("category")) {
    BG_ASSIGN_OR_RETURN(e.applicant.category,
                        Enum(*category, "enterprise.category", kCategoryNames));
  }
  if (const toml::node* flags = t.get("flags")) {
    BG_ASSIGN_OR_RETURN(e.applicant.flags, Flags(*flags, "enterprise.flags"));
  }
  if (const toml::node* credit = t.get("credit")) {
    BG_ASSIGN_OR_RETURN(e.applicant.credit, Enum(*credit, "enterprise.credit", kCreditNames));
  }
  const size_t index = out_.enterprises.size();
  for (const std::string& key : {e.name, e.credit_code}) {
    if (!enterprise_by_key_.emplace(key, index).second) {
      return Fail(t.source(), "duplicate enterprise name or credit code \"" + key + "\"");
    }
  }
  out_.enterprises.push_back(std::move(e));
  return Status::Ok();
}

Status Reader::ReadProvider(const toml::table& t) {
  constexpr std::string_view kWhat = "[[provider]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kProviderKeys));
  Provider p;
  p.id = ProviderId(out_.providers.size() + 1);
  BG_ASSIGN_OR_RETURN(p.name, RequiredString(t, "name", kWhat));
  BG_RETURN_IF_ERROR(ReadCreditCode(t, kWhat, &p.credit_code));
  BG_ASSIGN_OR_RETURN(const toml::node* home, Require(t, "home", kWhat));
  BG_ASSIGN_OR_RETURN(p.home, JurisdictionRef(*home, "provider.home"));
  if (const toml::node* platforms = t.get("platforms")) {
    BG_ASSIGN_OR_RETURN(const toml::array* list, Array(*platforms, "provider.platforms"));
    for (const toml::node& element : *list) {
      BG_ASSIGN_OR_RETURN(int64_t platform, Integer(element, "provider.platforms"));
      if (platform <= 0) return Fail(element.source(), "provider.platforms must be positive");
      p.platforms.push_back(static_cast<uint64_t>(platform));
    }
  }
  const size_t index = out_.providers.size();
  for (const std::string& key : {p.name, p.credit_code}) {
    if (!provider_by_key_.emplace(key, index).second) {
      return Fail(t.source(), "duplicate provider name or credit code \"" + key + "\"");
    }
  }
  out_.providers.push_back(std::move(p));
  return Status::Ok();
}

template <typename Id>
void AddOnce(std::vector<Id>* ids, Id id) {
  for (Id existing : *ids) {
    if (existing == id) return;
  }
  ids->push_back(id);
}

void Reader::Relate(size_t enterprise, size_t other_enterprise) {
  Enterprise& a = out_.enterprises[enterprise];
  Enterprise& b = out_.enterprises[other_enterprise];
  AddOnce(&a.related_enterprises, b.id);
  AddOnce(&b.related_enterprises, a.id);
}

void Reader::RelateProvider(size_t enterprise, size_t provider) {
  AddOnce(&out_.enterprises[enterprise].related_providers, out_.providers[provider].id);
  AddOnce(&out_.providers[provider].related_enterprises, out_.enterprises[enterprise].id);
}

// `list` belongs to enterprise `enterprise`, or to `provider` if set (then
// `enterprise` is unused and entries must be enterprises).
Status Reader::ResolveRelated(const toml::node& list, std::string_view field, size_t enterprise,
                              std::optional<size_t> provider) {
  BG_ASSIGN_OR_RETURN(const toml::array* names, Array(list, field));
  for (const toml::node& element : *names) {
    BG_ASSIGN_OR_RETURN(std::string key, String(element, field));
    auto e = enterprise_by_key_.find(key);
    auto p = provider_by_key_.find(key);
    if (provider) {
      if (e == enterprise_by_key_.end()) {
        return Fail(element.source(), std::string(field) +
                                          ": no enterprise named or with credit "
                                          "code \"" +
                                          key + "\"");
      }
      RelateProvider(e->second, *provider);
    } else if (e != enterprise_by_key_.end() && e->second == enterprise) {
      return Fail(element.source(), std::string(field) +
                                        ": an enterprise cannot be related to "
                                        "itself");
    } else if (e != enterprise_by_key_.end()) {
      Relate(enterprise, e->second);
    } else if (p != provider_by_key_.end()) {
      RelateProvider(enterprise, p->second);
    } else {
      return Fail(element.source(), std::string(field) +
                                        ": no enterprise or provider named or with credit code \"" +
                                        key + "\"");
    }
  }
  return Status::Ok();
}

// --- Programmes -------------------------------------------------------------

Status Reader::ReadProgrammeDates(const toml::table& t, ProgrammeRules* p) const {
  constexpr std::string_view kWhat = "programme";
  BG_ASSIGN_OR_RETURN(const toml::node* from, Require(t, "valid_from", "[[programme]]"));
  BG_ASSIGN_OR_RETURN(const toml::node* until, Require(t, "valid_until", "[[programme]]"));
  BG_ASSIGN_OR_RETURN(p->valid_from, Date(*from, "programme.valid_from"));
  BG_ASSIGN_OR_RETURN(p->valid_until, Date(*until, "programme.valid_until"));
  if (p->valid_until <= p->valid_from) {
    return Fail(until->source(), "programme.valid_until must be after valid_from");
  }
  BG_ASSIGN_OR_RETURN(p->apply_from, OptionalDate(t, "apply_from", kWhat));
  BG_ASSIGN_OR_RETURN(p->apply_until, OptionalDate(t, "apply_until", kWhat));
  if (p->apply_from && p->apply_until && *p->apply_until <= *p->apply_from) {
    return Fail(t.get("apply_until")->source(), "programme.apply_until must be after apply_from");
  }
  return Status::Ok();
}

Status Reader::ReadProgrammeMoney(const toml::table& t, ProgrammeRules* p) const {
  constexpr std::string_view kWhat = "programme";
  BG_ASSIGN_OR_RETURN(const toml::node* total, Require(t, "total_budget_yuan", "[[programme]]"));
  BG_ASSIGN_OR_RETURN(p->total_budget, Yuan(*total, "programme.total_budget_yuan"));
  BG_ASSIGN_OR_RETURN(p->yearly_budget, OptionalYuan(t, "yearly_budget_yuan", kWhat));
  if (p->yearly_budget && *p->yearly_budget > p->total_budget) {
    return Fail(t.get("yearly_budget_yuan")->source(),
                "programme.yearly_budget_yuan is above total_budget_yuan");
  }
  BG_ASSIGN_OR_RETURN(p->per_order_cap, OptionalYuan(t, "per_order_cap_yuan", kWhat));
  BG_ASSIGN_OR_RETURN(p->per_award_cap, OptionalYuan(t, "per_award_cap_yuan", kWhat));
  BG_ASSIGN_OR_RETURN(p->default_entity_year_cap, OptionalYuan(t, "entity_year_cap_yuan", kWhat));
  return Status::Ok();
}

Status Reader::ReadPurposes(const toml::table& t, ProgrammeRules* p) const {
  const toml::node* node = t.get("purposes");
  if (node == nullptr) return Status::Ok();
  BG_ASSIGN_OR_RETURN(const toml::array* list, Array(*node, "programme.purposes"));
  for (const toml::node& element : *list) {
    BG_ASSIGN_OR_RETURN(Purpose purpose, Enum(element, "programme.purposes", kPurposeNames));
    if (purpose == Purpose::kUnspecified) {
      return Fail(element.source(), "programme.purposes: name what the programme funds");
    }
    p->purposes.push_back(purpose);
  }
  return Status::Ok();
}

// covers = "facilities" (an innovation voucher, 科技创新券) or "compute" (the
// default); facility_kinds = ["cryo_em", ...] narrows the facilities.
Status Reader::ReadCovers(const toml::table& t, programme::SpendRules* c) const {
  if (const toml::node* covers = t.get("covers")) {
    BG_ASSIGN_OR_RETURN(std::string what, String(*covers, "programme.covers"));
    if (what == "facilities") {
      c->spend = programme::Spend::kFacilities;
    } else if (what != "compute") {
      return Fail(covers->source(),
                  "programme.covers: \"" + what + "\" is not one of compute, facilities");
    }
  }
  const toml::node* kinds = t.get("facility_kinds");
  if (kinds == nullptr) return Status::Ok();
  if (c->spend != programme::Spend::kFacilities) {
    return Fail(kinds->source(), "programme.facility_kinds needs covers = \"facilities\"");
  }
  BG_ASSIGN_OR_RETURN(const toml::array* list, Array(*kinds, "programme.facility_kinds"));
  for (const toml::node& element : *list) {
    BG_ASSIGN_OR_RETURN(facility::FacilityKind kind,
                        Enum(element, "programme.facility_kinds", facility::kFacilityKindNames));
    c->facility_kinds.emplace_back(facility::FacilityKindName(kind));
  }
  return Status::Ok();
}

Status Reader::ReadEligibility(const toml::table& t, Eligibility* e) const {
  const toml::node* node = t.get("eligibility");
  if (node == nullptr) return Status::Ok();
  BG_ASSIGN_OR_RETURN(const toml::table* el, Table(*node, "programme.eligibility"));
  BG_RETURN_IF_ERROR(CheckKeys(*el, "programme.eligibility", kEligibilityKeys));
  if (const toml::node* home = el->get("home")) {
    BG_ASSIGN_OR_RETURN(e->home_jurisdictions,
                        JurisdictionRefs(*home, "programme.eligibility.home"));
  }
  if (const toml::node* categories = el->get("categories")) {
    BG_ASSIGN_OR_RETURN(const toml::array* list,
                        Array(*categories, "programme.eligibility.categories"));
    for (const toml::node& element : *list) {
      BG_ASSIGN_OR_RETURN(ApplicantCategory c,
                          Enum(element, "programme.eligibility.categories", kCategoryNames));
      e->categories.push_back(c);
    }
  }
  if (const toml::node* good = el->get("good_credit_required")) {
    BG_ASSIGN_OR_RETURN(e->good_credit_required,
                        Bool(*good, "programme.eligibility.good_credit_required"));
  }
  return Status::Ok();
}

Status Reader::ReadRatioRules(const toml::table& t, ProgrammeRules* p) const {
  BG_ASSIGN_OR_RETURN(const toml::node* ratio, Require(t, "ratio_percent", "[[programme]]"));
  BG_ASSIGN_OR_RETURN(p->default_ratio_bp, RatioBp(*ratio, "programme.ratio_percent"));
  if (const toml::node* ceiling = t.get("combined_ceiling_percent")) {
    BG_ASSIGN_OR_RETURN(p->combined_ceiling_bp,
                        RatioBp(*ceiling, "programme.combined_ceiling_percent"));
  }
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> rules, Tables(t, "ratio_rule"));
  constexpr std::string_view kWhat = "[[programme.ratio_rule]]";
  for (const toml::table* r : rules) {
    BG_RETURN_IF_ERROR(CheckKeys(*r, kWhat, kRatioRuleKeys));
    RatioRule rule;
    if (const toml::node* category = r->get("category")) {
      BG_ASSIGN_OR_RETURN(rule.category, Enum(*category, "ratio_rule.category", kCategoryNames));
    }
    if (const toml::node* flags = r->get("flags")) {
      BG_ASSIGN_OR_RETURN(rule.flags_all, Flags(*flags, "ratio_rule.flags"));
    }
    if (const toml::node* resource = r->get("resource")) {
      BG_ASSIGN_OR_RETURN(rule.resource, Enum(*resource, "ratio_rule.resource", kResourceNames));
    }
    BG_ASSIGN_OR_RETURN(const toml::node* percent, Require(*r, "ratio_percent", kWhat));
    BG_ASSIGN_OR_RETURN(rule.ratio_bp, RatioBp(*percent, "ratio_rule.ratio_percent"));
    p->ratio_rules.push_back(rule);
  }
  return Status::Ok();
}

Status Reader::ReadCapRules(const toml::table& t, ProgrammeRules* p) const {
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> rules, Tables(t, "cap_rule"));
  constexpr std::string_view kWhat = "[[programme.cap_rule]]";
  for (const toml::table* r : rules) {
    BG_RETURN_IF_ERROR(CheckKeys(*r, kWhat, kCapRuleKeys));
    CapRule rule;
    BG_ASSIGN_OR_RETURN(const toml::node* flags, Require(*r, "flags_any", kWhat));
    BG_ASSIGN_OR_RETURN(rule.flags_any, Flags(*flags, "cap_rule.flags_any"));
    BG_ASSIGN_OR_RETURN(const toml::node* cap, Require(*r, "entity_year_cap_yuan", kWhat));
    BG_ASSIGN_OR_RETURN(rule.per_entity_year, Yuan(*cap, "cap_rule.entity_year_cap_yuan"));
    p->cap_rules.push_back(rule);
  }
  return Status::Ok();
}

Status Reader::ReadProviderRules(const toml::table& t, ProviderRules* r) const {
  const toml::node* node = t.get("providers");
  if (node == nullptr) return Status::Ok();
  BG_ASSIGN_OR_RETURN(const toml::table* pr, Table(*node, "programme.providers"));
  BG_RETURN_IF_ERROR(CheckKeys(*pr, "programme.providers", kProviderRuleKeys));
  if (const toml::node* listed = pr->get("listed")) {
    BG_ASSIGN_OR_RETURN(const toml::array* list, Array(*listed, "programme.providers.listed"));
    for (const toml::node& element : *list) {
      BG_ASSIGN_OR_RETURN(ProviderId id, ProviderRef(element, "programme.providers.listed"));
      r->listed.push_back(id);
    }
    r->listed_only = true;
  }
  if (const toml::node* platform = pr->get("platform")) {
    BG_ASSIGN_OR_RETURN(int64_t id, Integer(*platform, "programme.providers.platform"));
    if (id <= 0) return Fail(platform->source(), "programme.providers.platform must be positive");
    r->platform = static_cast<uint64_t>(id);
  }
  if (const toml::node* inside = pr->get("inside_issuer_only")) {
    BG_ASSIGN_OR_RETURN(r->inside_issuer_only,
                        Bool(*inside, "programme.providers.inside_issuer_only"));
  }
  return Status::Ok();
}

Status Reader::ReadRedemption(const toml::table& t, ProgrammeRules* p) const {
  if (const toml::node* redemption = t.get("redemption")) {
    BG_ASSIGN_OR_RETURN(p->redemption, Enum(*redemption, "programme.redemption", kRedemptionNames));
  }
  if (const toml::node* sme = t.get("sme_first")) {
    BG_ASSIGN_OR_RETURN(p->sme_first, Bool(*sme, "programme.sme_first"));
  }
  if (const toml::node* cycle = t.get("settlement")) {
    BG_ASSIGN_OR_RETURN(p->settlement, Enum(*cycle, "programme.settlement", kCycleNames));
  }
  if (const toml::node* lapse = t.get("lapse")) {
    BG_ASSIGN_OR_RETURN(p->lapse, Enum(*lapse, "programme.lapse", kLapseNames));
  }
  if (const toml::node* days = t.get("voucher_validity_days")) {
    BG_ASSIGN_OR_RETURN(int64_t n, Integer(*days, "programme.voucher_validity_days"));
    if (n <= 0 || n > 36'500) {
      return Fail(days->source(),
                  "programme.voucher_validity_days must be 1 to 36500, got " + std::to_string(n));
    }
    p->voucher_validity_days = static_cast<uint32_t>(n);
  }
  return Status::Ok();
}

// review = { stages = [{ name = "district", by = "reviewer" }, ...],
//            second_approval_above_yuan = 500_000 }
Status Reader::ReadReview(const toml::table& t, ReviewRules* r) const {
  const toml::node* node = t.get("review");
  if (node == nullptr) return Status::Ok();
  BG_ASSIGN_OR_RETURN(const toml::table* review, Table(*node, "programme.review"));
  BG_RETURN_IF_ERROR(CheckKeys(*review, "programme.review", kReviewKeys));
  BG_ASSIGN_OR_RETURN(const toml::node* stages, Require(*review, "stages", "programme.review"));
  BG_ASSIGN_OR_RETURN(const toml::array* list, Array(*stages, "programme.review.stages"));
  for (const toml::node& element : *list) {
    BG_ASSIGN_OR_RETURN(const toml::table* st, Table(element, "programme.review.stages"));
    BG_RETURN_IF_ERROR(CheckKeys(*st, "programme.review.stages", kReviewStageKeys));
    ReviewStage stage;
    BG_ASSIGN_OR_RETURN(stage.name, RequiredString(*st, "name", "programme.review.stages"));
    BG_ASSIGN_OR_RETURN(const toml::node* by, Require(*st, "by", "programme.review.stages"));
    BG_ASSIGN_OR_RETURN(stage.by, Enum(*by, "programme.review.stages.by", kStageRoleNames));
    r->stages.push_back(std::move(stage));
  }
  if (r->stages.empty() || r->stages.size() > kMaxReviewStages) {
    return Fail(stages->source(),
                "programme.review.stages: 1 to " + std::to_string(kMaxReviewStages) + " stages");
  }
  if (const toml::node* above = review->get("second_approval_above_yuan")) {
    BG_ASSIGN_OR_RETURN(r->second_approval_above,
                        Yuan(*above, "programme.review.second_approval_above_yuan"));
  }
  return Status::Ok();
}

Status Reader::ReadProgramme(const toml::table& t) {
  constexpr std::string_view kWhat = "[[programme]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kProgrammeKeys));
  if (const toml::node* level = t.get("level")) {
    return Fail(level->source(), "programme.level is derived from the issuer; remove it");
  }
  ProgrammeRules p;
  p.id = ProgrammeId(out_.programmes.size() + 1);
  BG_ASSIGN_OR_RETURN(p.name, RequiredString(t, "name", kWhat));
  BG_ASSIGN_OR_RETURN(p.kind, OptionalString(t, "kind", kWhat, p.kind));
  BG_ASSIGN_OR_RETURN(const toml::node* issuer, Require(t, "issuer", kWhat));
  BG_ASSIGN_OR_RETURN(p.issuer, JurisdictionRef(*issuer, "programme.issuer"));
  p.level = out_.jurisdictions[p.issuer.value() - 1].level;
  BG_RETURN_IF_ERROR(ReadProgrammeDates(t, &p));
  BG_RETURN_IF_ERROR(ReadProgrammeMoney(t, &p));
  BG_RETURN_IF_ERROR(ReadPurposes(t, &p));
  BG_RETURN_IF_ERROR(ReadCovers(t, &p.covers));
  BG_RETURN_IF_ERROR(ReadEligibility(t, &p.eligibility));
  BG_RETURN_IF_ERROR(ReadRatioRules(t, &p));
  BG_RETURN_IF_ERROR(ReadCapRules(t, &p));
  BG_RETURN_IF_ERROR(ReadProviderRules(t, &p.providers));
  BG_RETURN_IF_ERROR(ReadRedemption(t, &p));
  BG_RETURN_IF_ERROR(ReadReview(t, &p.review));
  if (!programme_by_name_.emplace(p.name, out_.programmes.size()).second) {
    return Fail(t.get("name")->source(), "duplicate programme name \"" + p.name + "\"");
  }
  out_.programmes.push_back(std::move(p));
  return Status::Ok();
}

// --- The network ------------------------------------------------------------

Result<double> Reader::Number(const toml::node& node, std::string_view field) const {
  if (const auto* f = node.as_floating_point()) return f->get();
  if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
  return WrongType(node, field, "a number");
}

// A price with at most two decimals (2.40 yuan), as fen.
Result<Money> Reader::PriceYuan(const toml::node& node, std::string_view field) const {
  BG_ASSIGN_OR_RETURN(double yuan, Number(node, field));
  const double fen = std::round(yuan * 100.0);
  if (std::fabs(yuan * 100.0 - fen) > 1e-6 || fen <= 0 || fen > 1e12) {
    return Fail(node.source(), std::string(field) +
                                   " must be a positive price in yuan with at most two "
                                   "decimals, got " +
                                   std::to_string(yuan));
  }
  return Money::Fen(static_cast<int64_t>(fen));
}

Result<uint32_t> Reader::Count(const toml::table& t, std::string_view key, std::string_view what,
                               bool required) const {
  const toml::node* node = t.get(key);
  if (node == nullptr) {
    if (required) return Fail(t.source(), std::string(what) + " has no '" + std::string(key) + "'");
    return uint32_t{0};
  }
  BG_ASSIGN_OR_RETURN(int64_t n, Integer(*node, std::string(what) + "." + std::string(key)));
  if (n <= 0 || n > 10'000'000) {
    return Fail(node->source(), std::string(what) + "." + std::string(key) +
                                    " must be 1 to 10000000, got " + std::to_string(n));
  }
  return static_cast<uint32_t>(n);
}

Status Reader::ReadSite(const toml::table& t) {
  constexpr std::string_view kWhat = "[[site]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kSiteKeys));
  network::Site site;
  site.id = SiteId(out_.sites.size() + 1);
  BG_ASSIGN_OR_RETURN(site.code, RequiredString(t, "code", kWhat));
  BG_ASSIGN_OR_RETURN(site.name, OptionalString(t, "name", kWhat, site.code));
  BG_ASSIGN_OR_RETURN(const toml::node* city, Require(t, "city", kWhat));
  BG_ASSIGN_OR_RETURN(site.city, JurisdictionRef(*city, "site.city"));
  BG_ASSIGN_OR_RETURN(const toml::node* provider, Require(t, "provider", kWhat));
  BG_ASSIGN_OR_RETURN(site.provider, ProviderRef(*provider, "site.provider"));
  for (auto [key, out] : {std::pair{"lat", &site.lat_e6}, std::pair{"lon", &site.lon_e6}}) {
    if (const toml::node* n = t.get(key)) {
      BG_ASSIGN_OR_RETURN(double degrees, Number(*n, std::string("site.") + key));
      if (std::fabs(degrees) > 180) {
        return Fail(n->source(), std::string("site.") + key + " out of range");
      }
      *out = static_cast<int32_t>(std::lround(degrees * 1e6));
    }
  }
  if (!site_by_code_.emplace(site.code, out_.sites.size()).second) {
    return Fail(t.get("code")->source(), "duplicate site code \"" + site.code + "\"");
  }
  out_.sites.push_back(std::move(site));
  return Status::Ok();
}

Status Reader::ReadPool(const toml::table& t) {
  constexpr std::string_view kWhat = "[[pool]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kPoolKeys));
  network::Pool pool;
  pool.id = PoolId(out_.pools.size() + 1);
  BG_ASSIGN_OR_RETURN(const toml::node* site, Require(t, "site", kWhat));
  BG_ASSIGN_OR_RETURN(std::string code, String(*site, "pool.site"));
  auto it = site_by_code_.find(code);
  if (it == site_by_code_.end()) {
    return Fail(site->source(), "pool.site: no site with code \"" + code + "\"");
  }
  pool.site = out_.sites[it->second].id;
  BG_ASSIGN_OR_RETURN(pool.accelerator, RequiredString(t, "accelerator", kWhat));
  if (const toml::node* domestic = t.get("domestic")) {
    BG_ASSIGN_OR_RETURN(pool.domestic, Bool(*domestic, "pool.domestic"));
  }
  BG_ASSIGN_OR_RETURN(pool.memory_gb, Count(t, "memory_gb", kWhat, true));
  BG_ASSIGN_OR_RETURN(pool.cards_total, Count(t, "cards", kWhat, true));
  BG_ASSIGN_OR_RETURN(pool.cards_offered, Count(t, "offered", kWhat, false));
  if (pool.cards_offered == 0) pool.cards_offered = pool.cards_total;
  if (pool.cards_offered > pool.cards_total) {
    return Fail(t.get("offered")->source(), "pool.offered is more than pool.cards");
  }
  BG_ASSIGN_OR_RETURN(const toml::node* prices, Require(t, "price_yuan", kWhat));
  BG_ASSIGN_OR_RETURN(const toml::table* table, Table(*prices, "pool.price_yuan"));
  BG_RETURN_IF_ERROR(CheckKeys(*table, "pool.price_yuan", kPriceKeys));
  for (size_t i = 0; i < network::kTiers; ++i) {
    BG_ASSIGN_OR_RETURN(const toml::node* price, Require(*table, kPriceKeys[i], "pool.price_yuan"));
    BG_ASSIGN_OR_RETURN(pool.price[i],
                        PriceYuan(*price, "pool.price_yuan." + std::string(kPriceKeys[i])));
  }
  out_.pools.push_back(std::move(pool));
  return Status::Ok();
}

Status Reader::ReadLink(const toml::table& t) {
  constexpr std::string_view kWhat = "[[link]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kLinkKeys));
  network::Link link;
  BG_ASSIGN_OR_RETURN(const toml::node* a, Require(t, "a", kWhat));
  BG_ASSIGN_OR_RETURN(link.a, JurisdictionRef(*a, "link.a"));
  BG_ASSIGN_OR_RETURN(const toml::node* b, Require(t, "b", kWhat));
  BG_ASSIGN_OR_RETURN(link.b, JurisdictionRef(*b, "link.b"));
  if (link.a == link.b) return Fail(b->source(), "link.b is the same city as link.a");
  BG_ASSIGN_OR_RETURN(const toml::node* latency, Require(t, "latency_ms", kWhat));
  BG_ASSIGN_OR_RETURN(double ms, Number(*latency, "link.latency_ms"));
  if (ms <= 0 || ms > 10'000) return Fail(latency->source(), "link.latency_ms must be 0 to 10000");
  link.latency_us = static_cast<uint32_t>(std::lround(ms * 1000));
  BG_ASSIGN_OR_RETURN(const toml::node* bw, Require(t, "bandwidth_gbps", kWhat));
  BG_ASSIGN_OR_RETURN(double gbps, Number(*bw, "link.bandwidth_gbps"));
  if (gbps <= 0 || gbps > 100'000) {
    return Fail(bw->source(), "link.bandwidth_gbps must be above 0 and at most 100000");
  }
  link.bandwidth_mbps = static_cast<uint32_t>(std::lround(gbps * 1000));
  out_.links.push_back(link);
  return Status::Ok();
}

// --- Shared facilities ------------------------------------------------------

// hours = { days = ["mon", ..., "fri"], from = 8, to = 20 } (China Standard
// Time); days default to the whole week, hours to the whole day.
Status Reader::ReadHours(const toml::node& node, facility::WeeklyHours* h) const {
  BG_ASSIGN_OR_RETURN(const toml::table* t, Table(node, "facility.hours"));
  BG_RETURN_IF_ERROR(CheckKeys(*t, "facility.hours", kHoursKeys));
  if (const toml::node* days = t->get("days")) {
    BG_ASSIGN_OR_RETURN(const toml::array* list, Array(*days, "facility.hours.days"));
    h->days = 0;
    for (const toml::node& d : *list) {
      BG_ASSIGN_OR_RETURN(std::string day, String(d, "facility.hours.days"));
      const std::optional<uint8_t> bit = facility::WeekdayBit(day);
      if (!bit) {
        return Fail(d.source(), "facility.hours.days: \"" + day + "\" is not one of " +
                                    JoinNames(facility::kWeekdayNames));
      }
      h->days = static_cast<uint8_t>(h->days | *bit);
    }
  }
  for (auto [key, out] : {std::pair{"from", &h->from_hour}, std::pair{"to", &h->to_hour}}) {
    if (const toml::node* n = t->get(key)) {
      BG_ASSIGN_OR_RETURN(int64_t hour, Integer(*n, std::string("facility.hours.") + key));
      if (hour < 0 || hour > 24) {
        return Fail(n->source(), std::string("facility.hours.") + key + " must be 0 to 24");
      }
      *out = static_cast<uint8_t>(hour);
    }
  }
  return Status::Ok();
}

// maintenance = [{ from = 2026-01-05, to = 2026-01-12, why = "..." }]: whole
// days, `to` excluded.
Status Reader::ReadMaintenance(const toml::node& node,
                               std::vector<facility::Maintenance>* out) const {
  BG_ASSIGN_OR_RETURN(const toml::array* list, Array(node, "facility.maintenance"));
  for (const toml::node& element : *list) {
    BG_ASSIGN_OR_RETURN(const toml::table* t, Table(element, "facility.maintenance"));
    BG_RETURN_IF_ERROR(CheckKeys(*t, "facility.maintenance", kMaintenanceKeys));
    facility::Maintenance m;
    BG_ASSIGN_OR_RETURN(const toml::node* from, Require(*t, "from", "facility.maintenance"));
    BG_ASSIGN_OR_RETURN(const toml::node* to, Require(*t, "to", "facility.maintenance"));
    BG_ASSIGN_OR_RETURN(m.from, Date(*from, "facility.maintenance.from"));
    BG_ASSIGN_OR_RETURN(m.to, Date(*to, "facility.maintenance.to"));
    if (m.to <= m.from) return Fail(to->source(), "facility.maintenance.to must be after from");
    BG_ASSIGN_OR_RETURN(m.why, OptionalString(*t, "why", "facility.maintenance", ""));
    out->push_back(std::move(m));
  }
  return Status::Ok();
}

Status Reader::ReadFacility(const toml::table& t) {
  constexpr std::string_view kWhat = "[[facility]]";
  BG_RETURN_IF_ERROR(CheckKeys(t, kWhat, kFacilityKeys));
  facility::Facility f;
  f.id = FacilityId(out_.facilities.size() + 1);
  BG_ASSIGN_OR_RETURN(f.name, RequiredString(t, "name", kWhat));
  BG_ASSIGN_OR_RETURN(f.name_en, OptionalString(t, "name_en", kWhat, ""));
  BG_ASSIGN_OR_RETURN(const toml::node* institution, Require(t, "institution", kWhat));
  BG_ASSIGN_OR_RETURN(f.institution, ProviderRef(*institution, "facility.institution"));
  BG_ASSIGN_OR_RETURN(const toml::node* kind, Require(t, "kind", kWhat));
  BG_ASSIGN_OR_RETURN(f.kind, Enum(*kind, "facility.kind", facility::kFacilityKindNames));
  BG_ASSIGN_OR_RETURN(f.capacity, Count(t, "capacity", kWhat, false));
  if (f.capacity == 0) f.capacity = 1;
  if (const toml::node* hours = t.get("hours")) {
    BG_RETURN_IF_ERROR(ReadHours(*hours, &f.hours));
  }
  if (const toml::node* m = t.get("maintenance")) {
    BG_RETURN_IF_ERROR(ReadMaintenance(*m, &f.maintenance));
  }
  BG_ASSIGN_OR_RETURN(const toml::node* fees, Require(t, "fees_yuan", kWhat));
  BG_ASSIGN_OR_RETURN(const toml::table* table, Table(*fees, "facility.fees_yuan"));
  BG_RETURN_IF_ERROR(CheckKeys(*table, "facility.fees_yuan", kFeeKeys));
  for (auto [key, out] : {std::pair{"own", &f.fees.own}, std::pair{"academic", &f.fees.academic},
                          std::pair{"industry", &f.fees.industry}}) {
    BG_ASSIGN_OR_RETURN(const toml::node* fee, Require(*table, key, "facility.fees_yuan"));
    const std::string field = std::string("facility.fees_yuan.") + key;
    // Free is a fee (an institution's own staff often pay nothing).
    BG_ASSIGN_OR_RETURN(double yuan, Number(*fee, field));
    if (yuan != 0) {
      BG_ASSIGN_OR_RETURN(*out, PriceYuan(*fee, field));
    }
  }
  BG_ASSIGN_OR_RETURN(f.training, OptionalString(t, "training", kWhat, ""));
  BG_ASSIGN_OR_RETURN(f.booking_quota_hours, Count(t, "booking_quota_hours", kWhat, false));
  if (t.get("no_show_grace_minutes") != nullptr) {
    BG_ASSIGN_OR_RETURN(f.no_show_grace_minutes, Count(t, "no_show_grace_minutes", kWhat, false));
  }
  if (const toml::node* assumed = t.get("assumed")) {
    BG_ASSIGN_OR_RETURN(f.assumed, Bool(*assumed, "facility.assumed"));
  }
  if (std::string wrong = facility::CheckFacility(f); !wrong.empty()) {
    return Fail(t.source(), "[[facility]] \"" + f.name + "\": " + wrong);
  }
  out_.facilities.push_back(std::move(f));
  return Status::Ok();
}

// --- The passes -------------------------------------------------------------

// Records of one kind are independent: every error among them is reported
// (one per line). A later pass needs the earlier ones whole, so the reading
// stops after the first pass with errors rather than report their echoes.
Result<World> Reader::Run(const toml::table& root) {
  BG_RETURN_IF_ERROR(CheckKeys(root, "the top level", kTopKeys));
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> jurisdictions, Tables(root, "jurisdiction"));
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> enterprises, Tables(root, "enterprise"));
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> providers, Tables(root, "provider"));
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> programmes, Tables(root, "programme"));
  std::vector<Status> errors;
  auto note = [&errors](Status s) {
    if (!s.ok()) errors.push_back(std::move(s));
  };
  auto pass_failed = [&errors]() -> Status {
    if (errors.empty()) return Status::Ok();
    std::string all;
    for (const Status& e : errors) all += (all.empty() ? "" : "\n") + e.message();
    return InvalidArgument(all);
  };
  for (const toml::table* t : jurisdictions) note(ReadJurisdiction(*t));
  BG_RETURN_IF_ERROR(pass_failed());
  for (size_t i = 0; i < jurisdictions.size(); ++i) note(ResolveParent(i));
  BG_RETURN_IF_ERROR(pass_failed());
  for (size_t i = 0; i < jurisdictions.size(); ++i) note(CheckNoCycle(i));
  BG_RETURN_IF_ERROR(pass_failed());
  for (const toml::table* t : enterprises) note(ReadEnterprise(*t));
  for (const toml::table* t : providers) note(ReadProvider(*t));
  BG_RETURN_IF_ERROR(pass_failed());
  for (size_t i = 0; i < enterprises.size(); ++i) {
    if (const toml::node* related = enterprises[i]->get("related")) {
      note(ResolveRelated(*related, "enterprise.related", i, std::nullopt));
    }
  }
  for (size_t i = 0; i < providers.size(); ++i) {
    if (const toml::node* related = providers[i]->get("related")) {
      note(ResolveRelated(*related, "provider.related", 0, i));
    }
  }
  BG_RETURN_IF_ERROR(pass_failed());
  for (const toml::table* t : programmes) note(ReadProgramme(*t));
  BG_RETURN_IF_ERROR(pass_failed());
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> sites, Tables(root, "site"));
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> pools, Tables(root, "pool"));
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> links, Tables(root, "link"));
  for (const toml::table* t : sites) note(ReadSite(*t));
  for (const toml::table* t : links) note(ReadLink(*t));
  BG_RETURN_IF_ERROR(pass_failed());
  for (const toml::table* t : pools) note(ReadPool(*t));
  BG_RETURN_IF_ERROR(pass_failed());
  BG_ASSIGN_OR_RETURN(std::vector<const toml::table*> facilities, Tables(root, "facility"));
  for (const toml::table* t : facilities) note(ReadFacility(*t));
  BG_RETURN_IF_ERROR(pass_failed());
  return std::move(out_);
}

}  // namespace

Result<World> ParseWorld(std::string_view toml_text, std::string_view source_name) {
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(std::string(source_name) + ":" + std::to_string(e.source().begin.line) +
                           ": " + std::string(e.description()));
  }
  return Reader(source_name).Run(root);
}

Result<World> LoadWorldFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read scenario file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return DataLoss("error while reading scenario file " + path);
  return ParseWorld(text.str(), path);
}

}  // namespace bg::world
