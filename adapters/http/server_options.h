// How `ledger serve` is configured. Every field has a working default except the secrets;
// the CLI fills them from its flags and environment (LEDGER_LISTEN,
// LEDGER_STRIPE_WEBHOOK_SECRETS, LEDGER_PRINTIFY_WEBHOOK_SECRET, LEDGER_TENANT).
#ifndef LEDGER_ADAPTERS_HTTP_SERVER_OPTIONS_H_
#define LEDGER_ADAPTERS_HTTP_SERVER_OPTIONS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/result.h"

namespace ledger::http {

class Router;
struct ServiceContext;

// Adds routes for a later module (commands, queries) to the server's table.
using RouteRegistrar = std::function<void(Router& router, const ServiceContext& context)>;

struct ServerOptions {
  // "host:port", "[v6 address]:port" or ":port" (all interfaces). Port 0 picks a free port,
  // reported through Server::port() and RunServer's on_listening.
  std::string listen = "127.0.0.1:8080";

  // Stripe endpoint secrets ("whsec_..."): a signature by any of them is accepted. Keep the
  // old and the new one here while Stripe rolls a secret. Empty: every Stripe webhook is 401.
  std::vector<std::string> stripe_secrets;
  // Printify webhook secret. Empty: every Printify webhook is 401.
  std::string printify_secret;
  // Tenant of webhooks posted without a /{tenant} suffix. Empty: kDefaultTenant.
  std::string default_tenant;

  std::size_t max_body_bytes = 4u << 20;     // larger: 413; at most kMaxRawBodyBytes
  std::size_t max_header_bytes = 16u << 10;  // larger: 431
  int stripe_tolerance_seconds = 300;        // accepted |now - t| of a Stripe signature
  std::size_t threads = 0;                   // network threads; 0: one per hardware thread
  std::size_t blocking_threads = 2;          // for store reads (readiness, later queries)

  std::chrono::milliseconds read_timeout{30'000};  // per request, headers and body
  std::chrono::milliseconds idle_timeout{60'000};  // keep-alive connection with no request
  std::chrono::milliseconds write_timeout{30'000};
  // Graceful shutdown waits this long for in-flight requests before closing connections.
  std::chrono::milliseconds shutdown_timeout{10'000};

  // Group commit (see group_committer.h).
  std::size_t max_batch = 256;
  std::size_t max_batch_bytes = 32u << 20;
  std::chrono::microseconds batch_linger{0};

  int retry_after_seconds = 2;  // Retry-After of 503 answers

  // Routes of later modules, registered after the built-in ones.
  std::vector<RouteRegistrar> extra_routes;
  // Metrics of later modules (projections, jobs): each appends Prometheus text to GET /metrics
  // after the server's own series. Called from a network thread; must be cheap and thread-safe.
  std::vector<std::function<void(std::string& out)>> extra_metrics;
};

// InvalidArgument naming the first bad field.
Status ValidateServerOptions(const ServerOptions& options);

struct ListenAddress {
  std::string host;  // "0.0.0.0" for ":port"
  std::uint16_t port = 0;
};
Result<ListenAddress> ParseListenAddress(std::string_view listen);

// "a,b" -> {"a", "b"}: LEDGER_STRIPE_WEBHOOK_SECRETS. Blank items and spaces around items
// are dropped (a secret never contains a comma or a space).
std::vector<std::string> SplitSecrets(std::string_view comma_separated);

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_SERVER_OPTIONS_H_
