// PostgreSQL store behaviour beyond the conformance suite: surviving killed connections,
// racing appends of one event id, large pipelined batches.
#include <doctest/doctest.h>

#include <chrono>
#include <thread>

#include "engine/clock.h"
#include "tests/postgres/pg_hooks.h"
#include "tests/postgres/pg_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::pgtest {
namespace {

using testing::MakeAppend;
using testing::MakeEvent;
using testing::UniqueStream;

constexpr Timestamp kT0{1'795'000'000'000'000};

void KillConnections(const TestDatabase& db) {
  std::unique_ptr<pg::PgConnection> admin = Connect(AdminUrl());
  MustExec(*admin, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                       db.name() + "' AND pid <> pg_backend_pid()");
}

// The whole log once at least `expected` events are readable. ReadAll holds back events while
// an older transaction anywhere in the cluster is still running (another test's, under
// ctest -j, or another database's on a shared server), so a read right after a commit may
// see fewer; wait up to 30 s.
std::vector<RecordedEvent> WholeLog(EventStore& store, std::size_t expected = 0) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    Result<std::vector<RecordedEvent>> r = store.ReadAll(GlobalPosition(0), kNoLimit);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    if (r->size() >= expected || std::chrono::steady_clock::now() > deadline) {
      return std::move(r).value();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

TEST_CASE("store: pooled connections killed by the server are replaced") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  const std::string stream = UniqueStream("order");
  REQUIRE(t.store->Append(MakeAppend(stream, ExpectedVersion::Any(), 1)).ok());
  REQUIRE(t.store->WaitForEvents(GlobalPosition(0), std::chrono::milliseconds(10)).ok());
  KillConnections(*t.db);

  // Nothing was committed on the dead connections, so the store may safely try again.
  Result<AppendResult> again = t.store->Append(MakeAppend(stream, ExpectedVersion::Any(), 1));
  CHECK_MESSAGE(again.ok(), again.status().ToString());
  KillConnections(*t.db);
  Result<std::vector<RecordedEvent>> read = t.store->ReadStream(StreamId(stream), {});
  REQUIRE_MESSAGE(read.ok(), read.status().ToString());
  CHECK(read->size() == 2);
  CHECK(t.store->WaitForEvents(GlobalPosition(0), std::chrono::milliseconds(10)).ok());
}

// PostgreSQL switches a prepared statement to one generic plan after five executions when that
// plan's estimate looks no worse, and keeps it for the connection's life. Against an events
// table that is empty and never analyzed (a new database, or autovacuum off as in bench/run),
// the generic plan of the append's event-id lookup was a sequential scan, which made every
// append scan the whole log. The store's connections turn sequential scans off
// (pg::kIndexPlansOnly), so the generic plan in use after the first appends is an index scan.
// The appends expect `any` version: appends that expect no stream skip the lookup
// (AppendPath::kAssumeNew).
TEST_CASE("store: an append's event-id lookup stays an index scan when planned generically") {
  ManualClock clock(kT0);
  FunctionHooks hooks;
  bool check_plan = false;
  hooks.after_begin = [&](PgTransaction& tx) {
    if (!check_plan) return Status::Ok();
    return tx.Exec(R"sql(
      DO $$
      DECLARE
        ids text := (SELECT array_agg(gen_random_uuid())::text FROM generate_series(1, 32));
        plan text := '';
        line text;
      BEGIN
        FOR line IN EXECUTE format('EXPLAIN EXECUTE ledger_find_events(%L::uuid[])', ids) LOOP
          plan := plan || line || E'\n';
        END LOOP;
        IF plan NOT LIKE '%$1%' THEN RAISE EXCEPTION 'not the generic plan: %', plan; END IF;
        IF plan LIKE '%Seq Scan%' OR plan NOT LIKE '%Index%events_event_id_key%' THEN
          RAISE EXCEPTION 'event-id lookup without its index: %', plan;
        END IF;
      END $$)sql");
  };
  PgOptions options;
  options.hooks = &hooks;
  options.pool_size = 1;  // every append on the connection whose plans are checked
  TestStore t(&clock, options);
  MustExec(*Connect(t.db->Url()), "ALTER TABLE events SET (autovacuum_enabled = false)");

  for (int batch = 0; batch < 8; ++batch) {
    std::vector<AppendRequest> requests;
    for (int i = 0; i < 32; ++i) {
      requests.push_back(MakeAppend(UniqueStream("stripe"), ExpectedVersion::Any(), 1));
    }
    Result<std::vector<Result<AppendResult>>> outcomes = t.store->AppendBatch(requests);
    REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
    for (const Result<AppendResult>& outcome : *outcomes) REQUIRE(outcome.ok());
  }
  check_plan = true;
  Result<AppendResult> checked =
      t.store->Append(MakeAppend(UniqueStream("stripe"), ExpectedVersion::Any(), 1));
  CHECK_MESSAGE(checked.ok(), checked.status().ToString());
}

// pg_connection.cc (JIT) and pg::kIndexPlansOnly: the session settings every append runs under.
TEST_CASE("store: appends run with JIT and sequential scans off") {
  ManualClock clock(kT0);
  FunctionHooks hooks;
  hooks.after_begin = [&](PgTransaction& tx) {
    return tx.Exec(R"sql(
      DO $$
      BEGIN
        IF current_setting('jit') <> 'off' OR current_setting('enable_seqscan') <> 'off' THEN
          RAISE EXCEPTION 'jit %, enable_seqscan %', current_setting('jit'),
                          current_setting('enable_seqscan');
        END IF;
      END $$)sql");
  };
  PgOptions options;
  options.hooks = &hooks;
  TestStore t(&clock, options);
  Result<AppendResult> appended =
      t.store->Append(MakeAppend(UniqueStream("order"), ExpectedVersion::NoStream(), 1));
  CHECK_MESSAGE(appended.ok(), appended.status().ToString());
  CHECK(std::string(MustExec(*Connect(t.db->Url()), "SHOW jit").Get(0, 0)) == "off");
}

TEST_CASE("store: ReadAll without bodies reads none from PostgreSQL, from the start and after") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  AppendRequest request = MakeAppend(UniqueStream("stripe"), ExpectedVersion::NoStream(), 3);
  for (NewEvent& e : request.events) e.raw_body = std::string("{\"raw\": true}");
  REQUIRE(t.store->Append(request).ok());
  REQUIRE(WholeLog(*t.store, 3).size() == 3);  // readable (see WholeLog)
  for (GlobalPosition after : {GlobalPosition(0), GlobalPosition(1)}) {
    Result<std::vector<RecordedEvent>> with = t.store->ReadAll(after, 10, ReadAllOptions{});
    Result<std::vector<RecordedEvent>> without =
        t.store->ReadAll(after, 10, ReadAllOptions{.with_raw_body = false});
    REQUIRE(with.ok());
    REQUIRE(without.ok());
    REQUIRE(with->size() == without->size());
    REQUIRE_FALSE(with->empty());
    for (std::size_t i = 0; i < with->size(); ++i) {
      CHECK((*with)[i].raw_body == std::optional<std::string>("{\"raw\": true}"));
      CHECK_FALSE((*without)[i].raw_body.has_value());
      CHECK((*without)[i].payload == (*with)[i].payload);
      CHECK((*without)[i].global_position == (*with)[i].global_position);
    }
  }
}

TEST_CASE("store: one event id appended to two streams at once is stored once") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  HoldBeforeCommit hold;
  std::unique_ptr<PgEventStore> slow = OpenWithHooks(*t.db, &clock, &hold);

  NewEvent event = MakeEvent();
  const std::string first = UniqueStream("stripe"), second = UniqueStream("stripe");
  Result<AppendResult> a = Internal("not run");
  std::thread holder([&] { a = slow->Append(MakeAppend(first, ExpectedVersion::Any(), {event})); });
  REQUIRE(hold.held.Wait());
  // This one finds nothing stored yet, inserts, waits on the unique index, then fails with
  // a unique violation: the store runs it again and sees the event stored elsewhere.
  Result<AppendResult> b = Internal("not run");
  Result<AppendResult> same = Internal("not run");
  std::thread other(
      [&] { b = t.store->Append(MakeAppend(second, ExpectedVersion::Any(), {event})); });
  std::thread redelivery(
      [&] { same = t.store->Append(MakeAppend(first, ExpectedVersion::Any(), {event})); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  hold.release.Open();
  holder.join();
  other.join();
  redelivery.join();
  REQUIRE_MESSAGE(a.ok(), a.status().ToString());
  CHECK(b.status().code() == StatusCode::kAlreadyExists);
  REQUIRE_MESSAGE(same.ok(), same.status().ToString());
  CHECK(same->deduplicated);
  CHECK(same->position == a->position);
  CHECK(testing::ReadWholeStream(*t.store, second).empty());
}

TEST_CASE("store: appends creating one stream at once are decided one after the other") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  HoldBeforeCommit hold;
  std::unique_ptr<PgEventStore> slow = OpenWithHooks(*t.db, &clock, &hold);

  // The first creates the stream and is held before COMMIT. The others found no row, so
  // they insert the stream's head, wait on its unique index, fail when the first commits,
  // and are run again against the head it left.
  const std::string stream = UniqueStream("order");
  Result<AppendResult> first = Internal("not run");
  std::thread holder(
      [&] { first = slow->Append(MakeAppend(stream, ExpectedVersion::NoStream(), 2)); });
  REQUIRE(hold.held.Wait());
  Result<AppendResult> must_be_new = Internal("not run");
  Result<std::vector<Result<AppendResult>>> batch = Internal("not run");
  std::thread racer(
      [&] { must_be_new = t.store->Append(MakeAppend(stream, ExpectedVersion::NoStream(), 1)); });
  std::thread batcher([&] {
    std::vector<AppendRequest> requests = {
        MakeAppend(UniqueStream("order"), ExpectedVersion::NoStream(), 1),
        MakeAppend(stream, ExpectedVersion::Any(), 1)};
    batch = t.store->AppendBatch(requests);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  hold.release.Open();
  holder.join();
  racer.join();
  batcher.join();

  REQUIRE_MESSAGE(first.ok(), first.status().ToString());
  CHECK(must_be_new.status().code() == StatusCode::kConflict);
  REQUIRE_MESSAGE(batch.ok(), batch.status().ToString());
  REQUIRE((*batch)[0].ok());
  REQUIRE_MESSAGE((*batch)[1].ok(), (*batch)[1].status().ToString());
  CHECK((*batch)[1]->stream_version == StreamVersion(3));
  std::vector<RecordedEvent> events = testing::ReadWholeStream(*t.store, stream);
  REQUIRE(events.size() == 3);
  for (std::size_t i = 0; i < events.size(); ++i) {
    CHECK(events[i].stream_version == StreamVersion(i + 1));
  }
  // The chain runs through all three: the third was planned on the head the first left.
  CHECK(testing::FirstBrokenLink(events) == events.size());
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  pg::PgResult head = MustExec(*admin, "SELECT version FROM streams WHERE stream_id = '" +
                                           stream + "'");
  REQUIRE(head.rows() == 1);
  CHECK(head.GetInt64(0, 0) == 3);
}

TEST_CASE("store: a large batch is one transaction with an outcome per request") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  std::vector<AppendRequest> batch;
  for (int i = 0; i < 2000; ++i)
    batch.push_back(MakeAppend(UniqueStream("stripe"), ExpectedVersion::NoStream(), 1));
  batch.push_back(MakeAppend(batch[0].stream.value(), ExpectedVersion::NoStream(), 1));  // conflict
  Result<std::vector<Result<AppendResult>>> outcomes = t.store->AppendBatch(batch);
  REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
  for (std::size_t i = 0; i + 1 < batch.size(); ++i) REQUIRE((*outcomes)[i].ok());
  CHECK(outcomes->back().status().code() == StatusCode::kConflict);
  CHECK(WholeLog(*t.store, 2000).size() == 2000);
  // The conflicting stream got no placeholder row left behind; every stream row has events.
  std::unique_ptr<pg::PgConnection> admin = t.db->ConnectAdmin();
  CHECK(MustExec(*admin, "SELECT count(*) FROM streams WHERE version = 0").GetInt64(0, 0) == 0);
}

}  // namespace ledger::pgtest
