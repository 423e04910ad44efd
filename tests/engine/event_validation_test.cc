#include "engine/event_validation.h"

#include <doctest/doctest.h>

#include "engine/expected_version.h"

namespace ledger {
namespace {

TEST_CASE("stream ids are <category>-<id>") {
  for (const char* ok : {"order-cs_123", "content-0f8fad5b-d9cb-469f-a165-70867728950e",
                         "canary-/v1/orders", "stripe-evt_1", "a-b"}) {
    CHECK_MESSAGE(ValidateStreamId(StreamId(ok)).ok(), ok);
  }
  for (const char* bad : {"", "order", "-x", "order-", "Order-1", "or der-1", "order-a b",
                          "order-\x01", "ordér-1"}) {
    CHECK_MESSAGE(ValidateStreamId(StreamId(bad)).code() == StatusCode::kInvalidArgument, bad);
  }
}

TEST_CASE("event types are dotted lowercase words") {
  for (const char* ok : {"order.paid", "stripe.event_received", "ledger.sealed", "a.b.c"}) {
    CHECK_MESSAGE(ValidateEventType(ok).ok(), ok);
  }
  for (const char* bad : {"", "order", ".paid", "order.", "order..paid", "Order.paid",
                          "order.pa-id", "order paid"}) {
    CHECK_MESSAGE(ValidateEventType(bad).code() == StatusCode::kInvalidArgument, bad);
  }
}

TEST_CASE("payloads are minified, otherwise byte-exact") {
  CHECK(NormalizePayload("{ \"b\" : 1.0 ,\n\t\"a\" : [ 1 , 2 ] }").value() ==
        R"({"b":1.0,"a":[1,2]})");
  CHECK(NormalizePayload(R"({"s":"a b\u0000\"c"})").value() == R"({"s":"a b\u0000\"c"})");
  CHECK(NormalizePayload(R"({"big":123456789012345678901234567890})").value() ==
        R"({"big":123456789012345678901234567890})");
  CHECK(NormalizePayload("{}").value() == "{}");
  CHECK(NormalizePayload("[]").status().code() == StatusCode::kInvalidArgument);
  CHECK(NormalizePayload("{\"a\":1}{").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("expected versions parse from their CLI spelling") {
  CHECK(ExpectedVersion::Parse("any").value() == ExpectedVersion::Any());
  CHECK(ExpectedVersion::Parse("no_stream").value() == ExpectedVersion::NoStream());
  CHECK(ExpectedVersion::Parse("stream_exists").value() == ExpectedVersion::StreamExists());
  CHECK(ExpectedVersion::Parse("7").value() == ExpectedVersion::Exact(StreamVersion(7)));
  for (const char* bad : {"", "-1", "seven", "7x", "99999999999999999999999"}) {
    CHECK_MESSAGE(ExpectedVersion::Parse(bad).status().code() == StatusCode::kInvalidArgument, bad);
  }
}

}  // namespace
}  // namespace ledger
