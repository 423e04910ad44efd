// The daily-drop scheduler records each day's drop once: at 08:30 store-local (also on DST
// days), after downtime (the latest missed day only), after a restart (not again), and with
// two schedulers racing on one store (memory, and two connections to one SQLite file).
#include "jobs/scheduler.h"

#include <doctest/doctest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "adapters/sqlite/sqlite_event_store.h"
#include "engine/memory_store.h"
#include "engine/time.h"
#include "engine/uuid.h"
#include "jobs/scheduler_events.h"

namespace ledger::jobs {
namespace {

Timestamp At(std::string_view rfc3339) {
  Result<Timestamp> t = ParseRfc3339(rfc3339);
  REQUIRE(t.ok());
  return *t;
}

std::unique_ptr<DropScheduler> MakeScheduler(EventStore& store, Clock& clock,
                                             std::vector<TenantId> tenants = {TenantId("shop1")}) {
  SchedulerOptions options;
  options.tenants = std::move(tenants);
  options.clock = &clock;
  options.poll_interval = std::chrono::milliseconds(5);
  options.leadership_retry = std::chrono::milliseconds(5);
  Result<std::unique_ptr<DropScheduler>> scheduler = DropScheduler::Create(store, options);
  REQUIRE(scheduler.ok());
  return std::move(*scheduler);
}

std::vector<RecordedEvent> Drop(EventStore& store, std::string_view stream) {
  Result<std::vector<RecordedEvent>> events =
      store.ReadStream(StreamId(std::string(stream)), StreamReadOptions{});
  REQUIRE(events.ok());
  return *events;
}

std::vector<StreamId> Tick(DropScheduler& scheduler) {
  Result<std::vector<StreamId>> ticked = scheduler.Tick();
  REQUIRE(ticked.ok());
  return *ticked;
}

TEST_CASE("the drop is recorded at 08:30 London time on the spring-forward day, 07:30 UTC") {
  MemoryEventStore store;
  ManualClock clock(At("2026-03-29T07:29:59Z"));
  auto scheduler = MakeScheduler(store, clock);
  CHECK(Tick(*scheduler).empty());
  CHECK(Drop(store, "drop-shop1-2026-03-29").empty());

  clock.Set(At("2026-03-29T07:30:00Z"));
  CHECK(Tick(*scheduler) == std::vector<StreamId>{StreamId("drop-shop1-2026-03-29")});
  std::vector<RecordedEvent> drop = Drop(store, "drop-shop1-2026-03-29");
  REQUIRE(drop.size() == 1);
  CHECK(drop[0].event_type == "drop.due");
  CHECK(drop[0].tenant.value() == "shop1");
  CHECK(drop[0].payload == R"({"drop_date":"2026-03-29","due_at":"2026-03-29T07:30:00.000000Z",)"
                           R"("time_zone":"Europe/London","local_time":"08:30"})");
  CHECK(drop[0].metadata.actor == "system:scheduler");
  CHECK(drop[0].event_id == Uuid::V5(LedgerNamespace(), "drop:shop1:2026-03-29:drop.due"));

  clock.AdvanceMicros(60'000'000);
  CHECK(Tick(*scheduler).empty());
  CHECK(Drop(store, "drop-shop1-2026-03-29").size() == 1);
}

TEST_CASE("the drop is recorded at 08:30 London time on the fall-back day, 08:30 UTC") {
  MemoryEventStore store;
  ManualClock clock(At("2026-10-25T07:30:00Z"));  // 07:30 GMT: an hour early, not yet due
  auto scheduler = MakeScheduler(store, clock);
  CHECK(Tick(*scheduler).empty());
  clock.Set(At("2026-10-25T08:29:59Z"));
  CHECK(Tick(*scheduler).empty());
  clock.Set(At("2026-10-25T08:30:00Z"));
  CHECK(Tick(*scheduler).size() == 1);
  std::vector<RecordedEvent> drop = Drop(store, "drop-shop1-2026-10-25");
  REQUIRE(drop.size() == 1);
  CHECK(drop[0].payload.find(R"("due_at":"2026-10-25T08:30:00.000000Z")") != std::string::npos);
}

TEST_CASE("after downtime over several drop times, only today's missed drop runs, once") {
  MemoryEventStore store;
  ManualClock clock(At("2026-03-26T09:00:00Z"));
  {
    auto before = MakeScheduler(store, clock);
    CHECK(Tick(*before).size() == 1);  // 2026-03-26 ran
  }
  // Down from the 26th until noon on the 28th: the 27th and the 28th were missed.
  clock.Set(At("2026-03-28T12:00:00Z"));
  auto after = MakeScheduler(store, clock);
  CHECK(Tick(*after) == std::vector<StreamId>{StreamId("drop-shop1-2026-03-28")});
  CHECK(Tick(*after).empty());
  CHECK(Drop(store, "drop-shop1-2026-03-27").empty());
  CHECK(Drop(store, "drop-shop1-2026-03-28").size() == 1);
  CHECK(Drop(store, "drop-shop1-2026-03-26").size() == 1);
}

TEST_CASE("a restart after the day's run does not run it again") {
  MemoryEventStore store;
  ManualClock clock(At("2026-07-01T07:45:00Z"));  // 08:45 BST
  CHECK(Tick(*MakeScheduler(store, clock)).size() == 1);
  clock.AdvanceMicros(3'600'000'000);
  auto restarted = MakeScheduler(store, clock);
  CHECK(Tick(*restarted).empty());
  CHECK(Drop(store, "drop-shop1-2026-07-01").size() == 1);
}

TEST_CASE("every tenant gets its own drop stream") {
  MemoryEventStore store;
  ManualClock clock(At("2026-07-01T07:45:00Z"));
  auto scheduler = MakeScheduler(store, clock, {TenantId("shop1"), TenantId("shop2")});
  CHECK(Tick(*scheduler).size() == 2);
  CHECK(Drop(store, "drop-shop1-2026-07-01").size() == 1);
  CHECK(Drop(store, "drop-shop2-2026-07-01").size() == 1);
  CHECK(Drop(store, "drop-shop2-2026-07-01")[0].tenant.value() == "shop2");
}

// Two schedulers tick as fast as they can on `a` and `b` (the same log) over the due instant.
void Race(EventStore& a, EventStore& b, EventStore& reader) {
  ManualClock clock(At("2026-07-01T07:29:59Z"));
  auto first = MakeScheduler(a, clock);
  auto second = MakeScheduler(b, clock);
  std::atomic<int> recorded{0};
  std::atomic<bool> go{false};
  auto run = [&](DropScheduler& scheduler) {
    while (!go.load()) std::this_thread::yield();
    for (int i = 0; i < 200; ++i) {
      Result<std::vector<StreamId>> ticked = scheduler.Tick();
      if (ticked.ok()) recorded += static_cast<int>(ticked->size());
    }
  };
  std::thread t1(run, std::ref(*first));
  std::thread t2(run, std::ref(*second));
  go = true;
  clock.Set(At("2026-07-01T07:30:00Z"));
  t1.join();
  t2.join();
  CHECK(recorded.load() == 1);
  CHECK(Drop(reader, "drop-shop1-2026-07-01").size() == 1);
}

TEST_CASE("two schedulers racing on one memory store record one drop.due") {
  for (int round = 0; round < 20; ++round) {
    MemoryEventStore store;
    Race(store, store, store);
  }
}

TEST_CASE("two schedulers racing through two connections to one SQLite file record one drop.due") {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("scheduler-" + Uuid::V4().ToString() + ".db");
  SqliteOptions options;
  options.migrate = true;
  auto a = SqliteEventStore::Open(path.string(), options);
  REQUIRE(a.ok());
  auto b = SqliteEventStore::Open(path.string(), options);
  REQUIRE(b.ok());
  Race(**a, **b, **a);
  a->reset();
  b->reset();
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST_CASE("only the leader ticks; a follower takes over when the leader stops") {
  MemoryEventStore store;
  LocalLeaderElector elector;
  ManualClock clock(At("2026-07-01T07:00:00Z"));
  auto leader = MakeScheduler(store, clock);
  auto follower = MakeScheduler(store, clock);
  std::jthread leading([&](std::stop_token stop) { leader->Lead(elector, stop); });
  std::jthread following([&](std::stop_token stop) { follower->Lead(elector, stop); });
  clock.Set(At("2026-07-01T07:31:00Z"));
  auto wait_for_drop = [&](std::string_view stream) {
    for (int i = 0; i < 400 && Drop(store, stream).empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return Drop(store, stream).size();
  };
  CHECK(wait_for_drop("drop-shop1-2026-07-01") == 1);
  // Stopping one leaves the other leading (taking over if it was the follower).
  leading.request_stop();
  leading.join();
  clock.Set(At("2026-07-02T07:31:00Z"));
  CHECK(wait_for_drop("drop-shop1-2026-07-02") == 1);
  following.request_stop();
  following.join();
  CHECK(Drop(store, "drop-shop1-2026-07-01").size() == 1);
}

TEST_CASE("every drop event type is in the catalog of docs/events.md") {
  std::ifstream in(LEDGER_SOURCE_DIR "/docs/events.md");
  REQUIRE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  for (std::string_view type : DropEventTypes()) {
    INFO(type);
    CHECK(text.str().find("| `" + std::string(type) + "` | 1 | `drop-") != std::string::npos);
  }
}

TEST_CASE("bad options are refused") {
  MemoryEventStore store;
  SchedulerOptions options;
  options.time_zone = "Mars/Olympus_Mons";
  CHECK(DropScheduler::Create(store, options).status().code() == StatusCode::kInvalidArgument);
  options = SchedulerOptions{};
  options.tenants.clear();
  CHECK(DropScheduler::Create(store, options).status().code() == StatusCode::kInvalidArgument);
  options = SchedulerOptions{};
  options.tenants = {TenantId("bad tenant")};
  CHECK(DropScheduler::Create(store, options).status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::jobs
