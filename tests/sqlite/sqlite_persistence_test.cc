// What a SQLite store keeps across close and reopen, byte for byte.
#include <doctest/doctest.h>

#include <limits>

#include "adapters/sqlite/sqlite_event_store.h"
#include "engine/canonical.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

using testing::MakeAppend;
using testing::MakeEvent;
using testing::ReadWholeLog;
using testing::ReadWholeStream;

constexpr Timestamp kT0{1'795'000'000'000'000};

TEST_CASE("sqlite persistence: a reopened store has every event and continues its chains") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  const std::string stream = testing::UniqueStream("order");
  ManualClock clock(kT0);
  SqliteOptions options;
  options.clock = &clock;

  std::vector<RecordedEvent> written;
  {
    std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path, options);
    NewEvent empty_raw = MakeEvent("stripe.event_received", R"({"id":"evt_1"})");
    empty_raw.raw_body = "";  // empty, which is not the same as absent
    REQUIRE(store->Append(MakeAppend(stream, ExpectedVersion::NoStream(), {empty_raw})).ok());
    clock.AdvanceMicros(3);
    REQUIRE(store->Append(MakeAppend(stream, ExpectedVersion::Exact(StreamVersion(1)), 2)).ok());
    written = ReadWholeLog(*store);
  }
  REQUIRE(written.size() == 3);
  REQUIRE(written[0].raw_body.has_value());
  CHECK(written[0].raw_body->empty());

  Result<std::unique_ptr<SqliteEventStore>> reopened = SqliteEventStore::Open(path, options);
  REQUIRE_MESSAGE(reopened.ok(), reopened.status().ToString());
  SqliteEventStore& store = **reopened;
  CHECK(ReadWholeLog(store) == written);

  Result<AppendResult> next =
      store.Append(MakeAppend(stream, ExpectedVersion::Exact(StreamVersion(3)), 1));
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  CHECK(next->position == GlobalPosition(4));  // dense: head + 1
  std::vector<RecordedEvent> events = ReadWholeStream(store, stream);
  REQUIRE(events.size() == 4);
  CHECK(events[3].stream_hash == ChainStreamHash(events[2].stream_hash, events[3]));

  // A redelivery of the first append is still recognised after the reopen.
  AppendRequest again = MakeAppend(stream, ExpectedVersion::NoStream(),
                                   {NewEvent{written[0].event_id,
                                             written[0].event_type,
                                             1,
                                             written[0].tenant,
                                             written[0].payload,
                                             {},
                                             {}}});
  Result<AppendResult> redelivered = store.Append(again);
  REQUIRE(redelivered.ok());
  CHECK(redelivered->deduplicated);
  CHECK(redelivered->position == written[0].global_position);
}

TEST_CASE("sqlite persistence: positions beyond SQLite's integers are refused, not wrapped") {
  SqliteOptions options;
  options.migrate = true;
  Result<std::unique_ptr<SqliteEventStore>> store = SqliteEventStore::Open(":memory:", options);
  REQUIRE(store.ok());
  ImportedEvent huge;
  huge.stream = StreamId(testing::UniqueStream("order"));
  huge.event = MakeEvent();
  huge.global_position = GlobalPosition(std::numeric_limits<std::uint64_t>::max());
  Result<ImportResult> r = (*store)->Import(std::span<const ImportedEvent>(&huge, 1));
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(ReadWholeLog(**store).empty());
  CHECK((*store)
            ->ReadAll(GlobalPosition(std::numeric_limits<std::uint64_t>::max()), 1)
            .status()
            .code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger
