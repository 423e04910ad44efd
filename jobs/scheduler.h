// DropScheduler: records the daily drop as due, once per tenant and store-local date
// (DESIGN.md section 9, docs/jobs.md "Daily drop"). It only appends `drop.due` to the day's
// stream (scheduler_events.h); the dispatcher turns that event into an email.daily_drop job,
// so the log stays the outbox and nothing is sent from here.
//
// Once, never twice, also across restarts and several processes:
//   - the append expects NoStream on `drop-<tenant>-<date>`: a second process (or a restarted
//     one) that finds the day recorded, or loses the race to record it, gets Conflict or a
//     deduplicated append and does nothing more;
//   - the event id is derived from tenant and date, so a retried append is deduplicated;
//   - normally only the process leading "scheduler" (engine/leadership.h) ticks at all.
//
// Missed runs: a tick looks at today only (the local date now). If now is at or after today's
// due instant and today's stream is empty, today's drop is recorded, however late; dates before
// today are never recorded after the fact. So after downtime the latest missed drop runs once,
// and a drop missed on an earlier day is skipped (a stale catalog email days late helps nobody).
#ifndef LEDGER_JOBS_SCHEDULER_H_
#define LEDGER_JOBS_SCHEDULER_H_

#include <chrono>
#include <functional>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/event_store.h"
#include "engine/leadership.h"
#include "jobs/scheduler_calendar.h"

namespace ledger::jobs {

struct SchedulerOptions {
  std::vector<TenantId> tenants{TenantId(kDefaultTenant)};  // each has its own daily drop
  std::string time_zone = "Europe/London";                  // LEDGER_STORE_TIMEZONE
  std::chrono::minutes drop_time{8 * 60 + 30};              // local wall-clock time, 08:30
  Clock* clock = SystemClock::Default();                    // not owned; outlives the scheduler
  // Lead(): how often the leader looks at the clock (a drop is recorded at most this late),
  // and how often a follower tries to take the lead.
  std::chrono::milliseconds poll_interval{15'000};
  std::chrono::milliseconds leadership_retry{5'000};
  // Lead(): told of every failed tick or leadership attempt (which is then retried); may be
  // null. Called on the scheduler's thread.
  std::function<void(const Status&)> on_error = nullptr;
};

class DropScheduler {
 public:
  // InvalidArgument for an unknown zone, a bad drop time, no tenants or an invalid tenant id.
  // `events` must outlive the scheduler.
  static Result<std::unique_ptr<DropScheduler>> Create(EventStore& events,
                                                       SchedulerOptions options);

  // One look at the clock: records drop.due for every tenant whose drop is due today and not
  // yet recorded, and returns the streams this call recorded (empty: nothing was due, or
  // another process got there first; neither is an error). If a tenant's read or append fails,
  // the other tenants are still tried and the first error is returned; the next tick retries.
  // Thread-safe (tests race two schedulers' ticks on one store).
  Result<std::vector<StreamId>> Tick();

  // Until `stop`: takes the lead of "scheduler" from `elector` and, while it holds the lease,
  // ticks every poll_interval. Errors go to on_error and are retried.
  void Lead(LeaderElector& elector, std::stop_token stop);

  const DropCalendar& calendar() const { return calendar_; }

 private:
  DropScheduler(EventStore& events, SchedulerOptions options, DropCalendar calendar)
      : events_(events), options_(std::move(options)), calendar_(std::move(calendar)) {}

  // Whether this call recorded the tenant's drop for `today`.
  Result<bool> RecordIfDue(const TenantId& tenant, const LocalDate& today);
  void Report(const Status& status) const;

  EventStore& events_;
  const SchedulerOptions options_;
  const DropCalendar calendar_;
};

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_SCHEDULER_H_
