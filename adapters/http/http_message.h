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

// The body of a streamed response (server-sent events), written chunk by chunk while the
// producer runs. Thread-safe; used from the producer's thread.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  // Sends `chunk` (nothing if empty) and blocks until it is written. False once the client
  // has gone, the write failed or timed out, or the server is stopping: the producer should
  // return then.
  virtual bool Write(std::string chunk) = 0;
  // True once writing is pointless (the client went away or the server is stopping).
  // Producers that wait for something must look at it at least every second or so: graceful
  // shutdown waits for them.
  virtual bool Cancelled() const = 0;
};

// Produces a streamed body; returns when it is done or the stream is cancelled.
using StreamProducer = std::function<void(BodyStream& body)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<HeaderField> headers;  // beyond Content-Type and Content-Length
  // Written in the request's log line; never a secret or payload.
  std::string provider_event_id;
  // Set for a long-lived streamed response: `body` is ignored; the server sends the status and
  // headers with chunked transfer encoding, runs the producer on a thread of its own (never a
  // network or blocking-pool thread), ends the body when it returns and closes the connection.
  StreamProducer stream;
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
