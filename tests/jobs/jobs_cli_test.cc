// `ledger worker` and `ledger jobs dead-letters|requeue` (adapters/cli/worker_command.cc,
// jobs_command.cc), run in-process against a redis-server of the test's own (the commands use
// the default key prefix, so no other test may share the server) and a memory event store.
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "adapters/redis/redis_job_queue.h"
#include "engine/memory_store.h"
#include "jobs/job_events.h"
#include "tests/cli/fake_environment.h"
#include "tests/jobs/redis_test_support.h"

namespace ledger::jobs {
namespace {

using ledger::testing::CliRun;
using ledger::testing::FakeEnvironment;
using testing::MakeJob;
using testing::OwnRedisServer;

std::string RedisUrl(const OwnRedisServer& redis) {
  return "redis://127.0.0.1:" + std::to_string(redis.endpoint().port);
}

// The event types of the job's stream, in order.
std::vector<std::string> JobHistory(EventStore& store, const std::string& job_id) {
  Result<std::vector<RecordedEvent>> events =
      store.ReadStream(JobStream(job_id), StreamReadOptions{});
  REQUIRE_MESSAGE(events.ok(), events.status().ToString());
  std::vector<std::string> types;
  for (const RecordedEvent& e : *events) types.push_back(e.event_type);
  return types;
}

bool EndsWith(const std::vector<std::string>& types, const std::string& last) {
  return !types.empty() && types.back() == last;
}

// Runs `ledger worker` until `done` holds (checked between polls) or 20 s pass.
CliRun RunWorkerUntil(FakeEnvironment& env, const OwnRedisServer& redis,
                      const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  env.stop_when = [&] { return done() || std::chrono::steady_clock::now() > deadline; };
  return env.Run({"worker", "--redis-url", RedisUrl(redis), "--threads", "1", "--name", "cli-test",
                  "--database-url", "sqlite::memory:"});
}

TEST_CASE("ledger worker runs queued jobs, dead-letters a kind it cannot run, exits 0 on stop") {
  OwnRedisServer redis;
  MemoryEventStore store;
  redis::RedisJobQueue queue(redis.endpoint(), redis::RedisJobQueueOptions{});
  const JobActor dispatcher{"system:dispatcher", "jobs.dispatcher"};
  Job noop = MakeJob("ledger.noop", "{}");
  Job unknown = MakeJob("no.such_kind", "{}");
  REQUIRE(EnqueueJob(store, queue, noop, dispatcher).ok());
  REQUIRE(EnqueueJob(store, queue, unknown, dispatcher).ok());

  FakeEnvironment env(&store);
  CliRun run = RunWorkerUntil(env, redis, [&] {
    return EndsWith(JobHistory(store, noop.job_id), "job.succeeded") &&
           EndsWith(JobHistory(store, unknown.job_id), "job.dead_lettered");
  });
  CHECK_MESSAGE(run.exit_code == 0, run.err);
  CHECK(JobHistory(store, noop.job_id) ==
        std::vector<std::string>{"job.queued", "job.started", "job.succeeded"});
  std::vector<std::string> dead = JobHistory(store, unknown.job_id);
  CHECK(dead.front() == "job.queued");
  CHECK(dead.back() == "job.dead_lettered");
  CHECK(env.catching_signals);

  SUBCASE("dead-letters lists it; requeue records job.requeued and puts it back") {
    CliRun listed = env.Run({"jobs", "dead-letters", "--redis-url", RedisUrl(redis)});
    REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
    std::vector<std::string> lines = listed.OutLines();
    REQUIRE(lines.size() == 1);
    boost::json::object line = boost::json::parse(lines[0]).as_object();
    CHECK(line.at("job_id").as_string() == unknown.job_id);
    CHECK(line.at("kind").as_string() == "no.such_kind");
    CHECK(line.at("tenant_id").as_string() == "shop1");

    CliRun requeued = env.Run({"jobs", "requeue", unknown.job_id, "--actor", "user:alice",
                               "--redis-url", RedisUrl(redis), "--database-url", "sqlite::memory:"});
    REQUIRE_MESSAGE(requeued.exit_code == 0, requeued.err);
    CHECK(requeued.out == "{\"job_id\":\"" + unknown.job_id + "\",\"requeued\":true}\n");
    CHECK(EndsWith(JobHistory(store, unknown.job_id), "job.requeued"));
    Result<std::vector<RecordedEvent>> events =
        store.ReadStream(JobStream(unknown.job_id), StreamReadOptions{});
    REQUIRE(events.ok());
    CHECK(events->back().metadata.actor == "user:alice");
    CHECK(env.Run({"jobs", "dead-letters", "--redis-url", RedisUrl(redis)}).out.empty());

    // Requeued, the job is claimable again: the worker (still without the kind) dead-letters
    // it a second time, and a second requeue is allowed once that is recorded.
    CliRun again = RunWorkerUntil(env, redis, [&] {
      return EndsWith(JobHistory(store, unknown.job_id), "job.dead_lettered");
    });
    CHECK_MESSAGE(again.exit_code == 0, again.err);
    CHECK(EndsWith(JobHistory(store, unknown.job_id), "job.dead_lettered"));
  }

  SUBCASE("requeue refuses a job that is not dead-lettered, and an unknown one") {
    CliRun alive = env.Run({"jobs", "requeue", noop.job_id, "--redis-url", RedisUrl(redis),
                            "--database-url", "sqlite::memory:"});
    CHECK(alive.exit_code == 1);
    CHECK(alive.err.find("not dead-lettered") != std::string::npos);
    CliRun missing = env.Run({"jobs", "requeue", "00000000-0000-0000-0000-000000000000",
                              "--redis-url", RedisUrl(redis), "--database-url", "sqlite::memory:"});
    CHECK(missing.exit_code == 1);
    CHECK(JobHistory(store, noop.job_id).back() == "job.succeeded");
  }
}

TEST_CASE("ledger jobs and worker refuse bad usage with exit 2 and touch nothing") {
  FakeEnvironment env;
  CHECK(env.Run({"jobs", "dead-letters"}).exit_code == 2);  // no --redis-url
  CHECK(env.Run({"jobs", "requeue", "--redis-url", "redis://127.0.0.1:1"}).exit_code == 2);
  CHECK(env.Run({"jobs", "purge", "--redis-url", "redis://127.0.0.1:1"}).exit_code == 2);
  CHECK(env.Run({"jobs", "dead-letters", "x", "--redis-url", "redis://127.0.0.1:1"}).exit_code ==
        2);
  CHECK(env.Run({"jobs", "dead-letters", "--redis-url", "http://x"}).exit_code == 2);
  CHECK(env.Run({"worker", "--redis-url", "redis://127.0.0.1:1", "--threads", "0"}).exit_code ==
        2);
  CHECK(env.Run({"worker"}).exit_code == 2);
}

TEST_CASE("ledger jobs dead-letters with Redis down is an error, not an empty list") {
  FakeEnvironment env;
  CliRun run = env.Run({"jobs", "dead-letters", "--redis-url", "redis://127.0.0.1:1"});
  CHECK(run.exit_code == 1);
  CHECK(run.out.empty());
  CHECK_FALSE(run.err.empty());
}

}  // namespace
}  // namespace ledger::jobs
