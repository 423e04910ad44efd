// The dispatcher (DESIGN.md section 9, docs/jobs.md "Dispatcher"): a subscriber that reads the
// log after its checkpoint and enqueues the jobs its rules (dispatch_rules.h) ask for. The log
// is the outbox: an event asks for a job by being in the log, and the dispatcher turns it into
// a job.queued event plus a queue entry (EnqueueJob: ledger first, then the queue).
//
// Guarantees:
//   - Nothing is lost. The checkpoint moves past a batch only after the queue accepted every
//     job of the batch (queued or duplicate). When the queue or the store is unavailable, the
//     batch stops, and the same events are read again later.
//   - Nothing runs twice for one event. A job's id is JobIdFor(kind, event id), so enqueueing
//     the same event again (after an outage, a crash before the checkpoint moved, a restart
//     from an older checkpoint) finds the job a duplicate and changes nothing.
//
// Leadership is the caller's job, as for the translator: take LeaderElector::TryLead("dispatcher")
// first. Two at once are safe, only wasteful: enqueues are idempotent and the checkpoint moves
// by compare-and-set, so the slower one gets Conflict and stops.
//
// Thread safety: one thread drives a Dispatcher (RunOnce, CatchUp, Follow); stats() may be
// called from any thread.
#ifndef LEDGER_JOBS_DISPATCHER_H_
#define LEDGER_JOBS_DISPATCHER_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/checkpoint_store.h"
#include "engine/clock.h"
#include "engine/event_store.h"
#include "jobs/dispatch_rules.h"
#include "jobs/job_events.h"
#include "jobs/job_queue.h"

namespace ledger::jobs {

inline constexpr char kDispatcherCheckpoint[] = "dispatcher";
inline constexpr std::uint32_t kDispatcherVersion = 1;

struct DispatcherOptions {
  std::string checkpoint_name = kDispatcherCheckpoint;
  std::size_t batch_size = 100;                // events per read of the log
  std::chrono::milliseconds idle_wait{500};    // Follow: wait for new events this long
  std::chrono::milliseconds retry_wait{1000};  // Follow: after Unavailable, wait, retry
  Clock* clock = nullptr;                      // the checkpoint's updated_at; nullptr: system
  JobActor actor{"system:dispatcher", "jobs.dispatcher"};
};

// Counts since construction (for metrics and tests).
struct DispatcherStats {
  std::uint64_t events = 0;       // events read, in batches that completed
  std::uint64_t queued = 0;       // jobs the queue accepted as new
  std::uint64_t duplicates = 0;   // jobs the queue already had (a re-read event)
  std::uint64_t skipped = 0;      // rules that asked for no job (e.g. no daily-drop address)
  std::uint64_t unavailable = 0;  // batches stopped because the queue or store was down
};

class Dispatcher {
 public:
  // `events`, `checkpoints` and `queue` must outlive the dispatcher.
  Dispatcher(EventStore& events, CheckpointStore& checkpoints, JobQueue& queue,
             std::vector<DispatchRule> rules, DispatcherOptions options = {});

  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Enqueues the jobs of up to `limit` events after the checkpoint, then moves the checkpoint
  // past them. Returns how many events were read (0: caught up). Unavailable if the store or
  // the queue is unreachable (the checkpoint has not moved: the same events come again);
  // Conflict if another process moved the checkpoint (stop: it leads).
  Result<std::size_t> RunOnce(std::size_t limit);

  // RunOnce in batches until caught up with the head of the log as it was.
  Status CatchUp();

  // Follows the log until `stop` is requested (then OK), riding out Unavailable: a Redis or
  // database outage delays jobs, and the dispatcher resumes by itself. Returns any other
  // error (Conflict: another process leads).
  Status Follow(std::stop_token stop);

  // The jobs `event` asks for, with their payloads (reads the store where a rule needs to).
  Result<std::vector<Job>> JobsFor(const RecordedEvent& event);

  DispatcherStats stats() const;

 private:
  Status Dispatch(const RecordedEvent& event);
  void SleepFor(std::chrono::milliseconds wait, const std::stop_token& stop);

  EventStore& events_;
  CheckpointStore& checkpoints_;
  JobQueue& queue_;
  std::vector<DispatchRule> rules_;
  DispatcherOptions options_;
  Clock* clock_;
  GlobalPosition position_{0};  // of the last event whose batch was checkpointed

  struct Counters {
    std::atomic<std::uint64_t> events{0}, queued{0}, duplicates{0}, skipped{0}, unavailable{0};
  };
  Counters counters_;
};

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_DISPATCHER_H_
