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
//
// While a track catches up (its last read filled a whole batch), the next batch is read ahead
// on another thread (EventStore is thread-safe; PostgreSQL gives it another pooled connection)
// while the current one is applied and committed, so reading the log and writing the rows
// overlap. A read-ahead is only a ReadAll issued earlier: it is used only by a track that is
// then exactly at the position it was read after, and only if it found events (an empty one
// is read again, so a follower at the head never waits on a stale answer). Commits stay one
// at a time, in order, with their checkpoints: nothing about exactly-once changes.
//
// Rebuilds (shadow tracks) do not commit each batch unless options.rebuild_buffer_bytes is
// 0: their changes go to one WriteBackBuffer (write_back_buffer.h) shared by every rebuild,
// and an entry's position runs ahead of its stored checkpoint. Flush writes the buffer with
// every such entry's checkpoint in one CommitBulk, when the buffer passes its budget and
// before a rebuild that caught up is promoted. Any failure (a batch's, a flush's, leadership
// given up) drops the buffer and rewinds those entries to their stored checkpoints, so the
// next step re-reads from there: each event still takes effect exactly once.
//
// With options.rebuild_flush_behind, a buffer past half its budget is written behind: its
// CommitBulk runs on another thread while the next batches fill a new buffer, reading the
// rows in flight from the old one (lent, write_back_buffer.h). At most one flush is behind: the
// next flush, a promotion, a rewind or the destructor first waits for it, and only then do its
// checkpoints count as stored and its keys are noted in the cache (RowCache::NoteFlushed). If
// it failed, its rows and the newer buffer's are dropped together and the entries rewound, as
// for any failed flush.
#ifndef LEDGER_PROJECTIONS_INTERNAL_PROJECTOR_SET_H_
#define LEDGER_PROJECTIONS_INTERNAL_PROJECTOR_SET_H_

#include <future>
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
  // A flush of the write-back buffer running on another thread.
  struct FlushBehind;
  // A ReadAll of up to a batch after `after`, running or done.
  struct ReadAhead {
    TableSet set;
    GlobalPosition after;
    std::future<Result<std::vector<RecordedEvent>>> events;
  };

  Status Prepare(Entry& entry, bool force_rebuild);
  Status Advance(Track& track, bool& progressed);
  Status AdvanceCached(Track& track, bool& progressed);
  // Promotes every entry of `caught_up` (up to options.promote_parallelism at once). Each
  // promotion stands on its own: those that succeed are promoted even if another fails, whose
  // failure is returned.
  Status Promote(std::span<Entry* const> caught_up);
  // The set's side of a promotion the store has made.
  void Promoted(Entry& entry);
  // Commits the write-back buffer with the checkpoints of the entries it holds rows for; on
  // failure, Rewind. Waits for a flush behind first.
  Status Flush();
  // Starts writing the write-back buffer behind (options.rebuild_flush_behind), once the flush
  // already behind, if any, has settled; on its failure, Rewind.
  Status StartFlushBehind();
  // Waits for the flush behind, if any, and settles it: on success its entries' checkpoints
  // stand where it moved them and its keys are noted in the cache. Returns its failure
  // otherwise; then the caller must rewind (its rows are gone from memory and not in the
  // store).
  Status SettleFlushBehind();
  // SettleFlushBehind, and on its failure forget the cache and Rewind.
  Status SettleFlushBehindOrRewind();
  // The checkpoint moves of a flush of every entry the write-back buffer holds rows for (from
  // where each is stored to where it stands), in `flushing` the entries.
  CommitRequest FlushRequest(std::vector<Entry*>& flushing);
  // Sets request.new_rows from what the cache knows (RowCache::NewRows). Sound only when no
  // flush is behind: the cache then knows every key the shadow tables hold.
  void MarkNewRows(CommitRequest& request);
  // Drops the write-back buffer and moves the entries it held rows for back to their stored
  // checkpoints.
  void Rewind();
  std::vector<Track> Tracks();
  // The next batch of `track`: its read-ahead if there is a usable one, else read now.
  Result<std::vector<RecordedEvent>> ReadBatch(const Track& track);
  void StartReadAhead(const Track& track, GlobalPosition after);
  // Raw bodies only if a projector of `track` reads them.
  static ReadAllOptions ReadOptions(const Track& track);
  // Waits for and drops every read-ahead (their answers may no longer be wanted).
  void DropReadAheads();

  EventStore& events_;
  ReadModelStore& rows_;
  RunnerOptions options_;
  Clock& clock_;
  std::vector<std::unique_ptr<Entry>> entries_;
  RowCache cache_;
  WriteBackBuffer buffer_;
  std::vector<ReadAhead> read_aheads_;  // at most one per track
  std::unique_ptr<FlushBehind> behind_;  // at most one
};

}  // namespace ledger::projections::internal

#endif  // LEDGER_PROJECTIONS_INTERNAL_PROJECTOR_SET_H_
