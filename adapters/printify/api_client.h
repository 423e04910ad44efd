// ApiClient: Printify's REST API for the order-submission job (jobs/kinds/printify_api.h):
// POST {base}/v1/shops/{shop_id}/orders.json with a bearer token, over HTTP/1.1 (Boost.Beast),
// plain TCP for http:// base URLs (loopback tests) and TLS with peer verification against the
// system's CA store for https://. One connection per call: a submission is rare and a fresh
// connection never inherits a half-read response.
//
// Never logs: it returns what happened and the caller decides. The token is sent in the
// Authorization header only; it appears in no error message.
#ifndef LEDGER_ADAPTERS_PRINTIFY_API_CLIENT_H_
#define LEDGER_ADAPTERS_PRINTIFY_API_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "engine/result.h"
#include "jobs/kinds/printify_api.h"

namespace ledger::printify {

struct ApiClientOptions {
  std::string base_url = "https://api.printify.com";  // LEDGER_PRINTIFY_API_URL
  std::string token;                                  // LEDGER_PRINTIFY_API_TOKEN
  std::chrono::milliseconds connect_timeout{5'000};   // resolving and connecting (and TLS)
  std::chrono::milliseconds io_timeout{30'000};       // writing the request, reading the reply
  std::string user_agent = "ledger";
};

// The options from LEDGER_PRINTIFY_API_URL (default Printify's), LEDGER_PRINTIFY_API_TOKEN
// (required) and LEDGER_PRINTIFY_TIMEOUT_MS (the I/O timeout; optional). `get_env` returns
// nullopt for an unset variable. InvalidArgument names the variable, never its value.
Result<ApiClientOptions> ApiClientOptionsFrom(
    const std::function<std::optional<std::string>(const std::string&)>& get_env);

// At most this much of an error body is returned; longer bodies are cut.
inline constexpr std::size_t kMaxErrorBytes = 2'000;

class ApiClient final : public jobs::kinds::PrintifyOrderApi {
 public:
  // InvalidArgument if the base URL is not http(s)://host[:port][/path] or the token is empty.
  static Result<std::unique_ptr<ApiClient>> Create(ApiClientOptions options);

  // Thread-safe: each call has its own connection and I/O context.
  Result<jobs::kinds::PrintifyReply> CreateOrder(std::int64_t shop_id,
                                                 const jobs::kinds::PrintifyOrder& order) override;

  struct Endpoint {
    bool tls = false;
    std::string host;
    std::string port;
    std::string path_prefix;  // without a trailing '/'
  };

 private:
  ApiClient(ApiClientOptions options, Endpoint endpoint);

  ApiClientOptions options_;
  Endpoint endpoint_;
};

// Printify's JSON for `order` (the body of the POST).
std::string PrintifyOrderJson(const jobs::kinds::PrintifyOrder& order);

}  // namespace ledger::printify

#endif  // LEDGER_ADAPTERS_PRINTIFY_API_CLIENT_H_
