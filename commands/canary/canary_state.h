// The canary controller of one route (DESIGN.md section 6), as state folded from its stream
// canary-<route>, and the events that change it. The same Apply() folds stored history and
// previews a decision's effect, so a command's answer is exactly what a replay will see.
//
// Invariants (checked by tests/commands/canary_property_test.cc on every prefix of long
// random histories):
//   - v1_weight + v2_weight == 100 and 0 <= v2_weight <= 100;
//   - v2_weight <= 90 unless v2_ready;
//   - probes alone never take v2_weight to 100 (kMaxAutomatedV2 is 99); only an operator
//     promotion does, and only when v2_ready;
//   - `failure_threshold` consecutive failing probes leave v2_weight at 0.
#ifndef LEDGER_COMMANDS_CANARY_CANARY_STATE_H_
#define LEDGER_COMMANDS_CANARY_CANARY_STATE_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "engine/event.h"
#include "engine/result.h"

namespace ledger::commands {

inline constexpr int kMaxV2WithoutReady = 90;
inline constexpr int kMaxAutomatedV2 = 99;
inline constexpr int kDefaultFailureThreshold = 3;
inline constexpr int kDefaultStep = 10;
// Probe ids remembered to recognise a redelivered probe result.
inline constexpr std::size_t kRememberedProbeIds = 256;

struct CanarySettings {
  int failure_threshold = kDefaultFailureThreshold;  // 1..100
  int step = kDefaultStep;                           // 1..100

  friend bool operator==(const CanarySettings&, const CanarySettings&) = default;
};

struct CanaryState {
  bool exists = false;
  std::string route;
  int v2_weight = 0;
  bool v2_ready = false;
  CanarySettings settings;
  int consecutive_failures = 0;
  std::deque<std::string> recent_probe_ids;  // newest last

  int v1_weight() const { return 100 - v2_weight; }
};

// Why a weight changed.
enum class Trigger { kProbe, kOperator, kRollback };
std::string_view TriggerName(Trigger trigger);  // "probe", "operator", "rollback"

struct CanaryConfigured {
  std::string route;
  CanarySettings settings;
  std::optional<CanarySettings> before;  // absent when the route is created
  int v2_weight = 0;                     // the weights at that moment
  std::string reason;
};

struct ProbeRecorded {
  std::string route;
  std::string probe_id;  // may be empty
  bool passed = false;
  std::optional<std::int64_t> latency_ms;
  int consecutive_failures = 0;  // after this probe
  std::string reason;
};

struct WeightChanged {
  std::string route;
  int before_v2 = 0;
  int after_v2 = 0;
  Trigger trigger = Trigger::kProbe;
  std::string cause;  // probe_passed, consecutive_failures, manual_rollback,
                      // v2_ready_revoked, promoted
  std::string probe_id;
  std::string reason;
  Timestamp at{0};
};

struct V2ReadySet {
  std::string route;
  bool ready = false;
  std::string reason;
};

using CanaryEvent = std::variant<CanaryConfigured, ProbeRecorded, WeightChanged, V2ReadySet>;

void Apply(CanaryState& state, const CanaryEvent& event);

// The event's type and payload (docs/events.md).
std::string_view CanaryEventType(const CanaryEvent& event);
std::string EncodeCanaryEvent(const CanaryEvent& event);

// Folds a canary stream; event types this module does not know are skipped, a known type
// with a malformed payload is DataLoss.
Result<CanaryState> FoldCanary(std::span<const RecordedEvent> history);
// The same, continuing from `state` (folded from the events before `events`, e.g. restored
// from a snapshot, canary_snapshot.h): FoldCanary(a + b) == FoldCanary(FoldCanary(a), b).
Result<CanaryState> FoldCanary(CanaryState state, std::span<const RecordedEvent> events);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_CANARY_CANARY_STATE_H_
