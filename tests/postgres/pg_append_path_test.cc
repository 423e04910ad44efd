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
  TestStore t(&clock, OneConnection(check));

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

TEST_CASE("append path: an event id stored in another stream is refused, and nothing written") {
  ManualClock clock(kT0);
  LockRunsCheck check;
  TestStore t(&clock, OneConnection(check));
  NewEvent event = MakeEvent();
  REQUIRE(t.store->Append(MakeAppend(UniqueStream("stripe"), ExpectedVersion::NoStream(), {event}))
              .ok());

  // The new stream's row goes in; the event's id collides on its unique index, so the batch
  // runs again under the locks, and the lookup finds the id stored elsewhere.
  check.expected = 1;
  const std::string other = UniqueStream("stripe");
  Result<AppendResult> again =
      t.store->Append(MakeAppend(other, ExpectedVersion::NoStream(), {event}));
  CHECK(again.status().code() == StatusCode::kAlreadyExists);
  CHECK(Count(*t.db, "SELECT count(*) FROM events") == 1);
  CHECK(Count(*t.db, "SELECT count(*) FROM streams WHERE stream_id = '" + other + "'") == 0);
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
