#include "adapters/cli/progress.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ledger::cli {
namespace {

constexpr std::chrono::milliseconds kRedrawInterval{250};

// 1234567 -> "1,234,567": counts in the hundreds of thousands are read at a glance.
std::string WithThousands(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string Duration(double seconds) {
  auto s = static_cast<std::uint64_t>(std::llround(seconds));
  if (s < 60) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + std::to_string(s % 60) + "s";
  return std::to_string(s / 3600) + "h" + std::to_string(s / 60 % 60) + "m";
}

}  // namespace

std::string FormatProgress(std::string_view verb, std::uint64_t count,
                           std::chrono::duration<double> elapsed,
                           std::optional<double> fraction_done) {
  std::string out = std::string(verb) + " " + WithThousands(count) + " events";
  double seconds = elapsed.count();
  if (seconds > 0) {
    out += ", " + WithThousands(static_cast<std::uint64_t>(static_cast<double>(count) / seconds)) +
           "/s";
  }
  if (fraction_done && *fraction_done > 0) {
    double f = std::min(*fraction_done, 1.0);
    out += ", " + std::to_string(static_cast<int>(f * 100)) + "%";
    if (seconds > 0 && f < 1.0) out += ", ETA " + Duration(seconds * (1 - f) / f);
  }
  return out;
}

ProgressReporter::ProgressReporter(std::ostream& err, bool enabled, std::string verb)
    : err_(err),
      enabled_(enabled),
      verb_(std::move(verb)),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void ProgressReporter::Update(std::uint64_t count, std::optional<double> fraction_done) {
  if (!enabled_) return;
  if (std::chrono::steady_clock::now() - last_draw_ < kRedrawInterval) return;
  Draw(count, fraction_done);
}

void ProgressReporter::Finish(std::uint64_t count) {
  if (!enabled_ || !drawn_) return;
  Draw(count, 1.0);
  err_ << '\n' << std::flush;
}

void ProgressReporter::Draw(std::uint64_t count, std::optional<double> fraction_done) {
  last_draw_ = std::chrono::steady_clock::now();
  // "\r" and "erase to end of line" redraw in place; enabled only on a terminal.
  err_ << '\r' << FormatProgress(verb_, count, last_draw_ - start_, fraction_done) << "\x1b[K"
       << std::flush;
  drawn_ = true;
}

}  // namespace ledger::cli
