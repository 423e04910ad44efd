#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "adapters/printify/event_decoder.h"
#include "adapters/printify/signature.h"
#include "engine/append_planner.h"
#include "tests/webhooks/fixture_files.h"

namespace ledger::printify {
namespace {

using testing::ReadFixture;
using webhook::SignatureVerdict;

TEST_CASE("every Printify fixture's X-Pfy-Signature verifies, and only over its own bytes") {
  testing::PrintifySignatures fixtures = testing::LoadPrintifySignatures();
  REQUIRE(fixtures.files.size() == 12);
  REQUIRE(fixtures.files.size() == testing::ListJsonFixtures("printify").size());
  for (const testing::PrintifySignedFile& file : fixtures.files) {
    CAPTURE(file.file);
    std::string body = ReadFixture("printify/" + file.file);
    webhook::SignatureCheck check = VerifySignature(file.header, body, fixtures.secret);
    CHECK_MESSAGE(check.ok(), check.detail);
    CHECK(VerifySignature(file.header, body + "\n", fixtures.secret).verdict ==
          SignatureVerdict::kMismatch);
    CHECK(VerifySignature(file.header, body, "another secret").verdict ==
          SignatureVerdict::kMismatch);
  }
}

TEST_CASE("malformed, missing and unconfigured Printify signatures are refused") {
  testing::PrintifySignatures fixtures = testing::LoadPrintifySignatures();
  const testing::PrintifySignedFile& file = fixtures.files.front();
  std::string body = ReadFixture("printify/" + file.file);
  std::string hex = file.header.substr(7);
  std::string upper = hex;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(VerifySignature("", body, fixtures.secret).verdict == SignatureVerdict::kMissing);
  CHECK(VerifySignature(hex, body, fixtures.secret).verdict == SignatureVerdict::kMalformed);
  CHECK(VerifySignature("sha1=" + hex, body, fixtures.secret).verdict ==
        SignatureVerdict::kMalformed);
  CHECK(VerifySignature("sha256=" + hex + "00", body, fixtures.secret).verdict ==
        SignatureVerdict::kMalformed);
  CHECK(VerifySignature("sha256=" + upper, body, fixtures.secret).verdict ==
        SignatureVerdict::kMismatch);
  CHECK(VerifySignature(file.header, body, "").verdict == SignatureVerdict::kNotConfigured);
}

TEST_CASE("every Printify fixture decodes into printify.event_received") {
  for (const std::string& file : testing::ListJsonFixtures("printify")) {
    CAPTURE(file);
    std::string body = ReadFixture(file);
    Result<webhook::ProviderEvent> decoded = DecodeEvent(body, webhook::AdmissionScope{});
    REQUIRE_MESSAGE(decoded.ok(), decoded.status().ToString());
    boost::json::object raw = boost::json::parse(body).as_object();
    std::string id(raw.at("id").as_string());
    CHECK(decoded->provider_event_id == id);
    CHECK(decoded->request.stream.value() == "printify-" + id);
    const NewEvent& event = decoded->request.events.at(0);
    CHECK(event.event_id == ProviderEventId("printify", id));
    CHECK(event.event_type == "printify.event_received");
    CHECK(event.raw_body == body);
    CHECK(event.metadata.actor == "printify");
    CHECK(event.metadata.source == "webhook.printify");
    boost::json::object payload = boost::json::parse(event.payload).as_object();
    CHECK(payload.at("provider_event_id") == raw.at("id"));
    CHECK(payload.at("type") == raw.at("type"));
    CHECK(payload.at("created_at") == raw.at("created_at"));
    CHECK(payload.at("resource_type") == raw.at("resource").at("type"));
    CHECK(payload.at("resource_id") == raw.at("resource").at("id"));
    CHECK(payload.at("body") == boost::json::value(raw));
    CHECK_FALSE(payload.contains("tenant"));
    CHECK(NormalizeAppendRequest(decoded->request).ok());
  }
}

TEST_CASE("a Printify event for a named tenant records it") {
  std::string body = ReadFixture("printify/p11_shop.disconnected.json");
  Result<webhook::ProviderEvent> decoded =
      DecodeEvent(body, webhook::AdmissionScope{TenantId("shop-eu"), true});
  REQUIRE(decoded.ok());
  CHECK(decoded->request.events[0].tenant == TenantId("shop-eu"));
  boost::json::object payload = boost::json::parse(decoded->request.events[0].payload).as_object();
  CHECK(payload.at("tenant") == "shop-eu");
  CHECK(payload.at("resource_id") == 1234567);  // a number stays a number
}

TEST_CASE("bodies that are not Printify events are refused") {
  for (std::string_view bad :
       {"", "null", "[]", R"({"type":"order:created"})", R"({"id":"","type":"order:created"})",
        R"({"id":"a b","type":"order:created"})", R"({"id":7,"type":"order:created"})",
        R"({"id":"x"})", R"({"id":"x","type":""})", R"({"id":"x","type":"t")"}) {
    CAPTURE(std::string(bad));
    Result<webhook::ProviderEvent> decoded = DecodeEvent(std::string(bad), {});
    CHECK(decoded.status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace ledger::printify
