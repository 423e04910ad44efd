// DropCalendar: when the daily drop is due, in store-local time (DESIGN.md section 9,
// docs/jobs.md "Daily drop"). Store-local means an IANA time zone (LEDGER_STORE_TIMEZONE,
// default Europe/London) read from the OS time zone database (/usr/share/zoneinfo) through
// Howard Hinnant's date/tz, so daylight saving time is handled by the zone's own rules.
//
// The drop is due at a wall-clock time of day (08:30) on every local date. Two days a year a
// zone's clocks jump, and the wall-clock time may not exist or exist twice. The rules:
//   - it does not exist (spring forward, the gap covers it): the drop is due at the end of the
//     gap, the first instant that exists after it (the next valid minute);
//   - it exists twice (fall back): the drop is due at the first occurrence.
// Either way there is exactly one due instant per local date, and it is never before the
// date's local midnight, so the due instants of consecutive dates increase.
//
// Thread safety: immutable after Create; every method may be called from any thread.
#ifndef LEDGER_JOBS_SCHEDULER_CALENDAR_H_
#define LEDGER_JOBS_SCHEDULER_CALENDAR_H_

#include <chrono>
#include <string>
#include <string_view>

#include "engine/ids.h"
#include "engine/result.h"

namespace date {
class time_zone;
}  // namespace date

namespace ledger::jobs {

// A calendar date in the store's zone.
struct LocalDate {
  int year = 1970;
  unsigned month = 1;  // 1..12
  unsigned day = 1;    // 1..31

  std::string ToString() const;  // "YYYY-MM-DD"
  friend auto operator<=>(const LocalDate&, const LocalDate&) = default;
};

class DropCalendar {
 public:
  // `zone`: an IANA name ("Europe/London"); `time_of_day`: minutes after local midnight, in
  // [0, 24h). InvalidArgument for an unknown zone or a time out of range.
  static Result<DropCalendar> Create(std::string_view zone, std::chrono::minutes time_of_day);

  // The local date at instant `t`.
  LocalDate DateAt(Timestamp t) const;
  // The instant (UTC) the drop of `date` is due, by the rules above.
  Timestamp DueAt(const LocalDate& date) const;

  const std::string& zone_name() const { return zone_name_; }
  std::chrono::minutes time_of_day() const { return time_of_day_; }

 private:
  DropCalendar(const date::time_zone* zone, std::string zone_name, std::chrono::minutes time)
      : zone_(zone), zone_name_(std::move(zone_name)), time_of_day_(time) {}

  const date::time_zone* zone_;  // owned by the date library's database, lives forever
  std::string zone_name_;
  std::chrono::minutes time_of_day_;
};

// "HH:MM" (00:00..23:59) as minutes after midnight; InvalidArgument otherwise.
Result<std::chrono::minutes> ParseTimeOfDay(std::string_view text);

}  // namespace ledger::jobs

#endif  // LEDGER_JOBS_SCHEDULER_CALENDAR_H_
