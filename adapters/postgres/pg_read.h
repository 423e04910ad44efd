// Reading events back: one stream, the log in gap-free order, and whether the next event of
// the log is readable yet. Each read is a single statement, so it sees one snapshot.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_READ_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_READ_H_

#include <cstdint>
#include <vector>

#include "adapters/postgres/pg_connection.h"
#include "engine/append_planner.h"
#include "engine/event_store.h"

namespace ledger::pg {

// A stream row (LEDGER_HEAD_COLUMNS in pg_statements.cc) as a head, with its commit key.
struct LockedHead {
  StreamId stream;
  StreamHead head;
  std::uint64_t commit_key = 0;  // of the stream's last event; 0 for an empty stream
};
LockedHead DecodeHeadRow(const PgResult& result, int row);

// An event row (EventColumn order in pg_statements.h).
RecordedEvent DecodeEventRow(const PgResult& result, int row);

// `limit` as the statements' LIMIT parameter: NULL (no limit) when it does not fit.
Params& AddLimit(Params& params, std::size_t limit);

Result<std::vector<RecordedEvent>> ReadStream(PgConnection& conn, const StreamId& stream,
                                              const StreamReadOptions& options);

// The events after the event at `after` in log order (commit_key, global_position), only
// those below the oldest running transaction. InvalidArgument if `after` names no event.
// Without raw bodies unless options ask for them (the server then never reads their TOAST).
Result<std::vector<RecordedEvent>> ReadAll(PgConnection& conn, GlobalPosition after,
                                           std::size_t limit, const ReadAllOptions& options = {});

enum class LogState {
  kNothingNew,  // no committed event follows `after` (or `after` names no event)
  kHeldBack,    // one does, but a transaction older than it is still running
  kReadable,    // ReadAll(after) returns at least one event now
};
Result<LogState> NextEventState(PgConnection& conn, GlobalPosition after);

// The current snapshot's bounds, as transaction ids (xid8): every transaction below `xmin`
// has ended, and every one that has committed is below `xmax`. ReadAll reads commit keys
// below xmin, so once xmin reaches an earlier call's xmax, everything committed before that
// call is readable (PgEventStore::WaitForCommitted).
struct SnapshotBounds {
  std::uint64_t xmin = 0;
  std::uint64_t xmax = 0;
};
Result<SnapshotBounds> CurrentSnapshotBounds(PgConnection& conn);

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_READ_H_
