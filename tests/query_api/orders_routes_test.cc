// GET /v1/orders and /v1/orders/{id} over real HTTP: the JSON of an order and its lines, every
// filter, paging, and who sees what (a customer only their own orders, by list, by id or by
// guessing; an admin only their tenant).
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "tests/query_api/query_server.h"

namespace ledger::testing {
namespace {

namespace json = boost::json;

TEST_CASE("an order in the list and in detail, with its lines, as documented") {
  QueryServer q;
  GlobalPosition last = q.PlaceOrder({.order_id = "ord_1", .paid = true});
  q.Project();
  json::object page = q.GetObject("/v1/orders", q.Token("admin"));
  REQUIRE(page.at("items").as_array().size() == 1);
  CHECK(page.at("next_cursor").is_null());
  CHECK(page.at("position").to_number<std::uint64_t>() == last.value());

  const json::object& order = page.at("items").as_array()[0].as_object();
  CHECK(order.at("order_id") == "ord_1");
  CHECK(!order.contains("tenant_id"));
  CHECK(order.at("customer_id") == "cus_1");
  CHECK(order.at("status") == "paid");
  CHECK(order.at("cancelled") == false);                           // a boolean
  CHECK(order.at("amount_total_minor") == 2500);                   // a number
  CHECK(order.at("created_at") == "2026-01-01T10:00:00.000000Z");  // RFC 3339, microseconds
  CHECK(order.at("paid_at") == "2026-01-01T11:00:00.000000Z");
  CHECK(order.at("shipped_at").is_null());                          // NULL
  CHECK(order.at("shipping").at("address").at("country") == "GB");  // JSON inline
  CHECK(!order.contains("lines"));                                  // only in detail

  json::object detail = q.GetObject("/v1/orders/ord_1", q.Token("operator"));
  json::object without_lines = detail;
  without_lines.erase("lines");
  CHECK(without_lines == order);
  const json::array& lines = detail.at("lines").as_array();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].at("line_id") == "li_1");  // in line_id order
  CHECK(lines[0].at("quantity") == 2);
  CHECK(lines[1].at("line_id") == "li_2");
  CHECK(!lines[0].as_object().contains("tenant_id"));
}

TEST_CASE("paging through 50 orders with limit 7 visits each once, in order_id order") {
  QueryServer q;
  std::vector<std::string> expected;
  for (int i = 0; i < 50; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "ord_%02d", (i * 17) % 50);  // appended out of order
    q.PlaceOrder({.order_id = id});
    expected.emplace_back(id);
    q.PlaceOrder({.tenant = "shop_b", .order_id = std::string(id) + "_b"});
  }
  q.Project();
  std::sort(expected.begin(), expected.end());

  std::string token = q.Token("admin");
  std::vector<std::string> seen;
  std::string target = "/v1/orders?limit=7";
  int pages = 0;
  while (true) {
    json::object page = q.GetObject(target, token);
    ++pages;
    std::vector<std::string> ids = Column(page, "order_id");
    CHECK(ids.size() <= 7);
    seen.insert(seen.end(), ids.begin(), ids.end());
    if (page.at("next_cursor").is_null()) break;
    target = "/v1/orders?limit=7&cursor=" + std::string(page.at("next_cursor").as_string());
  }
  CHECK(pages == 8);  // 7 pages of 7 and one of 1
  CHECK(seen == expected);
}

TEST_CASE("a full last page has no next cursor") {
  QueryServer q;
  for (std::string id : {"ord_a", "ord_b", "ord_c", "ord_d"}) q.PlaceOrder({.order_id = id});
  q.Project();
  std::string token = q.Token("admin");
  json::object first = q.GetObject("/v1/orders?limit=2", token);
  REQUIRE(first.at("next_cursor").is_string());
  json::object second = q.GetObject(
      "/v1/orders?limit=2&cursor=" + std::string(first.at("next_cursor").as_string()), token);
  CHECK(Column(second, "order_id") == std::vector<std::string>{"ord_c", "ord_d"});
  CHECK(second.at("next_cursor").is_null());
  CHECK(Column(q.GetObject("/v1/orders", token), "order_id").size() == 4);  // default limit 50
}

TEST_CASE("order filters: status, payment_status, fulfilment_status, customer_id") {
  QueryServer q;
  q.PlaceOrder({.order_id = "ord_new", .customer_id = "cus_1"});
  q.PlaceOrder({.order_id = "ord_paid", .customer_id = "cus_2", .paid = true});
  q.PlaceOrder({.order_id = "ord_sent", .customer_id = "cus_2", .paid = true, .shipped = true});
  q.Project();
  std::string token = q.Token("auditor");
  auto ids = [&](const std::string& query) {
    return Column(q.GetObject("/v1/orders?" + query, token), "order_id");
  };
  using Ids = std::vector<std::string>;
  CHECK(ids("status=awaiting_payment") == Ids{"ord_new"});
  CHECK(ids("status=paid") == Ids{"ord_paid"});
  CHECK(ids("status=shipped") == Ids{"ord_sent"});
  CHECK(ids("payment_status=paid") == Ids{"ord_paid", "ord_sent"});
  CHECK(ids("payment_status=unpaid") == Ids{"ord_new"});
  CHECK(ids("fulfilment_status=shipped") == Ids{"ord_sent"});
  CHECK(ids("fulfilment_status=none") == Ids{"ord_new", "ord_paid"});
  CHECK(ids("customer_id=cus_2") == Ids{"ord_paid", "ord_sent"});
  CHECK(ids("customer_id=cus_2&status=paid") == Ids{"ord_paid"});  // all filters hold
  CHECK(ids("status=nonexistent").empty());
}

TEST_CASE("created_from is inclusive, created_to exclusive; offsets and percent-encoding") {
  QueryServer q;
  q.PlaceOrder({.order_id = "ord_9", .created_at = "2026-01-01T09:00:00Z"});
  q.PlaceOrder({.order_id = "ord_10", .created_at = "2026-01-01T10:00:00Z"});
  q.PlaceOrder({.order_id = "ord_11", .created_at = "2026-01-01T11:00:00Z"});
  q.PlaceOrder({.order_id = "ord_null", .created_at = std::nullopt});  // known from Printify
  q.Project();
  std::string token = q.Token("admin");
  auto ids = [&](const std::string& query) {
    return Column(q.GetObject("/v1/orders?" + query, token), "order_id");
  };
  using Ids = std::vector<std::string>;
  CHECK(ids("created_from=2026-01-01T10:00:00Z") == Ids{"ord_10", "ord_11"});
  CHECK(ids("created_to=2026-01-01T10:00:00Z") == Ids{"ord_9"});
  CHECK(ids("created_from=2026-01-01T10:00:00Z&created_to=2026-01-01T11:00:00Z") == Ids{"ord_10"});
  // 11:00+01:00 is 10:00Z: '+' is a plus, not a space, whether encoded or not.
  CHECK(ids("created_from=2026-01-01T11:00:00+01:00") == Ids{"ord_10", "ord_11"});
  CHECK(ids("created_from=2026-01-01T11%3A00%3A00%2B01%3A00") == Ids{"ord_10", "ord_11"});
  CHECK(ids("created_from=2026-01-01T10:00:00.000001Z") == Ids{"ord_11"});
  // An order without created_at matches no time filter but is in the unfiltered list.
  CHECK(ids("limit=10").size() == 4);
}

TEST_CASE("a customer sees only their own orders: by list, by id, by guessing ids") {
  QueryServer q;
  q.PlaceOrder({.order_id = "ord_a1", .customer_id = "cus_a"});
  q.PlaceOrder({.order_id = "ord_a2", .customer_id = "cus_a"});
  q.PlaceOrder({.order_id = "ord_b1", .customer_id = "cus_b"});
  q.PlaceOrder({.order_id = "ord_none", .customer_id = std::nullopt});
  q.PlaceOrder({.tenant = "shop_b", .order_id = "ord_other_tenant", .customer_id = "cus_a"});
  q.Project();
  std::string alice = q.Token("customer", "shop_a", "cus_a");
  std::string bob = q.Token("customer", "shop_a", "cus_b");

  CHECK(Column(q.GetObject("/v1/orders", alice), "order_id") ==
        std::vector<std::string>{"ord_a1", "ord_a2"});
  CHECK(Column(q.GetObject("/v1/orders", bob), "order_id") == std::vector<std::string>{"ord_b1"});
  // Asking for someone else's customer_id narrows, never widens.
  CHECK(q.GetObject("/v1/orders?customer_id=cus_b", alice).at("items").as_array().empty());
  // Paging does not leak either.
  CHECK(ReadAllPages(q, "/v1/orders?limit=1", alice).size() == 2);

  json::object own = q.GetObject("/v1/orders/ord_a1", alice);
  CHECK(own.at("lines").as_array().size() == 2);

  ClientResponse theirs = q.Get("/v1/orders/ord_b1", alice);
  ClientResponse unknown = q.Get("/v1/orders/ord_zz", alice);
  ClientResponse nobodys = q.Get("/v1/orders/ord_none", alice);
  ClientResponse other_tenant = q.Get("/v1/orders/ord_other_tenant", alice);
  for (const ClientResponse* r : {&theirs, &unknown, &nobodys, &other_tenant}) {
    CHECK(r->status == 404);
    CHECK(json::parse(r->body).at("error").at("code") == "not_found");
  }
  // Existing-but-not-yours and missing answer alike (apart from the id they echo).
  CHECK(json::parse(theirs.body).at("error").at("message") ==
        "orders: nothing found under 'ord_b1'");
  CHECK(json::parse(unknown.body).at("error").at("message") ==
        "orders: nothing found under 'ord_zz'");
  for (int i = 0; i < 20; ++i) {
    CHECK(q.Get("/v1/orders/ord_b" + std::to_string(i), alice).status == 404);
  }
}

TEST_CASE("an admin of tenant A never sees tenant B's orders") {
  QueryServer q;
  q.PlaceOrder({.order_id = "ord_a"});
  q.PlaceOrder({.tenant = "shop_b", .order_id = "ord_b"});
  q.Project();
  std::string admin_a = q.Token("admin", "shop_a");
  std::string admin_b = q.Token("admin", "shop_b");
  CHECK(Column(q.GetObject("/v1/orders", admin_a), "order_id") ==
        std::vector<std::string>{"ord_a"});
  CHECK(Column(q.GetObject("/v1/orders", admin_b), "order_id") ==
        std::vector<std::string>{"ord_b"});
  CHECK(q.Get("/v1/orders/ord_b", admin_a).status == 404);
  CHECK(q.Get("/v1/orders/ord_a", admin_b).status == 404);
  // Both orders belong to cus_1 of their tenant; the filter stays within the token's tenant.
  CHECK(Column(q.GetObject("/v1/orders?customer_id=cus_1", admin_a), "order_id") ==
        std::vector<std::string>{"ord_a"});
  std::string customer_b = q.Token("customer", "shop_b", "cus_1");
  CHECK(Column(q.GetObject("/v1/orders", customer_b), "order_id") ==
        std::vector<std::string>{"ord_b"});
}

TEST_CASE("ids are percent-decoded; an id no row can have is 404") {
  QueryServer q;
  q.PlaceOrder({.order_id = "ord/1+x"});
  q.Project();
  std::string token = q.Token("admin");
  CHECK(q.GetObject("/v1/orders/ord%2F1%2Bx", token).at("order_id") == "ord/1+x");
  CHECK(q.GetObject("/v1/orders/ord%2F1+x", token).at("order_id") == "ord/1+x");
  CHECK(q.Get("/v1/orders/ord%2F1", token).status == 404);
}

TEST_CASE("before the orders projector has written anything the list is empty at position 0") {
  QueryServer q;
  json::object page = q.GetObject("/v1/orders", q.Token("admin"));
  CHECK(page.at("items").as_array().empty());
  CHECK(page.at("next_cursor").is_null());
  CHECK(page.at("position") == 0);
  CHECK(q.Get("/v1/orders/ord_1", q.Token("admin")).status == 404);
}

TEST_CASE("as_of is 400 until a fold answers it, then the hook gets the scope and id") {
  SUBCASE("no hook") {
    QueryServer q;
    ClientResponse r = q.Get("/v1/orders/ord_1?as_of=2026-01-01T00:00:00Z", q.Token("admin"));
    CHECK(r.status == 400);
    CHECK(json::parse(r.body).at("error").at("message") == "as_of is not supported on this route");
  }
  SUBCASE("a hook") {
    std::optional<query::AsOfRequest> seen;
    QueryServer q([&seen](query::QueryRouteOptions& options) {
      options.as_of = [&seen](const query::AsOfRequest& request, const http::ServiceContext&) {
        seen = request;
        return http::JsonResponse(200, R"({"folded":true})");
      };
    });
    ClientResponse r = q.Get("/v1/orders/ord%201?as_of=2026-01-01T00:00:00Z",
                             q.Token("customer", "shop_a", "cus_9"));
    CHECK(r.status == 200);
    CHECK(r.body == R"({"folded":true})");
    REQUIRE(seen);
    CHECK(seen->resource->name == "orders");
    CHECK(seen->id == "ord 1");
    CHECK(seen->scope.tenant_id == "shop_a");
    CHECK(seen->scope.customer_id == "cus_9");
    CHECK(seen->as_of == AtUnix(kNow));
    CHECK(q.Get("/v1/orders/ord_1?as_of=yesterday", q.Token("admin")).status == 400);
    // Products have no fold: 400 whatever the hook.
    CHECK(q.Get("/v1/products/a?as_of=2026-01-01T00:00:00Z", q.Token("admin")).status == 400);
  }
}

}  // namespace
}  // namespace ledger::testing
