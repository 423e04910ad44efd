// The JSON-lines form of events (engine/event_json.h): the exact line, the round trip, and
// a clear error for each way a line can be wrong.
#include "engine/event_json.h"

#include <doctest/doctest.h>

#include <string>

#include "engine/time.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

Uuid Id(std::string_view text) { return Uuid::Parse(text).value(); }

RecordedEvent FullEvent() {
  RecordedEvent e;
  e.global_position = GlobalPosition(42);
  e.stream_id = StreamId("stripe-evt_1");
  e.stream_version = StreamVersion(3);
  e.event_id = Id("6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c");
  e.event_type = "stripe.event_received";
  e.schema_version = 2;
  e.tenant = TenantId("shop-1");
  e.recorded_at = ParseRfc3339("2026-11-23T08:30:00.000001Z").value();
  e.metadata = {"corr-1", "cause-1", "user:zo\xc3\xab", "webhook.stripe"};
  e.payload = R"({"b":1.50,"a":[2e3,123456789012345678901234567890],"s":"\u00e9\""})";
  e.raw_body = std::string("hi\0\xff", 4);
  e.stream_hash = ParseSha256Hex(std::string(64, 'a')).value();
  return e;
}

// The envelope a parsed line describes, as a store would record it.
RecordedEvent AsRecorded(const ImportedEvent& i) {
  RecordedEvent e;
  e.global_position = i.global_position.value_or(GlobalPosition(0));
  e.stream_id = i.stream;
  e.stream_version = i.stream_version.value_or(StreamVersion(0));
  e.event_id = i.event.event_id;
  e.event_type = i.event.event_type;
  e.schema_version = i.event.schema_version;
  e.tenant = i.event.tenant;
  e.payload = i.event.payload;
  e.metadata = i.event.metadata;
  e.raw_body = i.event.raw_body;
  e.recorded_at = i.recorded_at.value_or(Timestamp(0));
  e.stream_hash = i.stream_hash.value_or(Sha256Digest{});
  return e;
}

const TenantId kTenant("default");

TEST_CASE("a recorded event formats as one line with its fields in the fixed order") {
  CHECK(FormatEventJson(FullEvent()) ==
        R"({"global_position":42,"stream_id":"stripe-evt_1","stream_version":3,)"
        R"("event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c","event_type":"stripe.event_received",)"
        R"("schema_version":2,"tenant_id":"shop-1","recorded_at":"2026-11-23T08:30:00.000001Z",)"
        R"("metadata":{"correlation_id":"corr-1","causation_id":"cause-1","actor":"user:zo)"
        "\xc3\xab"
        R"(","source":"webhook.stripe"},)"
        R"("payload":{"b":1.50,"a":[2e3,123456789012345678901234567890],"s":"\u00e9\""},)"
        R"("raw_body":"aGkA/w==","stream_hash":")" +
            std::string(64, 'a') + R"("})");
}

TEST_CASE("empty metadata keys and an absent raw body are left out") {
  RecordedEvent e = FullEvent();
  e.metadata = {"", "", "system:canary", ""};
  e.raw_body.reset();
  std::string line = FormatEventJson(e);
  CHECK(line.find(R"("metadata":{"actor":"system:canary"},"payload")") != std::string::npos);
  CHECK(line.find("raw_body") == std::string::npos);
  e.metadata = {};
  CHECK(FormatEventJson(e).find(R"("metadata":{},"payload")") != std::string::npos);
}

TEST_CASE("strings are escaped as JSON") {
  RecordedEvent e = FullEvent();
  e.metadata = {"q\"b\\s/", "", "tab\there\x01\x1f", "nl\n\r\b\f"};
  std::string line = FormatEventJson(e);
  CHECK(line.find(R"("correlation_id":"q\"b\\s/")") != std::string::npos);
  CHECK(line.find(R"("actor":"tab\there\u0001\u001f")") != std::string::npos);
  CHECK(line.find(R"("source":"nl\n\r\b\f")") != std::string::npos);
}

TEST_CASE("a formatted line parses back to the same event and formats identically") {
  RecordedEvent e = FullEvent();
  std::string line = FormatEventJson(e);
  Result<ImportedEvent> parsed = ParseEventJson(line, kTenant);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(AsRecorded(*parsed) == e);
  CHECK(FormatEventJson(AsRecorded(*parsed)) == line);

  SUBCASE("without metadata or raw body") {
    e.metadata = {};
    e.raw_body.reset();
    line = FormatEventJson(e);
    Result<ImportedEvent> again = ParseEventJson(line, kTenant);
    REQUIRE(again.ok());
    CHECK(FormatEventJson(AsRecorded(*again)) == line);
  }
  SUBCASE("with an empty raw body, which is not the same as none") {
    e.raw_body = "";
    line = FormatEventJson(e);
    CHECK(line.find(R"("raw_body":"")") != std::string::npos);
    Result<ImportedEvent> again = ParseEventJson(line, kTenant);
    REQUIRE(again.ok());
    CHECK(again->event.raw_body == std::optional<std::string>(""));
  }
}

TEST_CASE("round trip over many generated events") {
  for (int i = 0; i < 300; ++i) {
    RecordedEvent e = FullEvent();
    e.global_position = GlobalPosition(1 + i * 7919ull);
    e.stream_version = StreamVersion(1 + i % 13);
    e.event_id = Uuid::V5(LedgerNamespace(), std::to_string(i));
    e.schema_version = 1 + i % 4;
    e.recorded_at = Timestamp(1'700'000'000'000'000 + i * 1'234'567ll);
    e.metadata.actor = i % 3 == 0 ? "" : "actor \xe2\x82\xac " + std::to_string(i);
    e.metadata.source = i % 5 == 0 ? "" : "src\\" + std::to_string(i);
    e.payload = R"({"i":)" + std::to_string(i) + R"(,"s":"\ud83d\ude00 \"x\"","n":null})";
    std::string body;
    for (int b = 0; b < i % 7; ++b) body += static_cast<char>((i * 31 + b * 17) & 0xFF);
    e.raw_body = i % 2 == 0 ? std::optional<std::string>(body) : std::nullopt;
    e.stream_hash = Sha256::Of(std::to_string(i));
    std::string line = FormatEventJson(e);
    Result<ImportedEvent> parsed = ParseEventJson(line, kTenant);
    REQUIRE_MESSAGE(parsed.ok(), line, " -> ", parsed.status().ToString());
    REQUIRE(AsRecorded(*parsed) == e);
    REQUIRE(FormatEventJson(AsRecorded(*parsed)) == line);
  }
}

TEST_CASE("only the four required fields are needed; the rest take defaults") {
  Result<ImportedEvent> parsed = ParseEventJson(
      R"({"payload":{"x":1},"event_type":"order.paid","event_id":"6F1C3A52-7D2B-4C1E-9A6F-3B2D1E0F9A8C","stream_id":"order-1"})",
      TenantId("shop-2"));
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(parsed->stream == StreamId("order-1"));
  CHECK(parsed->event.event_id == Id("6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c"));
  CHECK(parsed->event.schema_version == 1);
  CHECK(parsed->event.tenant == TenantId("shop-2"));
  CHECK(parsed->event.metadata == Metadata{});
  CHECK_FALSE(parsed->event.raw_body.has_value());
  CHECK_FALSE(parsed->global_position.has_value());
  CHECK_FALSE(parsed->stream_version.has_value());
  CHECK_FALSE(parsed->recorded_at.has_value());
  CHECK_FALSE(parsed->stream_hash.has_value());
}

TEST_CASE("the payload keeps its bytes: only whitespace outside strings is dropped") {
  Result<ImportedEvent> parsed = ParseEventJson(
      "  {\"stream_id\":\"order-1\", \"event_id\":\"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c\","
      " \"event_type\":\"order.paid\",\n \"payload\" : { \"b\" : 1.50 , \"a\" : [ 1e3 , "
      "123456789012345678901234567890 ], \"s\" : \"\\u00e9 \\\" \\/ x y\" , \"a\":0 } }\r ",
      kTenant);
  REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
  CHECK(parsed->event.payload ==
        R"({"b":1.50,"a":[1e3,123456789012345678901234567890],"s":"\u00e9 \" \/ x y","a":0})");
}

TEST_CASE("bad lines are refused with the field and the reason") {
  const std::string ok_fields =
      R"("stream_id":"order-1","event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c",)"
      R"("event_type":"order.paid")";
  auto with = [&](const std::string& extra) { return "{" + ok_fields + "," + extra + "}"; };
  const std::string payload = R"("payload":{})";
  struct Case {
    std::string line;
    std::string message;
  };
  const Case cases[] = {
      {"", "not valid JSON"},
      {"   ", "not valid JSON"},
      {"[1]", "a line must be a JSON object"},
      {"\"text\"", "a line must be a JSON object"},
      {"{" + ok_fields + "}", R"(missing field "payload")"},
      {R"({"event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c","event_type":"a.b","payload":{}})",
       R"(missing field "stream_id")"},
      {with(R"("payload":{},"colour":"red")"), R"(unknown field "colour")"},
      {with(R"("payload":{},"stream_id":"order-2")"), R"(field "stream_id": appears twice)"},
      {with(R"("payload":[1])"), R"(field "payload": must be a JSON object)"},
      {with(R"("payload":"{}")"), R"(field "payload": must be a JSON object)"},
      {with(R"("payload":null)"), R"(field "payload": must be a JSON object)"},
      {with(R"("payload":{"x":tru})"), R"(field "payload": payload is not valid JSON)"},
      {with(R"("payload":{"x":"\ud800"})"), R"(field "payload")"},
      {with(payload + R"(,"schema_version":0)"), R"(field "schema_version": must be a positive)"},
      {with(payload + R"(,"schema_version":-1)"), R"(field "schema_version": must be a positive)"},
      {with(payload + R"(,"schema_version":1.5)"), R"(field "schema_version": must be a positive)"},
      {with(payload + R"(,"schema_version":4294967296)"), R"(field "schema_version")"},
      {with(payload + R"(,"global_position":"7")"), R"(field "global_position": must be a)"},
      {with(payload + R"(,"global_position":18446744073709551616)"), R"(field "global_position")"},
      {with(payload + R"(,"stream_version":0)"), R"(field "stream_version")"},
      {with(payload + R"(,"tenant_id":"a b")"), R"(field "tenant_id": tenant id)"},
      {with(payload + R"(,"tenant_id":null)"), R"(field "tenant_id": must be a string)"},
      {with(payload + R"(,"recorded_at":"yesterday")"), R"(field "recorded_at": not an RFC 3339)"},
      {with(payload + R"(,"metadata":{"who":"x"})"), R"(field "metadata": unknown key "who")"},
      {with(payload + R"(,"metadata":{"actor":1})"), R"(field "metadata.actor": must be a string)"},
      {with(payload + R"(,"metadata":{"actor":"a","actor":"b"})"), R"(key "actor" appears twice)"},
      {with(payload + R"(,"metadata":{"actor":"a\nb"})"), R"(field "metadata": metadata actor)"},
      {with(payload + R"(,"metadata":[])"), R"(field "metadata": must be an object)"},
      {with(payload + R"(,"raw_body":"a")"), R"(field "raw_body": base64)"},
      {with(payload + R"(,"stream_hash":"abc")"), R"(field "stream_hash": a SHA-256 hash)"},
      {with(payload) + " {}", "unexpected text after the event's JSON object"},
      {with(payload) + " x", "not valid JSON"},
      {"{" + ok_fields + "," + payload + ",}", "not valid JSON"},
      {"{" + ok_fields + "," + payload, "not valid JSON"},
      {R"({"stream_id":"order","event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c","event_type":"a.b","payload":{}})",
       R"(field "stream_id": stream id "order" is not <category>-<id>)"},
      {R"({"stream_id":"order-1","event_id":"not-a-uuid","event_type":"a.b","payload":{}})",
       R"(field "event_id": "not-a-uuid" is not a UUID)"},
      {R"({"stream_id":"order-1","event_id":"00000000-0000-0000-0000-000000000000","event_type":"a.b","payload":{}})",
       R"(field "event_id": must not be the nil UUID)"},
      {R"({"stream_id":"order-1","event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c","event_type":"Paid","payload":{}})",
       R"(field "event_type": event type "Paid")"},
      {R"({"stream_id":"order-1","event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c","event_type":7,"payload":{}})",
       R"(field "event_type": must be a string)"},
      {"{\"stream_id\":\"order-1\xff\"}", "not valid JSON"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.line);
    Result<ImportedEvent> parsed = ParseEventJson(c.line, kTenant);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
    CHECK_MESSAGE(parsed.status().message().find(c.message) != std::string::npos,
                  parsed.status().message());
  }
}

TEST_CASE("a bad default tenant is refused") {
  Result<ImportedEvent> parsed = ParseEventJson(
      R"({"stream_id":"order-1","event_id":"6f1c3a52-7d2b-4c1e-9a6f-3b2d1e0f9a8c","event_type":"a.b","payload":{}})",
      TenantId("no spaces"));
  CHECK_FALSE(parsed.ok());
}

TEST_CASE("base64 follows RFC 4648 and decodes strictly") {
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CHECK(Base64Encode(plain) == encoded);
    Result<std::string> decoded = Base64Decode(encoded);
    REQUIRE(decoded.ok());
    CHECK(*decoded == plain);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    Result<std::string> back = Base64Decode(Base64Encode(all.substr(0, n)));
    REQUIRE(back.ok());
    CHECK(*back == all.substr(0, n));
  }
  for (std::string bad : {"Zg=", "Zg", "Z===", "====", "Zh==", "Zm9=", "Zm9v\n", "Zm=v",
                          "Zm9v====", "Zm-v", "Zm_v", " Zm9v"}) {
    CAPTURE(bad);
    CHECK_FALSE(Base64Decode(bad).ok());
  }
}

}  // namespace
}  // namespace ledger
