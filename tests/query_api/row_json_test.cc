// Rows as JSON (adapters/query/row_json.h), the strict query strings (query_params.h) and the
// consistency of the standard resources (resources.h).
#include "adapters/query/row_json.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <cstdint>
#include <limits>
#include <set>
#include <vector>

#include "adapters/query/query_params.h"
#include "adapters/query/resources.h"
#include "engine/time.h"
#include "projections/orders/order_tables.h"

namespace ledger::query {
namespace {

namespace json = boost::json;
using projections::Row;

Row Order() {
  Row row(projections::orders::OrdersTable());
  row.SetText("tenant_id", "shop_a")
      .SetText("order_id", "ord_1")
      .SetText("status", "paid")
      .SetText("payment_status", "paid")
      .SetText("fulfilment_status", "none")
      .SetBool("cancelled", false)
      .SetInt("anomaly_count", 0)
      .SetInt("amount_total_minor", 9'007'199'254'740'993)
      .SetJson("shipping", R"({"name":"Ada","lines":[1,2]})")
      .SetTime("created_at", Timestamp(1));
  return row;
}

TEST_CASE("a row is an object of every column but tenant_id, each in its JSON type") {
  json::object o = RowToJson(Order()).value();
  CHECK(!o.contains("tenant_id"));
  CHECK(o.size() == projections::orders::OrdersTable().columns.size() - 1);
  CHECK(o.at("order_id") == "ord_1");
  CHECK(o.at("cancelled") == false);
  CHECK(o.at("anomaly_count") == 0);
  CHECK(o.at("amount_total_minor").as_int64() == 9'007'199'254'740'993);
  CHECK(o.at("created_at") == "1970-01-01T00:00:00.000001Z");
  CHECK(o.at("shipping") == json::parse(R"({"name":"Ada","lines":[1,2]})"));
  CHECK(o.at("paid_at").is_null());
  CHECK(o.at("customer_id").is_null());
  // Columns in declaration order.
  CHECK(o.begin()->key() == "order_id");
}

TEST_CASE("a row's text is exactly its document serialized, with every string escaped") {
  Row row = Order();
  row.SetText("customer_name", "Ada \"the\" Countess\\\n\t\x7f\x01 \xc3\xa9\xe2\x82\xac")
      .SetInt("amount_discount_minor", std::numeric_limits<std::int64_t>::min())
      .SetBool("cancelled", true)
      .SetJson("shipping", R"({ "name" : "Ada",  "n": 1.5e0 })");
  std::string text;
  REQUIRE(AppendRowJson(row, text).ok());
  json::value parsed = json::parse(text);
  CHECK(parsed.at("customer_name") == "Ada \"the\" Countess\\\n\t\x7f\x01 \xc3\xa9\xe2\x82\xac");
  CHECK(parsed.at("amount_discount_minor").as_int64() == std::numeric_limits<std::int64_t>::min());
  CHECK(parsed.at("cancelled") == true);
  CHECK(parsed.at("shipping") == json::parse(R"({"name":"Ada","n":1.5})"));
  // Compact, in declaration order: the same bytes as serializing the document.
  CHECK(text == json::serialize(RowToJson(row).value()));
  CHECK(text.find("\"shipping\":{\"name\":\"Ada\",") != std::string::npos);

  std::string rows;
  REQUIRE(AppendRowsJson(std::vector<Row>{row, Order()}, rows).ok());
  CHECK(rows == "[" + text + "," + json::serialize(RowToJson(Order()).value()) + "]");
  std::string none;
  REQUIRE(AppendRowsJson(std::vector<Row>{}, none).ok());
  CHECK(none == "[]");
}

TEST_CASE("a JSON column that does not parse is an internal error, not a string") {
  Row row = Order();
  row.SetJson("shipping", "{not json");
  Result<json::object> o = RowToJson(row);
  CHECK(o.status().code() == StatusCode::kInternal);
  CHECK(o.status().message().find("shipping") != std::string::npos);
  std::string text;
  CHECK(AppendRowJson(row, text).code() == StatusCode::kInternal);
}

TEST_CASE("the standard resources are consistent with their tables") {
  std::set<std::string> routes;
  for (const Resource& r : StandardResources()) {
    CAPTURE(r.name);
    CHECK(ValidateResource(r) == "");
    CHECK(routes.insert(r.route).second);
  }
  CHECK(routes == std::set<std::string>{"/v1/orders", "/v1/products", "/v1/review-queue",
                                        "/v1/screening-decisions", "/v1/quality-verdicts",
                                        "/v1/canary", "/v1/canary/history", "/v1/jobs"});
}

TEST_CASE("ValidateResource finds what would break paging or scope") {
  Resource r = StandardResources()[0];  // orders
  r.order_by = {"created_at"};          // nullable and lacks the key
  CHECK(ValidateResource(r) != "");
  r = StandardResources()[1];  // products: not customer-scoped
  r.roles.emplace_back("customer");
  CHECK(ValidateResource(r).find("customer") != std::string::npos);
  r = StandardResources()[0];
  r.filters.push_back({"shipping", "shipping", queries::FilterOp::kEqual});
  CHECK(ValidateResource(r).find("JSON") != std::string::npos);
  r = StandardResources()[0];
  r.filters.push_back({"limit", "status", queries::FilterOp::kEqual});
  CHECK(ValidateResource(r).find("reserved") != std::string::npos);
}

TEST_CASE("list parameters: defaults, filters by the column's type, strictness") {
  const Resource& orders = StandardResources()[0];
  ListParams none = ParseListParams(orders, "").value();
  CHECK(none.limit == kDefaultPageLimit);
  CHECK(none.filters.empty());
  CHECK(!none.after);
  CHECK(!none.min_position);

  ListParams some = ParseListParams(orders,
                                    "status=paid&created_from=2026-01-01T00:00:00%2B01:00&"
                                    "min_position=18446744073709551615&limit=500")
                        .value();
  CHECK(some.limit == 500);
  CHECK(some.min_position == GlobalPosition(18'446'744'073'709'551'615u));
  REQUIRE(some.filters.size() == 2);
  CHECK(some.filters[0].column == "status");
  CHECK(some.filters[1].column == "created_at");
  CHECK(some.filters[1].op == queries::FilterOp::kAtLeast);
  CHECK(some.filters[1].value == projections::Value(ParseRfc3339("2025-12-31T23:00:00Z").value()));

  CHECK(ParseListParams(orders, "min_position=18446744073709551616")
            .status()
            .message()
            .rfind("min_position", 0) == 0);
  CHECK(ParseListParams(orders, "status=a%20b").value().filters[0].value ==
        projections::Value(std::string("a b")));
  CHECK(ParseListParams(orders, "status=a+b").value().filters[0].value ==
        projections::Value(std::string("a+b")));
  CHECK(ParseListParams(orders, "st%61tus=paid").ok());  // names are decoded too
  CHECK(!ParseListParams(orders, "status=paid&st%61tus=new").ok());
}

TEST_CASE("column values parse by type") {
  using projections::ColumnType;
  using projections::Value;
  CHECK(ParseColumnValue(ColumnType::kInteger, "-42") == Value(std::int64_t{-42}));
  CHECK(!ParseColumnValue(ColumnType::kInteger, "4x"));
  CHECK(!ParseColumnValue(ColumnType::kInteger, ""));
  CHECK(ParseColumnValue(ColumnType::kBoolean, "true") == Value(true));
  CHECK(!ParseColumnValue(ColumnType::kBoolean, "1"));
  CHECK(!ParseColumnValue(ColumnType::kText, ""));
  CHECK(!ParseColumnValue(ColumnType::kJson, "{}"));
  CHECK(!ParseColumnValue(ColumnType::kTimestamp, "2026-01-01"));
}

}  // namespace
}  // namespace ledger::query
