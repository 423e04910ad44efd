// HistoryPrefix: the log up to a position or as of a time, read-only.
#include "engine/history_prefix.h"

#include <doctest/doctest.h>

#include "engine/clock.h"
#include "engine/memory_store.h"
#include "tests/support/test_events.h"

namespace ledger {
namespace {

using testing::MakeAppend;

// Ten events on two streams, one per second from t = 1,000 s; the i-th event (1-based) has
// position i and time 1,000 + i seconds.
struct TenEvents {
  ManualClock clock{Timestamp(1'000'000'000)};
  MemoryEventStore store{&clock};
  TenEvents() {
    for (int i = 1; i <= 10; ++i) {
      clock.AdvanceMicros(1'000'000);
      REQUIRE(store.Append(MakeAppend(i % 2 == 0 ? "even-1" : "odd-1")).ok());
    }
  }
};

std::vector<std::uint64_t> Positions(EventStore& store, std::size_t page) {
  std::vector<std::uint64_t> out;
  GlobalPosition after(0);
  for (;;) {
    auto events = store.ReadAll(after, page);
    REQUIRE(events.ok());
    if (events->empty()) return out;
    for (const auto& e : *events) out.push_back(e.global_position.value());
    after = events->back().global_position;
  }
}

TEST_CASE("UpTo ends the log at the named event, whatever the page size") {
  TenEvents ten;
  HistoryPrefix prefix = HistoryPrefix::UpTo(&ten.store, GlobalPosition(7));
  REQUIRE(prefix.CheckBound().ok());
  for (std::size_t page : {1, 3, 7, 100}) {
    CHECK(Positions(prefix, page) == std::vector<std::uint64_t>{1, 2, 3, 4, 5, 6, 7});
  }
  CHECK(prefix.ReadStream(StreamId("odd-1"), {}).status().code() ==
        StatusCode::kFailedPrecondition);
  CHECK(HistoryPrefix::UpTo(&ten.store, GlobalPosition(11)).CheckBound().code() ==
        StatusCode::kFailedPrecondition);
}

TEST_CASE("AsOf keeps the events recorded at or before the time") {
  TenEvents ten;
  HistoryPrefix prefix = HistoryPrefix::AsOf(&ten.store, Timestamp(1'004'000'000));
  for (std::size_t page : {1, 2, 100}) {
    CHECK(Positions(prefix, page) == std::vector<std::uint64_t>{1, 2, 3, 4});
  }
  auto odd = prefix.ReadStream(StreamId("odd-1"), {});
  REQUIRE(odd.ok());
  CHECK(odd->size() == 2);  // positions 1 and 3
  HistoryPrefix before_everything = HistoryPrefix::AsOf(&ten.store, Timestamp(0));
  CHECK(Positions(before_everything, 3).empty());
}

TEST_CASE("A past state of the log cannot be written") {
  TenEvents ten;
  HistoryPrefix prefix = HistoryPrefix::UpTo(&ten.store, GlobalPosition(3));
  CHECK(prefix.Append(MakeAppend("odd-1")).status().code() == StatusCode::kFailedPrecondition);
  std::vector<AppendRequest> batch{MakeAppend("odd-1")};
  CHECK(prefix.AppendBatch(batch).status().code() == StatusCode::kFailedPrecondition);
  CHECK(Positions(ten.store, 100).size() == 10);
}

}  // namespace
}  // namespace ledger
