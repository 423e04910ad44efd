#include "jobs/scheduler.h"

#include <condition_variable>
#include <mutex>

#include "engine/event_validation.h"
#include "jobs/scheduler_events.h"

namespace ledger::jobs {
namespace {

void SleepFor(const std::stop_token& stop, std::chrono::milliseconds duration) {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock lock(mu);
  cv.wait_for(lock, stop, duration, [] { return false; });
}

}  // namespace

Result<std::unique_ptr<DropScheduler>> DropScheduler::Create(EventStore& events,
                                                             SchedulerOptions options) {
  if (options.tenants.empty()) return InvalidArgument("the scheduler needs at least one tenant");
  for (const TenantId& tenant : options.tenants) {
    LEDGER_RETURN_IF_ERROR(ValidateTenantId(tenant));
  }
  if (options.clock == nullptr) return InvalidArgument("the scheduler needs a clock");
  LEDGER_ASSIGN_OR_RETURN(DropCalendar calendar,
                          DropCalendar::Create(options.time_zone, options.drop_time));
  return std::unique_ptr<DropScheduler>(
      new DropScheduler(events, std::move(options), std::move(calendar)));
}

Result<std::vector<StreamId>> DropScheduler::Tick() {
  const Timestamp now = options_.clock->Now();
  const LocalDate today = calendar_.DateAt(now);
  std::vector<StreamId> recorded;
  if (now < calendar_.DueAt(today)) return recorded;
  Status first_error;
  for (const TenantId& tenant : options_.tenants) {
    Result<bool> done = RecordIfDue(tenant, today);
    if (!done.ok()) {
      if (first_error.ok()) first_error = done.status();
    } else if (*done) {
      recorded.push_back(DropStream(tenant, today));
    }
  }
  if (!first_error.ok()) return first_error;
  return recorded;
}

Result<bool> DropScheduler::RecordIfDue(const TenantId& tenant, const LocalDate& today) {
  const StreamId stream = DropStream(tenant, today);
  // A cheap look first, so a follower that ticks (or a restart) does not append at all.
  StreamReadOptions first_only;
  first_only.limit = 1;
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> existing,
                          events_.ReadStream(stream, first_only));
  if (!existing.empty()) return false;

  AppendRequest request;
  request.stream = stream;
  // The fence: only the first append to the day's stream can succeed.
  request.expected = ExpectedVersion::NoStream();
  request.events.push_back(MakeDropDue(tenant, today, calendar_));
  Result<AppendResult> appended = events_.Append(request);
  if (!appended.ok()) {
    // Another process recorded the day between our read and our append: done, by them.
    if (appended.status().code() == StatusCode::kConflict) return false;
    return appended.status();
  }
  // Deduplicated: our own earlier append, whose acknowledgement was lost, or a racer's.
  return !appended->deduplicated;
}

void DropScheduler::Lead(LeaderElector& elector, std::stop_token stop) {
  while (!stop.stop_requested()) {
    Result<std::unique_ptr<Lease>> lease = elector.TryLead("scheduler");
    if (!lease.ok()) {
      Report(lease.status());
    } else if (*lease != nullptr) {
      while (!stop.stop_requested() && (*lease)->Held()) {
        Result<std::vector<StreamId>> ticked = Tick();
        if (!ticked.ok()) Report(ticked.status());
        SleepFor(stop, options_.poll_interval);
      }
      continue;  // lost the lease (or stopping): try again at once
    }
    SleepFor(stop, options_.leadership_retry);
  }
}

void DropScheduler::Report(const Status& status) const {
  if (options_.on_error) options_.on_error(status);
}

}  // namespace ledger::jobs
