// The daily drop's events (docs/events.md "Daily drop"): each run of the drop is recorded on
// its own stream `drop-<tenant>-<YYYY-MM-DD>` (the store-local date):
//   drop.due        the scheduler found the drop due (once per tenant and date; the
//                   dispatcher turns it into an email.daily_drop job)
//   drop.started    the drop's job began its first attempt
//   drop.completed  the drop's job finished (succeeded, or failed for good)
// Event ids are UUIDv5 of "drop:<tenant>:<date>:<type>[:<job id>]", so every append is safe
// to repeat: the store deduplicates it.
#ifndef LEDGER_JOBS_SCHEDULER_EVENTS_H_
#define LEDGER_JOBS_SCHEDULER_EVENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/event.h"
#include "jobs/scheduler_calendar.h"

namespace ledger::jobs {

inline constexpr std::string_view kDropDue = "drop.due";
inline constexpr std::string_view kDropStarted = "drop.started";
inline constexpr std::string_view kDropCompleted = "drop.completed";

// Every event type above, for the catalog test.
std::vector<std::string_view> DropEventTypes();

// "drop-<tenant>-<YYYY-MM-DD>".
StreamId DropStream(const TenantId& tenant, const LocalDate& date);
StreamId DropStream(const TenantId& tenant, std::string_view drop_date);

// drop.due: payload {drop_date, due_at (RFC 3339 UTC), time_zone, local_time "HH:MM"}.
NewEvent MakeDropDue(const TenantId& tenant, const LocalDate& date, const DropCalendar& calendar);

// drop.started: payload {drop_date, job_id}; one per drop (the id leaves out the job).
NewEvent MakeDropStarted(const TenantId& tenant, std::string_view drop_date,
                         std::string_view job_id);

// drop.completed: payload {drop_date, job_id, outcome ("succeeded"/"failed"), detail}; one
// per job of the drop.
NewEvent MakeDropCompleted(const TenantId& tenant, std::string_view drop_date,
                           std::string_view job_id, bool succeeded, std::string_view detail);

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_SCHEDULER_EVENTS_H_
