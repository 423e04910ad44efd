// Gap-free log order on PostgreSQL (DESIGN.md section 3, docs/storage.md "Ordering"): what a
// sequence alone gets wrong. Transactions are held open at chosen points with the store's
// append hooks; a second store on the same database (no hooks) appends and reads meanwhile.
#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>
#include <vector>

#include "tests/postgres/pg_hooks.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

using testing::MakeAppend;
using testing::UniqueStream;

constexpr Timestamp kT0{1'795'000'000'000'000};

std::vector<RecordedEvent> MustReadAll(EventStore& store, GlobalPosition after) {
  Result<std::vector<RecordedEvent>> r = store.ReadAll(after, kNoLimit);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(r).value();
}

// Follows the log after `after` until `count` events arrived or 10 s passed.
std::vector<RecordedEvent> Follow(EventStore& store, std::size_t count,
                                  GlobalPosition after = GlobalPosition(0)) {
  std::vector<RecordedEvent> out;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (out.size() < count && std::chrono::steady_clock::now() < deadline) {
    GlobalPosition from = out.empty() ? after : out.back().global_position;
    std::vector<RecordedEvent> batch = MustReadAll(store, from);
    if (batch.empty()) REQUIRE(store.WaitForEvents(from, std::chrono::milliseconds(100)).ok());
    for (RecordedEvent& e : batch) out.push_back(std::move(e));
  }
  return out;
}

}  // namespace

TEST_CASE("ordering: an in-flight transaction holding a lower position holds readers back") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  HoldBeforeCommit hold;
  std::unique_ptr<PgEventStore> slow = OpenWithHooks(*t.db, &clock, &hold);

  const std::string a = UniqueStream("order"), b = UniqueStream("payment");
  Result<AppendResult> first = Internal("not run");
  std::thread writer([&] { first = slow->Append(MakeAppend(a, ExpectedVersion::Any(), 1)); });
  REQUIRE(hold.held.Wait());  // a's event is written, with its position drawn, but not committed
  Result<AppendResult> second = t.store->Append(MakeAppend(b, ExpectedVersion::Any(), 1));
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());

  // A reader ordering by position would deliver b now and then skip a forever.
  CHECK(MustReadAll(*t.store, GlobalPosition(0)).empty());
  CHECK(t.store->WaitForEvents(GlobalPosition(0), std::chrono::milliseconds(200)).ok());
  CHECK(MustReadAll(*t.store, GlobalPosition(0)).empty());

  hold.release.Open();
  writer.join();
  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(first->position < second->position);
  std::vector<RecordedEvent> log = Follow(*t.store, 2);
  REQUIRE(log.size() == 2);
  CHECK(log[0].stream_id == StreamId(a));
  CHECK(log[1].stream_id == StreamId(b));
}

TEST_CASE("ordering: a rolled-back append leaves a hole that readers pass") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  FunctionHooks hooks;
  Gate held, release;
  hooks.before_commit = [&](PgTransaction&) {
    held.Open();
    release.Wait();
    return Cancelled("injected rollback");
  };
  std::unique_ptr<PgEventStore> doomed = OpenWithHooks(*t.db, &clock, &hooks);

  const std::string a = UniqueStream("order"), b = UniqueStream("order");
  Result<AppendResult> rolled_back = Internal("not run");
  std::thread writer(
      [&] { rolled_back = doomed->Append(MakeAppend(a, ExpectedVersion::Any(), 3)); });
  REQUIRE(held.Wait());
  AppendResult kept = t.store->Append(MakeAppend(b, ExpectedVersion::Any(), 1)).value();
  CHECK(MustReadAll(*t.store, GlobalPosition(0)).empty());  // held back while it runs

  release.Open();
  writer.join();
  CHECK(rolled_back.status().code() == StatusCode::kCancelled);
  std::vector<RecordedEvent> log = Follow(*t.store, 1);
  REQUIRE(log.size() == 1);
  CHECK(log[0].stream_id == StreamId(b));
  CHECK(log[0].global_position == kept.position);
  CHECK(kept.position.value() > 3);  // positions 1-3 went to the rolled-back append: a hole

  // Readers carry on past the hole, and the stream that rolled back starts at version 1.
  AppendResult next = t.store->Append(MakeAppend(a, ExpectedVersion::NoStream(), 1)).value();
  CHECK(next.stream_version == StreamVersion(1));
  std::vector<RecordedEvent> rest = Follow(*t.store, 1, log[0].global_position);
  REQUIRE(rest.size() == 1);
  CHECK(rest[0].global_position == next.position);
}

TEST_CASE("ordering: an open write transaction elsewhere in the cluster pauses readers") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  // Another database entirely: snapshots are cluster-wide, so its transaction id counts.
  std::unique_ptr<pg::PgConnection> elsewhere = Connect(AdminUrl());
  MustExec(*elsewhere, "BEGIN");
  MustExec(*elsewhere, "SELECT pg_current_xact_id()");  // now it is a write transaction

  AppendResult appended = t.store->Append(MakeAppend(UniqueStream("order"))).value();
  auto start = std::chrono::steady_clock::now();
  CHECK(t.store->WaitForEvents(GlobalPosition(0), std::chrono::milliseconds(300)).ok());
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(250));
  CHECK(MustReadAll(*t.store, GlobalPosition(0)).empty());  // paused, not failed

  MustExec(*elsewhere, "COMMIT");
  std::vector<RecordedEvent> log = Follow(*t.store, 1);
  REQUIRE(log.size() == 1);
  CHECK(log[0].global_position == appended.position);
}

TEST_CASE("ordering: WaitForCommitted waits out an older transaction, then all is readable") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  std::unique_ptr<pg::PgConnection> elsewhere = Connect(AdminUrl());
  MustExec(*elsewhere, "BEGIN");
  MustExec(*elsewhere, "SELECT pg_current_xact_id()");

  AppendResult appended = t.store->Append(MakeAppend(UniqueStream("order"))).value();
  Result<bool> early = t.store->WaitForCommitted(std::chrono::milliseconds(300));
  REQUIRE_MESSAGE(early.ok(), early.status().ToString());
  CHECK_FALSE(*early);  // the open transaction is older than the append
  CHECK(MustReadAll(*t.store, GlobalPosition(0)).empty());

  std::thread ends_later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    MustExec(*elsewhere, "COMMIT");
  });
  Result<bool> whole = t.store->WaitForCommitted(std::chrono::seconds(60));
  ends_later.join();
  REQUIRE_MESSAGE(whole.ok(), whole.status().ToString());
  CHECK(*whole);
  // No waiting for events now: one read has the event.
  std::vector<RecordedEvent> log = MustReadAll(*t.store, GlobalPosition(0));
  REQUIRE(log.size() == 1);
  CHECK(log[0].global_position == appended.position);
}

TEST_CASE("ordering: a transaction whose first write precedes its stream lock") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  FunctionHooks hooks;
  Gate has_xid, go;
  hooks.after_begin = [&](PgTransaction& tx) {
    // The transaction gets its id before it locks the stream, as one does that writes
    // something else first.
    Status s = tx.Exec("SELECT pg_current_xact_id()");
    has_xid.Open();
    go.Wait();
    return s;
  };
  std::unique_ptr<PgEventStore> early = OpenWithHooks(*t.db, &clock, &hooks);
  const std::string stream = UniqueStream("canary");

  Result<AppendResult> late = Internal("not run");
  std::thread older([&] { late = early->Append(MakeAppend(stream, ExpectedVersion::Any(), 1)); });
  REQUIRE(has_xid.Wait());
  // A younger transaction appends version 1 and commits first.
  AppendResult v1 = t.store->Append(MakeAppend(stream, ExpectedVersion::NoStream(), 1)).value();
  CHECK(MustReadAll(*t.store, GlobalPosition(0)).empty());  // the older one still runs
  go.Open();
  older.join();
  REQUIRE_MESSAGE(late.ok(), late.status().ToString());
  CHECK(late->stream_version == StreamVersion(2));

  // Version 2 was written by the older transaction, yet must not come first.
  std::vector<RecordedEvent> log = Follow(*t.store, 2);
  REQUIRE(log.size() == 2);
  CHECK(log[0].stream_version == StreamVersion(1));
  CHECK(log[0].global_position == v1.position);
  CHECK(log[1].stream_version == StreamVersion(2));

  // Why: its commit key was raised to its predecessor's, above its own transaction id.
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  pg::PgResult keys =
      MustExec(*admin,
               "SELECT commit_key::text::numeric, writer_xid::text::numeric FROM events "
               "ORDER BY stream_version");
  REQUIRE(keys.rows() == 2);
  CHECK(keys.Get(1, 0) == keys.Get(0, 0));
  CHECK(std::stoull(std::string(keys.Get(1, 1))) < std::stoull(std::string(keys.Get(1, 0))));
}

TEST_CASE("ordering: 16 writers x 2000 events with rollbacks while a subscriber follows") {
  constexpr int kThreads = 16;
  constexpr int kEventsPerThread = 2000;
  constexpr int kSharedStreams = 8;
  ManualClock clock(kT0);
  TestStore t(&clock);
  // Writers go through a store whose transactions sometimes dawdle before COMMIT (so commit
  // order differs from position order) and sometimes roll back (holes).
  FunctionHooks hooks;
  std::atomic<int> rollbacks{0};
  hooks.before_commit = [&](PgTransaction&) {
    thread_local std::mt19937 rng(std::random_device{}());
    int dice = static_cast<int>(rng() % 100);
    if (dice < 5) {
      rollbacks.fetch_add(1);
      return Cancelled("injected rollback");
    }
    if (dice < 15) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    return Status::Ok();
  };
  std::unique_ptr<PgEventStore> writers_store = OpenWithHooks(*t.db, &clock, &hooks, kThreads);
  std::vector<std::string> shared;
  for (int s = 0; s < kSharedStreams; ++s) shared.push_back(UniqueStream("payment"));

  std::mutex mu;
  std::set<EventId> committed;
  std::atomic<bool> writers_done{false};
  std::atomic<int> unexpected_errors{0};

  // The subscriber: ReadAll from its checkpoint, wait when there is nothing.
  std::set<EventId> delivered;
  int duplicates = 0, out_of_order = 0;
  std::thread subscriber([&] {
    std::map<StreamId, std::uint64_t> last_version;
    GlobalPosition checkpoint(0);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (std::chrono::steady_clock::now() < deadline) {
      Result<std::vector<RecordedEvent>> batch = t.store->ReadAll(checkpoint, 500);
      if (!batch.ok()) {
        unexpected_errors.fetch_add(1);
        continue;
      }
      for (const RecordedEvent& e : *batch) {
        if (!delivered.insert(e.event_id).second) ++duplicates;
        std::uint64_t& last = last_version[e.stream_id];
        if (e.stream_version.value() != last + 1) ++out_of_order;
        last = e.stream_version.value();
        checkpoint = e.global_position;
      }
      if (batch->empty()) {
        if (writers_done.load()) {
          std::lock_guard lock(mu);
          if (delivered.size() >= committed.size()) return;
        }
        if (!t.store->WaitForEvents(checkpoint, std::chrono::milliseconds(100)).ok()) {
          unexpected_errors.fetch_add(1);
        }
      }
    }
  });

  std::vector<std::thread> writers;
  for (int w = 0; w < kThreads; ++w) {
    writers.emplace_back([&, w] {
      std::mt19937 rng(static_cast<unsigned>(w));
      const std::string own = UniqueStream("order");
      int events = 0;
      while (events < kEventsPerThread) {
        // Mostly single appends; every tenth a batch of three, as the webhook path does.
        std::vector<AppendRequest> requests;
        int n = events % 10 == 9 ? 3 : 1;
        for (int i = 0; i < n; ++i) {
          const std::string& stream = rng() % 2 ? own : shared[rng() % kSharedStreams];
          requests.push_back(MakeAppend(stream, ExpectedVersion::Any(), 1));
        }
        events += n;
        Result<std::vector<Result<AppendResult>>> outcomes =
            n == 1 ? Result<std::vector<Result<AppendResult>>>(
                         std::vector<Result<AppendResult>>{writers_store->Append(requests[0])})
                   : writers_store->AppendBatch(requests);
        bool ok = outcomes.ok() && std::all_of(outcomes->begin(), outcomes->end(),
                                               [](const auto& o) { return o.ok(); });
        Status why =
            !outcomes.ok() ? outcomes.status() : (ok ? Status::Ok() : (*outcomes)[0].status());
        if (ok) {
          std::lock_guard lock(mu);
          for (const AppendRequest& r : requests) committed.insert(r.events[0].event_id);
        } else if (why.code() != StatusCode::kCancelled) {
          unexpected_errors.fetch_add(1);
        }
      }
    });
  }
  for (std::thread& w : writers) w.join();
  writers_done.store(true);
  subscriber.join();

  MESSAGE("committed " << committed.size() << ", rolled back " << rollbacks.load());
  CHECK(unexpected_errors.load() == 0);
  CHECK(rollbacks.load() > 0);
  CHECK(duplicates == 0);
  CHECK(out_of_order == 0);
  CHECK(delivered == committed);  // every committed event exactly once, nothing else
}

}  // namespace ledger::pgtest
