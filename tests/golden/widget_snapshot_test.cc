// Aggregate snapshots (widget_snapshot.h): loading with a snapshot agrees with folding the
// whole stream, at every point of every schema version's golden log; a snapshot that cannot
// be trusted is ignored, never an error; version 1 snapshot bytes keep decoding.
#include "tests/golden/widget_snapshot.h"

#include <doctest/doctest.h>

#include "engine/memory_store.h"
#include "tests/golden/golden_check.h"
#include "tests/support/test_events.h"

namespace ledger::golden {
namespace {

// A memory store holding the committed log of fixture `name`.
std::unique_ptr<MemoryEventStore> StoreWith(const std::string& name) {
  auto store = std::make_unique<MemoryEventStore>();
  Committed golden(FixtureNamed(name));
  REQUIRE(ImportLog(*store, golden.log).ok());
  return store;
}

WidgetState FoldAll(EventStore& store, const std::string& stream) {
  Result<WidgetState> state = LoadWidget(store, StreamId(stream), nullptr);
  REQUIRE_MESSAGE(state.ok(), state.status().ToString());
  return *state;
}

TEST_CASE("loading from a snapshot taken anywhere equals folding the whole stream") {
  for (const char* name : {"schema_widget_v1", "schema_widget_v2", "schema_widget_upgraded"}) {
    auto store = StoreWith(name);
    for (const char* id : {"widget-w-1", "widget-w-2"}) {
      INFO(name << " " << id);
      const StreamId stream(id);
      std::vector<RecordedEvent> events = ledger::testing::ReadWholeStream(*store, id);
      REQUIRE(events.size() >= 2);
      const WidgetState whole = FoldAll(*store, id);
      CHECK(whole.price_changes == events.size());
      for (std::size_t k = 0; k <= events.size(); ++k) {
        Result<WidgetState> prefix =
            FoldWidget({}, std::span<const RecordedEvent>(events.data(), k));
        REQUIRE(prefix.ok());
        WidgetSnapshot snapshot = TakeWidgetSnapshot(stream, StreamVersion(k), *prefix);
        std::size_t read = 0;
        Result<WidgetState> loaded = LoadWidget(*store, stream, &snapshot, &read);
        REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
        CHECK(*loaded == whole);
        CHECK(read == events.size() - k);
      }
    }
  }
}

TEST_CASE("every schema version's log folds to the same widgets") {
  auto reference = StoreWith("schema_widget_v2");
  for (const char* name : {"schema_widget_v1", "schema_widget_upgraded"}) {
    auto store = StoreWith(name);
    for (const char* id : {"widget-w-1", "widget-w-2"}) {
      INFO(name << " " << id);
      CHECK(FoldAll(*store, id) == FoldAll(*reference, id));
    }
  }
}

TEST_CASE("a snapshot that cannot be trusted is ignored and the stream folded instead") {
  auto store = StoreWith("schema_widget_upgraded");
  const StreamId stream("widget-w-1");
  const WidgetState whole = FoldAll(*store, "widget-w-1");
  const std::size_t length = ledger::testing::ReadWholeStream(*store, "widget-w-1").size();
  WidgetSnapshot good = TakeWidgetSnapshot(stream, StreamVersion(1), whole);

  WidgetSnapshot newer = good;
  newer.state_version = kWidgetStateVersion + 1;  // written by newer code
  WidgetSnapshot truncated = good;
  truncated.bytes.pop_back();
  WidgetSnapshot longer = good;
  longer.bytes += '\x01';
  WidgetSnapshot beyond = TakeWidgetSnapshot(stream, StreamVersion(length + 5), whole);
  WidgetSnapshot other = TakeWidgetSnapshot(StreamId("widget-w-2"), StreamVersion(1), whole);

  CHECK_FALSE(RestoreWidgetSnapshot(newer).has_value());
  CHECK_FALSE(RestoreWidgetSnapshot(truncated).has_value());
  CHECK_FALSE(RestoreWidgetSnapshot(longer).has_value());
  for (const WidgetSnapshot* s : {&newer, &truncated, &longer, &beyond, &other}) {
    std::size_t read = 0;
    Result<WidgetState> loaded = LoadWidget(*store, stream, s, &read);
    REQUIRE(loaded.ok());
    CHECK(*loaded == whole);
    CHECK(read == length);  // folded from the start, not from the snapshot
  }
}

TEST_CASE("version 1 snapshot bytes keep decoding") {
  // The bytes TakeWidgetSnapshot wrote for this state when kWidgetStateVersion was 1. If
  // WidgetState changes shape, bump the version: these bytes must then be refused (and the
  // stream folded), never misread.
  // Portable binary: the little-endian flag, class version 1 (32 bits), then widget_id (64-bit
  // length, bytes), price_minor (64 bits), currency, price_changes (32 bits).
  using namespace std::string_literals;
  const std::string kVersion1 =
      "\x01\x01\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00w-1c\x00\x00\x00\x00\x00\x00\x00"
      "\x03\x00\x00\x00\x00\x00\x00\x00USD\x03\x00\x00\x00"s;
  WidgetState expected{"w-1", 99, "USD", 3};
  CHECK(TakeWidgetSnapshot(StreamId("widget-w-1"), StreamVersion(3), expected).bytes == kVersion1);
  std::optional<WidgetState> restored =
      RestoreWidgetSnapshot(WidgetSnapshot{StreamId("widget-w-1"), StreamVersion(3), 1, kVersion1});
  REQUIRE(restored.has_value());
  CHECK(*restored == expected);
}

}  // namespace
}  // namespace ledger::golden
