#include <doctest/doctest.h>

#include <array>
#include <boost/json.hpp>

#include "adapters/webhook/provider_event.h"
#include "engine/event_validation.h"

namespace ledger::webhook {
namespace {

constexpr std::array<std::string_view, 1> kPaths = {"id"};

boost::json::object Build(std::string_view body) {
  Result<InspectedJson> inspected = InspectJson(body, kPaths);
  REQUIRE(inspected.ok());
  PayloadBuilder builder;
  builder.AddString("provider_event_id", "x");
  std::string payload = std::move(builder).Finish(body, *inspected);
  // Whatever the body, the payload itself is always a valid ledger payload.
  Result<std::string> normalized = NormalizePayload(payload);
  REQUIRE_MESSAGE(normalized.ok(), normalized.status().ToString());
  CHECK(*normalized == payload);  // already minified
  boost::json::parse_options deep;
  deep.max_depth = 100;  // Boost's default (32) is below the ledger's limit (64)
  return boost::json::parse(payload, {}, deep).as_object();
}

TEST_CASE("PayloadBuilder embeds a valid body minified, bytes otherwise kept") {
  boost::json::object p = Build("{ \"id\" : \"a\", \"n\": 1.50, \"s\":\"\\u00e9\" }");
  CHECK(p.at("provider_event_id") == "x");
  REQUIRE(p.at("body").is_object());
  CHECK(p.at("body").as_object().at("id") == "a");
  CHECK_FALSE(p.contains("parse_error"));
}

TEST_CASE("PayloadBuilder keeps number spelling and escapes of the body") {
  std::string body = R"({"n":1.50,"big":123456789012345678901234567890,"s":"\u00e9"})";
  Result<InspectedJson> inspected = InspectJson(body, kPaths);
  REQUIRE(inspected.ok());
  std::string payload = PayloadBuilder().Finish(body, *inspected);
  CHECK(payload == R"({"body":{"n":1.50,"big":123456789012345678901234567890,"s":"\u00e9"}})");
}

TEST_CASE("PayloadBuilder keeps a body with a lone surrogate only raw") {
  boost::json::object p = Build(R"({"id":"a","name":"\ud800"})");
  CHECK(p.at("body").is_null());
  CHECK(p.at("parse_error").is_string());
}

TEST_CASE("PayloadBuilder keeps a body with \\u0000 only raw (PostgreSQL jsonb refuses it)") {
  boost::json::object p = Build(R"({"id":"a","name":"a\u0000b"})");
  CHECK(p.at("body").is_null());
  CHECK(std::string(p.at("parse_error").as_string()).find("jsonb") != std::string::npos);
}

TEST_CASE("PayloadBuilder keeps a body too deep for a payload only raw") {
  // 63 levels fit under "body" (64 in all); 64 would make the payload 65 deep.
  auto nested = [](int depth) {
    return std::string(depth - 1, '[') + "{}" + std::string(depth - 1, ']');
  };
  std::string fits = "{\"a\":" + nested(62) + "}";
  std::string too_deep = "{\"a\":" + nested(63) + "}";
  CHECK(Build(fits).at("body").is_object());
  CHECK(Build(too_deep).at("body").is_null());
}

TEST_CASE("PayloadBuilder writes null for a string field that is not UTF-8") {
  PayloadBuilder builder;
  builder.AddString("type", "\xFF\xFE");
  JsonField number{JsonField::Kind::kNumber, "12"};
  builder.AddField("n", &number);
  builder.AddField("absent", nullptr);
  builder.AddBool("b", true);
  Result<InspectedJson> inspected = InspectJson("{}", kPaths);
  REQUIRE(inspected.ok());
  CHECK(std::move(builder).Finish("{}", *inspected) ==
        R"({"type":null,"n":12,"absent":null,"b":true,"body":{}})");
}

TEST_CASE("IsUsableProviderId") {
  CHECK(IsUsableProviderId("evt_1RkT9xLmNp2QxYz4Cs01"));
  CHECK(IsUsableProviderId("0f6f3c1e-4b1d-4f35-9a0e-2d1c8b7a6e01"));
  CHECK_FALSE(IsUsableProviderId(""));
  CHECK_FALSE(IsUsableProviderId("evt 1"));
  CHECK_FALSE(IsUsableProviderId("evt/1"));
  CHECK_FALSE(IsUsableProviderId(std::string(201, 'a')));
}

}  // namespace
}  // namespace ledger::webhook
