// Reading the `ledger-seals` stream: its last event (where a sealer resumes) and all of it
// (what `ledger seal --export` writes and what the verifier checks the log against).
#ifndef LEDGER_REPLAY_SEAL_STREAM_H_
#define LEDGER_REPLAY_SEAL_STREAM_H_

#include <optional>
#include <vector>

#include "engine/event_store.h"

namespace ledger::replay {

// The stream's last event, or nullopt if it has none. O(log n) reads of one event each: an
// exponential search for the head version, then a binary one.
Result<std::optional<RecordedEvent>> ReadLastSealEvent(EventStore& store);

// Every event of `ledger-seals`, in version order.
Result<std::vector<RecordedEvent>> ReadSealEvents(EventStore& store);

}  // namespace ledger::replay

#endif  // LEDGER_REPLAY_SEAL_STREAM_H_
