// Progress of a long-running command (DESIGN.md section 11): count, rate and, when the total
// is known, ETA, redrawn in place on stderr at most a few times a second. Shown only when
// stderr is a terminal, so scripts and logs stay quiet.
#ifndef LEDGER_ADAPTERS_CLI_PROGRESS_H_
#define LEDGER_ADAPTERS_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

namespace ledger::cli {

// "imported 45,000 events, 12,000/s, 38%, ETA 7s". `fraction_done` (0..1) is how far through
// the work we are, when that is known (e.g. bytes read of a file of known size).
std::string FormatProgress(std::string_view verb, std::uint64_t count,
                           std::chrono::duration<double> elapsed,
                           std::optional<double> fraction_done);

// Not thread-safe.
class ProgressReporter {
 public:
  // Draws on `err` only if `enabled`.
  ProgressReporter(std::ostream& err, bool enabled, std::string verb);

  // Records progress; redraws if the last drawing is old enough.
  void Update(std::uint64_t count, std::optional<double> fraction_done);
  // Draws the final state and ends the line (if anything was drawn).
  void Finish(std::uint64_t count);

 private:
  void Draw(std::uint64_t count, std::optional<double> fraction_done);

  std::ostream& err_;
  const bool enabled_;
  const std::string verb_;
  const std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
  bool drawn_ = false;
};

}  // namespace ledger::cli

#endif  // LEDGER_ADAPTERS_CLI_PROGRESS_H_
