// ReadProviderEventFields (projections/orders/provider_event_fields.h) reads what the
// PayloadReader it replaced read: the reference below is that reader's code, run on every
// admitted Stripe and Printify fixture and on payloads made to trip a hand-written walk
// (nulls, wrong types, duplicate keys at every level, nesting it must skip).
#include <doctest/doctest.h>

#include "engine/event_validation.h"
#include "projections/orders/payload.h"
#include "projections/orders/provider_event_fields.h"
#include "tests/commands/intake_fixture.h"

namespace ledger::projections::orders {
namespace {

using commands::testing::AdmitPrintify;
using commands::testing::AdmitStripe;
using commands::testing::AssembledStripeFixtures;
using commands::testing::PrintifyOrderFixtures;
using commands::testing::ReadFixture;

// The fields as the provider_events projector read them with PayloadReader.
ProviderEventFields Reference(Provider provider, std::string_view payload) {
  Payload p = Payload::Parse(payload);
  ProviderEventFields out{.provider_event_id = p.String("provider_event_id"),
                          .type = p.String("type"),
                          .parse_error = p.String("parse_error"),
                          .object_id = std::nullopt,
                          .created_at = std::nullopt};
  Payload body = p.Object("body");
  if (provider == Provider::kStripe) {
    out.object_id = body.Object("data").Object("object").String("id");
    if (std::optional<std::int64_t> created = p.Int("created")) {
      out.created_at = Timestamp(*created * 1'000'000);
    }
    return out;
  }
  Payload resource = body.Object("resource");
  out.object_id = resource.String("id");
  if (!out.object_id) {
    if (std::optional<std::int64_t> id = resource.Int("id")) out.object_id = std::to_string(*id);
  }
  if (!out.object_id) out.object_id = p.String("resource_id");
  out.created_at = p.Time("created_at");
  return out;
}

void CheckSame(Provider provider, const std::string& payload) {
  CAPTURE(payload);
  // Only valid JSON objects are ever stored (the store normalizes every payload).
  REQUIRE(NormalizePayload(payload).ok());
  CHECK(ReadProviderEventFields(provider, payload) == Reference(provider, payload));
}

TEST_CASE("provider event fields: every admitted fixture reads as PayloadReader read it") {
  int found_ids = 0;
  for (const std::string& name : AssembledStripeFixtures()) {
    CAPTURE(name);
    AppendRequest admitted = AdmitStripe(ReadFixture("stripe/assembled/" + name));
    const std::string& payload = admitted.events.at(0).payload;
    CheckSame(Provider::kStripe, payload);
    ProviderEventFields fields = ReadProviderEventFields(Provider::kStripe, payload);
    CHECK(fields.provider_event_id.has_value());
    CHECK(fields.created_at.has_value());
    found_ids += fields.object_id.has_value();
  }
  for (const std::string& name : PrintifyOrderFixtures()) {
    CAPTURE(name);
    AppendRequest admitted = AdmitPrintify(ReadFixture("printify/" + name));
    const std::string& payload = admitted.events.at(0).payload;
    CheckSame(Provider::kPrintify, payload);
    found_ids += ReadProviderEventFields(Provider::kPrintify, payload).object_id.has_value();
  }
  CHECK(found_ids > 25);  // the walk does reach into the bodies
}

TEST_CASE("provider event fields: odd payloads read as PayloadReader read them") {
  for (Provider provider : {Provider::kStripe, Provider::kPrintify}) {
    CAPTURE(static_cast<int>(provider));
    for (const std::string& payload : {
             std::string(R"({})"),
             std::string(R"({"provider_event_id":null,"type":7,"parse_error":["x"],"created":"1"})"),
             std::string(R"({"type":"a","type":"b","created":1,"created":2})"),
             std::string(R"({"type":"a","type":null})"),
             std::string(R"({"created":1.5,"created_at":"2026-11-25T01:02:03Z"})"),
             std::string(R"({"created":18446744073709551615,"created_at":"not a time"})"),
             std::string(R"({"created":-12,"created_at":12})"),
             std::string(R"({"t\u0079pe":"esc\"aped\u00e9","provider_event_id":"evt_\u2603"})"),
             std::string(R"({"body":{"data":{"object":{"id":"in_1"}}},"body":{"data":{}}})"),
             std::string(R"({"body":{"data":{"object":{"id":"a"},"object":{"id":"b"}}}})"),
             std::string(R"({"body":{"data":{"object":{"id":"a"}},"data":7}})"),
             std::string(R"({"body":{"data":{"object":{"nested":{"id":"no"},"id":["no"]}}}})"),
             std::string(R"({"body":{"data":{"object":{"id":"x","id":null}}}})"),
             std::string(R"({"body":[{"data":{"object":{"id":"no"}}}],"type":"after array"})"),
             std::string(R"({"body":"text","resource_id":"r_1"})"),
             std::string(R"({"body":{"resource":{"id":42}},"resource_id":"r_1"})"),
             std::string(R"({"body":{"resource":{"id":"s_1","id":9}}})"),
             std::string(R"({"body":{"resource":{"id":1.5}},"resource_id":"r_2"})"),
             std::string(R"({"body":{"resource":{"id":null}},"resource_id":null})"),
             std::string(R"({"body":{"resource":{"data":{"id":"deep"}},"resource":{}}})"),
             std::string(R"({"deep":{"a":[1,{"b":[true,false,null]}],"c":"}"},"type":"t"})"),
             std::string(R"({"created":-0,"type":"minus zero"})"),
             std::string(R"({"created":1e2,"created_at":"2026-11-25T01:02:03.5+01:00"})"),
             std::string(R"({"created":-9223372036854775809})"),
             std::string(R"({"b\u006fdy":{"d\u0061ta":{"object":{"id":"escaped keys"}}}})"),
             std::string(R"({"b\u006fdy":{"resource":{"\u0069d":"escaped keys"}}})"),
         }) {
      CheckSame(provider, payload);
    }
  }
}

// `depth` levels of nesting in all: the root object and the arrays of "body".
std::string Nested(int depth) {
  std::string payload = R"({"type":"deep","body":)";
  for (int i = 1; i < depth; ++i) payload += '[';
  payload += "1";
  for (int i = 1; i < depth; ++i) payload += ']';
  return payload + R"(,"provider_event_id":"evt_deep"})";
}

TEST_CASE("provider event fields: payloads nested deeper than Boost.JSON's 32 levels are read "
          "(version 2)") {
  for (Provider provider : {Provider::kStripe, Provider::kPrintify}) {
    CheckSame(provider, Nested(32));
    for (int depth : {33, 64}) {
      CAPTURE(depth);
      const std::string payload = Nested(depth);
      REQUIRE(NormalizePayload(payload).ok());  // the store admits it
      CHECK(Reference(provider, payload) == ProviderEventFields{});  // version 1 read nothing
      ProviderEventFields fields = ReadProviderEventFields(provider, payload);
      CHECK(fields.type == "deep");
      CHECK(fields.provider_event_id == "evt_deep");
    }
  }
}

TEST_CASE("provider event fields: a payload larger than the reused buffers reads the same") {
  std::string filler(100 << 10, 'x');
  const std::string payload = R"({"type":"big","filler":")" + filler +
                              R"(","body":{"data":{"object":{"id":"in_big"}}},"created":5})";
  CheckSame(Provider::kStripe, payload);
  CHECK(ReadProviderEventFields(Provider::kStripe, payload).object_id == "in_big");
  // And the reused ones still serve the next small payload.
  CheckSame(Provider::kStripe, R"({"type":"small","created":6})");
}

TEST_CASE("provider event fields: a non-object payload, or a creation time out of range, is "
          "absent") {
  for (Provider provider : {Provider::kStripe, Provider::kPrintify}) {
    CHECK(ReadProviderEventFields(provider, "[1,2]") == ProviderEventFields{});
    CHECK(ReadProviderEventFields(provider, "not json") == ProviderEventFields{});
    CHECK(ReadProviderEventFields(provider, "") == ProviderEventFields{});
  }
  // PayloadReader multiplied this into an overflow.
  ProviderEventFields far =
      ReadProviderEventFields(Provider::kStripe, R"({"created":9223372036854775807,"type":"t"})");
  CHECK_FALSE(far.created_at.has_value());
  CHECK(far.type == "t");
}

}  // namespace
}  // namespace ledger::projections::orders
