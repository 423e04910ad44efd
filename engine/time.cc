#include "engine/time.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace ledger {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;

// Floor division, so that times before 1970 format correctly.
std::int64_t FloorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool ParseDigits(std::string_view text, std::size_t pos, std::size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    value = value * 10 + (text[i] - '0');
  }
  *out = value;
  return true;
}

}  // namespace

std::string FormatRfc3339(Timestamp t) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar arithmetic
  std::int64_t micros = t.value();
  std::int64_t seconds = FloorDiv(micros, kMicrosPerSecond);
  std::int64_t fraction = micros - seconds * kMicrosPerSecond;
  std::int64_t days = FloorDiv(seconds, 86400);
  std::int64_t second_of_day = seconds - days * 86400;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    // Outside what four digits hold: rare enough for snprintf's sign and width handling.
    char buf[48];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06dZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(second_of_day / 3600), static_cast<int>(second_of_day / 60 % 60),
                  static_cast<int>(second_of_day % 60), static_cast<int>(fraction));
    return buf;
  }
  // Digit by digit: the query API formats a dozen times per row, and snprintf's format parsing
  // was a visible share of a page's CPU (docs/performance.md, "Query API").
  std::string out = "0000-00-00T00:00:00.000000Z";
  auto put = [&out](std::size_t end, std::int64_t value, int digits) {
    for (int i = 1; i <= digits; ++i, value /= 10) out[end - i] = static_cast<char>('0' + value % 10);
  };
  put(4, year, 4);
  put(7, static_cast<unsigned>(ymd.month()), 2);
  put(10, static_cast<unsigned>(ymd.day()), 2);
  put(13, second_of_day / 3600, 2);
  put(16, second_of_day / 60 % 60, 2);
  put(19, second_of_day % 60, 2);
  put(26, fraction, 6);
  return out;
}

Result<Timestamp> ParseRfc3339(std::string_view text) {
  using namespace std::chrono;  // NOLINT(google-build-using-namespace): calendar arithmetic
  auto bad = [&] {
    return InvalidArgument("not an RFC 3339 time (want e.g. 2026-11-23T08:30:00Z): \"" +
                           std::string(text.substr(0, 64)) + "\"");
  };
  int year, month, day, hour, minute, second;
  if (!ParseDigits(text, 0, 4, &year) || text.size() < 20 || text[4] != '-' ||
      !ParseDigits(text, 5, 2, &month) || text[7] != '-' || !ParseDigits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != 't' && text[10] != ' ') ||
      !ParseDigits(text, 11, 2, &hour) || text[13] != ':' || !ParseDigits(text, 14, 2, &minute) ||
      text[16] != ':' || !ParseDigits(text, 17, 2, &second)) {
    return bad();
  }
  year_month_day ymd{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                     std::chrono::day{static_cast<unsigned>(day)}};
  // Leap seconds (60) are not representable in Unix time; reject rather than guess.
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return bad();

  std::size_t pos = 19;
  std::int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (std::size_t i = digits; i < 6; ++i) micros *= 10;
  }
  std::int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!ParseDigits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ParseDigits(text, pos + 4, 2, &om) || oh > 23 || om > 59) {
      return bad();
    }
    offset_seconds = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();

  std::int64_t days = sys_days{ymd}.time_since_epoch().count();
  std::int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return Timestamp(seconds * kMicrosPerSecond + micros);
}

}  // namespace ledger
