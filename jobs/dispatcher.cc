#include "jobs/dispatcher.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>

namespace ledger::jobs {

Dispatcher::Dispatcher(EventStore& events, CheckpointStore& checkpoints, JobQueue& queue,
                       std::vector<DispatchRule> rules, DispatcherOptions options)
    : events_(events),
      checkpoints_(checkpoints),
      queue_(queue),
      rules_(std::move(rules)),
      options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : SystemClock::Default()) {}

DispatcherStats Dispatcher::stats() const {
  DispatcherStats s;
  s.events = counters_.events.load();
  s.queued = counters_.queued.load();
  s.duplicates = counters_.duplicates.load();
  s.skipped = counters_.skipped.load();
  s.unavailable = counters_.unavailable.load();
  return s;
}

Result<std::vector<Job>> Dispatcher::JobsFor(const RecordedEvent& event) {
  std::vector<Job> jobs;
  for (const DispatchRule& rule : rules_) {
    if (rule.event_type != event.event_type) continue;
    LEDGER_ASSIGN_OR_RETURN(std::vector<JobRequest> requests, rule.payload(event, events_));
    if (requests.empty()) {
      ++counters_.skipped;
      continue;
    }
    for (JobRequest& request : requests) {
      Job job;
      job.cause_event_id = event.event_id.ToString();
      job.job_id = JobIdForRequest(rule.job_kind, job.cause_event_id, request);
      job.kind = rule.job_kind;
      job.tenant_id = event.tenant.value();
      job.payload = std::move(request.payload);
      jobs.push_back(std::move(job));
    }
  }
  return jobs;
}

Status Dispatcher::Dispatch(const RecordedEvent& event) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<Job> jobs, JobsFor(event));
  for (const Job& job : jobs) {
    LEDGER_ASSIGN_OR_RETURN(EnqueueOutcome outcome,
                            EnqueueJob(events_, queue_, job, options_.actor));
    ++(outcome == EnqueueOutcome::kQueued ? counters_.queued : counters_.duplicates);
  }
  return Status::Ok();
}

Result<std::size_t> Dispatcher::RunOnce(std::size_t limit) {
  LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> checkpoint,
                          checkpoints_.LoadCheckpoint(options_.checkpoint_name));
  GlobalPosition after = checkpoint ? checkpoint->position : GlobalPosition(0);
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> batch, events_.ReadAll(after, limit));
  if (batch.empty()) {
    position_ = after;
    return std::size_t{0};
  }
  for (const RecordedEvent& e : batch) {
    Status dispatched = Dispatch(e);
    if (!dispatched.ok()) {
      if (dispatched.code() == StatusCode::kUnavailable) ++counters_.unavailable;
      return dispatched.WithContext("dispatching " + e.event_type + " at position " +
                                    std::to_string(e.global_position.value()));
    }
  }
  // Invariant: the queue holds every job of the batch before the checkpoint passes it.
  CheckpointMove move;
  if (checkpoint) move.expected = checkpoint->position;
  move.next.name = options_.checkpoint_name;
  move.next.version = kDispatcherVersion;
  move.next.position = batch.back().global_position;
  move.next.events = (checkpoint ? checkpoint->events : 0) + batch.size();
  move.next.updated_at = clock_->Now();
  LEDGER_RETURN_IF_ERROR(checkpoints_.SaveCheckpoint(move));
  position_ = move.next.position;
  counters_.events += batch.size();
  return batch.size();
}

Status Dispatcher::CatchUp() {
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(std::size_t n, RunOnce(options_.batch_size));
    if (n == 0) return Status::Ok();
  }
}

void Dispatcher::SleepFor(std::chrono::milliseconds wait, const std::stop_token& stop) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait_for(lock, stop, wait, [] { return false; });
}

Status Dispatcher::Follow(std::stop_token stop) {
  bool waiting = false;  // in an outage: logged once when it begins and once when it ends
  while (!stop.stop_requested()) {
    Result<std::size_t> n = RunOnce(options_.batch_size);
    if (!n.ok()) {
      if (n.status().code() != StatusCode::kUnavailable) return n.status();
      if (!waiting)
        spdlog::warn("dispatcher: waiting, jobs are delayed: {}", n.status().ToString());
      waiting = true;
      SleepFor(options_.retry_wait, stop);
      continue;
    }
    if (waiting) spdlog::info("dispatcher: resumed");
    waiting = false;
    if (*n > 0) continue;
    Status waited = events_.WaitForEvents(position_, options_.idle_wait);
    if (!waited.ok()) {
      if (waited.code() != StatusCode::kUnavailable) return waited;
      SleepFor(options_.retry_wait, stop);
    }
  }
  return Status::Ok();
}

}  // namespace ledger::jobs
