#include "adapters/printify/api_client.h"

#include <openssl/ssl.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <exception>

namespace ledger::printify {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::uint64_t kMaxResponseBytes = 1 << 20;

// Writes the request and reads the response on a connected (and, for TLS, handshaken) stream.
template <typename Stream>
asio::awaitable<Response> Exchange(Stream& stream, const Request& request,
                                   std::chrono::milliseconds io_timeout) {
  beast::get_lowest_layer(stream).expires_after(io_timeout);
  co_await http::async_write(stream, request, asio::use_awaitable);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
  co_return parser.release();
}

asio::awaitable<Response> RoundTrip(const ApiClient::Endpoint& endpoint, const Request& request,
                                    const ApiClientOptions& options, asio::ssl::context* tls) {
  auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  beast::tcp_stream tcp_stream(executor);
  tcp_stream.expires_after(options.connect_timeout);
  // The resolver has no timeout of its own; the caller's overall deadline bounds it.
  auto addresses =
      co_await resolver.async_resolve(endpoint.host, endpoint.port, asio::use_awaitable);
  co_await tcp_stream.async_connect(addresses, asio::use_awaitable);
  if (tls == nullptr) co_return co_await Exchange(tcp_stream, request, options.io_timeout);

  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), *tls);
  // SNI, and the certificate must name the host.
  if (SSL_set_tlsext_host_name(stream.native_handle(), endpoint.host.c_str()) != 1) {
    throw boost::system::system_error(boost::system::error_code(static_cast<int>(::ERR_get_error()),
                                                                asio::error::get_ssl_category()));
  }
  stream.set_verify_callback(asio::ssl::host_name_verification(endpoint.host));
  beast::get_lowest_layer(stream).expires_after(options.connect_timeout);
  co_await stream.async_handshake(asio::ssl::stream_base::client, asio::use_awaitable);
  // No TLS shutdown afterwards: the connection is not reused and some servers never answer it.
  co_return co_await Exchange(stream, request, options.io_timeout);
}

bool IsUsableToken(const std::string& token) {
  if (token.empty()) return false;
  for (char c : token) {
    if (c <= 0x20 || c >= 0x7F) return false;  // a header value: no spaces, controls or bytes
  }
  return true;
}

Result<ApiClient::Endpoint> ParseBaseUrl(const std::string& base_url) {
  auto url = boost::urls::parse_absolute_uri(base_url);
  if (!url) return InvalidArgument("LEDGER_PRINTIFY_API_URL is not an absolute URL");
  ApiClient::Endpoint e;
  if (url->scheme() == "https") {
    e.tls = true;
  } else if (url->scheme() != "http") {
    return InvalidArgument("LEDGER_PRINTIFY_API_URL must be http:// or https://");
  }
  e.host = std::string(url->encoded_host());
  if (e.host.empty()) return InvalidArgument("LEDGER_PRINTIFY_API_URL has no host");
  e.port = url->has_port() ? std::string(url->port()) : (e.tls ? "443" : "80");
  e.path_prefix = std::string(url->encoded_path());
  while (!e.path_prefix.empty() && e.path_prefix.back() == '/') e.path_prefix.pop_back();
  if (url->has_query() || url->has_fragment() || url->has_userinfo()) {
    return InvalidArgument(
        "LEDGER_PRINTIFY_API_URL must not have user info, a query or a fragment");
  }
  return e;
}

json::object AddressJson(const jobs::kinds::PrintifyAddress& a) {
  return json::object{{"first_name", a.first_name},
                      {"last_name", a.last_name},
                      {"email", a.email},
                      {"phone", a.phone},
                      {"country", a.country},
                      {"region", a.region},
                      {"address1", a.address1},
                      {"address2", a.address2},
                      {"city", a.city},
                      {"zip", a.zip}};
}

}  // namespace

Result<ApiClientOptions> ApiClientOptionsFrom(
    const std::function<std::optional<std::string>(const std::string&)>& get_env) {
  ApiClientOptions options;
  if (std::optional<std::string> url = get_env("LEDGER_PRINTIFY_API_URL"); url && !url->empty()) {
    options.base_url = *url;
  }
  std::optional<std::string> token = get_env("LEDGER_PRINTIFY_API_TOKEN");
  if (!token || token->empty()) return InvalidArgument("LEDGER_PRINTIFY_API_TOKEN is not set");
  options.token = *token;
  if (std::optional<std::string> ms = get_env("LEDGER_PRINTIFY_TIMEOUT_MS"); ms && !ms->empty()) {
    std::size_t used = 0;
    long long value = 0;
    try {
      value = std::stoll(*ms, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != ms->size() || value <= 0) {
      return InvalidArgument("LEDGER_PRINTIFY_TIMEOUT_MS must be a positive number");
    }
    options.io_timeout = std::chrono::milliseconds(value);
  }
  return options;
}

std::string PrintifyOrderJson(const jobs::kinds::PrintifyOrder& order) {
  json::array lines;
  for (const jobs::kinds::PrintifyLineItem& line : order.line_items) {
    if (!line.sku.empty()) {
      lines.push_back(json::object{{"sku", line.sku}, {"quantity", line.quantity}});
    } else {
      lines.push_back(json::object{{"product_id", line.product_id},
                                   {"variant_id", line.variant_id},
                                   {"quantity", line.quantity}});
    }
  }
  json::object body{{"external_id", order.external_id},
                    {"label", order.label},
                    {"line_items", std::move(lines)},
                    {"shipping_method", order.shipping_method},
                    {"send_shipping_notification", order.send_shipping_notification},
                    {"address_to", AddressJson(order.address_to)}};
  return json::serialize(body);
}

Result<std::unique_ptr<ApiClient>> ApiClient::Create(ApiClientOptions options) {
  LEDGER_ASSIGN_OR_RETURN(Endpoint endpoint, ParseBaseUrl(options.base_url));
  if (!IsUsableToken(options.token)) {
    return InvalidArgument("LEDGER_PRINTIFY_API_TOKEN is empty or not a usable header value");
  }
  return std::unique_ptr<ApiClient>(new ApiClient(std::move(options), std::move(endpoint)));
}

ApiClient::ApiClient(ApiClientOptions options, Endpoint endpoint)
    : options_(std::move(options)), endpoint_(std::move(endpoint)) {}

Result<jobs::kinds::PrintifyReply> ApiClient::CreateOrder(std::int64_t shop_id,
                                                          const jobs::kinds::PrintifyOrder& order) {
  Request request{http::verb::post,
                  endpoint_.path_prefix + "/v1/shops/" + std::to_string(shop_id) + "/orders.json",
                  11};
  bool default_port = endpoint_.port == (endpoint_.tls ? "443" : "80");
  request.set(http::field::host,
              default_port ? endpoint_.host : endpoint_.host + ":" + endpoint_.port);
  request.set(http::field::authorization, "Bearer " + options_.token);
  request.set(http::field::content_type, "application/json;charset=utf-8");
  request.set(http::field::accept, "application/json");
  request.set(http::field::user_agent, options_.user_agent);
  request.body() = PrintifyOrderJson(order);
  request.prepare_payload();

  // Declared before the I/O context: the completion handler writes them, and destroying the
  // context (which destroys an unfinished exchange) must not leave it pointing at nothing.
  std::optional<Response> response;
  std::string failure;
  bool finished = false;
  try {
    std::optional<asio::ssl::context> tls;
    if (endpoint_.tls) {
      tls.emplace(asio::ssl::context::tls_client);
      tls->set_default_verify_paths();
      tls->set_verify_mode(asio::ssl::verify_peer);
    }
    asio::io_context io;
    asio::co_spawn(io, RoundTrip(endpoint_, request, options_, tls ? &*tls : nullptr),
                   [&](std::exception_ptr error, Response r) {
                     finished = true;
                     if (!error) {
                       response = std::move(r);
                       return;
                     }
                     try {
                       std::rethrow_exception(error);
                     } catch (const boost::system::system_error& e) {
                       failure = e.code().message();  // what() adds Boost's source location
                     } catch (const std::exception& e) {
                       failure = e.what();
                     }
                   });
    // Each step has its own timeout; this bounds the whole, resolving included.
    io.run_for(options_.connect_timeout * 2 + options_.io_timeout);
    if (!finished) failure = "timed out";
  } catch (const std::exception& e) {
    failure = e.what();
  }
  if (!response) return Unavailable("Printify: " + failure);

  jobs::kinds::PrintifyReply reply;
  reply.http_status = static_cast<int>(response->result_int());
  if (reply.http_status >= 200 && reply.http_status < 300) {
    json::error_code ec;
    json::value body = json::parse(response->body(), ec);
    const json::object* o = ec ? nullptr : body.if_object();
    const json::value* id = o == nullptr ? nullptr : o->if_contains("id");
    if (id != nullptr && id->is_string()) reply.printify_order_id = std::string(id->get_string());
  } else {
    reply.error = response->body().substr(0, kMaxErrorBytes);
  }
  return reply;
}

}  // namespace ledger::printify
