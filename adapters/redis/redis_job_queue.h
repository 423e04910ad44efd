// RedisJobQueue: the JobQueue (jobs/job_queue.h) on Redis Streams with a consumer group
// (Redis >= 6.2 for XAUTOCLAIM). Keys and operations: docs/jobs.md ("Keys", "Operations").
//
//   <prefix>:ready        stream of ready jobs; consumer group "workers"; claimed by
//                         XREADGROUP, acknowledged (XACK + XDEL) on every transition,
//                         reclaimed from dead workers by XAUTOCLAIM
//   <prefix>:delayed      sorted set: job ids waiting for a retry, scored by retry time (µs)
//   <prefix>:dead         stream of dead-lettered jobs
//   <prefix>:job:<id>     hash: the job (kind, tenant, cause, payload) and where it stands
//   <prefix>:dedup:<id>   set once (SET NX) when the job is first enqueued: later enqueues of
//                         the same id are duplicates, also after the job has finished
//
// Every change that touches two keys is one Lua script, so a crash or a lost connection never
// leaves a job half moved. A job's hash records which ready-stream entry and which attempt
// currently own it; a transition for an older claim is refused as stale.
//
// A claim whose answer is lost (the connection failed after XREADGROUP or XAUTOCLAIM moved
// entries to the worker, or between that and starting the attempt) would leave those entries
// pending under the worker's name until the visibility timeout. So after a Claim or
// ReclaimStale of worker W failed, W's next Claim first takes back W's own pending entries
// (XREADGROUP ... 0): W is one thread that runs its jobs one after another, so when it asks
// for more, nothing pending under its name is being run.
//
// Thread safety: every method may be called concurrently; each call borrows a connection from
// a pool (one per concurrent caller) and a broken connection is replaced on the next call.
#ifndef LEDGER_ADAPTERS_REDIS_REDIS_JOB_QUEUE_H_
#define LEDGER_ADAPTERS_REDIS_REDIS_JOB_QUEUE_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "adapters/redis/redis_connection.h"
#include "engine/clock.h"
#include "jobs/job_queue.h"

namespace ledger::redis {

struct RedisJobQueueOptions {
  // Every key starts with this; tests use a fresh prefix each so they share a server safely.
  std::string key_prefix = "ledger:jobs";
  std::string group = "workers";
  // How long the dedup key of a job outlives its enqueue; 0: forever. A job enqueued again
  // after this runs again, so keep it longer than the dispatcher could ever re-read the log.
  std::chrono::milliseconds dedup_ttl{0};
  // Due retries moved to the ready stream per Claim call.
  std::size_t promote_batch = 100;
  RedisOptions connection;
  Clock* clock = SystemClock::Default();  // retry times and timestamps; not owned
};

class RedisJobQueue final : public jobs::JobQueue {
 public:
  // Connects lazily: construction never fails, and a server that is down makes calls return
  // Unavailable until it is back.
  RedisJobQueue(RedisEndpoint endpoint, RedisJobQueueOptions options);
  ~RedisJobQueue() override;

  Result<jobs::EnqueueOutcome> Enqueue(const jobs::Job& job) override;
  Result<std::vector<jobs::ClaimedJob>> Claim(std::string_view worker, std::size_t max,
                                              std::chrono::milliseconds block) override;
  Result<std::vector<jobs::ClaimedJob>> ReclaimStale(std::string_view worker,
                                                     std::chrono::milliseconds visibility_timeout,
                                                     std::size_t max) override;
  Result<jobs::TransitionOutcome> Complete(const jobs::ClaimedJob& claimed) override;
  Result<jobs::TransitionOutcome> Retry(const jobs::ClaimedJob& claimed, Timestamp at) override;
  Result<jobs::TransitionOutcome> DeadLetter(const jobs::ClaimedJob& claimed,
                                             std::string_view detail) override;
  Status Requeue(std::string_view job_id) override;
  Result<std::vector<jobs::DeadLetteredJob>> DeadLetters(std::size_t limit) override;

  // The key names, for docs/jobs.md and tests.
  std::string ReadyKey() const { return options_.key_prefix + ":ready"; }
  std::string DelayedKey() const { return options_.key_prefix + ":delayed"; }
  std::string DeadKey() const { return options_.key_prefix + ":dead"; }
  std::string JobKey(std::string_view job_id) const;
  std::string DedupKey(std::string_view job_id) const;

 private:
  class Borrowed;

  std::unique_ptr<RedisConnection> Take();
  void Give(std::unique_ptr<RedisConnection> connection);

  // Runs a command that names the consumer group, creating the group (and stream) first if
  // the server has none: a new server, or one restarted without persistence.
  Result<RedisReply> WithGroup(RedisConnection& connection, const std::vector<std::string>& args,
                               std::chrono::milliseconds extra_wait);
  Status PromoteDue(RedisConnection& connection);
  // Starts the next attempt of the job behind each stream entry in `entries` (XREADGROUP or
  // XAUTOCLAIM format); entries whose job is gone or moved on are acknowledged and skipped.
  Result<std::vector<jobs::ClaimedJob>> BeginAttempts(RedisConnection& connection,
                                                      const RedisReply& entries,
                                                      std::string_view worker, bool reclaimed);
  // W's own pending entries, when an earlier claim of W may have been lost (see above).
  Result<std::vector<jobs::ClaimedJob>> RecoverOwn(RedisConnection& connection,
                                                   std::string_view worker, std::size_t max);
  void MarkMaybeLost(std::string_view worker, bool lost);
  bool MaybeLost(std::string_view worker);
  Result<jobs::TransitionOutcome> Transition(std::string_view script,
                                             const std::vector<std::string>& keys,
                                             const std::vector<std::string>& args);

  RedisEndpoint endpoint_;
  RedisJobQueueOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;  // guarded by mu_
  std::set<std::string, std::less<>> maybe_lost_;       // guarded by mu_
};

}  // namespace ledger::redis

#endif  // LEDGER_ADAPTERS_REDIS_REDIS_JOB_QUEUE_H_
