// The canary controller's decisions: pure functions from a route's state and a command to
// the events that record it. An empty list means the command changes nothing (for example a
// passing probe when v2 is already at its cap); the caller still answers with the state.
// Deterministic: the same state, command and time always give the same events.
#ifndef LEDGER_COMMANDS_CANARY_CANARY_DECIDER_H_
#define LEDGER_COMMANDS_CANARY_CANARY_DECIDER_H_

#include <optional>
#include <string>
#include <vector>

#include "commands/canary/canary_state.h"

namespace ledger::commands {

struct ProbeResult {
  std::string probe_id;  // optional; a repeated id is a redelivery and changes nothing
  bool passed = false;
  std::optional<std::int64_t> latency_ms;
};

// A pass raises v2 by the step up to 90 (99 once v2 is ready); the failure that makes
// `failure_threshold` in a row rolls v2 back to 0 in one event. NotFound for an unknown route.
Result<std::vector<CanaryEvent>> DecideProbe(const CanaryState& state, const ProbeResult& probe,
                                             Timestamp now);

// Setting ready false while v2 is above 90 brings it back to 90 in the same command.
// `promote` (only with ready) takes v2 to 100: the one way there, and a human's.
Result<std::vector<CanaryEvent>> DecideSetReady(const CanaryState& state, bool ready, bool promote,
                                                const std::string& reason, Timestamp now);

// v2 to 0 now. Nothing to do if it is already 0.
Result<std::vector<CanaryEvent>> DecideRollback(const CanaryState& state, const std::string& reason,
                                                Timestamp now);

// Creates the route at v1 100 / v2 0, or changes its settings. Absent settings keep their
// current (or default) values.
Result<std::vector<CanaryEvent>> DecideConfigure(const CanaryState& state, const std::string& route,
                                                 std::optional<int> failure_threshold,
                                                 std::optional<int> step,
                                                 const CanarySettings& defaults);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_CANARY_CANARY_DECIDER_H_
