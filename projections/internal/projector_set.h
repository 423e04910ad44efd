// The state machine shared by ProjectToHead (runner.h) and ProjectionService
// (projection_service.h): which projectors this process leads, where each stands, which are
// rebuilding into shadow tables, and one step of progress for all of them.
//
// Projectors at the same position and table set form a track: each Step reads the log once per
// track and commits the track's rows and checkpoints in one transaction. Tracks meet (and from
// then on share reads) when they reach the same position, which happens at the head of the log.
//
// Rows committed or read are kept in a RowCache (batch_writer.h) across steps, for projectors
// this set leads; it is forgotten whenever that may no longer be the store's state: a failed
// step, leadership taken again or given up, a promotion.
#ifndef LEDGER_PROJECTIONS_INTERNAL_PROJECTOR_SET_H_
#define LEDGER_PROJECTIONS_INTERNAL_PROJECTOR_SET_H_

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "projections/batch_writer.h"
#include "projections/runner.h"

namespace ledger::projections::internal {

// The checkpoint of a rebuild in progress: "<name>#rebuild".
std::string RebuildCheckpointName(std::string_view projector);

class ProjectorSet {
 public:
  ProjectorSet(EventStore& events, ReadModelStore& rows, std::span<Projector* const> projectors,
               const RunnerOptions& options, Clock& clock);
  ~ProjectorSet();

  // Tries to lead every projector not led yet and, for each newly led one, loads its
  // checkpoints and prepares its tables (starting or resuming a rebuild if its version
  // changed or it is named in `force_rebuild`). Returns how many projectors are led now.
  Result<std::size_t> TakeLeadership(std::span<const std::string> force_rebuild = {});

  // Gives up leadership of every projector (after an error whose effect is unknown, so that
  // the next TakeLeadership reloads the checkpoints).
  void ReleaseAll();

  // Advances every track by at most one batch and promotes rebuilds that have caught up.
  // Returns whether anything was applied or promoted; false means every led projector was at
  // the head of the log when read. Conflict if a checkpoint moved under us (another process
  // leads): call ReleaseAll.
  Result<bool> Step();

  // How many projectors this process leads (dropping leases known to be lost).
  std::size_t LeadingCount();

  // The lowest position of the led projectors (for WaitForEvents).
  GlobalPosition LowestPosition() const;

  std::vector<ProjectorProgress> Progress() const;

 private:
  struct Entry;
  struct Track;

  Status Prepare(Entry& entry, bool force_rebuild);
  Status Advance(Track& track, bool& progressed);
  Status AdvanceCached(Track& track, bool& progressed);
  Status Promote(Entry& entry);
  std::vector<Track> Tracks();

  EventStore& events_;
  ReadModelStore& rows_;
  RunnerOptions options_;
  Clock& clock_;
  std::vector<std::unique_ptr<Entry>> entries_;
  RowCache cache_;
};

}  // namespace ledger::projections::internal

#endif  // LEDGER_PROJECTIONS_INTERNAL_PROJECTOR_SET_H_
