// The worker over a real Redis queue and a MemoryEventStore: retries with backoff, dead
// letters and requeue, permanent failures, unknown kinds, a dead worker's job reclaimed, many
// threads; every state change in the ledger, in order. Time is a ManualClock shared by the
// queue and the worker, so backoff is checked exactly without sleeping.
#include "jobs/worker.h"

#include <doctest/doctest.h>

#include <thread>

#include "engine/memory_store.h"
#include "engine/time.h"
#include "jobs/job_events.h"
#include "tests/jobs/redis_test_support.h"
#include "tests/support/test_events.h"

namespace ledger::jobs::testing {
namespace {

using namespace std::chrono_literals;
using Types = std::vector<std::string>;

constexpr std::int64_t kStart = 1'800'000'000'000'000;
constexpr const char* kKind = "test.scripted";

struct Fixture {
  Fixture() : Fixture(RetryPolicy{.max_attempts = 4, .base_delay = 1000ms, .max_delay = 3000ms}) {}
  explicit Fixture(RetryPolicy policy) : store(&clock), queue(FreshQueue(TestRedis(), &clock)) {
    auto owned = std::make_unique<ScriptedHandler>(kKind, policy);
    handler = owned.get();
    REQUIRE(handlers.Register(std::move(owned)).ok());
  }

  WorkerOptions Options() {
    WorkerOptions options;
    options.name = "test-worker";
    options.block = 0ms;
    options.clock = &clock;
    options.jitter = [] { return 1.0; };
    return options;
  }

  Job Enqueue(const std::string& kind = kKind) {
    Job job = MakeJob(kind);
    Result<EnqueueOutcome> queued =
        EnqueueJob(store, *queue, job, JobActor{"system:dispatcher", "jobs.dispatcher"});
    REQUIRE_MESSAGE(queued.ok(), queued.status().ToString());
    REQUIRE(*queued == EnqueueOutcome::kQueued);
    return job;
  }

  std::size_t Round(Worker& worker) {
    Result<std::size_t> ran = worker.RunOnce("w-0");
    REQUIRE_MESSAGE(ran.ok(), ran.status().ToString());
    return *ran;
  }

  std::vector<RecordedEvent> Events(const Job& job) {
    return ledger::testing::ReadWholeStream(store, "job-" + job.job_id);
  }

  ManualClock clock{Timestamp(kStart)};
  MemoryEventStore store;
  std::unique_ptr<redis::RedisJobQueue> queue;
  HandlerRegistry handlers;
  ScriptedHandler* handler = nullptr;
};

std::string PayloadField(const RecordedEvent& event, const std::string& field) {
  std::string key = "\"" + field + "\":";
  std::size_t at = event.payload.find(key);
  REQUIRE_MESSAGE(at != std::string::npos, event.payload);
  std::size_t end = event.payload.find_first_of(",}", at + key.size());
  return event.payload.substr(at + key.size(), end - at - key.size());
}

TEST_CASE("a failing job is retried with exponential backoff until it succeeds") {
  Fixture f;
  Job job = f.Enqueue();
  f.handler->Script(job.job_id, {Outcome::kRetry, Outcome::kRetry, Outcome::kRetry});
  Worker worker(*f.queue, f.store, f.handlers, f.Options());

  CHECK(f.Round(worker) == 1);  // attempt 1 fails: retry after 1 s
  f.clock.AdvanceMicros(999'999);
  CHECK(f.Round(worker) == 0);
  f.clock.AdvanceMicros(1);
  CHECK(f.Round(worker) == 1);  // attempt 2 fails: retry after 2 s
  f.clock.AdvanceMicros(1'999'999);
  CHECK(f.Round(worker) == 0);
  f.clock.AdvanceMicros(1);
  CHECK(f.Round(worker) == 1);  // attempt 3 fails: retry after 3 s (max_delay caps 4 s)
  f.clock.AdvanceMicros(2'999'999);
  CHECK(f.Round(worker) == 0);
  f.clock.AdvanceMicros(1);
  CHECK(f.Round(worker) == 1);  // attempt 4 succeeds
  CHECK(f.handler->Runs(job.job_id) == 4);

  std::vector<RecordedEvent> events = f.Events(job);
  Types types;
  for (const RecordedEvent& e : events) types.push_back(e.event_type);
  CHECK(types == Types{"job.queued", "job.started", "job.failed", "job.started", "job.failed",
                       "job.started", "job.failed", "job.started", "job.succeeded"});
  CHECK(PayloadField(events[2], "retry_at") ==
        "\"" + FormatRfc3339(Timestamp(kStart + 1'000'000)) + "\"");
  CHECK(PayloadField(events[4], "retry_at") ==
        "\"" + FormatRfc3339(Timestamp(kStart + 3'000'000)) + "\"");
  CHECK(PayloadField(events[6], "retry_at") ==
        "\"" + FormatRfc3339(Timestamp(kStart + 6'000'000)) + "\"");
  CHECK(PayloadField(events[8], "attempt") == "4");
  for (const RecordedEvent& e : events) {
    CHECK(e.metadata.causation_id == job.cause_event_id);
    CHECK(e.metadata.correlation_id == job.job_id);
    CHECK(e.tenant.value() == "shop1");
  }
  CHECK(worker.counts().succeeded.load() == 1);
  CHECK(worker.counts().retried.load() == 3);
}

TEST_CASE("jitter scales each delay between half and all of it") {
  RetryPolicy policy{.max_attempts = 10, .base_delay = 1000ms, .max_delay = 60'000ms};
  CHECK(RetryDelay(policy, 1, 1.0) == 1000ms);
  CHECK(RetryDelay(policy, 1, 0.5) == 500ms);
  CHECK(RetryDelay(policy, 3, 0.75) == 3000ms);
  CHECK(RetryDelay(policy, 40, 1.0) == 60'000ms);
  CHECK(RetryDelay(policy, 2, 7.0) == 2000ms);  // out-of-range jitter is clamped
  JitterSource random = RandomJitter();
  for (int i = 0; i < 100; ++i) {
    double j = random();
    CHECK(j >= 0.5);
    CHECK(j <= 1.0);
  }
}

TEST_CASE("an exhausted job is dead-lettered, requeued by an operator, and then succeeds") {
  Fixture f(RetryPolicy{.max_attempts = 2, .base_delay = 1000ms, .max_delay = 1000ms});
  Job job = f.Enqueue();
  f.handler->Script(job.job_id, {Outcome::kRetry, Outcome::kRetry});
  Worker worker(*f.queue, f.store, f.handlers, f.Options());
  CHECK(f.Round(worker) == 1);
  f.clock.AdvanceMicros(1'000'000);
  CHECK(f.Round(worker) == 1);  // attempt 2 of 2 fails: dead-lettered
  f.clock.AdvanceMicros(60'000'000);
  CHECK(f.Round(worker) == 0);

  Result<std::vector<DeadLetteredJob>> dead = f.queue->DeadLetters(10);
  REQUIRE(dead.ok());
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().job.job_id == job.job_id);
  CHECK(dead->front().detail == "attempts exhausted (2 of 2): 503 from the far side");

  JobActor operator_actor{"user:ops", "cli"};
  REQUIRE(RequeueJob(f.store, *f.queue, job.job_id, operator_actor).ok());
  // A second requeue: the job is no longer dead-lettered.
  CHECK(RequeueJob(f.store, *f.queue, job.job_id, operator_actor).code() == StatusCode::kOk);
  CHECK(f.Round(worker) == 1);  // attempt 3 succeeds
  CHECK(RequeueJob(f.store, *f.queue, job.job_id, operator_actor).code() ==
        StatusCode::kFailedPrecondition);
  CHECK(f.queue->DeadLetters(10)->empty());

  std::vector<RecordedEvent> events = f.Events(job);
  Types types;
  for (const RecordedEvent& e : events) types.push_back(e.event_type);
  CHECK(types == Types{"job.queued", "job.started", "job.failed", "job.started", "job.failed",
                       "job.dead_lettered", "job.requeued", "job.started", "job.succeeded"});
  CHECK(PayloadField(events[4], "final") == "true");
  CHECK(events[6].metadata.actor == "user:ops");
  CHECK(PayloadField(events[7], "attempt") == "3");
}

TEST_CASE("a permanent failure is dead-lettered at once") {
  Fixture f;
  Job job = f.Enqueue();
  f.handler->Script(job.job_id, {Outcome::kFailed});
  Worker worker(*f.queue, f.store, f.handlers, f.Options());
  CHECK(f.Round(worker) == 1);
  f.clock.AdvanceMicros(3'600'000'000);
  CHECK(f.Round(worker) == 0);
  CHECK(f.handler->Runs(job.job_id) == 1);
  CHECK(JobEventTypesOf(f.store, job.job_id) ==
        Types{"job.queued", "job.started", "job.failed", "job.dead_lettered"});
  Result<std::vector<DeadLetteredJob>> dead = f.queue->DeadLetters(10);
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().detail == "400 invalid payload");
}

TEST_CASE("a job of a kind no handler runs is dead-lettered with a clear detail") {
  Fixture f;
  Job job = f.Enqueue("test.unknown");
  Worker worker(*f.queue, f.store, f.handlers, f.Options());
  CHECK(f.Round(worker) == 1);
  CHECK(JobEventTypesOf(f.store, job.job_id) == Types{"job.queued", "job.dead_lettered"});
  Result<std::vector<DeadLetteredJob>> dead = f.queue->DeadLetters(10);
  REQUIRE(dead->size() == 1);
  CHECK(dead->front().detail == "no handler for kind \"test.unknown\" in this worker");
}

TEST_CASE("a job whose worker died after claiming it is run once more by another worker") {
  Fixture f;
  Job job = f.Enqueue();
  // The dead worker: claims, then never records or acknowledges anything.
  Result<std::vector<ClaimedJob>> lost = f.queue->Claim("crashed-worker", 1, 0ms);
  REQUIRE(lost.ok());
  REQUIRE(lost->size() == 1);
  WorkerOptions options = f.Options();
  options.visibility_timeout = 200ms;
  Worker worker(*f.queue, f.store, f.handlers, options);
  CHECK(f.Round(worker) == 0);  // too early: the claim may still be alive
  std::this_thread::sleep_for(250ms);
  CHECK(f.Round(worker) == 1);
  std::this_thread::sleep_for(250ms);
  CHECK(f.Round(worker) == 0);
  CHECK(f.handler->Runs(job.job_id) == 1);
  std::vector<RecordedEvent> events = f.Events(job);
  REQUIRE(events.size() == 3);
  CHECK(events[1].event_type == "job.started");
  CHECK(PayloadField(events[1], "attempt") == "2");  // the dead worker's claim was attempt 1
  CHECK(PayloadField(events[1], "reclaimed") == "true");
  CHECK(events[2].event_type == "job.succeeded");
}

// A queue whose transitions are Unavailable while `down` (Redis gone after the outcome was
// recorded); everything else goes to the real queue. The logic above the interface is the test.
class FlakyTransitions final : public JobQueue {
 public:
  explicit FlakyTransitions(JobQueue& inner) : inner_(inner) {}
  Result<EnqueueOutcome> Enqueue(const Job& job) override { return inner_.Enqueue(job); }
  Result<std::vector<ClaimedJob>> Claim(std::string_view worker, std::size_t max,
                                        std::chrono::milliseconds block) override {
    return inner_.Claim(worker, max, block);
  }
  Result<std::vector<ClaimedJob>> ReclaimStale(std::string_view worker,
                                               std::chrono::milliseconds timeout,
                                               std::size_t max) override {
    return inner_.ReclaimStale(worker, timeout, max);
  }
  Result<TransitionOutcome> Complete(const ClaimedJob& claimed) override {
    if (Failing()) return Unavailable("redis is down");
    return inner_.Complete(claimed);
  }
  Result<TransitionOutcome> Retry(const ClaimedJob& claimed, Timestamp at) override {
    if (Failing()) return Unavailable("redis is down");
    return inner_.Retry(claimed, at);
  }
  Result<TransitionOutcome> DeadLetter(const ClaimedJob& claimed,
                                       std::string_view detail) override {
    if (Failing()) return Unavailable("redis is down");
    return inner_.DeadLetter(claimed, detail);
  }
  Status Requeue(std::string_view job_id) override { return inner_.Requeue(job_id); }
  Result<std::vector<DeadLetteredJob>> DeadLetters(std::size_t limit) override {
    return inner_.DeadLetters(limit);
  }

  std::atomic<int> failures_left{0};  // transitions that fail before they work again
  std::atomic<int> attempts{0};

 private:
  bool Failing() {
    ++attempts;
    return failures_left.fetch_sub(1) > 0;
  }
  JobQueue& inner_;
};

TEST_CASE("a transition Redis refuses after the outcome is recorded is retried, not left") {
  Fixture f;
  Job job = f.Enqueue();
  FlakyTransitions flaky(*f.queue);
  flaky.failures_left = 3;
  WorkerOptions options = f.Options();
  options.unavailable_wait = 10ms;
  Worker worker(flaky, f.store, f.handlers, options);
  CHECK(f.Round(worker) == 1);
  CHECK(flaky.attempts == 4);  // three refusals, then the Complete that worked
  CHECK(f.handler->Runs(job.job_id) == 1);
  CHECK(JobEventTypesOf(f.store, job.job_id) == Types{"job.queued", "job.started", "job.succeeded"});
  // Nothing is left claimed: a later reclaim finds nothing.
  Result<std::vector<ClaimedJob>> stale = f.queue->ReclaimStale("other", 0ms, 10);
  REQUIRE(stale.ok());
  CHECK(stale->empty());
}

TEST_CASE("a reclaimed job whose outcome is in the ledger is not run again") {
  Fixture f;
  Job done = f.Enqueue();
  Job dead = f.Enqueue();
  f.handler->Script(dead.job_id, {Outcome::kFailed});
  // A worker records both outcomes, then cannot tell Redis and is stopped (or dies) before
  // Redis is back: both jobs stay claimed.
  {
    FlakyTransitions down(*f.queue);
    down.failures_left = 1'000'000;
    WorkerOptions options = f.Options();
    options.claim_batch = 2;
    Worker worker(down, f.store, f.handlers, options);
    worker.Stop();  // stopping: the transition is tried once, not waited for
    Result<std::size_t> ran = worker.RunOnce("w-0");
    CHECK_FALSE(ran.ok());
  }
  CHECK(f.handler->Runs(done.job_id) == 1);
  CHECK(f.handler->Runs(dead.job_id) == 1);
  // After the visibility timeout another worker reclaims them: it only tells the queue.
  WorkerOptions options = f.Options();
  options.visibility_timeout = 100ms;
  options.claim_batch = 2;
  Worker other(*f.queue, f.store, f.handlers, options);
  std::this_thread::sleep_for(150ms);
  CHECK(f.Round(other) == 2);
  CHECK(f.handler->Runs(done.job_id) == 1);
  CHECK(f.handler->Runs(dead.job_id) == 1);
  CHECK(JobEventTypesOf(f.store, done.job_id) == Types{"job.queued", "job.started", "job.succeeded"});
  CHECK(JobEventTypesOf(f.store, dead.job_id) ==
        Types{"job.queued", "job.started", "job.failed", "job.dead_lettered"});
  Result<std::vector<DeadLetteredJob>> letters = f.queue->DeadLetters(10);
  REQUIRE(letters.ok());
  REQUIRE(letters->size() == 1);
  CHECK(letters->front().job.job_id == dead.job_id);
  std::this_thread::sleep_for(150ms);
  CHECK(f.Round(other) == 0);  // nothing left claimed
  // Requeued by an operator, the job runs again (a requeue starts it afresh).
  REQUIRE(RequeueJob(f.store, *f.queue, dead.job_id, JobActor{"user:alice", "cli"}).ok());
  CHECK(f.Round(other) == 1);
  CHECK(f.handler->Runs(dead.job_id) == 2);
  CHECK(JobEventTypesOf(f.store, dead.job_id).back() == "job.succeeded");
}

TEST_CASE("enqueueing through the ledger twice records and queues the job once") {
  Fixture f;
  Job job = f.Enqueue();
  Result<EnqueueOutcome> again = EnqueueJob(f.store, *f.queue, job, JobActor{"a", "b"});
  REQUIRE(again.ok());
  CHECK(*again == EnqueueOutcome::kDuplicate);
  CHECK(JobEventTypesOf(f.store, job.job_id) == Types{"job.queued"});
}

TEST_CASE("several worker threads run every job exactly once and stop cleanly") {
  Fixture f;
  std::vector<Job> jobs;
  for (int i = 0; i < 20; ++i) jobs.push_back(f.Enqueue());
  WorkerOptions options = f.Options();
  options.threads = 3;
  options.block = 50ms;
  Worker worker(*f.queue, f.store, f.handlers, options);
  worker.Start();
  for (int i = 0; i < 200 && f.handler->TotalRuns() < 20; ++i) std::this_thread::sleep_for(20ms);
  for (int i = 0; i < 200 && worker.counts().succeeded.load() < 20; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  worker.Stop();
  CHECK(worker.counts().succeeded.load() == 20);
  for (const Job& job : jobs) {
    CHECK(f.handler->Runs(job.job_id) == 1);
    CHECK(JobEventTypesOf(f.store, job.job_id) ==
          Types{"job.queued", "job.started", "job.succeeded"});
  }
  worker.Stop();  // idempotent
}

}  // namespace
}  // namespace ledger::jobs::testing
