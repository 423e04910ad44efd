// EventStore: the one interface through which anything reads or writes the ledger's history
// (DESIGN.md section 3). Implementations: MemoryEventStore (engine/memory_store.h), SQLite
// (adapters/sqlite) and PostgreSQL (adapters/postgres); all pass tests/event_store_conformance.
//
// Thread safety: every method may be called concurrently from any thread.
//
// Outcomes that are NOT errors:
//   - appending events whose ids are all already stored, in the same stream and order: the
//     stored positions come back with deduplicated = true and nothing changes;
//   - reading a stream that does not exist: an empty list;
//   - ReadAll past the end of the log: an empty list.
#ifndef LEDGER_ENGINE_EVENT_STORE_H_
#define LEDGER_ENGINE_EVENT_STORE_H_

#include <chrono>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>
#include <vector>

#include "engine/event.h"
#include "engine/expected_version.h"
#include "engine/result.h"

namespace ledger {

struct AppendRequest {
  StreamId stream;
  ExpectedVersion expected = ExpectedVersion::Any();
  std::vector<NewEvent> events;  // 1..kMaxEventsPerAppend, appended atomically, in order
};

struct AppendResult {
  GlobalPosition position;       // of the request's last event
  StreamVersion stream_version;  // of the request's last event
  bool deduplicated = false;     // every event was already stored; nothing changed

  friend bool operator==(const AppendResult&, const AppendResult&) = default;
};

inline constexpr std::size_t kNoLimit = std::numeric_limits<std::size_t>::max();

struct StreamReadOptions {
  StreamVersion from{1};               // first version to return
  std::size_t limit = kNoLimit;
  std::optional<Timestamp> as_of;      // only events recorded at or before this time
};

// One line of an imported log: an event with, optionally, the envelope fields it had in the
// store it was exported from. Given fields are kept (and checked); absent ones are assigned.
struct ImportedEvent {
  StreamId stream;
  NewEvent event;
  std::optional<GlobalPosition> global_position;  // kept if given: must exceed the head
  std::optional<StreamVersion> stream_version;    // must be the stream's next version
  std::optional<Timestamp> recorded_at;           // kept if given: never before the stream's last
  std::optional<Sha256Digest> stream_hash;        // must equal the recomputed chain hash
};

// What a reader of the log needs of each event (EventStore::ReadAll with options).
struct ReadAllOptions {
  // false: raw_body may come back as nullopt for every event. Raw provider bodies are most of
  // a webhook event's bytes and only auditors and exports read them; a projector's catch-up
  // that leaves them out reads, copies and decodes a fraction of the log. A store may return
  // them anyway; every other field is as with true.
  bool with_raw_body = true;
};

struct ImportResult {
  std::size_t imported = 0;
  std::size_t already_present = 0;  // same id, stream and version already stored: skipped
};

class EventStore {
 public:
  virtual ~EventStore() = default;

  // Appends request.events to request.stream atomically if request.expected holds.
  // Errors: InvalidArgument (bad event; nothing stored), Conflict (expected version does not
  // hold: reload and retry the command), AlreadyExists (some but not all event ids are
  // stored, or stored in another stream), FailedPrecondition (the stream belongs to another
  // tenant), Unavailable (store unreachable; the append may or may not have committed, and
  // retrying with the same event ids is safe).
  virtual Result<AppendResult> Append(const AppendRequest& request) = 0;

  // Independent appends in one transaction, each with its own outcome in request order: one
  // request's failure never fails its neighbours. The outer Result fails only if the batch as
  // a whole could not be committed (then none of it was). Two requests for the same stream
  // apply in order.
  virtual Result<std::vector<Result<AppendResult>>> AppendBatch(
      std::span<const AppendRequest> requests) = 0;

  // Events of `stream` from options.from on, in version order.
  virtual Result<std::vector<RecordedEvent>> ReadStream(const StreamId& stream,
                                                        const StreamReadOptions& options) = 0;

  // Up to `limit` events that follow the event at position `after` (0: from the start) in
  // log order. Log order never changes once read and never puts a stream's version n+1
  // before n; a reader that resumes from the position of the last event it processed never
  // skips or repeats a committed event. On stores with concurrent writers (PostgreSQL) log
  // order is commit order, so positions are not necessarily increasing in it: checkpoint on
  // the last event's position, never on the largest position seen (docs/storage.md).
  // InvalidArgument if `after` names no stored event.
  virtual Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit) = 0;

  // ReadAll as `options` ask: the same events in the same order, with the same errors. The
  // default reads everything (raw bodies included), which every option allows; the memory,
  // SQLite and PostgreSQL stores and EventStoreWrapper implement it.
  virtual Result<std::vector<RecordedEvent>> ReadAll(GlobalPosition after, std::size_t limit,
                                                     const ReadAllOptions& options) {
    static_cast<void>(options);
    return ReadAll(after, limit);
  }

  // Blocks until events after `after` may be readable or `timeout` passes; may return early.
  // Callers re-read with ReadAll. Unavailable if the store is unreachable.
  virtual Status WaitForEvents(GlobalPosition after, std::chrono::milliseconds timeout) = 0;

  // Blocks until every event committed before the call is readable with ReadAll, or until
  // `timeout` passes: true when they are, false on timeout. A reader that then reads until
  // ReadAll comes back empty has read everything committed before the call (`ledger export`
  // and `ledger events` do; without it they would stop at a prefix). The default, for stores
  // where a commit is readable at once (memory, SQLite), returns true at once. On PostgreSQL
  // an event is readable once every older transaction in the cluster has ended
  // (docs/storage.md "Ordering"), so this waits for those. Unavailable if unreachable.
  virtual Result<bool> WaitForCommitted(std::chrono::milliseconds timeout) {
    static_cast<void>(timeout);
    return true;
  }

  // The largest global position stored (0: none), for progress estimates only: with
  // concurrent writers it may name an event not yet readable in log order. nullopt if the
  // store cannot tell cheaply.
  virtual Result<std::optional<GlobalPosition>> HeadPosition() {
    return std::optional<GlobalPosition>();
  }

  // Restores a log exported from a store, atomically (all or nothing). Each event is
  // validated like an append; see ImportedEvent for how given envelope fields are treated.
  // Errors: InvalidArgument (bad event, version gap, position not after the head),
  // DataLoss (a given stream_hash does not match: the log was altered), AlreadyExists (an
  // event id is stored at a different stream or version).
  virtual Result<ImportResult> Import(std::span<const ImportedEvent> events) = 0;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_EVENT_STORE_H_
