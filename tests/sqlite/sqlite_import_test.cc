// Import on the SQLite store: large logs in one transaction, all or nothing.
#include <doctest/doctest.h>

#include <chrono>

#include "adapters/sqlite/sqlite_event_store.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

using testing::MakeEvent;

constexpr Timestamp kT0{1'795'000'000'000'000};

// `count` events over `streams` streams, with no envelope fields given.
std::vector<ImportedEvent> MakeLog(std::size_t count, std::size_t streams) {
  std::vector<std::string> ids;
  for (std::size_t s = 0; s < streams; ++s) ids.push_back(testing::UniqueStream("order"));
  std::vector<ImportedEvent> log;
  log.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    ImportedEvent e;
    e.stream = StreamId(ids[i % streams]);
    e.event = MakeEvent("order.line_added", R"({"line":)" + std::to_string(i) + "}");
    log.push_back(std::move(e));
  }
  return log;
}

TEST_CASE("sqlite import: 100k events into a file store in a few seconds") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  ManualClock clock(kT0);
  SqliteOptions options;
  options.clock = &clock;
  std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path, options);
  std::vector<ImportedEvent> log = MakeLog(100'000, 1'000);

  auto start = std::chrono::steady_clock::now();
  Result<ImportResult> r = store->Import(log);
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  MESSAGE("imported 100000 events in " << elapsed.count() << " s");
  CHECK(r->imported == 100'000);
  // Typically 1-3 s. The bound only catches a collapse (a commit or a statement prepared per
  // row takes minutes), with room for a loaded two-core CI machine; bench/ measures speed.
  CHECK(elapsed.count() < 30.0);

  Result<std::vector<RecordedEvent>> tail = store->ReadAll(GlobalPosition(99'998), kNoLimit);
  REQUIRE(tail.ok());
  REQUIRE(tail->size() == 2);
  CHECK(tail->back().global_position == GlobalPosition(100'000));
  CHECK(tail->back().stream_version == StreamVersion(100));
  CHECK(testing::ReadWholeStream(*store, log[0].stream.value()).size() == 100);
}

TEST_CASE("sqlite import: a failure late in a large import leaves the file untouched") {
  testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  std::unique_ptr<SqliteEventStore> store = testing::MustOpen(path);
  std::vector<ImportedEvent> log = MakeLog(5'000, 10);
  log.back().stream_version = StreamVersion(1);  // the stream is at 499 by then

  Result<ImportResult> r = store->Import(log);
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("event 4999") != std::string::npos);
  CHECK(testing::RawQueryText(path, "SELECT count(*) FROM events").value() == "0");
  CHECK(testing::RawQueryText(path, "SELECT count(*) FROM streams").value() == "0");

  log.back().stream_version.reset();
  Result<ImportResult> fixed = store->Import(log);
  REQUIRE_MESSAGE(fixed.ok(), fixed.status().ToString());
  CHECK(fixed->imported == 5'000);
}

}  // namespace
}  // namespace ledger
