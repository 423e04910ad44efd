// ProjectionService follows the log by itself, and two services share projectors by leadership.
#include "projections/projection_service.h"

#include <doctest/doctest.h>

#include <thread>

#include "engine/memory_store.h"
#include "projections/memory_read_model_store.h"
#include "tests/projections/counting_projector.h"
#include "tests/support/test_events.h"

namespace ledger::projections {
namespace {

using ledger::testing::MakeAppend;
using ledger::testing::MakeEvent;

std::int64_t CountOf(ReadModelStore& rows, const TableSpec& t, const std::string& stream) {
  auto found = rows.Fetch(t, TableSet::kLive, std::vector<Key>{{std::string("default"), stream}});
  if (!found.ok() || !found->at(0)) return -1;
  return found->at(0)->Int("count");
}

// Polls `done` for up to 10 s.
template <typename Done>
bool Eventually(Done done) {
  for (int i = 0; i < 1000; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

void AppendCounted(EventStore& events, const std::string& stream, int n) {
  for (int i = 0; i < n; ++i) {
    REQUIRE(events.Append(MakeAppend(stream, ExpectedVersion::Any(), {MakeEvent("test.counted")})).ok());
  }
}

RunnerOptions Fast() {
  return RunnerOptions{.batch_size = 3,
                       .idle_wait = std::chrono::milliseconds(20),
                       .retry_wait = std::chrono::milliseconds(20),
                       .leadership_retry = std::chrono::milliseconds(50)};
}

TEST_CASE("ProjectionService keeps a read model following the log") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  testing::CountingProjector projector;
  AppendCounted(events, "count-a", 5);
  std::vector<Status> errors;
  ProjectionService service(events, rows, {&projector}, Fast(), *SystemClock::Default(),
                            [&](const Status& s) { errors.push_back(s); });
  service.Start();
  CHECK(Eventually([&] { return CountOf(rows, projector.table(), "count-a") == 5; }));
  AppendCounted(events, "count-a", 4);
  AppendCounted(events, "count-b", 2);
  CHECK(Eventually([&] {
    return CountOf(rows, projector.table(), "count-a") == 9 &&
           CountOf(rows, projector.table(), "count-b") == 2;
  }));
  CHECK(Eventually([&] {
    auto progress = service.Progress();
    return progress.size() == 1 && progress[0].at_head && !progress[0].rebuilding &&
           progress[0].position == GlobalPosition(11);
  }));
  service.Stop();
  CHECK(errors.empty());
  CHECK(projector.applied() == 11);
}

TEST_CASE("A failing projector is retried from its checkpoint, never applied twice") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  testing::CountingProjector projector;
  AppendCounted(events, "count-a", 6);
  projector.FailAt(GlobalPosition(5));
  std::atomic<int> errors{0};
  ProjectionService service(events, rows, {&projector}, Fast(), *SystemClock::Default(),
                            [&](const Status&) { errors.fetch_add(1); });
  service.Start();
  CHECK(Eventually([&] { return errors.load() >= 2; }));
  projector.FailAt(GlobalPosition(0));
  CHECK(Eventually([&] { return CountOf(rows, projector.table(), "count-a") == 6; }));
  service.Stop();
}

TEST_CASE("Two services share a projector: one leads, the other takes over when it stops") {
  MemoryEventStore events;
  MemoryReadModelStore rows;
  testing::CountingProjector first_projector;
  testing::CountingProjector second_projector;
  ProjectionService first(events, rows, {&first_projector}, Fast(), *SystemClock::Default());
  ProjectionService second(events, rows, {&second_projector}, Fast(), *SystemClock::Default());
  first.Start();
  CHECK(Eventually([&] { return !first.Progress().empty() && first.Progress()[0].leading; }));
  second.Start();
  AppendCounted(events, "count-a", 3);
  CHECK(Eventually([&] { return CountOf(rows, first_projector.table(), "count-a") == 3; }));
  CHECK(second_projector.applied() == 0);
  CHECK_FALSE(second.Progress().at(0).leading);

  first.Stop();
  AppendCounted(events, "count-a", 2);
  CHECK(Eventually([&] { return CountOf(rows, first_projector.table(), "count-a") == 5; }));
  CHECK(second_projector.applied() == 2);  // resumed from the checkpoint, no event twice
  second.Stop();
}

}  // namespace
}  // namespace ledger::projections
