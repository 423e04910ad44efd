// The canary read models (DESIGN.md sections 6 and 7; docs/read-models.md, "Canary"): the
// "canary" projector over the canary-<route> streams written by configure-canary,
// record-probe, set-v2-ready and rollback-canary. Tables: canary_tables.h.
//
// Deterministic: rows depend on the events only (times from RecordedEvent::recorded_at and
// the payload's `at`). Every weight change is checked as it is projected: before and after
// each sum to 100, weights within 0..100, and `before` equal to the split the route was at.
// A change that fails a check is still recorded, with the finding in
// traffic_split_history.anomaly and counted in canary_state.anomalies: the log is the truth,
// and an anomaly is for a human to look at, not for the projector to hide.
//
// Thread safety: the projector holds no state between events.
#ifndef LEDGER_PROJECTIONS_CANARY_CANARY_PROJECTORS_H_
#define LEDGER_PROJECTIONS_CANARY_CANARY_PROJECTORS_H_

#include <memory>
#include <vector>

#include "projections/projector.h"

namespace ledger::projections {

// The "canary" projector (tables canary_state and traffic_split_history).
std::vector<std::unique_ptr<Projector>> MakeCanaryProjectors();

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_CANARY_CANARY_PROJECTORS_H_
