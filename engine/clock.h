// Clock: where the ledger learns the time. Injected everywhere that records or compares
// times, so tests and replays are deterministic.
#ifndef LEDGER_ENGINE_CLOCK_H_
#define LEDGER_ENGINE_CLOCK_H_

#include <atomic>

#include "engine/ids.h"

namespace ledger {

// Implementations must be thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp Now() = 0;
};

// Wall-clock time (CLOCK_REALTIME), microsecond resolution.
class SystemClock final : public Clock {
 public:
  Timestamp Now() override;
  // A process-wide instance; never destroyed.
  static SystemClock* Default();
};

// Time that moves only when told: for tests and deterministic replay.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(Timestamp start) : now_(start.value()) {}
  Timestamp Now() override { return Timestamp(now_.load()); }
  void Set(Timestamp t) { now_.store(t.value()); }
  void AdvanceMicros(std::int64_t micros) { now_.fetch_add(micros); }

 private:
  std::atomic<std::int64_t> now_;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_CLOCK_H_
