// Canary routes with aggregate snapshots (commands/canary/canary_snapshot.h, DESIGN.md
// section 8): every answer is the one a whole-stream fold gives, unusable snapshots are
// ignored (and replaced), far fewer events are read, and concurrent probes lose nothing.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "adapters/sqlite/sqlite_snapshot_store.h"
#include "commands/canary/canary_snapshot.h"
#include "commands/event_types.h"
#include "engine/event_store_wrapper.h"
#include "engine/memory_snapshot_store.h"
#include "tests/commands/command_fixture.h"
#include "tests/sqlite/sqlite_test_util.h"

namespace ledger::commands::testing {
namespace {

const StreamId kRoute("canary-checkout");

// Counts the events ReadStream hands out: the cost snapshots are meant to cut.
class CountingStore final : public EventStoreWrapper {
 public:
  explicit CountingStore(EventStore* target) : EventStoreWrapper(target) {}
  Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                const StreamReadOptions& options) override {
    Result<std::vector<RecordedEvent>> events = target_->ReadStream(stream, options);
    if (events.ok()) read_ += events->size();
    return events;
  }
  std::size_t TakeRead() { return read_.exchange(0); }

 private:
  std::atomic<std::size_t> read_{0};
};

// A dispatcher over a memory store (or the given one), with or without snapshots. Two
// ledgers fed the same commands append the same events (seeded ids, the same clock).
class Ledger {
 public:
  explicit Ledger(SnapshotStore* snapshots, EventStore* events = nullptr,
                  std::uint64_t snapshot_every = 100, int max_attempts = 5)
      : counting_(events != nullptr ? events : &memory_), snapshots_(snapshots) {
    CommandDispatcherOptions options;
    options.new_event_id = SeededEventIds("canary-snapshots");
    options.snapshots = snapshots;
    options.snapshot_every = snapshot_every;
    options.max_attempts = max_attempts;
    options.on_snapshot_error = [this](const Status& s) {
      std::lock_guard lock(mu_);
      reports_.push_back(s.ToString());
    };
    Result<std::unique_ptr<CommandDispatcher>> created =
        CommandDispatcher::Create(&counting_, &clock, std::move(options));
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    dispatcher_ = std::move(created).value();
  }

  // The command's answer (its JSON, or its status) and how many events it read.
  std::string Run(std::string_view name, const std::string& body, const Principal& who,
                  const TenantId& tenant = TenantId(kDefaultTenant)) {
    Result<CommandOutcome> out = dispatcher_->Execute(name, body, CommandContext{who, tenant, ""});
    last_read = counting_.TakeRead();
    clock.AdvanceMicros(1'000'000);
    return out.ok() ? out->response_json : out.status().ToString();
  }

  std::vector<std::string> TakeReports() {
    std::lock_guard lock(mu_);
    return std::exchange(reports_, {});
  }

  EventStore& events() { return counting_; }

  std::optional<Snapshot> StoredSnapshot() {
    Result<std::optional<Snapshot>> s = snapshots_->Load(kRoute, kCanaryAggregate);
    REQUIRE(s.ok());
    return *s;
  }

  ManualClock clock{Timestamp(kStartMicros)};
  std::atomic<std::size_t> last_read{0};

 private:
  MemoryEventStore memory_{&clock};
  CountingStore counting_;
  SnapshotStore* snapshots_;
  std::unique_ptr<CommandDispatcher> dispatcher_;
  std::mutex mu_;
  std::vector<std::string> reports_;
};

struct Command {
  std::string name;
  std::string body;
  Principal who;
};

// A long, varied life of one route: mostly probes (some redelivered), with readiness,
// promotions, rollbacks and reconfigurations among them.
std::vector<Command> RouteLife(std::size_t probes, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<Command> commands{
      {"configure-canary", R"({"route":"checkout","failure_threshold":3,"step":10})", kAdmin}};
  for (std::size_t i = 0; i < probes; ++i) {
    unsigned roll = rng() % 100;
    std::string id = "p-" + std::to_string(roll < 3 && i > 0 ? i - 1 : i);  // 3%: redelivery
    if (roll < 80) {
      const char* result = rng() % 4 == 0 ? "fail" : "pass";
      commands.push_back({"record-probe",
                          R"({"route":"checkout","result":")" + std::string(result) +
                              R"(","probe_id":")" + id + R"(","latency_ms":)" +
                              std::to_string(rng() % 500) + "}",
                          kSystem});
    } else if (roll < 86) {
      commands.push_back(
          {"set-v2-ready", rng() % 2 ? R"({"route":"checkout","ready":true})"
                                     : R"({"route":"checkout","ready":false,"reason":"hold"})",
           kOperator});
    } else if (roll < 90) {
      commands.push_back({"set-v2-ready", R"({"route":"checkout","ready":true,"promote":true})",
                          kOperator});
    } else if (roll < 94) {
      commands.push_back({"rollback-canary", R"({"route":"checkout","reason":"drill"})", kAdmin});
    } else {
      commands.push_back({"configure-canary",
                          R"({"route":"checkout","failure_threshold":)" +
                              std::to_string(1 + rng() % 4) + R"(,"step":)" +
                              std::to_string(5 + rng() % 30) + "}",
                          kAdmin});
    }
  }
  return commands;
}

// Runs `commands` on both ledgers, checking every answer is the same.
void RunBoth(Ledger& with, Ledger& without, const std::vector<Command>& commands) {
  for (std::size_t i = 0; i < commands.size(); ++i) {
    const Command& c = commands[i];
    std::string a = with.Run(c.name, c.body, c.who);
    std::string b = without.Run(c.name, c.body, c.who);
    REQUIRE_MESSAGE(a == b, "command " << i << " " << c.name << " " << c.body);
  }
}

std::string ProbeBody(const std::string& id) {
  return R"({"route":"checkout","result":"pass","probe_id":")" + id + "\"}";
}

}  // namespace

TEST_CASE("canary snapshots: 1,000 probes answer the same with and without snapshots") {
  MemorySnapshotStore snapshots;
  Ledger with(&snapshots);
  Ledger without(nullptr);
  std::vector<Command> life = RouteLife(1000, 7);
  std::size_t max_read_with = 0;
  std::size_t read_with = 0;
  std::size_t read_without = 0;
  for (std::size_t i = 0; i < life.size(); ++i) {
    const Command& c = life[i];
    std::string a = with.Run(c.name, c.body, c.who);
    read_with += with.last_read;
    max_read_with = std::max(max_read_with, with.last_read.load());
    std::string b = without.Run(c.name, c.body, c.who);
    read_without += without.last_read;
    REQUIRE_MESSAGE(a == b, "command " << i << " " << c.name << " " << c.body);
  }
  CHECK(with.TakeReports().empty());
  // A load reads the snapshot's own last event and at most snapshot_every after it.
  CHECK(max_read_with <= 101);
  CHECK(read_with * 5 < read_without);
  MESSAGE("events read: " << read_with << " with snapshots, " << read_without << " without");

  std::optional<Snapshot> stored = with.StoredSnapshot();
  REQUIRE(stored.has_value());
  CHECK(stored->state_version == kCanaryStateVersion);
  CHECK(stored->tenant == TenantId(kDefaultTenant));
  CHECK(stored->stream_version.value() >= 900);
}

TEST_CASE("canary snapshots: the number of events read stops growing with the stream") {
  MemorySnapshotStore snapshots;
  Ledger with(&snapshots);
  Ledger without(nullptr);
  with.Run("configure-canary", R"({"route":"checkout"})", kAdmin);
  without.Run("configure-canary", R"({"route":"checkout"})", kAdmin);
  for (int i = 0; i < 1000; ++i) {
    with.Run("record-probe", ProbeBody("p-" + std::to_string(i)), kSystem);
    without.Run("record-probe", ProbeBody("p-" + std::to_string(i)), kSystem);
  }
  CHECK(with.Run("record-probe", ProbeBody("last"), kSystem) ==
        without.Run("record-probe", ProbeBody("last"), kSystem));
  CHECK(without.last_read >= 1001);
  CHECK(with.last_read <= 101);
}

TEST_CASE("canary snapshots: an unusable snapshot is ignored, reported, and replaced") {
  MemorySnapshotStore snapshots;
  Ledger with(&snapshots);
  Ledger without(nullptr);
  RunBoth(with, without, RouteLife(250, 11));
  REQUIRE(with.TakeReports().empty());
  std::optional<Snapshot> good = with.StoredSnapshot();
  REQUIRE(good.has_value());
  std::optional<CanaryState> good_state = RestoreCanarySnapshot(*good);
  REQUIRE(good_state.has_value());
  const std::uint64_t head = 1 + 250;  // at least: a command appends one event or more
  REQUIRE(good->stream_version.value() >= 200);

  // A different state, so that a snapshot wrongly trusted would change the answer.
  CanaryState wrong = *good_state;
  wrong.v2_weight = wrong.v2_weight == 0 ? 50 : 0;
  wrong.v2_ready = !wrong.v2_ready;
  wrong.consecutive_failures = 2;
  Snapshot bad = TakeCanarySnapshot(kRoute, good->stream_version, TenantId(kDefaultTenant), wrong,
                                    good->taken_at);
  bool deleted_expected = true;
  SUBCASE("of a state version this code does not know") { bad.state_version += 1; }
  SUBCASE("of garbage bytes") { bad.bytes = std::string("\x01garbage\xff\x00\x7f", 12); }
  SUBCASE("with bytes left over") { bad.bytes += "x"; }
  SUBCASE("with a string length that asks for gigabytes") {
    // The endianness byte, exists = false, then a route of 0x7f7f7f7f7f7f7f7f bytes.
    bad.bytes = std::string("\x01\x00", 2) + std::string(8, '\x7f');
  }
  SUBCASE("beyond the stream's head") {
    bad.stream_version = StreamVersion(head + 10'000);
  }
  SUBCASE("of another tenant") {
    bad.tenant = TenantId("intruder");
    deleted_expected = false;
  }
  CAPTURE(bad.state_version);
  REQUIRE(snapshots.Delete(kRoute, kCanaryAggregate).ok());
  REQUIRE(snapshots.Save(bad).ok());

  std::string probe = ProbeBody("after-tampering");
  std::string answer = with.Run("record-probe", probe, kSystem);
  CHECK(answer == without.Run("record-probe", probe, kSystem));
  CHECK(with.last_read >= head);  // folded from the start
  std::vector<std::string> reports = with.TakeReports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].find(deleted_expected ? "ignored and deleted" : "another tenant") !=
        std::string::npos);

  // The fold from the start was saved as the new snapshot (the stream is past
  // snapshot_every from the start), and is used again: the next command reads only the
  // events after it.
  std::optional<Snapshot> now = with.StoredSnapshot();
  REQUIRE(now.has_value());
  CHECK(now->state_version == kCanaryStateVersion);
  CHECK(now->tenant == TenantId(kDefaultTenant));
  CHECK(RestoreCanarySnapshot(*now).has_value());
  CHECK(with.Run("record-probe", ProbeBody("next"), kSystem) ==
        without.Run("record-probe", ProbeBody("next"), kSystem));
  CHECK(with.last_read <= 2);
}

TEST_CASE("canary snapshots: another tenant's route stays unknown with a snapshot present") {
  MemorySnapshotStore snapshots;
  Ledger with(&snapshots, nullptr, /*snapshot_every=*/1);
  with.Run("configure-canary", R"({"route":"checkout"})", kAdmin);
  with.Run("record-probe", ProbeBody("p-1"), kSystem);
  REQUIRE(with.StoredSnapshot().has_value());
  std::string answer = with.Run("record-probe", ProbeBody("p-2"), kSystem, TenantId("other"));
  CHECK(answer.find("NotFound") != std::string::npos);
  CHECK(answer.find("unknown canary route 'checkout'") != std::string::npos);
  // The owner's snapshot is kept for the owner.
  CHECK(with.StoredSnapshot()->tenant == TenantId(kDefaultTenant));
}

TEST_CASE("canary snapshots: concurrent probes on one route lose no update") {
  MemorySnapshotStore snapshots;
  // Snapshots every 3 events, so that saves race each other and the appends.
  Ledger with(&snapshots, nullptr, /*snapshot_every=*/3, /*max_attempts=*/10'000);
  with.Run("configure-canary", R"({"route":"checkout","failure_threshold":100,"step":1})",
           kAdmin);
  constexpr int kThreads = 4;
  constexpr int kProbesEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kProbesEach; ++i) {
        std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        // Odd threads fail, even ones pass: the failure count depends on the order, so a
        // lost update shows in the state.
        std::string body = R"({"route":"checkout","result":")" +
                           std::string(t % 2 ? "fail" : "pass") + R"(","probe_id":")" + id +
                           "\"}";
        if (with.Run("record-probe", body, kSystem).find("\"route\"") == std::string::npos) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(failures == 0);

  CHECK(with.TakeReports().empty());

  // Every probe is recorded exactly once.
  std::vector<RecordedEvent> events = ledger::testing::ReadWholeStream(with.events(), kRoute.value());
  std::set<std::string> probe_ids;
  for (const RecordedEvent& e : events) {
    if (e.event_type == kCanaryProbeRecorded) {
      CHECK(probe_ids.insert(std::string(PayloadOf(e).at("probe_id").as_string())).second);
    }
  }
  CHECK(probe_ids.size() == std::size_t{kThreads} * kProbesEach);

  // The last snapshot, continued with the events after it, is the whole stream's fold.
  std::optional<Snapshot> stored = with.StoredSnapshot();
  REQUIRE(stored.has_value());
  std::optional<CanaryState> restored = RestoreCanarySnapshot(*stored);
  REQUIRE(restored.has_value());
  std::uint64_t at = stored->stream_version.value();
  REQUIRE(at <= events.size());
  Result<CanaryState> continued =
      FoldCanary(*restored, std::span(events).subspan(static_cast<std::size_t>(at)));
  Result<CanaryState> whole = FoldCanary(events);
  REQUIRE(continued.ok());
  REQUIRE(whole.ok());
  CHECK(SerializeCanaryState(*continued) == SerializeCanaryState(*whole));

  // And a command answers the same through snapshots as through a whole-stream fold of the
  // same store (the same settings again: a no-op, so both can answer it).
  Ledger fold_only(nullptr, &with.events());
  const char* same = R"({"route":"checkout","failure_threshold":100,"step":1})";
  CHECK(with.Run("configure-canary", same, kAdmin) ==
        fold_only.Run("configure-canary", same, kAdmin));
}

TEST_CASE("canary snapshots: on SQLite, snapshots in the ledger file give the same answers") {
  ledger::testing::TempDir dir;
  const std::string path = dir.File("ledger.db");
  SqliteOptions migrate;
  migrate.migrate = true;
  std::unique_ptr<SqliteEventStore> file = ledger::testing::MustOpen(path, migrate);
  Result<std::unique_ptr<SqliteSnapshotStore>> snapshots = SqliteSnapshotStore::Open(path);
  REQUIRE_MESSAGE(snapshots.ok(), snapshots.status().ToString());
  Ledger with(snapshots->get(), file.get(), /*snapshot_every=*/25);
  Ledger without(nullptr);
  RunBoth(with, without, RouteLife(200, 3));
  CHECK(with.TakeReports().empty());
  std::optional<Snapshot> stored = with.StoredSnapshot();
  REQUIRE(stored.has_value());
  CHECK(stored->stream_version.value() >= 150);
}

}  // namespace ledger::commands::testing
