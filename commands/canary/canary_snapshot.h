// Snapshots of a canary route's state (DESIGN.md section 8; engine/snapshot_store.h): the
// folded CanaryState saved with cereal's portable binary archive, so that a route probed
// every minute is loaded from its last snapshot and the events after it, not its whole
// stream. tests/golden/widget_snapshot.h is the model.
//
// A snapshot is never trusted blindly: one of another aggregate, of a state version this
// code does not know, whose bytes do not decode (or decode with bytes left over), or whose
// state breaks the canary's invariants (canary_state.h) is refused, and the caller folds the
// stream from the start instead. Folding with or without a snapshot gives the same state
// (tests/commands/canary_snapshot_test.cc).
#ifndef LEDGER_COMMANDS_CANARY_CANARY_SNAPSHOT_H_
#define LEDGER_COMMANDS_CANARY_CANARY_SNAPSHOT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "commands/canary/canary_state.h"
#include "engine/snapshot_store.h"

namespace ledger::commands {

// Snapshot::aggregate of canary snapshots.
inline constexpr std::string_view kCanaryAggregate = "canary";

// The state version this code writes and reads. Bump it whenever CanaryState, or the
// archive's field order, changes: snapshots of the old version are then ignored (and
// replaced), never misread.
inline constexpr std::uint32_t kCanaryStateVersion = 1;

// `state` as the bytes of a snapshot of state version kCanaryStateVersion.
std::string SerializeCanaryState(const CanaryState& state);

// A snapshot of `state`, folded from `stream` up to and including `version`, of `tenant`.
Snapshot TakeCanarySnapshot(const StreamId& stream, StreamVersion version, const TenantId& tenant,
                            const CanaryState& state, Timestamp taken_at);

// The state in `snapshot`, or nullopt if it cannot be used (see above).
std::optional<CanaryState> RestoreCanarySnapshot(const Snapshot& snapshot);

}  // namespace ledger::commands

#endif  // LEDGER_COMMANDS_CANARY_CANARY_SNAPSHOT_H_
