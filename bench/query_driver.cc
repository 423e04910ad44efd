// ledger_bench_query: the query API over loopback HTTP on the PostgreSQL read models, bench/run's
// "query" row (issue 8's benchmark). Two commands:
//
//   ledger_bench_query create-tables --database-url URL
//       creates the orders and order_lines tables as PgReadModelStore does (owner
//       ledger_projector, the reader_tenant policies); bench/run then fills them with
//       bench/sql/orders_fill.sql (generate_series, as ledger_projector)
//   ledger_bench_query run --database-url URL --orders N --mode MODE [--seconds S ...]
//       starts the real http::Server in this process with the query routes
//       (adapters/query QueryRoutes) over PgReadModelReader, HS256 tokens minted with
//       TokenMinter, and drives it with --connections keep-alive connections (http_load.h).
//
// Modes (one JSON line each, bench/README.md):
//   by-id-admin     GET /v1/orders/{id} of a random existing order, its tenant's admin token
//   by-id-customer  the same with the token of the order's customer (RLS on customer_id too)
//   list            GET /v1/orders?limit=50&cursor=C, an admin's next page from a random order
//   list-paid       the same with status=paid
//
// A list request is one step of a client following next_cursor: C is exactly the cursor the
// server returned for the page before it (EncodeCursor of that page's last row, which the
// driver checks against the server's own answer before measuring), taken at a random order of
// the tenant, so the pages are spread over the whole 1M-row table rather than its first pages.
// The ids follow bench/sql/orders_fill.sql: order i (1..N) is ord_<i, 7 digits> of tenant
// shop_<i mod 4> and customer cus_<i mod 20000>.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <random>

#include "adapters/auth/token_minter.h"
#include "adapters/auth/token_verifier.h"
#include "adapters/http/server.h"
#include "adapters/postgres/pg_event_store.h"
#include "adapters/postgres/pg_read_model_reader.h"
#include "adapters/postgres/pg_read_model_store.h"
#include "adapters/query/cursor.h"
#include "adapters/query/query_routes.h"
#include "bench/http_load.h"
#include "projections/orders/order_tables.h"

namespace ledger::bench {
namespace {

namespace json = boost::json;

// The fill's shape (bench/sql/orders_fill.sql).
constexpr std::uint64_t kTenants = 4;
constexpr std::uint64_t kCustomers = 20'000;  // cus_<i mod 20000>: each of one tenant
constexpr std::string_view kSecret = "bench-secret-0123456789-abcdefghijklmnop";

struct Options {
  std::string command;
  std::string database_url;
  std::string mode = "by-id-admin";
  std::uint64_t orders = 1'000'000;
  std::size_t connections = 32;
  std::size_t server_threads = 0;    // 0: the server's default
  std::size_t blocking_threads = 0;  // 0: the server's default
  std::size_t reader_pool = 0;       // 0: the reader's default
  double seconds = 10;
  double warmup = 1;
  std::uint64_t seed = 1;
};

std::string OrderId(std::uint64_t i) {
  char id[32];
  std::snprintf(id, sizeof id, "ord_%07llu", static_cast<unsigned long long>(i));
  return id;
}
std::string Tenant(std::uint64_t i) { return "shop_" + std::to_string(i % kTenants); }

// Tokens of the fill's tenants and customers, minted on first use (HS256, one hour).
class Tokens {
 public:
  explicit Tokens(auth::TokenMinter minter) : minter_(std::move(minter)) {}

  const std::string& Admin(std::uint64_t order) {
    std::string& token = admins_[order % kTenants];
    if (token.empty()) token = Mint(Tenant(order), "admin", std::nullopt);
    return token;
  }
  const std::string& Customer(std::uint64_t order) {
    std::string& token = customers_[order % kCustomers];
    if (token.empty()) token = Mint(Tenant(order), "customer", "cus_" + std::to_string(order % kCustomers));
    return token;
  }

 private:
  std::string Mint(const std::string& tenant, const std::string& role,
                   std::optional<std::string> customer) {
    auth::Claims claims;
    claims.subject = "bench:" + role;
    claims.tenant = TenantId(tenant);
    claims.role = role;
    claims.customer_id = std::move(customer);
    // Minting cannot fail for these claims; a failure is a bug worth stopping for.
    return minter_.Mint(claims, std::chrono::hours(1)).value();
  }

  auth::TokenMinter minter_;
  std::array<std::string, kTenants> admins_;
  std::array<std::string, kCustomers> customers_;
};

std::string Get(const std::string& target, const std::string& token) {
  return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
         "\r\n\r\n";
}

// The cursor the server hands out after a page ending at `order` (orders are paged by
// order_id alone).
std::string CursorAfter(const query::Resource& orders, std::uint64_t order) {
  projections::Row last(projections::orders::OrdersTable());
  last.SetText("order_id", OrderId(order));
  return query::EncodeCursor(orders, last);
}

const query::Resource& OrdersResource() {
  for (const query::Resource& r : query::StandardResources()) {
    if (r.name == "orders") return r;
  }
  std::abort();  // the standard resources always have orders
}

// One blocking GET on a fresh connection: the body of a 200, else an error.
Result<std::string> FetchOnce(int port, const std::string& target, const std::string& token) {
  namespace beast = boost::beast;
  try {
    boost::asio::io_context io;
    boost::asio::ip::tcp::socket socket(io);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)});
    beast::http::request<beast::http::empty_body> request{beast::http::verb::get, target, 11};
    request.set(beast::http::field::host, "127.0.0.1");
    request.set(beast::http::field::authorization, "Bearer " + token);
    beast::http::write(socket, request);
    beast::flat_buffer buffer;
    beast::http::response<beast::http::string_body> response;
    beast::http::read(socket, buffer, response);
    if (response.result_int() != 200) {
      return Internal(target + " answered " + std::to_string(response.result_int()) + ": " +
                      response.body());
    }
    return std::move(response.body());
  } catch (const std::exception& e) {
    return Unavailable(target + ": " + e.what());
  }
}

// Before measuring: the routes answer what the load assumes. A known order by id for both
// tokens, 404 for someone else's order, and two pages followed by the server's own
// next_cursor, which must equal the cursor the load builds.
Status CheckAnswers(int port, Tokens& tokens, const query::Resource& orders,
                    std::uint64_t n) {
  std::uint64_t i = n / 2 + 1;
  LEDGER_ASSIGN_OR_RETURN(std::string body,
                          FetchOnce(port, "/v1/orders/" + OrderId(i), tokens.Admin(i)));
  if (body.find(OrderId(i)) == std::string::npos || body.find("\"lines\":[{") == std::string::npos) {
    return Internal("the order by id lacks its id or lines: " + body);
  }
  LEDGER_RETURN_IF_ERROR(FetchOnce(port, "/v1/orders/" + OrderId(i), tokens.Customer(i)).status());
  if (FetchOnce(port, "/v1/orders/" + OrderId(i + 1), tokens.Customer(i)).ok()) {
    return Internal("a customer token read another customer's order");
  }
  for (const char* filter : {"", "&status=paid"}) {
    std::string first = "/v1/orders?limit=50" + std::string(filter);
    LEDGER_ASSIGN_OR_RETURN(std::string page, FetchOnce(port, first, tokens.Admin(0)));
    json::object object = json::parse(page).as_object();
    const json::array& items = object.at("items").as_array();
    if (items.size() != 50 || !object.at("next_cursor").is_string()) {
      return Internal("the first page of " + first + " is not a full page with a next_cursor");
    }
    std::string last(items.back().at("order_id").as_string());
    std::string cursor(object.at("next_cursor").as_string());
    if (cursor != CursorAfter(orders, std::stoull(last.substr(4)))) {
      return Internal("the server's next_cursor differs from the one the load builds");
    }
    LEDGER_RETURN_IF_ERROR(FetchOnce(port, first + "&cursor=" + cursor, tokens.Admin(0)).status());
  }
  return Status::Ok();
}

Status CreateTables(const Options& options) {
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgReadModelStore> store,
                          PgReadModelStore::Open(options.database_url));
  std::vector<projections::TableSpec> tables{projections::orders::OrdersTable(),
                                             projections::orders::OrderLinesTable()};
  return store->CreateTables(tables, projections::TableSet::kLive);
}

Status Run(const Options& options) {
  if (options.orders < kCustomers) return InvalidArgument("--orders must be at least 20000");
  PgReaderOptions reader_options;
  if (options.reader_pool > 0) reader_options.pool_size = options.reader_pool;
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgReadModelReader> reader,
                          PgReadModelReader::Open(options.database_url, reader_options));
  // The server needs an event store (webhooks, readiness); the query routes never touch it.
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgEventStore> store,
                          PgEventStore::Open(options.database_url));
  auth::AuthOptions auth_options;
  auth_options.hs256_secret = std::string(kSecret);
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<auth::TokenVerifier> verifier,
                          auth::TokenVerifier::Create(auth_options));
  LEDGER_ASSIGN_OR_RETURN(
      auth::TokenMinter minter,
      auth::TokenMinter::Create({auth::SigningAlgorithm::kHs256, auth::KeyRole::kSign,
                                 std::string(kSecret)}));
  auto tokens = std::make_unique<Tokens>(std::move(minter));

  http::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  server_options.threads = options.server_threads;
  if (options.blocking_threads > 0) server_options.blocking_threads = options.blocking_threads;
  server_options.extra_routes.push_back(
      query::QueryRoutes(std::shared_ptr<const auth::TokenVerifier>(std::move(verifier)),
                         std::shared_ptr<queries::ReadModelReader>(std::move(reader))));
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<http::Server> server,
                          http::Server::Start(*store, server_options));
  const query::Resource& orders = OrdersResource();
  Status checked = CheckAnswers(server->port(), *tokens, orders, options.orders);
  if (!checked.ok()) {
    server->Shutdown();
    (void)server->Wait();
    return checked;
  }

  std::mt19937_64 random(options.seed);
  std::uniform_int_distribution<std::uint64_t> any_order(1, options.orders);
  RequestFactory next;
  if (options.mode == "by-id-admin" || options.mode == "by-id-customer") {
    bool customer = options.mode == "by-id-customer";
    next = [&, customer] {
      std::uint64_t i = any_order(random);
      return Get("/v1/orders/" + OrderId(i), customer ? tokens->Customer(i) : tokens->Admin(i));
    };
  } else if (options.mode == "list" || options.mode == "list-paid") {
    std::string filter = options.mode == "list-paid" ? "&status=paid" : "";
    next = [&, filter] {
      std::uint64_t i = any_order(random);
      return Get("/v1/orders?limit=50" + filter + "&cursor=" + CursorAfter(orders, i),
                 tokens->Admin(i));
    };
  } else {
    return InvalidArgument("unknown --mode " + options.mode);
  }

  LoadOptions load;
  load.port = server->port();
  load.connections = options.connections;
  load.window = Window::After(std::chrono::duration<double>(options.warmup),
                              std::chrono::duration<double>(options.seconds));
  CpuMeter cpu(load.window);  // this process: the server and the load client
  Result<LoadResult> result = RunHttpLoad(load, next);
  server->Shutdown();
  LEDGER_RETURN_IF_ERROR(server->Wait());
  LEDGER_RETURN_IF_ERROR(result.status());

  json::object line{{"bench", "query"},
                    {"side", "ledger"},
                    {"mode", options.mode},
                    {"clients", options.connections},
                    {"orders", options.orders}};
  json::object statuses;
  for (const auto& [status, count] : result->statuses) statuses[std::to_string(status)] = count;
  line["statuses"] = std::move(statuses);
  cpu.Report(result->measurement.ok(), line);
  result->measurement.Report(options.seconds, line);
  PrintJsonLine(line);
  return Status::Ok();
}

}  // namespace
}  // namespace ledger::bench

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  ledger::bench::Options options;
  po::options_description described("ledger_bench_query create-tables|run options");
  described.add_options()("help", "this text")(
      "database-url", po::value(&options.database_url)->required(),
      "PostgreSQL URL (owner or superuser) of a migrated ledger database")(
      "mode", po::value(&options.mode), "by-id-admin, by-id-customer, list or list-paid")(
      "orders", po::value(&options.orders), "orders in the read model (as filled)")(
      "connections", po::value(&options.connections), "concurrent keep-alive connections")(
      "server-threads", po::value(&options.server_threads),
      "network threads; 0: one per hardware thread")(
      "blocking-threads", po::value(&options.blocking_threads),
      "the server's pool for reads; 0: its default")(
      "reader-pool", po::value(&options.reader_pool),
      "PgReadModelReader connections; 0: its default")(
      "seconds", po::value(&options.seconds), "measured seconds")(
      "warmup", po::value(&options.warmup), "unmeasured seconds first")(
      "seed", po::value(&options.seed), "random order choice");
  po::options_description hidden;
  hidden.add_options()("command", po::value(&options.command)->required());
  po::options_description all;
  all.add(described).add(hidden);
  po::positional_options_description positional;
  positional.add("command", 1);
  try {
    po::variables_map values;
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(),
              values);
    if (values.count("help")) {
      std::cout << described;
      return EXIT_SUCCESS;
    }
    po::notify(values);
    if (options.connections == 0) throw po::error("--connections must be positive");
  } catch (const po::error& e) {
    std::cerr << "ledger_bench_query: " << e.what() << "\n" << described;
    return 2;
  }
  ledger::Status status = options.command == "create-tables" ? ledger::bench::CreateTables(options)
                          : options.command == "run"
                              ? ledger::bench::Run(options)
                              : ledger::InvalidArgument("unknown command " + options.command);
  if (!status.ok()) {
    std::cerr << "ledger_bench_query: " << status.ToString() << "\n";
    return EXIT_FAILURE;
  }
  return EXIT_SUCCESS;
}
