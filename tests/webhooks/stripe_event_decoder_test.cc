// Every Stripe fixture decodes (or is refused) as MANIFEST.json says, into the payload that
// docs/webhooks.md specifies.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <set>

#include "adapters/stripe/event_decoder.h"
#include "engine/append_planner.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::stripe {
namespace {

namespace json = boost::json;
using testing::ReadFixture;

std::vector<std::string> AllStripeFixtures() {
  std::vector<std::string> all;
  for (const char* folder :
       {"stripe/assembled", "stripe/captured-stripe-ruby-mock", "stripe/edge-cases"}) {
    std::vector<std::string> files = testing::ListJsonFixtures(folder);
    all.insert(all.end(), files.begin(), files.end());
  }
  return all;
}

json::object PayloadOf(const webhook::ProviderEvent& event) {
  return json::parse(event.request.events.at(0).payload).as_object();
}

// The checks every admitted Stripe event must pass, against the body it came from.
void CheckAdmitted(const std::string& body, const webhook::ProviderEvent& event) {
  json::object raw = json::parse(body).as_object();
  std::string id(raw.at("id").as_string());
  CHECK(event.provider_event_id == id);
  CHECK(event.request.stream.value() == "stripe-" + id);
  CHECK(event.request.expected == ExpectedVersion::NoStream());
  REQUIRE(event.request.events.size() == 1);
  const NewEvent& e = event.request.events[0];
  CHECK(e.event_id == ProviderEventId("stripe", id));
  CHECK(e.event_type == "stripe.event_received");
  CHECK(e.schema_version == 1);
  CHECK(e.raw_body == body);
  CHECK(e.metadata.actor == "stripe");
  CHECK(e.metadata.source == "webhook.stripe");
  json::object payload = PayloadOf(event);
  CHECK(payload.at("provider_event_id") == raw.at("id"));
  CHECK(payload.at("type") == raw.at("type"));
  CHECK(payload.at("api_version") ==
        (raw.contains("api_version") ? raw.at("api_version") : json::value(nullptr)));
  CHECK(payload.at("livemode") == raw.at("livemode"));
  CHECK(payload.at("created") == raw.at("created"));
  CHECK(payload.at("body") == json::value(raw));
  CHECK_FALSE(payload.contains("parse_error"));
  // The store will accept it as is.
  Result<AppendRequest> normalized = NormalizeAppendRequest(event.request);
  CHECK_MESSAGE(normalized.ok(), normalized.status().ToString());
}

TEST_CASE("every Stripe fixture is decoded or refused as the manifest says") {
  std::vector<std::string> all = AllStripeFixtures();
  REQUIRE(all.size() == 25 + 22 + 13);
  for (const std::string& file : all) {
    CAPTURE(file);
    std::string body = ReadFixture(file);
    Result<webhook::ProviderEvent> decoded = DecodeEvent(body, {});
    if (testing::StripeFixtureIsAdmitted(file)) {
      REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
      CheckAdmitted(body, *decoded);
    } else {
      CHECK(decoded.status().code() == StatusCode::kInvalidArgument);
      CHECK(decoded.status().message().starts_with("not a Stripe event"));
    }
  }
}

TEST_CASE("the edge-case manifest lists exactly the edge-case files, with their sizes") {
  std::vector<testing::ManifestEntry> manifest = testing::LoadStripeEdgeCaseManifest();
  std::vector<std::string> files = testing::ListJsonFixtures("stripe/edge-cases");
  REQUIRE(manifest.size() == files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    CHECK(files[i] == "stripe/edge-cases/" + manifest[i].file);
    CHECK(ReadFixture(files[i]).size() == manifest[i].bytes);
  }
}

TEST_CASE("edge cases keep what makes them special") {
  auto decode = [](const std::string& file) {
    Result<webhook::ProviderEvent> decoded = DecodeEvent(ReadFixture(file), {});
    REQUIRE(decoded.ok());
    return PayloadOf(*decoded);
  };
  CHECK(decode("stripe/edge-cases/e04_api_version_null.json").at("api_version").is_null());
  CHECK(decode("stripe/edge-cases/e05_connect_account_field.json").at("account") ==
        "acct_1ZzConnectedAcct");
  CHECK(decode("stripe/edge-cases/e18_livemode_true.json").at("livemode") == true);
  CHECK(decode("stripe/edge-cases/e03_newer_api_version_unknown_fields.json").at("api_version") ==
        "2099-01-15.zenith");
  CHECK(decode("stripe/edge-cases/e01_unknown_event_type.json").at("type") ==
        "checkout.session.reticulated");
  CHECK(decode("stripe/captured-stripe-ruby-mock/charge.updated.json")
            .at("api_version")
            .is_null());  // absent in old events
}

TEST_CASE("raw UTF-8 and \\u-escaped bodies decode to the same JSON except the id") {
  json::object raw =
      json::parse(ReadFixture("stripe/edge-cases/e06_unicode_raw_utf8.json")).as_object();
  json::object escaped =
      json::parse(ReadFixture("stripe/edge-cases/e07_unicode_ascii_escaped.json")).as_object();
  Result<webhook::ProviderEvent> a =
      DecodeEvent(ReadFixture("stripe/edge-cases/e06_unicode_raw_utf8.json"), {});
  Result<webhook::ProviderEvent> b =
      DecodeEvent(ReadFixture("stripe/edge-cases/e07_unicode_ascii_escaped.json"), {});
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  json::object body_a = PayloadOf(*a).at("body").as_object();
  json::object body_b = PayloadOf(*b).at("body").as_object();
  body_a.erase("id");
  body_b.erase("id");
  CHECK(body_a == body_b);
  // ...while the stored bodies keep each one's own bytes (escapes are not rewritten).
  CHECK(a->request.events[0].payload.find("\\u") == std::string::npos);
  CHECK(b->request.events[0].payload.find("\\u") != std::string::npos);
}

TEST_CASE("the 2 MB body is admitted whole") {
  std::string body = ReadFixture("stripe/edge-cases/e09_huge_2MB.json");
  Result<webhook::ProviderEvent> decoded = DecodeEvent(body, {});
  REQUIRE(decoded.ok());
  CHECK(decoded->request.events[0].raw_body->size() == 2022383);
  CHECK(PayloadOf(*decoded).at("body").is_object());
}

TEST_CASE("captured events with ids made unique each decode as distinct events") {
  std::set<std::string> ids;
  int n = 0;
  for (const std::string& file : testing::ListJsonFixtures("stripe/captured-stripe-ruby-mock")) {
    std::string body = ReadFixture(file);
    std::size_t at = body.find("\"evt_0");
    REQUIRE(at != std::string::npos);
    std::size_t end = body.find('"', at + 1);
    body.replace(at + 1, end - at - 1, "evt_captured" + std::to_string(++n));
    Result<webhook::ProviderEvent> decoded = DecodeEvent(body, {});
    REQUIRE(decoded.ok());
    CheckAdmitted(body, *decoded);
    ids.insert(decoded->provider_event_id);
  }
  CHECK(ids.size() == 22);
}

TEST_CASE("a route-named tenant is recorded on the event and in the payload") {
  std::string body = ReadFixture("stripe/assembled/01_customer.created.json");
  Result<webhook::ProviderEvent> named = DecodeEvent(body, {TenantId("acme"), true});
  REQUIRE(named.ok());
  CHECK(named->request.events[0].tenant == TenantId("acme"));
  CHECK(PayloadOf(*named).at("tenant") == "acme");
  Result<webhook::ProviderEvent> by_default = DecodeEvent(body, {TenantId("main"), false});
  REQUIRE(by_default.ok());
  CHECK(by_default->request.events[0].tenant == TenantId("main"));
  CHECK_FALSE(PayloadOf(*by_default).contains("tenant"));
}

TEST_CASE("JSON that the payload rules or jsonb refuse is still admitted, raw") {
  for (std::string body :
       {R"({"id":"evt_lone","object":"event","type":"x.y","name":"\udc00"})",
        R"({"id":"evt_nul","object":"event","type":"x.y","name":"\u0000"})",
        "{\"id\":\"evt_utf8\",\"object\":\"event\",\"type\":\"x.y\",\"n\":\"\xC3\"}"}) {
    CAPTURE(body);
    Result<webhook::ProviderEvent> decoded = DecodeEvent(body, {});
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    json::object payload = PayloadOf(*decoded);
    CHECK(payload.at("body").is_null());
    CHECK(payload.at("parse_error").is_string());
    CHECK(payload.at("type") == "x.y");
    CHECK(decoded->request.events[0].raw_body == body);
    CHECK(NormalizeAppendRequest(decoded->request).ok());
  }
}

TEST_CASE("bodies that are not Stripe events are refused") {
  for (std::string_view bad :
       {"", "  ", "[]", "\"evt_1\"", R"({"id":"evt_1","object":"event","type":"a.b")",
        R"({"id":"evt_1","type":"a.b"})", R"({"id":"evt_1","object":"charge","type":"a.b"})",
        R"({"id":"ch_1","object":"event","type":"a.b"})", R"({"object":"event","type":"a.b"})",
        R"({"id":"evt_1","object":"event"})", R"({"id":"evt_1","object":"event","type":7})",
        R"({"id":"evt_1 2","object":"event","type":"a.b"})",
        R"({"id":"evt_1","object":"event","type":"a.b"}{})"}) {
    CAPTURE(std::string(bad));
    Result<webhook::ProviderEvent> decoded = DecodeEvent(std::string(bad), {});
    CHECK(decoded.status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace ledger::stripe
