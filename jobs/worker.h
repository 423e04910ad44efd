// Worker: claims jobs from a JobQueue, runs the JobHandler registered for each job's kind and
// records every state change in the ledger (DESIGN.md section 9, docs/jobs.md "Workers").
//
// One attempt, in order:
//   1. claim (or reclaim a job whose worker died, after the visibility timeout);
//   2. append job.started; run the handler;
//   3. append job.succeeded, job.failed (retry at a time), or job.failed + job.dead_lettered
//      (outcome kFailed, attempts used up, or no handler for the kind);
//   4. only then tell the queue (Complete, Retry, DeadLetter).
// Ledger first, then Redis. The ledger is what decides whether a job has run:
// - If step 4 finds Redis unavailable, the worker keeps the claim and retries the transition
//   every options.unavailable_wait until Redis answers (or the worker stops).
// - Before step 2, the worker reads the job's stream: a job whose final outcome (succeeded or
//   dead-lettered, since its last requeue) is already recorded is not run again; only the
//   queue is told. So a crash, a stop or an outage between 3 and 4, after which the job is
//   reclaimed when the visibility timeout passes, never repeats its side effect.
// A job still runs twice if its worker dies between the side effect and step 3, or if a run
// outlasts the visibility timeout (at least once, never lost); handlers make what they can
// idempotent (Printify's external_id, the email's fixed Message-ID), and every event id is
// deterministic, so a repeated append is harmless. If an append fails, the queue is not
// touched and the job is reclaimed later.
#ifndef LEDGER_JOBS_WORKER_H_
#define LEDGER_JOBS_WORKER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "engine/clock.h"
#include "engine/event_store.h"
#include "jobs/job.h"
#include "jobs/job_events.h"
#include "jobs/job_queue.h"

namespace ledger::jobs {

// The handlers a worker runs, by kind. Filled before the worker starts; read-only after.
class HandlerRegistry {
 public:
  // AlreadyExists if a handler for the same kind is registered.
  Status Register(std::unique_ptr<JobHandler> handler);
  // nullptr if no handler runs `kind`.
  JobHandler* Find(std::string_view kind) const;
  std::vector<std::string> kinds() const;

 private:
  std::map<std::string, std::unique_ptr<JobHandler>, std::less<>> handlers_;
};

// How long attempt `attempt_in_budget` + 1 waits after attempt `attempt_in_budget` failed
// (jobs/job.h RetryPolicy): min(max_delay, base_delay * 2^(attempt_in_budget - 1)) * jitter.
// `attempt_in_budget` >= 1; `jitter` in [0.5, 1].
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, std::uint32_t attempt_in_budget,
                                     double jitter);

// A factor in [0.5, 1] for each retry. Must be thread-safe.
using JitterSource = std::function<double()>;

// Uniformly random in [0.5, 1].
JitterSource RandomJitter();

struct WorkerOptions {
  // Unique among running workers (the consumer name in the queue); thread i claims as
  // "<name>-<i>". `ledger worker` uses host and process id.
  std::string name = "worker";
  std::size_t threads = 1;
  std::size_t claim_batch = 1;  // jobs claimed per round and thread
  // How long a claim waits for a job: also how late a stop or a due retry may be noticed.
  std::chrono::milliseconds block{500};
  // A claimed job without a transition for this long is taken over by another worker. Must
  // exceed the longest handler run, or a slow job runs twice.
  std::chrono::milliseconds visibility_timeout{5 * 60'000};
  // After the queue or the store was unavailable: wait this long before the next round.
  std::chrono::milliseconds unavailable_wait{1'000};
  JitterSource jitter = RandomJitter();
  Clock* clock = SystemClock::Default();  // retry times; not owned
  JobActor actor{"system:worker", "jobs.worker"};
};

// What one worker has done since it started, for metrics and tests.
struct WorkerCounts {
  std::atomic<std::uint64_t> started{0};
  std::atomic<std::uint64_t> succeeded{0};
  std::atomic<std::uint64_t> retried{0};
  std::atomic<std::uint64_t> dead_lettered{0};
  std::atomic<std::uint64_t> errors{0};  // store or queue errors (the job is reclaimed later)
};

class Worker {
 public:
  // `queue`, `store` and `handlers` are not owned and must outlive the worker.
  Worker(JobQueue& queue, EventStore& store, const HandlerRegistry& handlers,
         WorkerOptions options);
  ~Worker();  // Stop()
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // One round as consumer `consumer`: reclaim stale jobs, else claim (waiting up to
  // options.block), then run each. Returns how many jobs it ran. Used by the threads; tests
  // call it directly to step a worker.
  Result<std::size_t> RunOnce(std::string_view consumer);

  // Starts options.threads threads that run rounds until Stop. Errors (Redis or the store
  // down) are logged and retried after options.unavailable_wait: workers resume by themselves.
  void Start();
  // Stops the threads and waits for them; a job being run finishes first. Idempotent.
  void Stop();

  const WorkerCounts& counts() const { return counts_; }

 private:
  // Runs one claimed job through steps 2 to 4.
  Status Process(const ClaimedJob& claimed, std::string_view consumer);
  Status Finish(const ClaimedJob& claimed, const JobResult& result, const RetryPolicy& policy);
  Status DeadLetter(const ClaimedJob& claimed, std::vector<NewEvent> events,
                    std::string_view detail);
  // Runs `move` (a queue transition after the outcome is in the ledger), again every
  // options.unavailable_wait while the queue is Unavailable and the worker is not stopping.
  Status Transition(const ClaimedJob& claimed,
                    const std::function<Result<TransitionOutcome>()>& move);
  // The queue transition for a job whose final outcome the ledger already holds (a repeat
  // claim after a crash or an outage between step 3 and 4); nullopt if it has none.
  std::optional<Status> FinishRecorded(const ClaimedJob& claimed,
                                       const std::vector<RecordedEvent>& history);
  void Loop(const std::stop_token& stop, std::string consumer);

  JobQueue& queue_;
  EventStore& store_;
  const HandlerRegistry& handlers_;
  WorkerOptions options_;
  WorkerCounts counts_;
  std::vector<std::jthread> threads_;
  std::atomic<bool> stopping_{false};
};

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_WORKER_H_
