// The two append paths (adapters/postgres/pg_append.h): a batch whose every request expects a
// new stream is written in one round trip on the guess that nothing of it is stored, and the
// unique indexes send it back to the locking path wherever the guess was wrong.
#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

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

// Hooks that, before each COMMIT, check how often the session has run the locking path's first
// statement (PostgreSQL counts the plans of a prepared statement, one per execution). The store
// runs on one pooled connection, so that session is the one every append uses.
struct LockRunsCheck {
  int expected = 0;
  FunctionHooks hooks;

  LockRunsCheck() {
    hooks.before_commit = [this](PgTransaction& tx) {
      return tx.Exec(R"sql(
        DO $$
        DECLARE runs bigint := (SELECT coalesce(sum(generic_plans + custom_plans), 0)
                                FROM pg_prepared_statements
                                WHERE name = 'ledger_lock_streams');
        BEGIN
          IF runs <> )sql" + std::to_string(expected) + R"sql( THEN
            RAISE EXCEPTION 'ledger_lock_streams ran % times', runs;
          END IF;
        END $$)sql");
    };
  }
};

PgOptions OneConnection(LockRunsCheck& check) {
  PgOptions options;
  options.hooks = &check.hooks;
  options.pool_size = 1;
  options.max_attempts = 1;  // the fallback to the locking path is no retry
  return options;
}

// Without hooks: BEGIN, the writes and COMMIT in one pipeline, as in production.
PgOptions NoHooks() {
  PgOptions options;
  options.max_attempts = 1;
  return options;
}

std::int64_t Count(const TestDatabase& db, const std::string& sql) {
  return MustExec(*db.ConnectAdmin(), sql).GetInt64(0, 0);
}

}  // namespace

TEST_CASE("append path: a batch of new streams is written without the lookup round trip") {
  ManualClock clock(kT0);
  LockRunsCheck check;
  TestStore t(&clock, OneConnection(check));

  std::vector<AppendRequest> batch;
  for (int i = 0; i < 8; ++i) {
    batch.push_back(MakeAppend(UniqueStream("stripe"), ExpectedVersion::NoStream(), 2));
  }
  batch.push_back(MakeAppend(UniqueStream("order"), ExpectedVersion::Exact(StreamVersion(0)), 1));
  Result<std::vector<Result<AppendResult>>> outcomes = t.store->AppendBatch(batch);
  REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
  for (const Result<AppendResult>& o : *outcomes) REQUIRE_MESSAGE(o.ok(), o.status().ToString());

  // The commit key is the transaction's own id, read by the server, not sent: on every row and
  // on every head it wrote.
  CHECK(Count(*t.db, "SELECT count(*) FROM events") == 17);
  CHECK(Count(*t.db, "SELECT count(*) FROM events WHERE commit_key <> writer_xid") == 0);
  CHECK(Count(*t.db, "SELECT count(DISTINCT commit_key) FROM events") == 1);
  CHECK(Count(*t.db,
              "SELECT count(*) FROM streams s WHERE s.last_commit_key <> "
              "(SELECT max(commit_key) FROM events e WHERE e.stream_id = s.stream_id)") == 0);
  std::vector<RecordedEvent> first = testing::ReadWholeStream(*t.store, batch[0].stream.value());
  REQUIRE(first.size() == 2);
  CHECK(testing::FirstBrokenLink(first) == 2);

  // An append to a stream that exists takes the locking path (which the hook sees).
  check.expected = 1;
  Result<AppendResult> next =
      t.store->Append(MakeAppend(batch[0].stream.value(), ExpectedVersion::Any(), 1));
  REQUIRE_MESSAGE(next.ok(), next.status().ToString());
  CHECK(next->stream_version == StreamVersion(3));
}

TEST_CASE("append path: a wrong guess runs the batch again under the locks, decided as before") {
  ManualClock clock(kT0);
  LockRunsCheck check;
  bool hooked = false;
  SUBCASE("with hooks that count the locking path's runs") { hooked = true; }
  SUBCASE("in one pipeline, as in production") {}
  TestStore t(&clock, hooked ? OneConnection(check) : NoHooks());

  NewEvent stored = MakeEvent("stripe.event_received");
  const std::string redelivered = UniqueStream("stripe"), taken = UniqueStream("order");
  Result<AppendResult> original =
      t.store->Append(MakeAppend(redelivered, ExpectedVersion::NoStream(), {stored}));
  REQUIRE_MESSAGE(original.ok(), original.status().ToString());
  REQUIRE(t.store->Append(MakeAppend(taken, ExpectedVersion::NoStream(), 1)).ok());

  // One batch, three answers the new-stream guess cannot give: a redelivery, a conflict, and
  // beside them a new stream that is appended. With one attempt allowed, only the fallback
  // (which is no attempt) can give them.
  check.expected = 1;
  const std::string fresh = UniqueStream("stripe");
  std::vector<AppendRequest> batch = {
      MakeAppend(redelivered, ExpectedVersion::NoStream(), {stored}),
      MakeAppend(taken, ExpectedVersion::NoStream(), 1),
      MakeAppend(fresh, ExpectedVersion::NoStream(), 1),
  };
  Result<std::vector<Result<AppendResult>>> outcomes = t.store->AppendBatch(batch);
  REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
  REQUIRE_MESSAGE((*outcomes)[0].ok(), (*outcomes)[0].status().ToString());
  CHECK((*outcomes)[0]->deduplicated);
  CHECK((*outcomes)[0]->position == original->position);
  CHECK((*outcomes)[1].status().code() == StatusCode::kConflict);
  REQUIRE_MESSAGE((*outcomes)[2].ok(), (*outcomes)[2].status().ToString());
  CHECK((*outcomes)[2]->stream_version == StreamVersion(1));
  CHECK(Count(*t.db, "SELECT count(*) FROM events") == 3);
  CHECK(Count(*t.db, "SELECT count(*) FROM streams") == 3);
}

TEST_CASE("append path: an event id stored in another stream is refused, its neighbour written") {
  ManualClock clock(kT0);
  TestStore t(&clock, NoHooks());
  NewEvent event = MakeEvent();
  REQUIRE(t.store->Append(MakeAppend(UniqueStream("stripe"), ExpectedVersion::NoStream(), {event}))
              .ok());

  // The new stream's row goes in; the event's id collides on its unique index, so the batch
  // runs again under the locks, where the lookup finds the id stored elsewhere: that request
  // alone is refused.
  const std::string other = UniqueStream("stripe"), fresh = UniqueStream("stripe");
  std::vector<AppendRequest> batch = {MakeAppend(other, ExpectedVersion::NoStream(), {event}),
                                      MakeAppend(fresh, ExpectedVersion::NoStream(), 1)};
  Result<std::vector<Result<AppendResult>>> outcomes = t.store->AppendBatch(batch);
  REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
  CHECK((*outcomes)[0].status().code() == StatusCode::kAlreadyExists);
  REQUIRE_MESSAGE((*outcomes)[1].ok(), (*outcomes)[1].status().ToString());
  CHECK(Count(*t.db, "SELECT count(*) FROM events") == 2);
  CHECK(Count(*t.db, "SELECT count(*) FROM streams WHERE stream_id = '" + other + "'") == 0);
}

// A request the new-stream guess refuses by itself (a second creation of one stream) would be
// answered without a look at what is stored; the locking path answers an id stored elsewhere
// first. Such a batch takes the locking path from the start.
TEST_CASE("append path: a batch the guess would refuse in part is decided under the locks") {
  ManualClock clock(kT0);
  LockRunsCheck check;
  TestStore t(&clock, OneConnection(check));
  NewEvent stored = MakeEvent();
  REQUIRE(t.store->Append(MakeAppend(UniqueStream("stripe"), ExpectedVersion::NoStream(), {stored}))
              .ok());

  check.expected = 1;
  const std::string stream = UniqueStream("order");
  std::vector<AppendRequest> batch = {MakeAppend(stream, ExpectedVersion::NoStream(), 1),
                                      MakeAppend(stream, ExpectedVersion::NoStream(), {stored})};
  Result<std::vector<Result<AppendResult>>> outcomes = t.store->AppendBatch(batch);
  REQUIRE_MESSAGE(outcomes.ok(), outcomes.status().ToString());
  REQUIRE_MESSAGE((*outcomes)[0].ok(), (*outcomes)[0].status().ToString());
  CHECK((*outcomes)[1].status().code() == StatusCode::kAlreadyExists);
  CHECK(Count(*t.db, "SELECT count(*) FROM events") == 2);
}

TEST_CASE("append path: version 0 expected of a stream that exists is a conflict") {
  ManualClock clock(kT0);
  TestStore t(&clock, NoHooks());
  const std::string stream = UniqueStream("order");
  REQUIRE(t.store->Append(MakeAppend(stream, ExpectedVersion::NoStream(), 1)).ok());
  Result<AppendResult> again =
      t.store->Append(MakeAppend(stream, ExpectedVersion::Exact(StreamVersion(0)), 1));
  CHECK(again.status().code() == StatusCode::kConflict);
  CHECK(Count(*t.db, "SELECT count(*) FROM events") == 1);
}

// The one-round-trip path sends COMMIT with everything else, so a pooled connection that the
// server closed while it sat idle must be found out before anything is sent: otherwise the
// failure would read as "COMMIT sent, outcome unknown" and reach the caller as Unavailable.
TEST_CASE("append path: pooled connections the server closed are replaced before sending") {
  ManualClock clock(kT0);
  PgOptions options;
  options.pool_size = 2;
  TestStore t(&clock, options);
  for (int round = 0; round < 3; ++round) {
    std::vector<AppendRequest> batch;
    for (int i = 0; i < 4; ++i) {
      batch.push_back(MakeAppend(UniqueStream("stripe"), ExpectedVersion::NoStream(), 1));
    }
    // Two at once, so both pooled connections are in use and then idle.
    Result<std::vector<Result<AppendResult>>> a = Internal("not run"), b = Internal("not run");
    std::thread other([&] { b = t.store->AppendBatch(std::span(batch).subspan(2)); });
    a = t.store->AppendBatch(std::span(batch).first(2));
    other.join();
    REQUIRE_MESSAGE(a.ok(), a.status().ToString());
    REQUIRE_MESSAGE(b.ok(), b.status().ToString());
    for (const auto* outcomes : {&*a, &*b}) {
      for (const Result<AppendResult>& o : *outcomes) {
        REQUIRE_MESSAGE(o.ok(), o.status().ToString());
      }
    }
    std::unique_ptr<pg::PgConnection> admin = Connect(AdminUrl());
    // With a timeout, pg_terminate_backend returns once the backend is gone, so the next
    // round finds its connections closed rather than racing their closing.
    MustExec(*admin,
             "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '" +
                 t.db->name() + "' AND pid <> pg_backend_pid()");
  }
  CHECK(Count(*t.db, "SELECT count(*) FROM events") == 12);
}

TEST_CASE("append path: concurrent deliveries of one new event store it once") {
  ManualClock clock(kT0);
  TestStore t(&clock);
  const std::string stream = UniqueStream("stripe");
  NewEvent event = MakeEvent("stripe.event_received");
  constexpr int kDeliveries = 16;
  std::vector<Result<AppendResult>> outcomes(kDeliveries, Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kDeliveries; ++i) {
    threads.emplace_back([&, i] {
      outcomes[i] = t.store->Append(MakeAppend(stream, ExpectedVersion::NoStream(), {event}));
    });
  }
  for (std::thread& th : threads) th.join();

  int stored = 0;
  for (const Result<AppendResult>& o : outcomes) {
    REQUIRE_MESSAGE(o.ok(), o.status().ToString());
    CHECK(o->position == outcomes.front()->position);
    stored += o->deduplicated ? 0 : 1;
  }
  CHECK(stored == 1);
  CHECK(testing::ReadWholeStream(*t.store, stream).size() == 1);
}

}  // namespace ledger::pgtest
