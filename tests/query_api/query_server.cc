#include "tests/query_api/query_server.h"

#include <doctest/doctest.h>

#include "adapters/auth/token_verifier.h"
#include "engine/uuid.h"
#include "projections/runner.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;

auth::TokenMinter MakeMinter(ManualClock* clock) {
  Result<auth::TokenMinter> minter = auth::TokenMinter::Create(
      {auth::SigningAlgorithm::kHs256, auth::KeyRole::kSign, std::string(kTestSecret)}, clock);
  REQUIRE_MESSAGE(minter.ok(), minter.status().ToString());
  return std::move(minter).value();
}

GlobalPosition AppendOrderEvent(EventStore& store, const OrderSpec& order, const std::string& type,
                                json::object payload) {
  payload["order_id"] = order.order_id;
  NewEvent event;
  event.event_id = Uuid::V4();
  event.event_type = type;
  event.tenant = TenantId(order.tenant);
  event.payload = json::serialize(payload);
  event.metadata.actor = "test";
  AppendRequest request{StreamId("order-" + order.order_id), ExpectedVersion::Any(), {event}};
  Result<AppendResult> appended = store.Append(request);
  REQUIRE_MESSAGE(appended.ok(), appended.status().ToString());
  return appended->position;
}

}  // namespace

QueryServer::QueryServer(const std::function<void(query::QueryRouteOptions&)>& configure,
                         std::shared_ptr<queries::ReadModelReader> reader)
    : minter_(MakeMinter(&token_clock_)),
      reader_(reader ? std::move(reader) : std::make_shared<queries::MemoryReadModelReader>(rows)) {
  Result<std::unique_ptr<auth::TokenVerifier>> verifier =
      auth::TokenVerifier::Create(Hs256Options(&token_clock_));
  REQUIRE_MESSAGE(verifier.ok(), verifier.status().ToString());
  query::QueryRouteOptions options;
  options.max_wait = std::chrono::milliseconds(500);
  if (configure) configure(options);
  http::RouteRegistrar routes = query::QueryRoutes(
      std::shared_ptr<const auth::TokenVerifier>(std::move(verifier).value()), reader_, options);
  server_ = std::make_unique<TestServer>(
      StoreKind::kMemory,
      [&routes](http::ServerOptions& server) { server.extra_routes.push_back(routes); });
}

std::string QueryServer::Token(const std::string& role, const std::string& tenant,
                               const std::string& customer) {
  auth::Claims claims;
  claims.subject = "user:" + role;
  claims.role = role;
  claims.tenant = TenantId(tenant);
  if (role == "customer") claims.customer_id = customer;
  Result<std::string> token = minter_.Mint(claims, std::chrono::minutes(10));
  REQUIRE_MESSAGE(token.ok(), token.status().ToString());
  return *token;
}

GlobalPosition QueryServer::PlaceOrder(const OrderSpec& order) {
  json::object placed{{"amount_total", order.amount_total},
                      {"amount_subtotal", order.amount_total},
                      {"currency", "gbp"},
                      {"shipping", {{"name", "Ada"}, {"address", {{"country", "GB"}}}}},
                      {"lines",
                       {{{"line_id", "li_2"}, {"description", "Mug"}, {"quantity", 1}},
                        {{"line_id", "li_1"}, {"description", "Tee"}, {"quantity", 2}}}}};
  if (order.customer_id) {
    placed["customer_id"] = *order.customer_id;
    placed["customer_source"] = "stripe_customer";
  }
  if (order.created_at) placed["session_created_at"] = *order.created_at;
  EventStore& store = commands.store;
  GlobalPosition last = AppendOrderEvent(store, order, "order.placed", std::move(placed));
  if (order.paid) {
    last = AppendOrderEvent(store, order, "order.paid", {{"at", "2026-01-01T11:00:00Z"}});
  }
  if (order.shipped) {
    last = AppendOrderEvent(store, order, "order.shipped",
                            {{"at", "2026-01-02T09:00:00Z"}, {"carrier", "royal_mail"}});
  }
  return last;
}

void QueryServer::Project() {
  Status done = projections::ProjectToHead(commands.store, rows, projectors_.pointers());
  REQUIRE_MESSAGE(done.ok(), done.ToString());
}

ClientResponse QueryServer::Get(const std::string& target,
                                const std::optional<std::string>& token) {
  Headers headers;
  if (token) headers.emplace_back("Authorization", "Bearer " + *token);
  return Request(server_->port(), "GET", target, headers);
}

json::object QueryServer::GetObject(const std::string& target, const std::string& token) {
  ClientResponse response = Get(target, token);
  REQUIRE_MESSAGE(response.status == 200, (target + " -> " + response.body));
  json::value body = json::parse(response.body);
  REQUIRE(body.is_object());
  return body.get_object();
}

std::vector<std::string> Column(const json::object& page, const std::string& field) {
  std::vector<std::string> values;
  for (const json::value& item : page.at("items").as_array()) {
    const json::value& v = item.at(field);
    values.push_back(v.is_string() ? std::string(v.get_string()) : json::serialize(v));
  }
  return values;
}

std::vector<json::object> ReadAllPages(QueryServer& server, const std::string& target,
                                       const std::string& token) {
  std::vector<json::object> items;
  std::string next = target;
  for (int pages = 0; pages < 1000; ++pages) {
    json::object page = server.GetObject(next, token);
    for (const json::value& item : page.at("items").as_array()) items.push_back(item.as_object());
    const json::value& cursor = page.at("next_cursor");
    if (cursor.is_null()) return items;
    next = target + "&cursor=" + std::string(cursor.as_string());
  }
  FAIL("the pages never ended");
  return items;
}

}  // namespace ledger::testing
