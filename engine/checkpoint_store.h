// Where subscribers keep their place in the log (DESIGN.md sections 5, 7 and 9).
//
// A subscriber (the translator, a projector, the job dispatcher) reads the log with
// EventStore::ReadAll(after = its checkpoint) and, once an event's effect is durable, moves its
// checkpoint to that event's position. Moves are compare-and-set, so two processes that both
// believe they lead a subscriber can never both advance it: the loser gets Conflict and must
// stop (see leadership.h).
#ifndef LEDGER_ENGINE_CHECKPOINT_STORE_H_
#define LEDGER_ENGINE_CHECKPOINT_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/ids.h"
#include "engine/result.h"

namespace ledger {

// A subscriber's progress. `position` is the last event applied (0: none yet); `version` is
// the subscriber's code version when it began (a projector rebuilds when its version changes);
// `events` counts events applied since then.
struct Checkpoint {
  std::string name;
  std::uint32_t version = 0;
  GlobalPosition position{0};
  std::uint64_t events = 0;
  Timestamp updated_at{0};
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// A checkpoint update: `next` replaces the row named next.name if that row's position is
// `expected` (nullopt: no row exists yet).
struct CheckpointMove {
  std::optional<GlobalPosition> expected;
  Checkpoint next;
};

class CheckpointStore {
 public:
  virtual ~CheckpointStore() = default;

  // The checkpoint called `name`, or nullopt if it has never been saved.
  virtual Result<std::optional<Checkpoint>> LoadCheckpoint(std::string_view name) = 0;

  // Applies `move` atomically. Conflict if the stored position is not move.expected (another
  // process moved it; nothing changed). Unavailable if the store is unreachable (the move may
  // or may not have happened: reload before retrying).
  virtual Status SaveCheckpoint(const CheckpointMove& move) = 0;
};

}  // namespace ledger

#endif  // LEDGER_ENGINE_CHECKPOINT_STORE_H_
