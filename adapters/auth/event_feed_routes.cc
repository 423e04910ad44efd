#include "adapters/auth/event_feed_routes.h"

#include <algorithm>
#include <charconv>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "adapters/auth/request_auth.h"
#include "adapters/http/router.h"
#include "adapters/http/service_context.h"
#include "engine/event_json.h"

namespace ledger::auth {
namespace {

constexpr std::size_t kDefaultLimit = 100;
constexpr std::size_t kMaxLimit = 1000;

struct FeedQuery {
  GlobalPosition after{0};
  std::size_t limit = kDefaultLimit;
};

// A decimal number without sign, spaces or leading '+'; nullopt otherwise or on overflow.
std::optional<std::uint64_t> ParseNumber(std::string_view text) {
  std::uint64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// `after` and `limit` from the query string; unknown parameters are ignored (as HTTP caches
// and tracing add their own), a repeated or malformed one is an error.
Result<FeedQuery> ParseFeedQuery(std::string_view query) {
  FeedQuery parsed;
  bool seen_after = false;
  bool seen_limit = false;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    std::size_t equals = pair.find('=');
    std::string_view name = pair.substr(0, equals);
    std::string_view value =
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    if (name == "after") {
      std::optional<std::uint64_t> after = ParseNumber(value);
      if (seen_after || !after) {
        return InvalidArgument("after: must be one global position (a number >= 0)");
      }
      parsed.after = GlobalPosition(*after);
      seen_after = true;
    } else if (name == "limit") {
      std::optional<std::uint64_t> limit = ParseNumber(value);
      if (seen_limit || !limit || *limit < 1 || *limit > kMaxLimit) {
        return InvalidArgument("limit: must be one number from 1 to " + std::to_string(kMaxLimit));
      }
      parsed.limit = static_cast<std::size_t>(*limit);
      seen_limit = true;
    }
  }
  return parsed;
}

// The event as the feed shows it: the JSON-lines form without raw_body (provider bytes stay
// in the log; the payload carries what was decoded from them).
void AppendFeedEventJson(RecordedEvent event, std::string& out) {
  event.raw_body.reset();
  AppendEventJson(event, out);
}

http::HttpResponse BadRequest(const Status& status) {
  return http::ErrorResponse(400, "invalid_argument", status.message());
}

struct Feed {
  std::shared_ptr<const TokenVerifier> verifier;
  EventFeedOptions options;
  http::ServiceContext context;

  // The caller's tenant, or the response that refuses the request.
  std::variant<TenantId, http::HttpResponse> Authenticate(const http::HttpRequest& request) const {
    Authentication auth = AuthenticateRequest(*verifier, request, {kRoleAdmin, kRoleAuditor});
    if (auto* refusal = std::get_if<http::HttpResponse>(&auth)) return std::move(*refusal);
    return std::get<Claims>(auth).tenant;
  }

  http::HttpResponse StoreError(const Status& status) const {
    return http::StatusResponse(status, context.options->retry_after_seconds);
  }

  // Reads on from `after` until `limit` of the tenant's events are found, the log ends, or
  // limit * max_scan_factor events were read (so that a tenant with few events cannot make
  // one request scan the whole log).
  http::HttpResponse ReadPage(const TenantId& tenant, FeedQuery query) const {
    GlobalPosition next = query.after;
    std::string events;
    std::size_t found = 0;
    std::size_t scanned = 0;
    std::size_t max_scan = std::max(query.limit * options.max_scan_factor, options.read_batch);
    while (found < query.limit && scanned < max_scan) {
      std::size_t want = std::min(options.read_batch, max_scan - scanned);
      Result<std::vector<RecordedEvent>> batch = context.store->ReadAll(next, want);
      if (!batch.ok()) {
        if (batch.status().code() == StatusCode::kInvalidArgument)
          return BadRequest(batch.status());
        return StoreError(batch.status());
      }
      for (RecordedEvent& event : *batch) {
        next = event.global_position;
        ++scanned;
        if (event.tenant != tenant) continue;
        if (found++ > 0) events += ',';
        AppendFeedEventJson(std::move(event), events);
        if (found == query.limit) break;
      }
      if (batch->size() < want) break;  // the end of the log
    }
    return http::JsonResponse(
        200, R"({"events":[)" + events + R"(],"next":)" + std::to_string(next.value()) + "}");
  }

  // Writes the tenant's events after `position` as server-sent events until the stream is
  // cancelled; waits on the store when caught up, with a comment as heartbeat.
  void Stream(const TenantId& tenant, GlobalPosition position, http::BodyStream& body) const {
    using Clock = std::chrono::steady_clock;
    Clock::time_point last_write = Clock::now();
    while (!body.Cancelled()) {
      Result<std::vector<RecordedEvent>> batch =
          context.store->ReadAll(position, options.read_batch);
      if (!batch.ok()) {
        // The client reconnects (EventSource does so by itself) and resumes with Last-Event-ID.
        body.Write(": store error: " + batch.status().ToString() + "; reconnect\n\n");
        return;
      }
      std::string chunk;
      for (RecordedEvent& event : *batch) {
        position = event.global_position;
        if (event.tenant != tenant) continue;
        chunk +=
            "id: " + std::to_string(position.value()) + "\nevent: " + event.event_type + "\ndata: ";
        AppendFeedEventJson(std::move(event), chunk);
        chunk += "\n\n";
      }
      if (!chunk.empty()) {
        if (!body.Write(std::move(chunk))) return;
        last_write = Clock::now();
      }
      if (batch->size() == options.read_batch) continue;  // more to read at once

      auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_write);
      if (idle >= options.heartbeat) {
        if (!body.Write(": heartbeat\n\n")) return;
        last_write = Clock::now();
        idle = std::chrono::milliseconds(0);
      }
      Status waited =
          context.store->WaitForEvents(position, std::min(options.poll, options.heartbeat - idle));
      if (!waited.ok()) {
        body.Write(": store error: " + waited.ToString() + "; reconnect\n\n");
        return;
      }
    }
  }
};

void HandlePage(const std::shared_ptr<const Feed>& feed, const http::HttpRequest& request,
                const http::Responder& respond) {
  auto tenant = feed->Authenticate(request);
  if (auto* refusal = std::get_if<http::HttpResponse>(&tenant)) return respond(std::move(*refusal));
  Result<FeedQuery> query = ParseFeedQuery(request.query);
  if (!query.ok()) return respond(BadRequest(query.status()));
  feed->context.run_blocking(
      [feed, tenant = std::get<TenantId>(std::move(tenant)), query = *query, respond] {
        try {
          respond(feed->ReadPage(tenant, query));
        } catch (const std::exception& e) {
          respond(feed->StoreError(Unavailable(std::string("store read threw: ") + e.what())));
        }
      });
}

void HandleStream(const std::shared_ptr<const Feed>& feed, const http::HttpRequest& request,
                  const http::Responder& respond) {
  auto tenant = feed->Authenticate(request);
  if (auto* refusal = std::get_if<http::HttpResponse>(&tenant)) return respond(std::move(*refusal));
  Result<FeedQuery> query = ParseFeedQuery(request.query);
  if (!query.ok()) return respond(BadRequest(query.status()));
  GlobalPosition start = query->after;
  // A reconnecting EventSource sends the id of the last event it received; it wins over the
  // URL's `after`, which is the position the client first asked for.
  if (std::optional<std::string_view> last_id = request.FindHeader("Last-Event-ID")) {
    std::optional<std::uint64_t> resume = ParseNumber(*last_id);
    if (!resume) {
      return respond(BadRequest(InvalidArgument("Last-Event-ID: must be a global position")));
    }
    start = GlobalPosition(*resume);
  }
  if (feed->context.stopping()) {
    return respond(feed->StoreError(Cancelled("the server is shutting down")));
  }
  feed->context.run_blocking(
      [feed, tenant = std::get<TenantId>(std::move(tenant)), start, respond] {
        // Refuse an unknown start now, while the answer can still be a 400.
        Status known;
        try {
          known = feed->context.store->ReadAll(start, 1).status();
        } catch (const std::exception& e) {
          known = Unavailable(std::string("store read threw: ") + e.what());
        }
        if (!known.ok()) {
          return respond(known.code() == StatusCode::kInvalidArgument ? BadRequest(known)
                                                                      : feed->StoreError(known));
        }
        http::HttpResponse response;
        response.content_type = "text/event-stream";
        response.headers.push_back({"Cache-Control", "no-store"});
        response.headers.push_back({"X-Accel-Buffering", "no"});  // proxies must not buffer it
        response.stream = [feed, tenant, start](http::BodyStream& body) {
          feed->Stream(tenant, start, body);
        };
        respond(std::move(response));
      });
}

}  // namespace

http::RouteRegistrar EventFeedRoutes(std::shared_ptr<const TokenVerifier> verifier,
                                     EventFeedOptions options) {
  return [verifier = std::move(verifier), options](http::Router& router,
                                                   const http::ServiceContext& context) {
    auto feed = std::make_shared<const Feed>(Feed{verifier, options, context});
    router.Add("GET", "/v1/events",
               [feed](const http::HttpRequest& request, const http::Responder& respond) {
                 HandlePage(feed, request, respond);
               });
    router.Add("GET", "/v1/events/stream",
               [feed](const http::HttpRequest& request, const http::Responder& respond) {
                 HandleStream(feed, request, respond);
               });
  };
}

}  // namespace ledger::auth
