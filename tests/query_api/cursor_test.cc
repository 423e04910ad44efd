// Cursors (adapters/query/cursor.h): base64url without padding of a small JSON object; a
// cursor round-trips every column type and is refused, naming the cursor, when it comes from
// another resource or order, does not decode, or holds values that do not fit.
#include "adapters/query/cursor.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "engine/time.h"
#include "projections/orders/order_tables.h"

namespace ledger::query {
namespace {

namespace json = boost::json;
using projections::ColumnType;
using projections::Key;
using projections::Row;
using projections::TableSpec;

// A table with a key of every orderable type, and a resource ordered by all of it.
const TableSpec& Mixed() {
  static const TableSpec* const table = new TableSpec{
      .name = "mixed",
      .columns = {{"tenant_id", ColumnType::kText, false},
                  {"name", ColumnType::kText, false},
                  {"n", ColumnType::kInteger, false},
                  {"flag", ColumnType::kBoolean, false},
                  {"at", ColumnType::kTimestamp, false}},
      .primary_key = {"tenant_id", "name", "n", "flag", "at"},
      .indexes = {},
  };
  return *table;
}

Resource MixedResource(std::string name = "mixed", bool descending = false) {
  return Resource{.name = std::move(name),
                  .route = "/v1/mixed",
                  .table = &Mixed(),
                  .projector = "mixed",
                  .roles = {"admin"},
                  .order_by = {"at", "name", "n", "flag"},
                  .descending = descending};
}

Row MixedRow() {
  Row row(Mixed());
  row.SetText("tenant_id", "t")
      .SetText("name", "héllo \"quoted\"/?&=")
      .SetInt("n", -9'007'199'254'740'993)
      .SetBool("flag", true)
      .SetTime("at", ParseRfc3339("2026-01-01T10:00:00.123456Z").value());
  return row;
}

TEST_CASE("a cursor round-trips text, integers, booleans and times, and is URL-safe") {
  Resource resource = MixedResource();
  std::string cursor = EncodeCursor(resource, MixedRow());
  CHECK(cursor.find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  Result<Key> key = DecodeCursor(resource, cursor);
  REQUIRE_MESSAGE(key.ok(), key.status().ToString());
  Row row = MixedRow();
  CHECK(*key == Key{row.Get("at"), row.Get("name"), row.Get("n"), row.Get("flag")});
}

TEST_CASE("the cursor's JSON names the resource, the order and the last row's values") {
  std::string cursor = EncodeCursor(MixedResource(), MixedRow());
  json::value decoded = json::parse(*Base64UrlDecode(cursor));
  CHECK(decoded.at("resource") == "mixed");
  CHECK(decoded.at("order") == json::array{"at", "name", "n", "flag"});
  CHECK(decoded.at("descending") == false);
  CHECK(decoded.at("after").as_array()[0] == "2026-01-01T10:00:00.123456Z");
}

TEST_CASE("a cursor of another resource or order is refused") {
  std::string cursor = EncodeCursor(MixedResource(), MixedRow());
  Result<Key> other = DecodeCursor(MixedResource("other"), cursor);
  CHECK(other.status().code() == StatusCode::kInvalidArgument);
  CHECK(other.status().message().rfind("cursor: ", 0) == 0);
  CHECK(DecodeCursor(MixedResource("mixed", true), cursor).status().code() ==
        StatusCode::kInvalidArgument);
  Resource reordered = MixedResource();
  reordered.order_by = {"name", "n", "flag", "at"};
  CHECK(!DecodeCursor(reordered, cursor).ok());
}

Status DecodeJson(const std::string& text) {
  return DecodeCursor(MixedResource(), Base64UrlEncode(text)).status();
}

TEST_CASE("a cursor that does not decode, or whose values do not fit, is refused") {
  for (std::string bad : {"", "!!!!", "abc=", "a", "eyJ", "ab+/", "YWJj ZA"}) {
    CAPTURE(bad);
    Status s = DecodeCursor(MixedResource(), bad).status();
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().rfind("cursor: ", 0) == 0);
  }
  const std::string head =
      R"({"resource":"mixed","order":["at","name","n","flag"],"descending":false,)";
  CHECK(DecodeJson(head + R"("after":["2026-01-01T10:00:00Z","x",1,true]})").ok());
  CHECK(!DecodeJson(head + R"("after":["2026-01-01T10:00:00Z","x",1]})").ok());         // short
  CHECK(!DecodeJson(head + R"("after":["yesterday","x",1,true]})").ok());               // time
  CHECK(!DecodeJson(head + R"("after":["2026-01-01T10:00:00Z",7,1,true]})").ok());      // text
  CHECK(!DecodeJson(head + R"("after":["2026-01-01T10:00:00Z","x",1.5,true]})").ok());  // int
  CHECK(!DecodeJson(head + R"("after":["2026-01-01T10:00:00Z","x",1,"true"]})").ok());  // bool
  CHECK(!DecodeJson(head + R"("after":["2026-01-01T10:00:00Z",null,1,true]})").ok());   // NULL
  CHECK(!DecodeJson(head + R"("after":["2026-01-01T10:00:00Z","x",1,true],"x":1})").ok());
  CHECK(!DecodeJson(head + R"("after":{}})").ok());
  CHECK(!DecodeJson("[1,2]").ok());
  CHECK(!DecodeJson("{").ok());
}

TEST_CASE("base64url without padding, against RFC 4648 test vectors") {
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlEncode("fo") == "Zm8");
  CHECK(Base64UrlEncode("foo") == "Zm9v");
  CHECK(Base64UrlEncode("foob") == "Zm9vYg");
  CHECK(Base64UrlEncode("\xfb\xff") == "-_8");  // the two URL-safe characters
  for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar", "\xfb\xff\x00z"}) {
    CHECK(Base64UrlDecode(Base64UrlEncode(text)) == text);
  }
  CHECK(!Base64UrlDecode("Zg=="));  // padding
  CHECK(!Base64UrlDecode("+/8"));   // the standard alphabet
  CHECK(!Base64UrlDecode("Z"));     // an impossible length
}

TEST_CASE("an orders cursor holds the order_id of the page's last row") {
  Row order(projections::orders::OrdersTable());
  order.SetText("tenant_id", "t").SetText("order_id", "ord_7");
  const Resource& orders = StandardResources()[0];
  REQUIRE(orders.name == "orders");
  CHECK(DecodeCursor(orders, EncodeCursor(orders, order)).value() == Key{std::string("ord_7")});
}

}  // namespace
}  // namespace ledger::query
