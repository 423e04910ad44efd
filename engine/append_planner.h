// The decisions every store makes the same way, as pure functions over what the store read
// under its write lock: validating requests, recognising redeliveries, checking the expected
// version and tenant, and building the records (versions, times, hash chain) to write.
// Stores only look things up and write the result; the rules live here once.
#ifndef LEDGER_ENGINE_APPEND_PLANNER_H_
#define LEDGER_ENGINE_APPEND_PLANNER_H_

#include <optional>
#include <span>
#include <vector>

#include "engine/canonical.h"
#include "engine/event_store.h"

namespace ledger {

// A stream's state just before an append, read under the store's write lock.
struct StreamHead {
  StreamVersion version{0};  // 0: the stream has no events
  Sha256Digest hash = kGenesisStreamHash;
  TenantId tenant;           // meaningful when version > 0
  Timestamp last_recorded_at{0};
};

// Where an already-stored event lives.
struct StoredEventRef {
  StreamId stream;
  StreamVersion version;
  GlobalPosition position;
};

// Validates the stream id and every event (minifying payloads) and returns the normalised
// request. InvalidArgument names the first offending event by index.
Result<AppendRequest> NormalizeAppendRequest(const AppendRequest& request);

// Given, for each event of `request` in order, where its id is already stored (nullopt: not
// stored), returns:
//   - the original AppendResult (deduplicated = true) if all are stored contiguously, in
//     order, in this stream: a redelivery;
//   - nullopt if none is stored: append as usual;
//   - AlreadyExists otherwise (a partial overlap or an id used in another stream).
Result<std::optional<AppendResult>> ResolveRedelivery(
    const AppendRequest& request, std::span<const std::optional<StoredEventRef>> stored);

// Builds the records for a normalised, non-redelivered `request` on a stream at `head`.
// Checks the expected version (Conflict) and the tenant (FailedPrecondition), assigns
// versions head+1.., recorded_at = max(now, head.last_recorded_at) so time never runs
// backwards within a stream (as_of reads stay prefixes), and extends the hash chain.
// Global positions are left 0 for the store to assign.
Result<std::vector<RecordedEvent>> PlanAppend(const AppendRequest& request, const StreamHead& head,
                                              Timestamp now);

// Normalises one imported event (validation as for appends).
Result<ImportedEvent> NormalizeImportedEvent(const ImportedEvent& event);

// Builds the record for a normalised imported event on a stream at `head`: the given
// version must be head+1, the given time not before head's last, and the given hash must
// equal the recomputed one (DataLoss otherwise). The global position is left 0.
Result<RecordedEvent> PlanImport(const ImportedEvent& event, const StreamHead& head, Timestamp now);

// For an imported event whose id is already stored at `stored`: OK if it is the same event
// (same stream, same version if given), AlreadyExists otherwise.
Status CheckImportedDuplicate(const ImportedEvent& event, const StoredEventRef& stored);

// The head after appending `record` to a stream.
StreamHead AdvanceHead(const RecordedEvent& record);

}  // namespace ledger

#endif  // LEDGER_ENGINE_APPEND_PLANNER_H_
