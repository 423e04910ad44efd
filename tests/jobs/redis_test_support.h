// What the Redis job tests share: the test server's URL (LEDGER_TEST_REDIS_URL; a test FAILS
// without it, like the PostgreSQL tests), a queue under a key prefix no other test uses, a
// redis-server of the test's own that it can stop and restart, and a scripted job handler.
#ifndef LEDGER_TESTS_JOBS_REDIS_TEST_SUPPORT_H_
#define LEDGER_TESTS_JOBS_REDIS_TEST_SUPPORT_H_

#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "adapters/redis/redis_job_queue.h"
#include "engine/event_store.h"
#include "jobs/job.h"

namespace ledger::jobs::testing {

// The endpoint of LEDGER_TEST_REDIS_URL; fails the test when it is unset or malformed.
redis::RedisEndpoint TestRedis();

// A queue on `endpoint` under a fresh key prefix ("test:<uuid>"), timing from `clock`.
std::unique_ptr<redis::RedisJobQueue> FreshQueue(const redis::RedisEndpoint& endpoint,
                                                 Clock* clock = SystemClock::Default());

// A job of `kind` caused by a fresh event id.
Job MakeJob(const std::string& kind, const std::string& payload = R"({"n":1})");

// A redis-server of the test's own on a free loopback port, with an append-only file, in a
// fresh directory removed on destruction. Stop() shuts it down (flushing the file); Start()
// brings it back on the same port with the same data.
class OwnRedisServer {
 public:
  OwnRedisServer();  // starts it; fails the test if it does not answer
  ~OwnRedisServer();
  OwnRedisServer(const OwnRedisServer&) = delete;
  OwnRedisServer& operator=(const OwnRedisServer&) = delete;

  void Start();
  void Stop();
  redis::RedisEndpoint endpoint() const { return {"127.0.0.1", port_, 0}; }

 private:
  bool Ping() const;

  std::string dir_;
  int port_ = 0;
  bool running_ = false;
};

// A handler whose outcomes are scripted per job id: each run takes the next outcome from the
// job's script (kSucceeded once the script is used up) and counts the run. Thread-safe.
class ScriptedHandler final : public JobHandler {
 public:
  ScriptedHandler(std::string kind, RetryPolicy policy) : kind_(std::move(kind)), policy_(policy) {}

  std::string_view kind() const override { return kind_; }
  RetryPolicy retry_policy() const override { return policy_; }
  JobResult Run(const Job& job) override;

  void Script(const std::string& job_id, std::vector<Outcome> outcomes);
  int Runs(const std::string& job_id);
  int TotalRuns();

 private:
  std::string kind_;
  RetryPolicy policy_;
  std::mutex mu_;
  std::map<std::string, std::deque<Outcome>> scripts_;
  std::map<std::string, int> runs_;
};

// The event types of the job's stream, in order.
std::vector<std::string> JobEventTypesOf(EventStore& store, const std::string& job_id);

}  // namespace ledger::jobs::testing

#endif  // LEDGER_TESTS_JOBS_REDIS_TEST_SUPPORT_H_
