// SnapshotStore: where aggregate snapshots are kept (DESIGN.md section 8). A snapshot is a
// folded aggregate, serialized by its owner, together with the last stream version folded
// into it, so that loading a long stream reads only the events after that version.
//
// A snapshot is a cache and never the source of truth: the events are. Callers check every
// snapshot against the stream before trusting it (commands/internal/stream_command.h), and
// ignore one they cannot use; Save and Delete failures are reported and ignored, never fatal.
// Nothing that proves history (verify, seals, replay) reads snapshots.
//
// Implementations: MemorySnapshotStore (engine/memory_snapshot_store.h), SQLite and
// PostgreSQL (adapters/*/..._snapshot_store.h, table aggregate_snapshots); all pass
// tests/conformance/snapshot_store_conformance.h.
//
// Thread safety: every method may be called concurrently from any thread.
//
// Outcomes that are NOT errors:
//   - loading a snapshot that was never saved (or was deleted): nullopt;
//   - saving a snapshot older (lower stream_version) than the stored one: OK, nothing
//     changes, so two commands racing to save leave the newer snapshot;
//   - deleting an absent snapshot: OK.
#ifndef LEDGER_ENGINE_SNAPSHOT_STORE_H_
#define LEDGER_ENGINE_SNAPSHOT_STORE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ids.h"
#include "engine/result.h"

namespace ledger {

// Aggregate names: [a-z0-9_.-]{1,100}, e.g. "canary".
inline constexpr std::size_t kMaxAggregateNameBytes = 100;
// A snapshot larger than this is refused: a state that big is better folded than cached.
inline constexpr std::size_t kMaxSnapshotBytes = std::size_t{16} << 20;

struct Snapshot {
  StreamId stream;
  std::string aggregate;            // which fold of the stream this is: one stream may have several
  StreamVersion stream_version{0};  // the last event folded into it; at least 1
  std::uint32_t state_version = 0;  // the shape of `bytes`, owned by the aggregate's code
  TenantId tenant{kDefaultTenant};  // the stream's tenant
  std::string bytes;                // the serialized state; any bytes
  Timestamp taken_at{0};

  friend bool operator==(const Snapshot&, const Snapshot&) = default;
};

class SnapshotStore {
 public:
  virtual ~SnapshotStore() = default;

  // The snapshot of `aggregate` for `stream`, or nullopt if there is none. Errors:
  // Unavailable (store unreachable), DataLoss (a stored row does not decode).
  virtual Result<std::optional<Snapshot>> Load(const StreamId& stream,
                                               std::string_view aggregate) = 0;

  // Stores `snapshot` as the one of (stream, aggregate) unless the stored one has a higher
  // stream_version (then nothing changes; not an error). At an equal version the new one
  // replaces it. Errors: InvalidArgument (invalid stream id, tenant or aggregate name,
  // stream_version 0 or above 2^63-1, bytes over kMaxSnapshotBytes; nothing stored),
  // Unavailable.
  virtual Status Save(const Snapshot& snapshot) = 0;

  // Removes the snapshot of (stream, aggregate), e.g. one found unusable. Errors: Unavailable.
  virtual Status Delete(const StreamId& stream, std::string_view aggregate) = 0;
};

// OK if `snapshot` may be saved; InvalidArgument naming the first bad field otherwise.
// Every implementation checks Save's argument with it.
Status ValidateSnapshot(const Snapshot& snapshot);

// OK for [a-z0-9_.-]{1,100}; InvalidArgument otherwise.
Status ValidateAggregateName(std::string_view aggregate);

}  // namespace ledger

#endif  // LEDGER_ENGINE_SNAPSHOT_STORE_H_
