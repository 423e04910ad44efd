// The SnapshotStore conformance suite: the contract of engine/snapshot_store.h written once and
// run against every backend. A test binary instantiates it with
//
//   #include "tests/conformance/snapshot_store_conformance.h"
//   LEDGER_SNAPSHOT_STORE_CONFORMANCE(MyFactory);
//
// at namespace scope, where MyFactory::Open() returns a std::unique_ptr<ledger::SnapshotStore>
// (or of a subclass) that is fresh and empty; it is called once per test case and the store is
// destroyed at the end of the case. Statuses are compared by code only.
#ifndef LEDGER_TESTS_CONFORMANCE_SNAPSHOT_STORE_CONFORMANCE_H_
#define LEDGER_TESTS_CONFORMANCE_SNAPSHOT_STORE_CONFORMANCE_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/snapshot_store.h"

namespace ledger::snapshot_conformance {

inline Snapshot MakeSnapshot(std::string stream, std::uint64_t version,
                             std::string bytes = "state", std::string aggregate = "canary") {
  Snapshot s;
  s.stream = StreamId(std::move(stream));
  s.aggregate = std::move(aggregate);
  s.stream_version = StreamVersion(version);
  s.state_version = 1;
  s.tenant = TenantId("acme");
  s.bytes = std::move(bytes);
  s.taken_at = Timestamp(1'795'000'000'000'000);  // 2026-11-18T11:06:40Z
  return s;
}

// The stored snapshot, or a failed check and nullopt.
template <typename Store>
std::optional<Snapshot> MustLoad(Store& store, const std::string& stream,
                                 const std::string& aggregate = "canary") {
  Result<std::optional<Snapshot>> loaded = store.Load(StreamId(stream), aggregate);
  REQUIRE_MESSAGE(loaded.ok(), loaded.status().ToString());
  return *loaded;
}

#define LEDGER_SNAPSHOT_REQUIRE_OK(expr)                                  \
  do {                                                                    \
    const ::ledger::Status ledger_snap_status_ = (expr);                  \
    REQUIRE_MESSAGE(ledger_snap_status_.ok(), ledger_snap_status_.ToString()); \
  } while (0)

TEST_CASE_TEMPLATE_DEFINE("snapshot store: save and load", F, snapshot_roundtrip) {
  std::unique_ptr<SnapshotStore> store = F::Open();
  REQUIRE(store != nullptr);
  CHECK_FALSE(MustLoad(*store, "canary-checkout").has_value());

  SUBCASE("every field round-trips, bytes exactly") {
    Snapshot s = MakeSnapshot("canary-checkout", std::uint64_t{1} << 62);
    s.bytes = std::string("\0\x01\xff\x80 \n\"'\\", 10) + std::string(70'000, '\xfe');
    s.state_version = 4'000'000'000u;
    s.tenant = TenantId("Tenant_B-2");
    s.taken_at = Timestamp(-86'400'000'001);
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(s));
    std::optional<Snapshot> loaded = MustLoad(*store, "canary-checkout");
    REQUIRE(loaded.has_value());
    CHECK(*loaded == s);
  }

  SUBCASE("empty bytes and the largest version are kept") {
    Snapshot s = MakeSnapshot("canary-checkout",
                              static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()),
                              "");
    s.state_version = 0;
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(s));
    std::optional<Snapshot> loaded = MustLoad(*store, "canary-checkout");
    REQUIRE(loaded.has_value());
    CHECK(*loaded == s);
  }

  SUBCASE("snapshots are keyed by stream and aggregate") {
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-a", 3, "a", "canary")));
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-a", 7, "a2", "canary.stats")));
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-b", 5, "b", "canary")));
    CHECK(MustLoad(*store, "canary-a", "canary")->bytes == "a");
    CHECK(MustLoad(*store, "canary-a", "canary.stats")->bytes == "a2");
    CHECK(MustLoad(*store, "canary-b", "canary")->bytes == "b");
    CHECK_FALSE(MustLoad(*store, "canary-b", "canary.stats").has_value());
    CHECK_FALSE(MustLoad(*store, "canary-c", "canary").has_value());
  }
}

TEST_CASE_TEMPLATE_DEFINE("snapshot store: the higher stream version is kept", F,
                          snapshot_newest_wins) {
  std::unique_ptr<SnapshotStore> store = F::Open();
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-x", 10, "ten")));

  SUBCASE("an older snapshot changes nothing and is not an error") {
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-x", 9, "nine")));
    CHECK(MustLoad(*store, "canary-x")->bytes == "ten");
    CHECK(MustLoad(*store, "canary-x")->stream_version == StreamVersion(10));
  }
  SUBCASE("the same version replaces it (a new state version, say)") {
    Snapshot s = MakeSnapshot("canary-x", 10, "ten again");
    s.state_version = 2;
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(s));
    CHECK(*MustLoad(*store, "canary-x") == s);
  }
  SUBCASE("a newer one replaces it, every field") {
    Snapshot s = MakeSnapshot("canary-x", 11, "eleven");
    s.tenant = TenantId("other");
    s.taken_at = Timestamp(5);
    LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(s));
    CHECK(*MustLoad(*store, "canary-x") == s);
  }
}

TEST_CASE_TEMPLATE_DEFINE("snapshot store: delete", F, snapshot_delete) {
  std::unique_ptr<SnapshotStore> store = F::Open();
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-x", 10)));
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-x", 4, "other", "canary.stats")));
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Delete(StreamId("canary-x"), "canary"));
  CHECK_FALSE(MustLoad(*store, "canary-x").has_value());
  CHECK(MustLoad(*store, "canary-x", "canary.stats").has_value());
  // Absent: not an error.
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Delete(StreamId("canary-x"), "canary"));
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Delete(StreamId("canary-never"), "canary"));
  // Once deleted, any version may be saved again: how an unusable snapshot is replaced.
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-x", 2, "two")));
  CHECK(MustLoad(*store, "canary-x")->bytes == "two");
}

TEST_CASE_TEMPLATE_DEFINE("snapshot store: invalid snapshots are refused and change nothing", F,
                          snapshot_bad_input) {
  std::unique_ptr<SnapshotStore> store = F::Open();
  LEDGER_SNAPSHOT_REQUIRE_OK(store->Save(MakeSnapshot("canary-x", 10, "kept")));
  std::vector<Snapshot> bad;
  bad.push_back(MakeSnapshot("canary-x", 0));                     // nothing folded
  bad.push_back(MakeSnapshot("canary-x", std::uint64_t{1} << 63));  // beyond int64
  bad.push_back(MakeSnapshot("no category", 11));                 // not a stream id
  bad.push_back(MakeSnapshot("canary-x", 11, "x", ""));           // no aggregate
  bad.push_back(MakeSnapshot("canary-x", 11, "x", "Canary"));     // upper case
  bad.push_back(MakeSnapshot("canary-x", 11, "x", std::string(kMaxAggregateNameBytes + 1, 'a')));
  bad.push_back(MakeSnapshot("canary-x", 11, std::string(kMaxSnapshotBytes + 1, 'x')));
  Snapshot no_tenant = MakeSnapshot("canary-x", 11);
  no_tenant.tenant = TenantId("");
  bad.push_back(no_tenant);
  Snapshot star_tenant = MakeSnapshot("canary-x", 11);
  star_tenant.tenant = TenantId("*");  // the all-tenants scope is no tenant
  bad.push_back(star_tenant);
  for (const Snapshot& s : bad) {
    CAPTURE(s.stream.value());
    CAPTURE(s.aggregate);
    CHECK(store->Save(s).code() == StatusCode::kInvalidArgument);
  }
  std::optional<Snapshot> kept = MustLoad(*store, "canary-x");
  REQUIRE(kept.has_value());
  CHECK(kept->bytes == "kept");
  CHECK(kept->stream_version == StreamVersion(10));
}

TEST_CASE_TEMPLATE_DEFINE("snapshot store: racing saves leave the newest", F, snapshot_race) {
  std::unique_ptr<SnapshotStore> store = F::Open();
  constexpr int kThreads = 4;
  constexpr int kSavesPerThread = 25;
  // Thread t saves versions t+1, t+1+kThreads, ... in a shuffled order.
  std::vector<std::thread> threads;
  std::vector<Status> failures(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<std::uint64_t> versions;
      for (int i = 0; i < kSavesPerThread; ++i) versions.push_back(1 + t + i * kThreads);
      std::shuffle(versions.begin(), versions.end(), std::mt19937(static_cast<unsigned>(t)));
      for (std::uint64_t v : versions) {
        Status s = store->Save(MakeSnapshot("canary-race", v, "v" + std::to_string(v)));
        if (!s.ok()) failures[t] = s;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : failures) CHECK_MESSAGE(s.ok(), s.ToString());
  const std::uint64_t newest = kThreads * kSavesPerThread;
  std::optional<Snapshot> loaded = MustLoad(*store, "canary-race");
  REQUIRE(loaded.has_value());
  CHECK(loaded->stream_version == StreamVersion(newest));
  CHECK(loaded->bytes == "v" + std::to_string(newest));
}

}  // namespace ledger::snapshot_conformance

#define LEDGER_SNAPSHOT_STORE_CONFORMANCE(...)                        \
  namespace ledger::snapshot_conformance {                            \
  TEST_CASE_TEMPLATE_INVOKE(snapshot_roundtrip, __VA_ARGS__);         \
  TEST_CASE_TEMPLATE_INVOKE(snapshot_newest_wins, __VA_ARGS__);       \
  TEST_CASE_TEMPLATE_INVOKE(snapshot_delete, __VA_ARGS__);            \
  TEST_CASE_TEMPLATE_INVOKE(snapshot_bad_input, __VA_ARGS__);         \
  TEST_CASE_TEMPLATE_INVOKE(snapshot_race, __VA_ARGS__);              \
  }

#endif  // LEDGER_TESTS_CONFORMANCE_SNAPSHOT_STORE_CONFORMANCE_H_
