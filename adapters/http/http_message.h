// The request and response the server's handlers see: plain values, so that handlers (and
// their tests) never touch Beast. Only server.cc converts between these and the wire.
#ifndef LEDGER_ADAPTERS_HTTP_HTTP_MESSAGE_H_
#define LEDGER_ADAPTERS_HTTP_HTTP_MESSAGE_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/status.h"

namespace ledger::http {

struct HeaderField {
  std::string name;
  std::string value;
};

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent, percent-encoded, without the query: "/v1/webhooks/stripe"
  std::string query;   // after '?', percent-encoded; empty if none
  std::vector<HeaderField> headers;
  std::string body;  // exactly the bytes received
  // Values of the matched route's {parameters}, percent-decoded: {"tenant": "acme"}.
  std::map<std::string, std::string> params;

  // The value of the first header called `name` (ASCII case-insensitive), if any.
  std::optional<std::string_view> FindHeader(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<HeaderField> headers;  // beyond Content-Type and Content-Length
  // Written in the request's log line; never a secret or payload.
  std::string provider_event_id;
};

// Answers a request. Call it exactly once, from any thread; it only queues the response for
// the connection, so it is cheap and never blocks.
using Responder = std::function<void(HttpResponse)>;

HttpResponse JsonResponse(int status, std::string json);
// DESIGN.md section 10: {"error": {"code": "<code>", "message": "<message>"}}.
HttpResponse ErrorResponse(int status, std::string_view code, std::string_view message);
// An error response for a Status from the store or a dependency: Unavailable and Cancelled
// become 503 with Retry-After (retry the same request), InvalidArgument 400, Conflict,
// AlreadyExists and FailedPrecondition 409, anything else 500.
HttpResponse StatusResponse(const Status& status, int retry_after_seconds);

// True for "application/json" with optional parameters ("; charset=utf-8"), in any case.
bool IsJsonContentType(std::optional<std::string_view> content_type);

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_HTTP_MESSAGE_H_
