// The projector runtime (DESIGN.md section 7): feeds the log to projectors in batches and
// commits each batch's rows with the checkpoints, in one transaction, so every event takes
// effect exactly once, also across crashes.
//
// Each projector has a checkpoint named after it. A projector whose stored version differs
// from its code's version (or that has no tables yet) is rebuilt: its tables are created as
// shadow tables, filled from the start of the log under the checkpoint "<name>#rebuild", and
// swapped in (ReadModelStore::PromoteShadow) once caught up, so queries see the old model
// until the new one is complete. Projectors at the same position share each read of the log.
//
// A rebuild does not commit each batch: nothing reads shadow tables before the swap, so its
// rows are held in memory across batches (RunnerOptions::rebuild_buffer_bytes) and written
// with its checkpoint, in one transaction (ReadModelStore::CommitBulk), when that buffer is
// full and when it catches up. A crash or failure loses only the rows not yet written; the
// rebuild resumes from its checkpoint, so every event still takes effect exactly once.
#ifndef LEDGER_PROJECTIONS_RUNNER_H_
#define LEDGER_PROJECTIONS_RUNNER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stop_token>
#include <string>
#include <vector>

#include "engine/clock.h"
#include "engine/event_store.h"
#include "projections/projector.h"
#include "projections/read_model_store.h"

namespace ledger::projections {

// What changed in the live tables, for caches of read models (the catalog cache in
// docs/jobs.md): the rows a committed batch wrote or deleted, or tables a finished rebuild
// swapped in whole (every row may have changed).
struct LiveTablesChanged {
  std::span<const RowChange> rows;
  std::span<const TableSpec> replaced;
};

struct RunnerOptions {
  std::size_t batch_size = 1000;  // events per read of the log and per commit
  // A rebuild's rows held in memory before they are written (ReadModelStore::CommitBulk, with
  // the rebuild's checkpoint), in rough heap bytes; 0 commits each batch, as when following.
  // On top of the row cache (32 MiB); a crash loses at most this much work.
  std::size_t rebuild_buffer_bytes = std::size_t{64} << 20;
  // Whether a rebuild writes its buffer behind: once half the budget is held, those rows are
  // written on another thread while the next batches are applied into a new buffer, so the
  // store's work and the projectors' overlap. Flushes still commit one at a time, in order;
  // a failed one rewinds as before. false: the buffer is written when full, and the rebuild
  // waits for it.
  bool rebuild_flush_behind = true;
  // How many rebuilds that caught up together are promoted at once, each PromoteShadow on its
  // own thread (and, on PostgreSQL, connection): most of a promotion is the store finishing
  // the shadow tables (indexes, statistics), one table's work at a time. 1: one after another.
  std::size_t promote_parallelism = 2;
  // While following: how long to wait for new events before polling again.
  std::chrono::milliseconds idle_wait{500};
  // After a failed batch (store unavailable, lost leadership race): wait, then retry.
  std::chrono::milliseconds retry_wait{1000};
  // ProjectionService: how often to try to lead projectors another process leads.
  std::chrono::milliseconds leadership_retry{5000};
  // Called on the projection thread after each commit that changed live tables, never for a
  // rebuild's shadow tables until they are promoted. It runs after the commit, so it cannot
  // undo anything: a cache that fails to act on it must expire by itself (a TTL). Must be
  // quick and must not throw.
  std::function<void(const LiveTablesChanged&)> on_live_change = nullptr;
};

// Where a projector stands, for metrics and `ledger rebuild` progress.
struct ProjectorProgress {
  std::string name;
  std::uint32_t version = 0;
  GlobalPosition position{0};  // last event applied (of the rebuild while rebuilding)
  std::uint64_t events = 0;    // applied since the current build began
  bool rebuilding = false;
  bool leading = false;        // this process leads it
  bool at_head = false;        // its last read of the log found nothing newer
  Timestamp last_event_recorded_at{0};  // of the last event applied; 0 if none
};

using ProgressFn = std::function<void(std::span<const ProjectorProgress>)>;

// Brings every projector up to the current head of the log (rebuilding those that need it)
// and returns: for `ledger rebuild`, `ledger replay`, tests. `force_rebuild` names projectors
// to rebuild even if their version is current. Leadership is taken for each projector for the
// duration; FailedPrecondition if another process leads one of them.
Status ProjectToHead(EventStore& events, ReadModelStore& rows,
                     std::span<Projector* const> projectors, const RunnerOptions& options = {},
                     std::span<const std::string> force_rebuild = {},
                     const ProgressFn& progress = nullptr);

}  // namespace ledger::projections

#endif  // LEDGER_PROJECTIONS_RUNNER_H_
