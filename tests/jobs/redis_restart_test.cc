// Redis stopped and restarted while jobs are queued (issue 9, "Failure"): enqueueing reports
// Unavailable meanwhile, nothing queued before is lost, and workers resume by themselves.
// The test runs a redis-server of its own (OwnRedisServer) so that stopping it disturbs no
// other test; it has an append-only file, since a Redis without persistence (like the shared
// test server, --save '' --appendonly no) loses its data on restart, and a job queue's Redis
// must not.
#include <doctest/doctest.h>

#include <thread>

#include "engine/memory_store.h"
#include "jobs/job_events.h"
#include "jobs/worker.h"
#include "tests/jobs/redis_test_support.h"

namespace ledger::jobs::testing {
namespace {

using namespace std::chrono_literals;
using Types = std::vector<std::string>;

TEST_CASE("jobs queued before a Redis restart run once after it; workers resume by themselves") {
  OwnRedisServer server;
  MemoryEventStore store;
  auto queue = FreshQueue(server.endpoint());
  HandlerRegistry handlers;
  auto owned = std::make_unique<ScriptedHandler>("test.scripted", RetryPolicy{});
  ScriptedHandler* handler = owned.get();
  REQUIRE(handlers.Register(std::move(owned)).ok());
  JobActor dispatcher{"system:dispatcher", "jobs.dispatcher"};

  std::vector<Job> before = {MakeJob("test.scripted"), MakeJob("test.scripted")};
  for (const Job& job : before) REQUIRE(EnqueueJob(store, *queue, job, dispatcher).ok());

  server.Stop();
  WorkerOptions options;
  options.name = "restart-worker";
  options.threads = 2;
  options.block = 100ms;
  options.unavailable_wait = 100ms;
  Worker worker(*queue, store, handlers, options);
  worker.Start();  // against a server that is down: its rounds fail and are retried

  Job during = MakeJob("test.scripted");
  Result<EnqueueOutcome> refused = EnqueueJob(store, *queue, during, dispatcher);
  CHECK(refused.status().code() == StatusCode::kUnavailable);
  std::this_thread::sleep_for(300ms);
  CHECK(handler->TotalRuns() == 0);

  server.Start();
  // The dispatcher retries what was refused (its checkpoint did not advance past it).
  Result<EnqueueOutcome> accepted = EnqueueJob(store, *queue, during, dispatcher);
  REQUIRE_MESSAGE(accepted.ok(), accepted.status().ToString());
  CHECK(*accepted == EnqueueOutcome::kQueued);

  for (int i = 0; i < 250 && worker.counts().succeeded.load() < 3; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  worker.Stop();
  CHECK(worker.counts().succeeded.load() == 3);
  for (const Job& job : {before[0], before[1], during}) {
    CHECK(handler->Runs(job.job_id) == 1);
    CHECK(JobEventTypesOf(store, job.job_id) ==
          Types{"job.queued", "job.started", "job.succeeded"});
  }
}

TEST_CASE("a claim whose answer was lost with Redis is taken back by its worker at once") {
  OwnRedisServer server;
  auto queue = FreshQueue(server.endpoint());
  Job job = MakeJob("test.scripted");
  REQUIRE(queue->Enqueue(job).ok());
  REQUIRE(queue->ReclaimStale("nobody", 1h, 1).ok());  // creates the consumer group
  // What a lost answer leaves behind: XREADGROUP moved the entry to "w-0", whose worker never
  // heard of it (the connection failed before the reply, or before the attempt began).
  redis::RedisConnection raw(server.endpoint(), redis::RedisOptions{});
  Result<redis::RedisReply> taken =
      raw.Command({"XREADGROUP", "GROUP", "workers", "w-0", "COUNT", "1", "STREAMS",
                   queue->ReadyKey(), ">"});
  REQUIRE_MESSAGE(taken.ok(), taken.status().ToString());
  REQUIRE_FALSE(taken->is_nil());

  server.Stop();
  CHECK(queue->Claim("w-0", 1, 0ms).status().code() == StatusCode::kUnavailable);
  server.Start();
  // Long before any visibility timeout, w-0's next claim returns the job, as a reclaim.
  Result<std::vector<ClaimedJob>> claimed = queue->Claim("w-0", 1, 0ms);
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().ToString());
  REQUIRE(claimed->size() == 1);
  CHECK(claimed->front().job.job_id == job.job_id);
  CHECK(claimed->front().reclaimed);
  REQUIRE(queue->Complete(claimed->front()).ok());
  // Another worker's pending entries are never taken this way: only its own.
  Result<std::vector<ClaimedJob>> none = queue->Claim("w-1", 1, 0ms);
  REQUIRE(none.ok());
  CHECK(none->empty());
}

}  // namespace
}  // namespace ledger::jobs::testing
