// When the daily drop is due: Europe/London's DST days (08:30 local every day, the UTC instant
// moves by an hour), and the documented rules for a wall-clock time that does not exist or
// exists twice. No zone has a transition at 08:30 in current rules, so those rules are tested
// with a constructed drop time that falls inside a real transition: America/New_York's clocks
// jump 02:00 -> 03:00 on 2026-03-08 and fall back 02:00 -> 01:00 on 2026-11-01, so a drop time
// of 02:30 does not exist on the first day and 01:30 exists twice on the second.
#include "jobs/scheduler_calendar.h"

#include <doctest/doctest.h>

#include "engine/time.h"

namespace ledger::jobs {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

constexpr minutes kHalfPastEight = hours(8) + minutes(30);

DropCalendar Calendar(std::string_view zone, minutes time = kHalfPastEight) {
  Result<DropCalendar> calendar = DropCalendar::Create(zone, time);
  REQUIRE(calendar.ok());
  return *calendar;
}

std::string DueText(const DropCalendar& calendar, LocalDate date) {
  return FormatRfc3339(calendar.DueAt(date));
}

Timestamp At(std::string_view rfc3339) {
  Result<Timestamp> t = ParseRfc3339(rfc3339);
  REQUIRE(t.ok());
  return *t;
}

TEST_CASE("Europe/London: 08:30 local on both sides of the March change, an hour apart in UTC") {
  DropCalendar london = Calendar("Europe/London");
  // Clocks go forward at 01:00 UTC on Sunday 2026-03-29 (GMT -> BST).
  CHECK(DueText(london, {2026, 3, 28}) == "2026-03-28T08:30:00.000000Z");
  CHECK(DueText(london, {2026, 3, 29}) == "2026-03-29T07:30:00.000000Z");
  CHECK(DueText(london, {2026, 3, 30}) == "2026-03-30T07:30:00.000000Z");
}

TEST_CASE("Europe/London: 08:30 local on both sides of the October change") {
  DropCalendar london = Calendar("Europe/London");
  // Clocks go back at 01:00 UTC on Sunday 2026-10-25 (BST -> GMT).
  CHECK(DueText(london, {2026, 10, 24}) == "2026-10-24T07:30:00.000000Z");
  CHECK(DueText(london, {2026, 10, 25}) == "2026-10-25T08:30:00.000000Z");
  CHECK(DueText(london, {2026, 10, 26}) == "2026-10-26T08:30:00.000000Z");
}

TEST_CASE("the local date follows the zone, not UTC") {
  DropCalendar london = Calendar("Europe/London");
  CHECK(london.DateAt(At("2026-06-30T23:30:00Z")).ToString() == "2026-07-01");
  CHECK(london.DateAt(At("2026-12-31T23:30:00Z")).ToString() == "2026-12-31");
  DropCalendar tokyo = Calendar("Asia/Tokyo");
  CHECK(tokyo.DateAt(At("2026-03-28T15:00:00Z")).ToString() == "2026-03-29");
  CHECK(DueText(tokyo, {2026, 3, 29}) == "2026-03-28T23:30:00.000000Z");
}

TEST_CASE("a drop time the clocks jump over is due at the end of the gap") {
  DropCalendar new_york = Calendar("America/New_York", hours(2) + minutes(30));
  // 02:00 EST jumps to 03:00 EDT = 07:00 UTC: the first instant after the gap.
  CHECK(DueText(new_york, {2026, 3, 8}) == "2026-03-08T07:00:00.000000Z");
  CHECK(new_york.DateAt(new_york.DueAt({2026, 3, 8})).ToString() == "2026-03-08");
  // The days around it are ordinary.
  CHECK(DueText(new_york, {2026, 3, 7}) == "2026-03-07T07:30:00.000000Z");
  CHECK(DueText(new_york, {2026, 3, 9}) == "2026-03-09T06:30:00.000000Z");
}

TEST_CASE("a drop time that happens twice is due at its first occurrence") {
  DropCalendar new_york = Calendar("America/New_York", hours(1) + minutes(30));
  // 01:30 EDT (05:30 UTC) comes first; 01:30 EST (06:30 UTC) an hour later is not a second drop.
  CHECK(DueText(new_york, {2026, 11, 1}) == "2026-11-01T05:30:00.000000Z");
  CHECK(DueText(new_york, {2026, 10, 31}) == "2026-10-31T05:30:00.000000Z");
  CHECK(DueText(new_york, {2026, 11, 2}) == "2026-11-02T06:30:00.000000Z");
}

TEST_CASE("unknown zones and times outside the day are refused") {
  CHECK(DropCalendar::Create("Europe/Atlantis", kHalfPastEight).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(DropCalendar::Create("Europe/London", hours(24)).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(DropCalendar::Create("Europe/London", minutes(-1)).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("drop times parse as HH:MM") {
  CHECK(*ParseTimeOfDay("08:30") == kHalfPastEight);
  CHECK(*ParseTimeOfDay("00:00") == minutes(0));
  CHECK(*ParseTimeOfDay("23:59") == hours(23) + minutes(59));
  for (std::string_view bad : {"24:00", "8:30", "08:60", "0830", "08:3x", ""}) {
    INFO(bad);
    CHECK(ParseTimeOfDay(bad).status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace ledger::jobs
