// Jobs: side effects run outside request handlers, queued on Redis and recorded in the ledger
// (DESIGN.md section 9, docs/jobs.md).
//
// The log is the outbox. A dispatcher reads events that need a side effect and enqueues a Job
// whose id derives from the causing event, so enqueueing twice is harmless; workers claim jobs
// and run the JobHandler registered for the job's kind, retrying with backoff up to the kind's
// RetryPolicy, then dead-lettering. Every state change of a job is an event in the ledger.
//
// This header is the contract between the queue and worker (job_queue.h, worker.h,
// adapters/redis) and the job kinds (jobs/kinds/): handlers know nothing about Redis.
#ifndef LEDGER_JOBS_JOB_H_
#define LEDGER_JOBS_JOB_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::jobs {

// One unit of side-effecting work, as queued. Everything a handler needs is in `payload`, fixed
// when the job is enqueued, so a retry does the same thing as the first attempt.
struct Job {
  std::string job_id;          // JobIdFor(kind, cause_event_id)
  std::string kind;            // a registered handler's kind(), e.g. "printify.submit_order"
  std::string tenant_id;
  std::string cause_event_id;  // the event that asked for this job (its causation)
  std::string payload;         // a JSON object
  std::uint32_t attempt = 0;   // 1 on the first run, 2 on the first retry, ...
};

// The id of the job of `kind` caused by the event `cause_event_id`: a UUIDv5 of both, so the
// same event always yields the same job and a second enqueue is recognised as a duplicate.
std::string JobIdFor(std::string_view kind, std::string_view cause_event_id);

enum class Outcome {
  kSucceeded,  // done; never run again
  kRetry,      // a transient failure (5xx, timeout, connection refused): retry after backoff
  kFailed,     // a permanent failure (4xx, invalid payload): dead-letter now, no retry
};

struct JobResult {
  Outcome outcome = Outcome::kSucceeded;
  // Why, in a few words, for the job's events and logs. Never a secret, never an address or
  // other personal data in full.
  std::string detail;
  // What the side effect produced (a Printify order id, an SMTP message id), a JSON object;
  // recorded in the job's succeeded/failed event.
  std::string result = "{}";
};

// How often and how patiently a kind is retried: attempt n (n >= 2) waits
// min(max_delay, base_delay * 2^(n-2)) scaled by a random factor in [0.5, 1] (jitter), and a
// job that has used max_attempts attempts is dead-lettered.
struct RetryPolicy {
  std::uint32_t max_attempts = 5;
  std::chrono::milliseconds base_delay{1'000};
  std::chrono::milliseconds max_delay{5 * 60'000};
};

class JobHandler {
 public:
  virtual ~JobHandler() = default;

  // The kind this handler runs; jobs of other kinds never reach it.
  virtual std::string_view kind() const = 0;

  virtual RetryPolicy retry_policy() const { return {}; }

  // Runs one attempt. A worker that dies after the side effect but before recording success
  // runs the job again, so an attempt must be safe to repeat: pass job.job_id as the
  // idempotency key where the far side supports one, and check the ledger for a recorded
  // result first where it does not. Must not throw. Called from worker threads, concurrently
  // for different jobs.
  virtual JobResult Run(const Job& job) = 0;
};

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_JOB_H_
