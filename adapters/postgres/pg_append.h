// One append transaction: any number of independent, normalised append requests, locked,
// planned (engine/append_planner.h) and written together. Append is a batch of one.
//
// Round trips (pipeline mode): 1) BEGIN, lock the rows of the streams that exist in stream id
// order, read the transaction id and where the event ids are already stored; 2) after planning
// on the client: insert the rows of new streams (a unique violation there means another
// transaction created one meanwhile: the store runs the append again), insert the events
// (positions drawn here), update the existing heads, COMMIT, then a NOTIFY of its own.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_APPEND_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_APPEND_H_

#include <cstdint>
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

// The parameters of kInsertStreams / kUpdateStreams: `heads` with `commit_key`.
Params HeadParams(std::uint64_t commit_key, const std::unordered_map<StreamId, StreamHead>& heads);

// REQUIRES: every request normalised (NormalizeAppendRequest); conn idle.
AppendAttempt RunAppendTransaction(PgConnection& conn, std::span<const AppendRequest> requests,
                                   Clock& clock, PgAppendHooks* hooks);

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_APPEND_H_
