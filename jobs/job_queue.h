// JobQueue: where queued jobs wait for a worker (DESIGN.md section 9, docs/jobs.md "Queue").
// The Redis implementation is adapters/redis/redis_job_queue.h; the worker (worker.h) and the
// dispatcher see only this interface.
//
// Delivery is at least once: a claimed job whose worker neither completes, retries nor
// dead-letters it within the visibility timeout is handed to another worker by ReclaimStale,
// so a handler may run twice for one attempt's worth of work (jobs/job.h, JobHandler::Run).
//
// Every transition method takes the ClaimedJob it acts on. If the job has been claimed again
// since (another worker reclaimed it after the visibility timeout), the call is stale: it
// changes nothing and reports so (TransitionOutcome::kStale), because the newer claim owns
// the job now.
//
// Thread safety: every method may be called concurrently from any thread.
// Errors: Unavailable when the queue's server is unreachable (retry the call later; the
// operation may or may not have taken effect, and every operation is safe to repeat).
#ifndef LEDGER_JOBS_JOB_QUEUE_H_
#define LEDGER_JOBS_JOB_QUEUE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ids.h"
#include "engine/result.h"
#include "jobs/job.h"

namespace ledger::jobs {

enum class EnqueueOutcome {
  kQueued,     // the job is new and now waits for a worker
  kDuplicate,  // a job with this id was enqueued before: nothing changed (not an error)
};

enum class TransitionOutcome {
  kApplied,  // the job moved as asked
  kStale,    // the claim was superseded (reclaimed by another worker) or the job is gone
};

// A job handed to one worker. `job.attempt` is this attempt's number: it counts every claim,
// including claims whose worker died, so a job that crashes workers still runs out of attempts.
struct ClaimedJob {
  Job job;
  // The queue's handle on this delivery (for Redis, the ready stream's entry id).
  std::string receipt;
  // The first attempt of the current budget: 1, or the attempt after the last requeue. The
  // kind's RetryPolicy counts attempts from here (job.attempt - first_attempt + 1 used).
  std::uint32_t first_attempt = 1;
  bool reclaimed = false;  // taken over from a worker that exceeded the visibility timeout
};

struct DeadLetteredJob {
  Job job;  // job.attempt: the last attempt made
  std::string detail;
  Timestamp dead_lettered_at{0};
};

class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Queues `job` (job.attempt is ignored) unless a job with its id was ever enqueued.
  virtual Result<EnqueueOutcome> Enqueue(const Job& job) = 0;

  // Claims up to `max` ready jobs for `worker` (a name unique among running workers),
  // waiting up to `block` for one to arrive; an empty list when none did. Jobs whose retry
  // time has come are made ready first.
  virtual Result<std::vector<ClaimedJob>> Claim(std::string_view worker, std::size_t max,
                                                std::chrono::milliseconds block) = 0;

  // Takes over up to `max` jobs claimed by any worker longer than `visibility_timeout` ago
  // without a transition, for `worker`. Each counts as a new attempt.
  virtual Result<std::vector<ClaimedJob>> ReclaimStale(std::string_view worker,
                                                       std::chrono::milliseconds visibility_timeout,
                                                       std::size_t max) = 0;

  // The job is done; it is forgotten except for its id (a later Enqueue is a duplicate).
  virtual Result<TransitionOutcome> Complete(const ClaimedJob& claimed) = 0;

  // The job waits until `at`, then becomes ready again.
  virtual Result<TransitionOutcome> Retry(const ClaimedJob& claimed, Timestamp at) = 0;

  // The job moves to the dead-letter list, where it stays until Requeue.
  virtual Result<TransitionOutcome> DeadLetter(const ClaimedJob& claimed,
                                               std::string_view detail) = 0;

  // Moves a dead-lettered job back to the ready jobs with a fresh attempt budget.
  // NotFound if the queue holds no job `job_id`; FailedPrecondition if it is not
  // dead-lettered (already requeued, waiting or running).
  virtual Status Requeue(std::string_view job_id) = 0;

  // Dead-lettered jobs, oldest first, at most `limit`.
  virtual Result<std::vector<DeadLetteredJob>> DeadLetters(std::size_t limit) = 0;
};

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_JOB_QUEUE_H_
