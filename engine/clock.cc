#include "engine/clock.h"

#include <chrono>

namespace ledger {

Timestamp SystemClock::Now() {
  auto since_epoch = std::chrono::system_clock::now().time_since_epoch();
  return Timestamp(std::chrono::duration_cast<std::chrono::microseconds>(since_epoch).count());
}

SystemClock* SystemClock::Default() {
  static auto* clock = new SystemClock();  // never destroyed: usable during static teardown
  return clock;
}

}  // namespace ledger
