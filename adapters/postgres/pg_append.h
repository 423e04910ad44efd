// One append transaction: any number of independent, normalised append requests, locked,
// planned (engine/append_planner.h) and written together. Append is a batch of one.
//
// Round trips (pipeline mode, AppendPath::kLockAndRead): 1) BEGIN, lock the rows of the streams
// that exist in stream id order, read the transaction id and where the event ids are already
// stored; 2) after planning on the client: insert the rows of new streams (a unique violation
// there means another transaction created one meanwhile: the store runs the append again),
// insert the events (positions drawn here), update the existing heads, COMMIT, then a NOTIFY
// of its own. AppendPath::kAssumeNew skips round trip 1 when every stream is expected new.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_APPEND_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_APPEND_H_

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "adapters/postgres/pg_event_store.h"
#include "engine/append_planner.h"
#include "engine/clock.h"
#include "engine/event_store.h"

namespace ledger::pg {

struct AppendAttempt {
  // One outcome per request, or the transaction's failure (then nothing was committed,
  // unless commit_sent: a lost connection after COMMIT leaves the outcome unknown).
  Result<std::vector<Result<AppendResult>>> outcomes = Internal("not run");
  bool commit_sent = false;
  PgError error;  // the server's error behind a failed transaction, for retry decisions
};

// How an append learns what it plans against.
enum class AppendPath {
  // Two round trips: BEGIN, lock the streams that exist and look the event ids up; then write
  // and COMMIT.
  kLockAndRead,
  // One round trip: plan as if no requested stream and no event id were stored, then write
  // and COMMIT. The unique indexes check the assumption: where it was wrong, the transaction
  // fails with AssumptionRefuted(error) and writes nothing, and the caller runs the same
  // requests again on kLockAndRead. A batch whose plan refuses a request under the assumption
  // runs on kLockAndRead at once. For batches whose every request expects no stream (webhook
  // admission, new orders), where the guess is right but for redeliveries and races.
  kAssumeNew,
};

// Whether a failed append's error is a unique violation that a stored stream or event id
// explains: kAssumeNew guessed wrong, or a concurrent append created the stream or stored the
// id first. Running the append again on kLockAndRead then sees what is stored.
bool AssumptionRefuted(const PgError& error);

// The parameters of kInsertStreams / kUpdateStreams: `heads` with `commit_key` (none: the
// transaction's own id).
Params HeadParams(std::optional<std::uint64_t> commit_key,
                  const std::unordered_map<StreamId, StreamHead>& heads);

// REQUIRES: every request normalised (NormalizeAppendRequest); conn idle.
AppendAttempt RunAppendTransaction(PgConnection& conn, std::span<const AppendRequest> requests,
                                   AppendPath path, Clock& clock, PgAppendHooks* hooks);

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_APPEND_H_
