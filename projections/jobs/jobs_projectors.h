// The "jobs" projector (DESIGN.md sections 7 and 9; docs/jobs.md, "The jobs read model"): one
// row per job from the job.* events, keyed by (tenant_id, job_id).
//
// Deterministic: rows depend on the events only (times from recorded_at and payloads).
// Thread safety: holds no state between events.
#ifndef LEDGER_PROJECTIONS_JOBS_JOBS_PROJECTORS_H_
#define LEDGER_PROJECTIONS_JOBS_JOBS_PROJECTORS_H_

#include <memory>
#include <vector>

#include "projections/projector.h"

namespace ledger::projections {

// The "jobs" projector.
std::vector<std::unique_ptr<Projector>> MakeJobProjectors();

namespace jobs {

// The jobs table; lives for the whole process.
const TableSpec& JobsTable();

inline constexpr const char* kStatusQueued = "queued";
inline constexpr const char* kStatusRunning = "running";
inline constexpr const char* kStatusRetrying = "retrying";
inline constexpr const char* kStatusSucceeded = "succeeded";
inline constexpr const char* kStatusDeadLettered = "dead_lettered";

}  // namespace jobs
}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_JOBS_JOBS_PROJECTORS_H_
