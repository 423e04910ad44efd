// The ledger's record of a job (DESIGN.md section 9; docs/events.md, "Job events"): every
// state change of a job is an event on the stream job-<job_id>.
//
//   job.queued         the dispatcher queued it         (attempt 0)
//   job.started        a worker began attempt n
//   job.succeeded      attempt n succeeded
//   job.failed         attempt n failed: retry at a time, or final
//   job.dead_lettered  no more attempts (final failure, attempts used up, unknown kind)
//   job.requeued       an operator moved it from the dead letters back to the queue
//
// Event ids are name-based (JobEventId): the same transition of the same attempt always has
// the same id, so a caller that retries an append after a lost acknowledgement never records
// a transition twice (the store deduplicates by event id). causation_id is the job's cause
// event, correlation_id the job id.
//
// The rule for every transition: ledger first, then the queue. A crash between the two
// leaves the queue behind the ledger, and the queue then re-runs the job (at least once);
// the other order could lose the record of a side effect that happened.
#ifndef LEDGER_JOBS_JOB_EVENTS_H_
#define LEDGER_JOBS_JOB_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/event.h"
#include "engine/event_store.h"
#include "jobs/job.h"
#include "jobs/job_queue.h"

namespace ledger::jobs {

inline constexpr std::string_view kJobQueued = "job.queued";
inline constexpr std::string_view kJobStarted = "job.started";
inline constexpr std::string_view kJobSucceeded = "job.succeeded";
inline constexpr std::string_view kJobFailed = "job.failed";
inline constexpr std::string_view kJobDeadLettered = "job.dead_lettered";
inline constexpr std::string_view kJobRequeued = "job.requeued";

// Every job event type, in lifecycle order (for the catalog test and the projector).
std::vector<std::string_view> JobEventTypes();

// "job-<job_id>".
StreamId JobStream(std::string_view job_id);

// V5(LedgerNamespace(), "job-event:<job_id>:<event_type>:<attempt>").
EventId JobEventId(std::string_view job_id, std::string_view event_type, std::uint32_t attempt);

// Who appends: "source" and "actor" of the events' metadata.
struct JobActor {
  std::string actor;   // "system:worker", "user:alice"
  std::string source;  // "jobs.worker", "jobs.dispatcher", "cli"
};

// The events, each for job.attempt where it has one. Payload fields: docs/events.md.
NewEvent JobQueuedEvent(const Job& job, const JobActor& by);
NewEvent JobStartedEvent(const ClaimedJob& claimed, std::string_view worker, const JobActor& by);
NewEvent JobSucceededEvent(const Job& job, const JobResult& result, const JobActor& by);
// `retry_at` nullopt: the failure is final (a job.dead_lettered follows in the same append).
NewEvent JobFailedEvent(const Job& job, const JobResult& result, std::optional<Timestamp> retry_at,
                        const JobActor& by);
NewEvent JobDeadLetteredEvent(const Job& job, std::string_view detail, const JobActor& by);
// `last_attempt`: the attempt after which the job was dead-lettered.
NewEvent JobRequeuedEvent(const Job& job, std::uint32_t last_attempt, const JobActor& by);

// Appends `events` to the job's stream (any expected version: ids make retries harmless).
Status AppendJobEvents(EventStore& store, std::string_view job_id, std::vector<NewEvent> events);

// Records job.queued, then enqueues: what the dispatcher calls for each job an event asks
// for. Safe to repeat for the same job (both steps are idempotent): kDuplicate when the queue
// had it already. Unavailable from either the store or the queue: call again later.
Result<EnqueueOutcome> EnqueueJob(EventStore& store, JobQueue& queue, const Job& job,
                                  const JobActor& by);

// `ledger jobs requeue`: reads the job's stream, requires its last event to be
// job.dead_lettered (or job.requeued, when an earlier requeue recorded the event but did not
// reach the queue), records job.requeued, then requeues. NotFound: no such job in the ledger;
// FailedPrecondition: the job is not dead-lettered.
Status RequeueJob(EventStore& store, JobQueue& queue, std::string_view job_id, const JobActor& by);

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_JOB_EVENTS_H_
