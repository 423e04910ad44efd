#include "projections/runner.h"

#include "projections/internal/projector_set.h"

namespace ledger::projections {

Status ProjectToHead(EventStore& events, ReadModelStore& rows,
                     std::span<Projector* const> projectors, const RunnerOptions& options,
                     std::span<const std::string> force_rebuild, const ProgressFn& progress) {
  SystemClock clock;
  internal::ProjectorSet set(events, rows, projectors, options, clock);
  LEDGER_ASSIGN_OR_RETURN(std::size_t led, set.TakeLeadership(force_rebuild));
  if (led != projectors.size()) {
    for (const ProjectorProgress& p : set.Progress()) {
      if (!p.leading) {
        return FailedPrecondition("projector " + p.name +
                                  " is led by another process (a running `ledger serve`?)");
      }
    }
  }
  for (;;) {
    LEDGER_ASSIGN_OR_RETURN(bool progressed, set.Step());
    if (progress) progress(set.Progress());
    if (!progressed) return Status::Ok();
  }
}

}  // namespace ledger::projections
