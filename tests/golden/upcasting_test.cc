// The upcaster registry and the schema-evolution example (upcasting.h, widget_prices.h): how
// old payloads are brought up to date, what is refused, and that the projector written for
// version 2 reads a version 1 log only through its upcaster.
#include "tests/golden/upcasting.h"

#include <doctest/doctest.h>

#include "engine/memory_store.h"
#include "projections/memory_read_model_store.h"
#include "projections/runner.h"
#include "tests/golden/widget_prices.h"

namespace ledger::golden {
namespace {

RecordedEvent EventAt(std::string type, std::uint32_t version, std::string payload) {
  RecordedEvent e;
  e.event_id = Uuid::V5(LedgerNamespace(), "upcasting-test");
  e.event_type = std::move(type);
  e.schema_version = version;
  e.payload = std::move(payload);
  return e;
}

Upcaster Append(const std::string& suffix) {
  return [suffix](std::string_view payload) -> Result<std::string> {
    std::string out(payload);
    out.insert(out.size() - 1, suffix);
    return out;
  };
}

TEST_CASE("an event is brought to the current version one step at a time") {
  UpcasterRegistry registry;
  REQUIRE(registry.Register("test.thing", 1, Append(R"(,"b":2)")).ok());
  REQUIRE(registry.Register("test.thing", 2, Append(R"(,"c":3)")).ok());
  CHECK(registry.CurrentVersion("test.thing") == 3);
  CHECK(registry.CurrentVersion("test.other") == 1);

  Result<RecordedEvent> from1 = registry.Upcast(EventAt("test.thing", 1, R"({"a":1})"));
  REQUIRE(from1.ok());
  CHECK(from1->schema_version == 3);
  CHECK(from1->payload == R"({"a":1,"b":2,"c":3})");
  Result<RecordedEvent> from2 = registry.Upcast(EventAt("test.thing", 2, R"({"a":1,"b":2})"));
  REQUIRE(from2.ok());
  CHECK(from2->payload == R"({"a":1,"b":2,"c":3})");

  RecordedEvent current = EventAt("test.thing", 3, R"({"x":true})");
  CHECK(registry.Upcast(current).value() == current);
  RecordedEvent unrelated = EventAt("test.other", 1, R"({"x":true})");
  CHECK(registry.Upcast(unrelated).value() == unrelated);
}

TEST_CASE("steps are registered in order, without holes") {
  UpcasterRegistry registry;
  CHECK(registry.Register("test.thing", 2, Append("")).code() == StatusCode::kInvalidArgument);
  CHECK(registry.Register("test.thing", 0, Append("")).code() == StatusCode::kInvalidArgument);
  CHECK(registry.Register("test.thing", 1, nullptr).code() == StatusCode::kInvalidArgument);
  REQUIRE(registry.Register("test.thing", 1, Append("")).ok());
  CHECK(registry.Register("test.thing", 1, Append("")).code() == StatusCode::kInvalidArgument);
  CHECK(registry.CurrentVersion("test.thing") == 2);
}

TEST_CASE("an event newer than the code, or one a step refuses, is an error, never skipped") {
  UpcasterRegistry registry;
  REQUIRE(registry
              .Register("test.thing", 1,
                        [](std::string_view) -> Result<std::string> {
                          return InvalidArgument("no field a");
                        })
              .ok());
  Result<RecordedEvent> newer = registry.Upcast(EventAt("test.thing", 3, "{}"));
  CHECK(newer.status().code() == StatusCode::kFailedPrecondition);
  CHECK(newer.status().message().find("schema version 3, newer than the 2") != std::string::npos);
  Result<RecordedEvent> refused = registry.Upcast(EventAt("test.thing", 1, "{}"));
  CHECK(refused.status().code() == StatusCode::kDataLoss);
  CHECK(refused.status().message().find("from schema version 1 to 2 failed: no field a") !=
        std::string::npos);
}

TEST_CASE("golden.widget_priced version 1 becomes version 2") {
  CHECK(UpcastWidgetPricedV1(R"({"widget":"w-1","price":"12.50","currency":"usd"})").value() ==
        R"({"widget_id":"w-1","price_minor":1250,"currency":"USD"})");
  CHECK(UpcastWidgetPricedV1(R"({"widget":"w","price":"12.9","currency":"EUR"})").value() ==
        R"({"widget_id":"w","price_minor":1290,"currency":"EUR"})");
  CHECK(UpcastWidgetPricedV1(R"({"widget":"w","price":"3","currency":"usd"})").value() ==
        R"({"widget_id":"w","price_minor":300,"currency":"USD"})");
  for (const char* bad : {R"({"widget":"w","price":"1.234","currency":"usd"})",
                          R"({"widget":"w","price":"-1","currency":"usd"})",
                          R"({"widget":"w","price":"1.","currency":"usd"})",
                          R"({"widget":"w","price":".5","currency":"usd"})",
                          R"({"widget":"w","price":"","currency":"usd"})",
                          R"({"widget":"w","price":12.5,"currency":"usd"})",
                          R"({"widget_id":"w","price_minor":1250,"currency":"USD"})", "[]"}) {
    INFO(bad);
    CHECK(UpcastWidgetPricedV1(bad).status().code() == StatusCode::kInvalidArgument);
  }
}

Status ProjectHistory(WidgetWriter writer, std::unique_ptr<projections::Projector> projector) {
  MemoryEventStore events;
  Result<std::vector<RecordedEvent>> history = WidgetHistory(writer);
  REQUIRE(history.ok());
  for (const RecordedEvent& e : *history) {
    NewEvent event{e.event_id, e.event_type, e.schema_version, e.tenant,
                   e.payload,  e.metadata,   e.raw_body};
    REQUIRE(events.Append(AppendRequest{e.stream_id, ExpectedVersion::Any(), {event}}).ok());
  }
  projections::MemoryReadModelStore rows;
  projections::Projector* list[] = {projector.get()};
  return projections::ProjectToHead(events, rows, list);
}

TEST_CASE("the version 2 projector reads a version 1 log only through its upcaster") {
  Status bare = ProjectHistory(WidgetWriter::kVersion1, MakeBareWidgetPricesProjector());
  CHECK(bare.code() == StatusCode::kFailedPrecondition);
  CHECK(bare.message().find("is at version 1 (no upcaster ran)") != std::string::npos);
  CHECK(ProjectHistory(WidgetWriter::kVersion2, MakeBareWidgetPricesProjector()).ok());
  CHECK(ProjectHistory(WidgetWriter::kVersion1, MakeWidgetPricesProjector()).ok());
  CHECK(ProjectHistory(WidgetWriter::kUpgradedMidway, MakeWidgetPricesProjector()).ok());
}

}  // namespace
}  // namespace ledger::golden
