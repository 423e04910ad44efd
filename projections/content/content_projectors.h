// The content read models (DESIGN.md sections 6 and 7; docs/read-models.md, "Content"):
// projectors over the content-<id> streams written by the screen-content, evaluate-quality,
// decide-review and publish-content commands. Tables: content_tables.h.
//
// Each projector is deterministic: its rows depend on the events only (times come from
// RecordedEvent::recorded_at), so a rebuild and every backend produce the same rows. Odd
// input (a field missing from a payload, a review decision without a request) is recorded as
// NULLs or skipped, never an error; Apply fails only when the ProjectionWriter does.
//
// Thread safety: a projector holds no state between events; the runtime calls one projector
// from one thread at a time.
#ifndef LEDGER_PROJECTIONS_CONTENT_CONTENT_PROJECTORS_H_
#define LEDGER_PROJECTIONS_CONTENT_CONTENT_PROJECTORS_H_

#include <memory>
#include <vector>

#include "projections/projector.h"

namespace ledger::projections {

// "products" (tables products and review_queue), "screening_decisions" and
// "quality_verdicts".
std::vector<std::unique_ptr<Projector>> MakeContentProjectors();

namespace content {

std::unique_ptr<Projector> MakeProductsProjector();
std::unique_ptr<Projector> MakeScreeningDecisionsProjector();
std::unique_ptr<Projector> MakeQualityVerdictsProjector();

}  // namespace content

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_CONTENT_CONTENT_PROJECTORS_H_
