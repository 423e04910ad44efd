#include "projections/internal/projector_set.h"

#include <algorithm>
#include <cassert>
#include <atomic>
#include <exception>
#include <future>
#include <map>
#include <optional>
#include <system_error>
#include <tuple>

#include "projections/batch_writer.h"

namespace ledger::projections::internal {

namespace {

// The rows a set keeps across batches (RowCache). Enough for the rows a busy log touches
// again within minutes; well within the runtime's memory budget (docs/performance.md).
constexpr std::size_t kRowCacheBytes = std::size_t{32} << 20;

}  // namespace

std::string RebuildCheckpointName(std::string_view projector) {
  return std::string(projector) + "#rebuild";
}

struct ProjectorSet::Entry {
  Projector* projector = nullptr;
  std::unique_ptr<Lease> lease;
  bool rebuilding = false;
  // The checkpoint this entry advances (live or rebuild): whether it exists, and where it
  // stands as last committed (what the next commit expects to find).
  bool checkpoint_stored = false;
  GlobalPosition stored_position{0};
  std::uint64_t stored_events = 0;
  // Where the entry's projector stands: ahead of the stored checkpoint while its rows wait in
  // the write-back buffer (`unflushed`), else at it.
  GlobalPosition position{0};
  std::uint64_t events = 0;
  bool unflushed = false;
  Timestamp last_recorded_at{0};
  bool at_head = false;  // the last read after `position` found nothing

  void SetStored(GlobalPosition at, std::uint64_t count) {
    checkpoint_stored = true;
    stored_position = position = at;
    stored_events = events = count;
    unflushed = false;
  }
  // A flush behind stored the checkpoint at `at`; the entry may stand further on already.
  void MarkFlushed(GlobalPosition at, std::uint64_t count) {
    checkpoint_stored = true;
    stored_position = at;
    stored_events = count;
    unflushed = position != at;
  }
  std::string checkpoint_name() const {
    return rebuilding ? RebuildCheckpointName(projector->name()) : std::string(projector->name());
  }
  TableSet set() const { return rebuilding ? TableSet::kShadow : TableSet::kLive; }
};

struct ProjectorSet::FlushBehind {
  WriteBackBuffer rows;   // lent to `request`: what the batches applied meanwhile still read
  CommitRequest request;  // read by the flushing thread only, until `done` is ready
  // Where each flushed entry's checkpoint stands once `request` commits.
  std::vector<std::tuple<Entry*, GlobalPosition, std::uint64_t>> moves;
  std::future<Status> done;
};

struct ProjectorSet::Track {
  TableSet set;
  GlobalPosition position;
  std::vector<Entry*> entries;
};

ProjectorSet::ProjectorSet(EventStore& events, ReadModelStore& rows,
                           std::span<Projector* const> projectors, const RunnerOptions& options,
                           Clock& clock)
    : events_(events), rows_(rows), options_(options), clock_(clock), cache_(kRowCacheBytes) {
  for (Projector* projector : projectors) {
    auto entry = std::make_unique<Entry>();
    entry->projector = projector;
    entries_.push_back(std::move(entry));
  }
}

ProjectorSet::~ProjectorSet() {
  DropReadAheads();
  // Its outcome no longer matters (the checkpoints say what was stored), but the thread reads
  // the request and the store.
  if (behind_ && behind_->done.valid()) behind_->done.wait();
}

Result<std::size_t> ProjectorSet::TakeLeadership(std::span<const std::string> force_rebuild) {
  for (auto& entry : entries_) {
    if (entry->lease && !entry->lease->Held()) entry->lease.reset();
  }
  // A projector led again is prepared afresh from its stored checkpoint (a rebuild's tables
  // maybe recreated). Rows it applied past that checkpoint while it led before (its lease was
  // lost, LeadingCount) must not wait in the buffers to be applied a second time: rewind, which
  // drops them (every other entry's unflushed rows too: they are read again) after settling a
  // flush behind. Otherwise a flush behind still settles here, so none runs during Prepare.
  bool stale = std::any_of(entries_.begin(), entries_.end(),
                           [](const auto& entry) { return !entry->lease && entry->unflushed; });
  if (stale) {
    cache_.Clear();
    Rewind();
  } else {
    LEDGER_RETURN_IF_ERROR(SettleFlushBehindOrRewind());
  }
  std::size_t led = 0;
  for (auto& entry : entries_) {
    if (!entry->lease) {
      LEDGER_ASSIGN_OR_RETURN(entry->lease,
                              rows_.leadership().TryLead("projector." +
                                                         std::string(entry->projector->name())));
      if (!entry->lease) continue;
      bool forced = std::find(force_rebuild.begin(), force_rebuild.end(),
                              entry->projector->name()) != force_rebuild.end();
      Status prepared = Prepare(*entry, forced);
      if (!prepared.ok()) {
        entry->lease.reset();
        return prepared.WithContext("projector " + std::string(entry->projector->name()));
      }
    }
    ++led;
  }
  return led;
}

void ProjectorSet::ReleaseAll() {
  // Rewind first: it waits for a flush behind, which must not write once leadership is given
  // up and another process may prepare these projectors.
  cache_.Clear();
  Rewind();
  for (auto& entry : entries_) entry->lease.reset();
  DropReadAheads();
}

void ProjectorSet::DropReadAheads() {
  for (ReadAhead& ahead : read_aheads_) {
    if (ahead.events.valid()) ahead.events.wait();
  }
  read_aheads_.clear();
}

ReadAllOptions ProjectorSet::ReadOptions(const Track& track) {
  bool bodies = std::any_of(track.entries.begin(), track.entries.end(),
                            [](const Entry* e) { return e->projector->reads_raw_body(); });
  return ReadAllOptions{.with_raw_body = bodies};
}

void ProjectorSet::StartReadAhead(const Track& track, GlobalPosition after) {
  EventStore& events = events_;
  std::size_t limit = options_.batch_size;
  ReadAllOptions read = ReadOptions(track);
  read_aheads_.push_back(ReadAhead{
      .set = track.set,
      .after = after,
      .events = std::async(std::launch::async, [&events, after, limit, read] {
        return events.ReadAll(after, limit, read);
      })});
}

Result<std::vector<RecordedEvent>> ProjectorSet::ReadBatch(const Track& track) {
  auto ahead = std::find_if(read_aheads_.begin(), read_aheads_.end(), [&](const ReadAhead& a) {
    return a.set == track.set && a.after == track.position;
  });
  if (ahead != read_aheads_.end()) {
    Result<std::vector<RecordedEvent>> events = ahead->events.get();
    read_aheads_.erase(ahead);
    // A failed or empty read-ahead says nothing that a read now would not say better.
    if (events.ok() && !events->empty()) return events;
  }
  return events_.ReadAll(track.position, options_.batch_size, ReadOptions(track));
}

Status ProjectorSet::Prepare(Entry& entry, bool force_rebuild) {
  const Projector& projector = *entry.projector;
  std::span<const TableSpec> tables = projector.tables();
  std::string rebuild_name = RebuildCheckpointName(projector.name());
  // Whatever was known of these tables may have changed while another process led them.
  for (const TableSpec& table : tables) cache_.Forget(table);
  LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> live, rows_.LoadCheckpoint(projector.name()));
  LEDGER_ASSIGN_OR_RETURN(std::optional<Checkpoint> shadow, rows_.LoadCheckpoint(rebuild_name));
  entry.at_head = false;
  entry.last_recorded_at = Timestamp(0);

  bool current = live && live->version == projector.version() && !force_rebuild;
  if (current) {
    // A leftover rebuild (for a version since abandoned) is discarded.
    if (shadow) {
      LEDGER_RETURN_IF_ERROR(rows_.DeleteCheckpoint(rebuild_name, shadow->position));
      LEDGER_RETURN_IF_ERROR(rows_.DropTables(tables, TableSet::kShadow));
    }
    LEDGER_RETURN_IF_ERROR(rows_.CreateTables(tables, TableSet::kLive));
    entry.rebuilding = false;
    entry.SetStored(live->position, live->events);
    return Status::Ok();
  }

  entry.rebuilding = true;
  if (shadow && shadow->version == projector.version() && !force_rebuild) {
    // Resume the rebuild a previous leader began.
    LEDGER_RETURN_IF_ERROR(rows_.CreateTables(tables, TableSet::kShadow));
    entry.SetStored(shadow->position, shadow->events);
    return Status::Ok();
  }
  if (shadow) LEDGER_RETURN_IF_ERROR(rows_.DeleteCheckpoint(rebuild_name, shadow->position));
  LEDGER_RETURN_IF_ERROR(rows_.DropTables(tables, TableSet::kShadow));
  LEDGER_RETURN_IF_ERROR(rows_.CreateTables(tables, TableSet::kShadow));
  for (const TableSpec& table : tables) cache_.MarkEmpty(TableSet::kShadow, table);
  Checkpoint start{.name = rebuild_name, .version = projector.version(), .updated_at = clock_.Now()};
  LEDGER_RETURN_IF_ERROR(rows_.SaveCheckpoint(CheckpointMove{std::nullopt, start}));
  entry.SetStored(GlobalPosition(0), 0);
  return Status::Ok();
}

std::vector<ProjectorSet::Track> ProjectorSet::Tracks() {
  std::map<std::tuple<int, std::uint64_t>, Track> by_place;
  for (auto& entry : entries_) {
    if (!entry->lease) continue;
    auto place = std::make_tuple(static_cast<int>(entry->set()), entry->position.value());
    Track& track = by_place[place];
    track.set = entry->set();
    track.position = entry->position;
    track.entries.push_back(entry.get());
  }
  std::vector<Track> tracks;
  for (auto& [place, track] : by_place) tracks.push_back(std::move(track));
  return tracks;
}

Result<bool> ProjectorSet::Step() {
  bool progressed = false;
  std::vector<Track> tracks = Tracks();
  // Read-aheads no track can use any more (tracks met, or one failed) only hold memory.
  std::erase_if(read_aheads_, [&](ReadAhead& ahead) {
    bool wanted = std::any_of(tracks.begin(), tracks.end(), [&](const Track& t) {
      return t.set == ahead.set && t.position == ahead.after;
    });
    if (!wanted && ahead.events.valid()) ahead.events.wait();
    return !wanted;
  });
  for (Track& track : tracks) LEDGER_RETURN_IF_ERROR(Advance(track, progressed));
  // A rebuild that caught up takes its buffered rows with it into the live tables: flush
  // (every rebuild's rows; they share the buffer) before promoting.
  std::vector<Entry*> caught_up;
  for (auto& entry : entries_) {
    if (entry->lease && entry->rebuilding && entry->at_head) caught_up.push_back(entry.get());
  }
  if (caught_up.empty()) return progressed;
  LEDGER_RETURN_IF_ERROR(Flush());
  LEDGER_RETURN_IF_ERROR(Promote(caught_up));
  return true;
}

Status ProjectorSet::Advance(Track& track, bool& progressed) {
  Status status;
  try {
    status = AdvanceCached(track, progressed);
  } catch (const std::exception& e) {
    // A projector must return errors, but one that throws has left part of its batch in the
    // write-back buffer: rewind as for any failure.
    status = Internal(std::string("applying a batch threw: ") + e.what());
  }
  if (!status.ok()) {
    // The commit may or may not have taken effect: what the cache knows is no longer sure.
    cache_.Clear();
    // The buffered rows are dropped with the positions they stood for.
    Rewind();
  }
  return status;
}

Status ProjectorSet::AdvanceCached(Track& track, bool& progressed) {
  LEDGER_ASSIGN_OR_RETURN(std::vector<RecordedEvent> batch, ReadBatch(track));
  if (batch.empty()) {
    for (Entry* entry : track.entries) entry->at_head = true;
    return Status::Ok();
  }
  // Catching up: the next batch is likely there already; read it while this one is applied
  // and committed.
  if (batch.size() >= options_.batch_size) StartReadAhead(track, batch.back().global_position);
  const bool buffered = track.set == TableSet::kShadow && options_.rebuild_buffer_bytes > 0;
  std::optional<BatchWriter> writer;  // into the write-back buffer, or for one Commit
  if (buffered) {
    writer.emplace(rows_, track.set, &cache_, buffer_, behind_ ? &behind_->rows : nullptr);
  } else {
    writer.emplace(rows_, track.set, &cache_);
  }
  for (const RecordedEvent& event : batch) {
    for (Entry* entry : track.entries) {
      if (!entry->projector->Handles(event.event_type)) continue;
      Status applied = entry->projector->Apply(event, *writer);
      if (!applied.ok()) {
        return applied.WithContext("projector " + std::string(entry->projector->name()) +
                                   " at position " + std::to_string(event.global_position.value()));
      }
    }
  }
  const RecordedEvent& last = batch.back();
  if (buffered) {
    for (Entry* entry : track.entries) {
      entry->position = last.global_position;
      entry->events += batch.size();
      entry->last_recorded_at = last.recorded_at;
      entry->at_head = batch.size() < options_.batch_size;
      entry->unflushed = true;
    }
    progressed = true;
    if (options_.rebuild_flush_behind) {
      // Half the budget filling, half being written: the same memory as one full buffer.
      if (buffer_.bytes() >= options_.rebuild_buffer_bytes / 2) return StartFlushBehind();
      return Status::Ok();
    }
    if (buffer_.bytes() >= options_.rebuild_buffer_bytes) return Flush();
    return Status::Ok();
  }
  CommitRequest request{
      .set = track.set, .changes = writer->TakeChanges(), .checkpoints = {}, .new_rows = {}};
  Timestamp now = clock_.Now();
  for (Entry* entry : track.entries) {
    Checkpoint next{.name = entry->checkpoint_name(),
                    .version = entry->projector->version(),
                    .position = last.global_position,
                    .events = entry->events + batch.size(),
                    .updated_at = now};
    request.checkpoints.push_back(CheckpointMove{
        entry->checkpoint_stored ? std::optional<GlobalPosition>(entry->stored_position)
                                 : std::nullopt,
        std::move(next)});
  }
  LEDGER_RETURN_IF_ERROR(rows_.Commit(request));
  BatchWriter::CommittedTo(cache_, track.set, request.changes);
  if (options_.on_live_change && track.set == TableSet::kLive && !request.changes.empty()) {
    options_.on_live_change(LiveTablesChanged{.rows = request.changes, .replaced = {}});
  }
  for (Entry* entry : track.entries) {
    entry->SetStored(last.global_position, entry->events + batch.size());
    entry->last_recorded_at = last.recorded_at;
    entry->at_head = batch.size() < options_.batch_size;
  }
  progressed = true;
  return Status::Ok();
}

CommitRequest ProjectorSet::FlushRequest(std::vector<Entry*>& flushing) {
  // Every entry the buffer holds rows for, led or not: if its lease was lost, its checkpoint's
  // compare-and-set fails and nothing of the flush is applied.
  for (auto& entry : entries_) {
    if (entry->unflushed) flushing.push_back(entry.get());
  }
  CommitRequest request{.set = TableSet::kShadow, .changes = {}, .checkpoints = {}, .new_rows = {}};
  Timestamp now = clock_.Now();
  for (Entry* entry : flushing) {
    request.checkpoints.push_back(CheckpointMove{
        entry->stored_position, Checkpoint{.name = entry->checkpoint_name(),
                                           .version = entry->projector->version(),
                                           .position = entry->position,
                                           .events = entry->events,
                                           .updated_at = now}});
  }
  return request;
}

Status ProjectorSet::SettleFlushBehind() {
  if (!behind_) return Status::Ok();
  std::unique_ptr<FlushBehind> behind = std::move(behind_);
  Status flushed = behind->done.get();
  if (!flushed.ok()) return flushed.WithContext("flushing the rebuild's buffered rows");
  for (auto& [entry, position, events] : behind->moves) entry->MarkFlushed(position, events);
  cache_.NoteFlushed(TableSet::kShadow, behind->request.changes);
  return Status::Ok();
}

Status ProjectorSet::SettleFlushBehindOrRewind() {
  Status settled = SettleFlushBehind();
  if (!settled.ok()) {
    cache_.Clear();  // the flush's outcome may be unknown
    Rewind();
  }
  return settled;
}

Status ProjectorSet::StartFlushBehind() {
  // One flush at a time, in order: each expects the checkpoints the one before left.
  LEDGER_RETURN_IF_ERROR(SettleFlushBehindOrRewind());
  std::vector<Entry*> flushing;
  auto behind = std::make_unique<FlushBehind>();
  behind->request = FlushRequest(flushing);
  if (flushing.empty() && buffer_.empty()) return Status::Ok();
  for (Entry* entry : flushing) behind->moves.emplace_back(entry, entry->position, entry->events);
  behind->rows = std::move(buffer_);
  behind->rows.LendTo(&behind->request);
  ReadModelStore& store = rows_;
  const CommitRequest& request = behind->request;
  try {
    MarkNewRows(behind->request);
    behind->done = std::async(std::launch::async, [&store, &request]() -> Status {
      try {
        return store.CommitBulk(request);
      } catch (const std::exception& e) {
        return Internal(std::string("CommitBulk threw: ") + e.what());
      }
    });
  } catch (const std::exception& e) {
    // No thread (or no memory for the hints): the rows just taken from the buffer are gone
    // with `behind`.
    cache_.Clear();
    Rewind();
    return Internal(std::string("cannot start the flush behind: ") + e.what());
  }
  behind_ = std::move(behind);
  return Status::Ok();
}

Status ProjectorSet::Flush() {
  LEDGER_RETURN_IF_ERROR(SettleFlushBehindOrRewind());
  std::vector<Entry*> flushing;
  CommitRequest request = FlushRequest(flushing);
  if (flushing.empty() && buffer_.empty()) return Status::Ok();
  Status flushed;
  try {
    request.changes = buffer_.Take();
    MarkNewRows(request);
    flushed = rows_.CommitBulk(request);
  } catch (const std::exception& e) {
    flushed = Internal(std::string("the flush threw: ") + e.what());  // rows taken: rewind
  }
  if (!flushed.ok()) {
    cache_.Clear();  // the outcome may be unknown
    Rewind();
    return flushed.WithContext("flushing the rebuild's buffered rows");
  }
  cache_.NoteFlushed(TableSet::kShadow, request.changes);
  for (Entry* entry : flushing) entry->SetStored(entry->position, entry->events);
  return Status::Ok();
}

void ProjectorSet::MarkNewRows(CommitRequest& request) {
  assert(behind_ == nullptr);
  request.new_rows = cache_.NewRows(request.set, request.changes);
}

void ProjectorSet::Rewind() {
  // A flush behind ends first: the checkpoints it stored (if it did) are where to rewind to.
  if (!SettleFlushBehind().ok()) cache_.Clear();
  buffer_.Clear();
  for (auto& entry : entries_) {
    if (!entry->unflushed) continue;
    entry->position = entry->stored_position;
    entry->events = entry->stored_events;
    entry->unflushed = false;
    entry->at_head = false;
  }
}

Status ProjectorSet::Promote(std::span<Entry* const> caught_up) {
  // Only the store's calls run on other threads; the set itself is touched here, after.
  std::vector<Status> results(caught_up.size());
  std::atomic<std::size_t> next{0};
  auto promote_some = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < caught_up.size();) {
      const Entry& entry = *caught_up[i];
      const Projector& projector = *entry.projector;
      try {
        results[i] = rows_.PromoteShadow(projector.tables(), projector.name(),
                                         RebuildCheckpointName(projector.name()), entry.position);
      } catch (const std::exception& e) {
        results[i] = Internal(std::string("PromoteShadow threw: ") + e.what());
      } catch (...) {
        results[i] = Internal("PromoteShadow threw");
      }
    }
  };
  std::vector<std::future<void>> helpers;
  const std::size_t threads = std::clamp<std::size_t>(options_.promote_parallelism, 1,
                                                      caught_up.size());
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      helpers.push_back(std::async(std::launch::async, promote_some));
    } catch (const std::system_error&) {
      break;  // no more threads: this one takes the rest
    }
  }
  promote_some();
  for (std::future<void>& helper : helpers) helper.get();
  // Every failure is told, under the first one's code.
  Status failed;
  for (std::size_t i = 0; i < caught_up.size(); ++i) {
    if (results[i].ok()) {
      Promoted(*caught_up[i]);
      continue;
    }
    Status one = results[i].WithContext("promoting projector " +
                                        std::string(caught_up[i]->projector->name()));
    failed = failed.ok() ? one : Status(failed.code(), failed.message() + "; " + one.ToString());
  }
  return failed;
}

void ProjectorSet::Promoted(Entry& entry) {
  const Projector& projector = *entry.projector;
  // The shadow tables are the live ones now; what was cached under the shadow set is not.
  for (const TableSpec& table : projector.tables()) cache_.Forget(table);
  if (options_.on_live_change) {
    options_.on_live_change(LiveTablesChanged{.rows = {}, .replaced = projector.tables()});
  }
  entry.rebuilding = false;
  entry.SetStored(entry.position, entry.events);
}

std::size_t ProjectorSet::LeadingCount() {
  std::size_t led = 0;
  for (auto& entry : entries_) {
    if (entry->lease && !entry->lease->Held()) entry->lease.reset();
    if (entry->lease) ++led;
  }
  return led;
}

GlobalPosition ProjectorSet::LowestPosition() const {
  std::optional<GlobalPosition> lowest;
  for (const auto& entry : entries_) {
    if (entry->lease && (!lowest || entry->position < *lowest)) lowest = entry->position;
  }
  return lowest.value_or(GlobalPosition(0));
}

std::vector<ProjectorProgress> ProjectorSet::Progress() const {
  std::vector<ProjectorProgress> out;
  for (const auto& entry : entries_) {
    out.push_back(ProjectorProgress{.name = std::string(entry->projector->name()),
                                    .version = entry->projector->version(),
                                    .position = entry->position,
                                    .events = entry->events,
                                    .rebuilding = entry->rebuilding,
                                    .leading = entry->lease != nullptr,
                                    .at_head = entry->at_head,
                                    .last_event_recorded_at = entry->last_recorded_at});
  }
  return out;
}

}  // namespace ledger::projections::internal
