// Notices (notice/notice.h): the caller's feed, read from the store on its
// own connection (unread first, newest first, with the unread count), read
// marks, and the webhook its notices are POSTed to (notice/outbox.h). Marks
// and webhooks ride with the engine's next batch (Answer::Noting), so the
// answer is sent once they are durable.
#include "api/handlers.h"
#include "api/list_query.h"
#include "api/service.h"
#include "api/views.h"
#include "notice/notice.h"

namespace bg::api {
namespace {

constexpr size_t kMaxUrl = 2000;
constexpr size_t kMaxPending = 1000;  // counted up to this, shown as "1000+" beyond

std::string RecipientOf(const Call& c) {
  return notice::RecipientOf(static_cast<access::TokenRole>(c.who.role), c.who.scope);
}

bool SeesAll(const Call& c) { return Is(c, {Role::kAdmin, Role::kAuditor}); }

// A webhook URL we can POST to: http://host[:port]/path.
std::string UrlProblem(const std::string& url) {
  if (url.rfind("https://", 0) == 0) {
    return "https is not delivered to directly yet: give an http:// URL (a TLS proxy beside the "
           "receiver, or on the same network)";
  }
  if (url.rfind("http://", 0) != 0) return "url must start with http://";
  const size_t slash = url.find('/', 7);
  const std::string host =
      url.substr(7, slash == std::string::npos ? std::string::npos : slash - 7);
  if (host.empty() || host.front() == ':') return "url must name a host: http://host[:port]/path";
  if (url.find_first_of(" \r\n\t") != std::string::npos) return "url must not contain spaces";
  return "";
}

}  // namespace

Answer Service::ListNotices(Call& c) {
  HttpResponse fail;
  const std::optional<size_t> limit = PageLimit(c, &fail);
  if (!limit) return fail;
  storage::NoticeQuery q{.recipient = RecipientOf(c), .limit = *limit + 1};
  if (auto it = c.request.query.find("unread"); it != c.request.query.end()) {
    if (it->second != "true" && it->second != "false") {
      return Fail(c, "invalid_field", "unread is true or false");
    }
    q.unread_only = it->second == "true";
  }
  if (auto it = c.request.query.find("kind"); it != c.request.query.end()) {
    if (!FromName(notice::kKindNames, it->second)) {
      return Fail(c, "invalid_field", "kind is one of " + AllowedNames(notice::kKindNames));
    }
    q.kind = it->second;
  }
  if (auto it = c.request.query.find("after"); it != c.request.query.end()) {
    if (!IsCursor(it->second, "n")) {
      return Fail(c, "invalid_field", "after is a cursor (next_after)");
    }
    q.after_read = std::stoull(it->second.substr(2, 16), nullptr, 16) != 0;
    q.after_id = std::stoull(it->second.substr(19, 16), nullptr, 16);
  }
  auto rows = engine_->store().ReadNotices(q);
  if (!rows.ok()) return Fail(c, "unavailable", rows.status().ToString());
  Json unread = nullptr;
  if (!q.recipient.empty()) {
    auto count = engine_->store().CountUnread(q.recipient);
    if (!count.ok()) return Fail(c, "unavailable", count.status().ToString());
    unread = *count;
  }
  const bool more = rows->size() > *limit;
  if (more) rows->resize(*limit);
  Json items = Json::array();
  for (const storage::NoticeRow& row : *rows) items.push_back(notice::NoticeJson(row, true));
  Json next = nullptr;
  if (more) next = Cursor("n", rows->back().read ? 1 : 0, rows->back().id);
  return Reply({{"items", std::move(items)}, {"unread", unread}, {"next_after", next}});
}

Answer Service::ReadNotices(Call& c) {
  if (!Is(c, {Role::kOperator, Role::kEnterprise, Role::kProvider})) {
    return Forbidden(c, "mark notices read (admins and auditors have no feed of their own)");
  }
  Fields f(c.body);
  const auto ids = f.Ids("ids", false, 1000);
  const auto up_to = f.Id("up_to", false);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if ((!ids || ids->empty()) && !up_to) {
    return Fail(c, "missing_field", "give ids (some notices) or up_to (every notice up to it)");
  }
  const std::string recipient = RecipientOf(c);
  storage::NoticeRows rows;
  if (ids) {
    for (uint64_t id : *ids) rows.marks.push_back({.recipient = recipient, .id = id});
  }
  if (up_to) rows.marks.push_back({.recipient = recipient, .up_to = *up_to});
  Json out = {{"recipient", recipient},
              {"ids", ids ? Json(*ids) : Json::array()},
              {"up_to", up_to ? Json(*up_to) : Json(nullptr)}};
  return Answer::Noting(std::move(rows), Reply(out));
}

Answer Service::ListWebhooks(Call& c) {
  auto hooks = engine_->store().ReadWebhooks();
  if (!hooks.ok()) return Fail(c, "unavailable", hooks.status().ToString());
  const std::string mine = RecipientOf(c);
  const std::map<std::string, notice::WebhookHealth> health =
      options_.outbox == nullptr ? std::map<std::string, notice::WebhookHealth>{}
                                 : options_.outbox->Health();
  Json items = Json::array();
  for (const storage::WebhookRow& w : *hooks) {
    if (!SeesAll(c) && w.recipient != mine) continue;
    auto pending = engine_->store().NoticesAfter(w.recipient, w.delivered, kMaxPending + 1);
    if (!pending.ok()) return Fail(c, "unavailable", pending.status().ToString());
    Json item = {{"recipient", w.recipient},
                 {"url", w.url},
                 {"created_at", TimeJson(w.created_at)},
                 {"delivered_up_to", w.delivered},
                 {"pending", pending->size() > kMaxPending ? Json(std::to_string(kMaxPending) + "+")
                                                           : Json(pending->size())},
                 {"failures", 0},
                 {"last_error", ""},
                 {"delivering", options_.outbox != nullptr}};
    if (auto h = health.find(w.recipient); h != health.end()) {
      item["failures"] = h->second.failures;
      item["last_error"] = h->second.last_error;
    }
    items.push_back(std::move(item));
  }
  return Reply({{"items", std::move(items)}});
}

Answer Service::SetWebhook(Call& c) {
  if (!Is(c, {Role::kOperator, Role::kEnterprise, Role::kProvider})) {
    return Forbidden(c, "set a webhook (admins and auditors receive no notices of their own)");
  }
  Fields f(c.body);
  const auto url = f.Str("url", true, kMaxUrl);
  if (!f.Done()) return Fail(c, f.code(), f.detail());
  if (const std::string why = UrlProblem(*url); !why.empty()) {
    return Fail(c, "invalid_field", why);
  }
  const std::string recipient = RecipientOf(c);
  const std::string secret = NewToken().first.substr(3);  // 64 hex digits, no "bg_"
  storage::NoticeRows rows;
  rows.webhooks.push_back(storage::WebhookRow{
      .recipient = recipient, .url = *url, .secret = secret, .created_at = clock_->Now()});
  Json out = {{"recipient", recipient},
              {"url", *url},
              {"secret", secret},
              {"signature",
               "Baygrid-Signature: v1=hex(HMAC-SHA256(secret, Baygrid-Timestamp + '.' + body)); "
               "deduplicate by Baygrid-Notice-Id"}};
  if (options_.outbox != nullptr) out["delivering"] = true;
  return Answer::Noting(std::move(rows), Reply(out, 201));
}

Answer Service::RemoveWebhook(Call& c) {
  if (!Is(c, {Role::kOperator, Role::kEnterprise, Role::kProvider})) {
    return Forbidden(c, "remove a webhook");
  }
  const std::string recipient = RecipientOf(c);
  auto hooks = engine_->store().ReadWebhooks();
  if (!hooks.ok()) return Fail(c, "unavailable", hooks.status().ToString());
  const bool has = std::any_of(hooks->begin(), hooks->end(), [&](const storage::WebhookRow& w) {
    return w.recipient == recipient;
  });
  if (!has) return Fail(c, "not_found", "there is no webhook for " + recipient);
  storage::NoticeRows rows;
  rows.webhooks.push_back(storage::WebhookRow{.recipient = recipient});
  return Answer::Noting(std::move(rows), Reply({{"recipient", recipient}, {"removed", true}}));
}

}  // namespace bg::api
