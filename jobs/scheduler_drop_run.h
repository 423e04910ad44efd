// DropRunRecorder: records a daily drop's progress on its stream (scheduler_events.h) around
// the handler that sends it. The scheduler records `drop.due`; the dispatcher turns it into
// an email.daily_drop job (payload with `drop_date`); this decorator, wrapped around that
// job's handler where the worker's handlers are registered, appends
//   drop.started    before the job's attempt runs (once per drop: later attempts and other
//                   jobs of the same drop are deduplicated by the event id), and
//   drop.completed  after an attempt that ends the job: succeeded, or failed for good.
// A job whose retries run out is dead-lettered by the worker without a final outcome from
// the handler: the job's own events (job.dead_lettered) record that, not the drop stream.
#ifndef LEDGER_JOBS_SCHEDULER_DROP_RUN_H_
#define LEDGER_JOBS_SCHEDULER_DROP_RUN_H_

#include <memory>

#include "engine/event_store.h"
#include "jobs/job.h"

namespace ledger::jobs {

class DropRunRecorder final : public JobHandler {
 public:
  // `events` must outlive the recorder. Thread-safe if `inner` is.
  DropRunRecorder(std::unique_ptr<JobHandler> inner, EventStore& events)
      : inner_(std::move(inner)), events_(events) {}

  std::string_view kind() const override { return inner_->kind(); }
  RetryPolicy retry_policy() const override { return inner_->retry_policy(); }

  // A job without a string `drop_date` runs unrecorded (the inner handler judges its
  // payload). If drop.started cannot be appended the attempt is retried without sending
  // (kRetry); if drop.completed cannot be appended the outcome stands (a retry would send the
  // email again) and its detail says the record is missing.
  JobResult Run(const Job& job) override;

 private:
  std::unique_ptr<JobHandler> inner_;
  EventStore& events_;
};

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_SCHEDULER_DROP_RUN_H_
