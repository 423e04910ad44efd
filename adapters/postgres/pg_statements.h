// The SQL of every statement the store runs, prepared on each pooled connection. Parameter
// types come from the casts; results are binary (pg_params.h). docs/storage.md explains the
// locking and ordering they implement.
#ifndef LEDGER_ADAPTERS_POSTGRES_PG_STATEMENTS_H_
#define LEDGER_ADAPTERS_POSTGRES_PG_STATEMENTS_H_

#include <span>

#include "adapters/postgres/pg_connection.h"

namespace ledger::pg {

// Columns of an event row as the read statements return them (see DecodeEventRow).
enum EventColumn {
  kColPosition,
  kColStream,
  kColVersion,
  kColEventId,
  kColType,
  kColSchemaVersion,
  kColTenant,
  kColPayload,
  kColCorrelation,
  kColCausation,
  kColActor,
  kColSource,
  kColRawBody,
  kColRecordedAt,
  kColHash,
  kColCommitKey,
  kEventColumnCount,
};

// Run on each of the store's connections (pg_event_store.cc). Every statement of the store
// reaches its rows through an index: an event id, a stream, the log order. PostgreSQL plans a
// prepared statement with its arguments five times, then switches to one generic plan and
// keeps it for the connection's life. Planned against an events table that was empty or
// never analyzed (a new database; bench/run, with autovacuum off for events), the generic
// plan of the append's event-id lookup was a sequential scan, so every append then scanned
// the whole log. With sequential scans off the index is the plan whatever the statistics, so
// the generic plans are safe and their saving is kept: planning every execution with its
// arguments instead (what the store did before) cost 370 of the ~2,000 µs of server time of
// a 32-append batch. A statement with no index to use still runs, as a sequential scan.
// docs/performance.md, "Plans".
extern const char* const kIndexPlansOnly;

// Append (pg_append.cc), in the order an append runs them. A NULL commit key ($1) stands for
// the transaction's own id (an append that assumed every stream new and did not read it).
extern const Statement kLockStreams;       // $1 text[]: existing heads, locked in stream id order
extern const Statement kCurrentXid;        // the transaction's xid8 (assigned here if no lock did)
extern const Statement kFindEvents;        // $1 uuid[]: where these ids are stored
extern const Statement kInsertStreams;     // $1 xid8 commit key, $2.. arrays of new streams' heads
extern const Statement kInsertEvents;      // $1 xid8 commit key, $2.. arrays; RETURNING positions
extern const Statement kUpdateStreams;     // $1 xid8 commit key, $2.. arrays of new heads
extern const Statement kNotify;            // wakes LISTENers; its own transaction, no fsync wait

// Reads (pg_read.cc).
extern const Statement kReadStream;  // $1 stream, $2 from version, $3 as_of|NULL, $4 limit|NULL
extern const Statement kReadAllFromStart;   // $1 limit|NULL
extern const Statement kReadAllAfter;       // $1 after position, $2 limit|NULL
// The same two with raw_body NULL (ReadAllOptions::with_raw_body false).
extern const Statement kReadAllFromStartNoBody;
extern const Statement kReadAllAfterNoBody;
extern const Statement kEventExists;        // $1 position
extern const Statement kLogStateFromStart;  // is the first event readable?
extern const Statement kLogStateAfter;      // $1 position: is the next event readable?

// Import (pg_import.cc).
extern const Statement kLockAllStreams;
extern const Statement kReadHeads;  // $1 text[]: heads, not locked (the table is)
extern const Statement kMaxPosition;
extern const Statement kAdvancePosition;  // $1 bigint

// The LISTEN/NOTIFY channel.
inline constexpr const char* kNotifyChannel = "ledger_events";

std::span<const Statement> AllStatements();

}  // namespace ledger::pg

#endif  // LEDGER_ADAPTERS_POSTGRES_PG_STATEMENTS_H_
