// RedisJobQueue against a real redis-server (LEDGER_TEST_REDIS_URL): duplicates, claims,
// delayed retries, dead letters and requeue, reclaiming a dead worker's job, stale claims.
#include <doctest/doctest.h>

#include <thread>

#include "tests/jobs/redis_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::jobs::testing {
namespace {

using namespace std::chrono_literals;

constexpr std::int64_t kStart = 1'800'000'000'000'000;

ClaimedJob ClaimOne(JobQueue& queue, const std::string& worker = "w1") {
  Result<std::vector<ClaimedJob>> claimed = queue.Claim(worker, 10, 0ms);
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().ToString());
  REQUIRE(claimed->size() == 1);
  return claimed->front();
}

std::size_t ClaimCount(JobQueue& queue, const std::string& worker = "w1") {
  Result<std::vector<ClaimedJob>> claimed = queue.Claim(worker, 10, 0ms);
  REQUIRE_MESSAGE(claimed.ok(), claimed.status().ToString());
  return claimed->size();
}

TEST_CASE("enqueueing a job twice queues it once") {
  auto queue = FreshQueue(TestRedis());
  Job job = MakeJob("test.kind");
  CHECK(*queue->Enqueue(job) == EnqueueOutcome::kQueued);
  CHECK(*queue->Enqueue(job) == EnqueueOutcome::kDuplicate);
  ClaimedJob claimed = ClaimOne(*queue);
  CHECK(claimed.job.job_id == job.job_id);
  CHECK(claimed.job.kind == "test.kind");
  CHECK(claimed.job.tenant_id == "shop1");
  CHECK(claimed.job.cause_event_id == job.cause_event_id);
  CHECK(claimed.job.payload == job.payload);
  CHECK(claimed.job.attempt == 1);
  CHECK(claimed.first_attempt == 1);
  CHECK(ClaimCount(*queue) == 0);
  CHECK(*queue->Complete(claimed) == TransitionOutcome::kApplied);
  // Finished jobs are remembered by id: the dispatcher re-reading the log enqueues nothing.
  CHECK(*queue->Enqueue(job) == EnqueueOutcome::kDuplicate);
  CHECK(ClaimCount(*queue) == 0);
}

TEST_CASE("a retried job becomes ready at its retry time, as the next attempt") {
  ManualClock clock{Timestamp(kStart)};
  auto queue = FreshQueue(TestRedis(), &clock);
  Job job = MakeJob("test.kind");
  REQUIRE(queue->Enqueue(job).ok());
  ClaimedJob first = ClaimOne(*queue);
  CHECK(*queue->Retry(first, Timestamp(kStart + 5'000'000)) == TransitionOutcome::kApplied);
  CHECK(ClaimCount(*queue) == 0);
  clock.AdvanceMicros(4'999'999);
  CHECK(ClaimCount(*queue) == 0);
  clock.AdvanceMicros(1);
  ClaimedJob second = ClaimOne(*queue);
  CHECK(second.job.attempt == 2);
  CHECK(second.receipt != first.receipt);
  // The first claim is over: a late transition for it changes nothing.
  CHECK(*queue->Complete(first) == TransitionOutcome::kStale);
  CHECK(*queue->Complete(second) == TransitionOutcome::kApplied);
}

TEST_CASE("a dead-lettered job is listed and can be requeued with a fresh budget") {
  auto queue = FreshQueue(TestRedis());
  Job job = MakeJob("test.kind");
  REQUIRE(queue->Enqueue(job).ok());
  ClaimedJob claimed = ClaimOne(*queue);
  CHECK(*queue->DeadLetter(claimed, "400 invalid payload") == TransitionOutcome::kApplied);
  CHECK(ClaimCount(*queue) == 0);

  Result<std::vector<DeadLetteredJob>> dead = queue->DeadLetters(10);
  REQUIRE(dead.ok());
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().job.job_id == job.job_id);
  CHECK(dead->front().job.kind == "test.kind");
  CHECK(dead->front().job.attempt == 1);
  CHECK(dead->front().detail == "400 invalid payload");

  CHECK(queue->Requeue(job.job_id).ok());
  CHECK(queue->Requeue(job.job_id).code() == StatusCode::kFailedPrecondition);
  CHECK(queue->Requeue("no-such-job").code() == StatusCode::kNotFound);
  CHECK(queue->DeadLetters(10)->empty());
  ClaimedJob again = ClaimOne(*queue);
  CHECK(again.job.attempt == 2);
  CHECK(again.first_attempt == 2);
  CHECK(*queue->Complete(again) == TransitionOutcome::kApplied);
}

TEST_CASE("a job claimed by a worker that died is reclaimed after the visibility timeout") {
  auto queue = FreshQueue(TestRedis());
  Job job = MakeJob("test.kind");
  REQUIRE(queue->Enqueue(job).ok());
  ClaimedJob lost = ClaimOne(*queue, "dead-worker");
  // Not yet: the claim is younger than the timeout.
  CHECK(queue->ReclaimStale("w2", 200ms, 10)->empty());
  std::this_thread::sleep_for(250ms);
  Result<std::vector<ClaimedJob>> reclaimed = queue->ReclaimStale("w2", 200ms, 10);
  REQUIRE(reclaimed.ok());
  REQUIRE(reclaimed->size() == 1);
  const ClaimedJob& taken = reclaimed->front();
  CHECK(taken.job.job_id == job.job_id);
  CHECK(taken.job.attempt == 2);
  CHECK(taken.reclaimed);
  CHECK(taken.receipt == lost.receipt);
  // The dead worker, should it wake up, no longer owns the job.
  CHECK(*queue->DeadLetter(lost, "late") == TransitionOutcome::kStale);
  CHECK(*queue->Complete(taken) == TransitionOutcome::kApplied);
  CHECK(queue->DeadLetters(10)->empty());
  std::this_thread::sleep_for(250ms);
  CHECK(queue->ReclaimStale("w3", 200ms, 10)->empty());
}

TEST_CASE("a queue whose server is down answers Unavailable") {
  // Port 1 on loopback: nothing listens there, so every connection is refused.
  redis::RedisEndpoint nowhere{"127.0.0.1", 1, 0};
  auto queue = FreshQueue(nowhere);
  Result<EnqueueOutcome> queued = queue->Enqueue(MakeJob("test.kind"));
  CHECK(queued.status().code() == StatusCode::kUnavailable);
  CHECK(queue->Claim("w1", 1, 0ms).status().code() == StatusCode::kUnavailable);
}

TEST_CASE("Redis URLs") {
  Result<redis::RedisEndpoint> full = redis::ParseRedisUrl("redis://cache.internal:6380/2");
  REQUIRE(full.ok());
  CHECK(full->host == "cache.internal");
  CHECK(full->port == 6380);
  CHECK(full->db == 2);
  Result<redis::RedisEndpoint> bare = redis::ParseRedisUrl("redis://localhost");
  REQUIRE(bare.ok());
  CHECK(bare->port == 6379);
  CHECK(bare->db == 0);
  Result<redis::RedisEndpoint> v6 = redis::ParseRedisUrl("redis://[::1]:7000");
  REQUIRE(v6.ok());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);
  CHECK(redis::ParseRedisUrl("http://x").status().code() == StatusCode::kInvalidArgument);
  CHECK(redis::ParseRedisUrl("redis://x:port").status().code() == StatusCode::kInvalidArgument);
  CHECK(redis::ParseRedisUrl("redis://:pw@x").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::jobs::testing
