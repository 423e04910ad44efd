// HistoryPrefix over a real SQLite log: ReadAllOptions reach the store, so a replay whose
// projectors read no raw bodies does not fetch them (the bodies are most of a webhook event's
// bytes), and the prefix's bound holds on that path too.
#include <doctest/doctest.h>

#include "adapters/sqlite/sqlite_event_store.h"
#include "engine/history_prefix.h"
#include "tests/sqlite/sqlite_test_util.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

using testing::MakeAppend;

constexpr Timestamp kT0{1'795'000'000'000'000};
constexpr std::int64_t kSecond = 1'000'000;

// Six events with raw bodies on two streams, one a second from kT0 + 1 s: the i-th (1-based)
// has position i and time kT0 + i s.
struct SixEvents {
  testing::TempDir dir;
  ManualClock clock{kT0};
  std::unique_ptr<SqliteEventStore> store;

  SixEvents() {
    SqliteOptions options;
    options.clock = &clock;
    store = testing::MustOpen(dir.File("ledger.db"), options);
    for (int i = 1; i <= 6; ++i) {
      clock.AdvanceMicros(kSecond);
      AppendRequest request = MakeAppend(i % 2 == 0 ? "even-1" : "odd-1");
      request.events[0].raw_body = "{\"body\": " + std::to_string(i) + "}";
      REQUIRE(store->Append(request).ok());
    }
  }
};

struct Read {
  std::vector<std::uint64_t> positions;
  std::size_t bodies = 0;
};

// The whole history in pages of `page`, with `options`.
Read ReadAllOf(EventStore& history, std::size_t page, const ReadAllOptions& options) {
  Read read;
  GlobalPosition after(0);
  for (;;) {
    Result<std::vector<RecordedEvent>> events = history.ReadAll(after, page, options);
    REQUIRE_MESSAGE(events.ok(), events.status().ToString());
    if (events->empty()) return read;
    for (const RecordedEvent& e : *events) {
      read.positions.push_back(e.global_position.value());
      if (e.raw_body) ++read.bodies;
    }
    after = events->back().global_position;
  }
}

TEST_CASE("HistoryPrefix::UpTo forwards ReadAllOptions to the SQLite log") {
  SixEvents six;
  HistoryPrefix prefix = HistoryPrefix::UpTo(six.store.get(), GlobalPosition(4));
  REQUIRE(prefix.CheckBound().ok());
  const std::vector<std::uint64_t> first_four{1, 2, 3, 4};
  for (std::size_t page : {1, 3, 100}) {
    CAPTURE(page);
    Read without = ReadAllOf(prefix, page, ReadAllOptions{.with_raw_body = false});
    CHECK(without.positions == first_four);
    CHECK(without.bodies == 0);
    Read with = ReadAllOf(prefix, page, ReadAllOptions{.with_raw_body = true});
    CHECK(with.positions == first_four);
    CHECK(with.bodies == 4);
  }
  // The two-argument ReadAll still reads everything.
  Result<std::vector<RecordedEvent>> plain = prefix.ReadAll(GlobalPosition(0), 100);
  REQUIRE(plain.ok());
  REQUIRE(plain->size() == 4);
  CHECK(plain->front().raw_body == "{\"body\": 1}");
}

TEST_CASE("HistoryPrefix::AsOf forwards ReadAllOptions to the SQLite log") {
  SixEvents six;
  HistoryPrefix prefix = HistoryPrefix::AsOf(six.store.get(), Timestamp(kT0.value() + 3 * kSecond));
  for (std::size_t page : {1, 2, 100}) {
    CAPTURE(page);
    Read without = ReadAllOf(prefix, page, ReadAllOptions{.with_raw_body = false});
    CHECK(without.positions == std::vector<std::uint64_t>{1, 2, 3});
    CHECK(without.bodies == 0);
    CHECK(ReadAllOf(prefix, page, ReadAllOptions{}).bodies == 3);
  }
}

}  // namespace
}  // namespace ledger
