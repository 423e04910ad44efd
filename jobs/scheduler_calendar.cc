#include "jobs/scheduler_calendar.h"

#include <date/date.h>
#include <date/tz.h>

#include <charconv>
#include <cstdio>
#include <exception>

namespace ledger::jobs {
namespace {

using Micros = std::chrono::microseconds;

date::sys_time<Micros> ToSys(Timestamp t) { return date::sys_time<Micros>(Micros(t.value())); }

Timestamp FromSys(date::sys_seconds t) {
  return Timestamp(std::chrono::duration_cast<Micros>(t.time_since_epoch()).count());
}

}  // namespace

std::string LocalDate::ToString() const {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", year, month, day);
  return text;
}

Result<DropCalendar> DropCalendar::Create(std::string_view zone, std::chrono::minutes time_of_day) {
  if (time_of_day < std::chrono::minutes(0) || time_of_day >= std::chrono::hours(24)) {
    return InvalidArgument("drop time must be within a day (00:00..23:59)");
  }
  try {
    // Reads the OS database (/usr/share/zoneinfo) on first use; throws for unknown names.
    const date::time_zone* found = date::locate_zone(zone);
    return DropCalendar(found, std::string(zone), time_of_day);
  } catch (const std::exception& e) {
    return InvalidArgument("unknown time zone \"" + std::string(zone) + "\": " + e.what());
  }
}

LocalDate DropCalendar::DateAt(Timestamp t) const {
  const date::local_time<Micros> local = zone_->to_local(ToSys(t));
  const date::year_month_day ymd{date::floor<date::days>(local)};
  return LocalDate{static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day())};
}

Timestamp DropCalendar::DueAt(const LocalDate& local_date) const {
  const date::local_days day{date::year{local_date.year} / date::month{local_date.month} /
                             date::day{local_date.day}};
  const date::local_seconds wall = day + time_of_day_;
  const date::local_info info = zone_->get_info(wall);
  switch (info.result) {
    case date::local_info::nonexistent:
      // The clocks jump over `wall`: the first instant after the gap, which is where the
      // earlier offset's period ends.
      return FromSys(info.first.end);
    case date::local_info::ambiguous:
      // `info.first` is the earlier period (before the clocks go back): its offset gives the
      // first occurrence.
    case date::local_info::unique:
    default:
      return FromSys(date::sys_seconds((wall - info.first.offset).time_since_epoch()));
  }
}

Result<std::chrono::minutes> ParseTimeOfDay(std::string_view text) {
  int hours = -1;
  int minutes = -1;
  const bool shaped = text.size() == 5 && text[2] == ':';
  if (shaped) {
    const char* begin = text.data();
    const auto h = std::from_chars(begin, begin + 2, hours);
    const auto m = std::from_chars(begin + 3, begin + 5, minutes);
    if (h.ptr != begin + 2 || m.ptr != begin + 5) hours = -1;
  }
  if (!shaped || hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
    return InvalidArgument("time of day must be HH:MM (00:00..23:59), got \"" + std::string(text) +
                           "\"");
  }
  return std::chrono::minutes(hours * 60 + minutes);
}

}  // namespace ledger::jobs
