// Projection lag as Prometheus text (docs/read-models.md, "Lag"), appended to GET /metrics
// through ServerOptions::extra_metrics.
#ifndef LEDGER_ADAPTERS_HTTP_PROJECTION_METRICS_H_
#define LEDGER_ADAPTERS_HTTP_PROJECTION_METRICS_H_

#include <span>
#include <string>

#include "projections/runner.h"

namespace ledger::http {

// Appends the ledger_projection_* gauges for `progress`, measuring lag against `now`.
void RenderProjectionMetrics(std::span<const projections::ProjectorProgress> progress,
                             Timestamp now, std::string& out);

}  // namespace ledger::http

#endif  // LEDGER_ADAPTERS_HTTP_PROJECTION_METRICS_H_
