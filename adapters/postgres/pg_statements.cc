#include "adapters/postgres/pg_statements.h"

namespace ledger::pg {

#define LEDGER_EVENT_COLUMNS                                                                 \
  "global_position, stream_id, stream_version, event_id, event_type, schema_version, "       \
  "tenant_id, payload, correlation_id, causation_id, actor, source, raw_body, recorded_at, " \
  "stream_hash, commit_key"
// The same columns with no provider body (ReadAllOptions::with_raw_body false): NULL in its
// place keeps the column numbers, so one decoder reads both, and the bodies' TOAST is never read.
#define LEDGER_EVENT_COLUMNS_NO_BODY                                                         \
  "global_position, stream_id, stream_version, event_id, event_type, schema_version, "       \
  "tenant_id, payload, correlation_id, causation_id, actor, source, NULL::bytea AS raw_body, " \
  "recorded_at, stream_hash, commit_key"

// The oldest transaction still running anywhere in the cluster, in the statement's own
// snapshot: rows with a smaller commit key were written by finished transactions, and
// every row still to commit will get a key at least this large (docs/storage.md).
#define LEDGER_BELOW_RUNNING "(SELECT pg_snapshot_xmin(pg_current_snapshot()))"

#define LEDGER_HEAD_COLUMNS "stream_id, version, hash, tenant_id, last_recorded_at, last_commit_key"

#define LEDGER_HEAD_ARRAYS                                                        \
  "unnest($2::text[], $3::text[], $4::bigint[], $5::bytea[], $6::timestamptz[]) " \
  "AS h(stream_id, tenant_id, version, hash, last_recorded_at)"

// The commit key of an append's rows: $1, or, when $1 is NULL, the transaction's own id. NULL
// is sent by an append that did not read the id first because every stream it writes is new
// (AppendPath::kAssumeNew), whose key is then exactly that id (docs/storage.md, "Ordering").
#define LEDGER_COMMIT_KEY "coalesce($1::xid8, pg_current_xact_id())"

const char* const kIndexPlansOnly = "SET enable_seqscan = off";

// Locks the heads of the streams that exist, in stream id order, so that concurrent appends
// wait for each other in one order and never deadlock. Streams without a row are created by
// kInsertStreams in the second round trip.
const Statement kLockStreams = {"ledger_lock_streams",
                                "SELECT " LEDGER_HEAD_COLUMNS
                                " FROM streams WHERE stream_id = ANY($1::text[]) "
                                "ORDER BY stream_id FOR UPDATE"};

const Statement kCurrentXid = {"ledger_current_xid", "SELECT pg_current_xact_id()"};

const Statement kFindEvents = {
    "ledger_find_events",
    "SELECT event_id, stream_id, stream_version, global_position FROM events "
    "WHERE event_id = ANY($1::uuid[])"};

// The heads of streams that had no row when kLockStreams ran. A plain INSERT, sorted: the new
// row's unique-index entry is this transaction's lock on the stream. If another transaction
// created the stream meanwhile, it waits for that one and fails with a unique violation on
// streams_pkey if it committed; the store then runs the whole append again, which finds the
// row and locks it. Runs before kInsertEvents, so positions are still drawn under the locks.
const Statement kInsertStreams = {
    "ledger_insert_streams",
    "INSERT INTO streams (" LEDGER_HEAD_COLUMNS
    ") "
    "SELECT h.stream_id, h.version, h.hash, h.tenant_id, h.last_recorded_at, " LEDGER_COMMIT_KEY " "
    "FROM " LEDGER_HEAD_ARRAYS " ORDER BY h.stream_id"};

// Positions come from the column default (nextval), drawn row by row in array order, after
// the locks were taken and the expected versions checked.
const Statement kInsertEvents = {
    "ledger_insert_events",
    "INSERT INTO events (commit_key, stream_id, stream_version, event_id, event_type, "
    "schema_version, tenant_id, payload, correlation_id, causation_id, actor, source, raw_body, "
    "recorded_at, stream_hash) "
    "SELECT " LEDGER_COMMIT_KEY ", e.stream_id, e.stream_version, e.event_id, e.event_type, "
    "e.schema_version, e.tenant_id, e.payload, e.correlation_id, e.causation_id, e.actor, "
    "e.source, e.raw_body, e.recorded_at, e.stream_hash "
    "FROM unnest($2::text[], $3::bigint[], $4::uuid[], $5::text[], $6::bigint[], $7::text[], "
    "$8::json[], $9::text[], $10::text[], $11::text[], $12::text[], $13::bytea[], "
    "$14::timestamptz[], $15::bytea[]) WITH ORDINALITY AS e(stream_id, stream_version, "
    "event_id, event_type, schema_version, tenant_id, payload, correlation_id, causation_id, "
    "actor, source, raw_body, recorded_at, stream_hash, n) "
    "ORDER BY e.n RETURNING event_id, global_position"};

const Statement kUpdateStreams = {
    "ledger_update_streams",
    "UPDATE streams AS s SET tenant_id = h.tenant_id, version = h.version, hash = h.hash, "
    "last_recorded_at = h.last_recorded_at, last_commit_key = " LEDGER_COMMIT_KEY " "
    "FROM " LEDGER_HEAD_ARRAYS " WHERE s.stream_id = h.stream_id"};


// Sent after COMMIT, as its own transaction: NOTIFY inside the append's transaction would
// take the cluster-wide notify lock until that commit is flushed, serializing every
// appending commit. A wake-up needs no durability, hence no fsync wait.
const Statement kNotify = {
    "ledger_notify",
    "SELECT set_config('synchronous_commit', 'off', true), pg_notify('ledger_events', '')"};

const Statement kReadStream = {"ledger_read_stream",
                               "SELECT " LEDGER_EVENT_COLUMNS
                               " FROM events WHERE stream_id = $1::text "
                               "AND stream_version >= $2::bigint "
                               "AND ($3::timestamptz IS NULL OR recorded_at <= $3::timestamptz) "
                               "ORDER BY stream_version LIMIT $4::bigint"};

// ReadAll's two statements, with and without the provider bodies.
//
// The page size is written `LIMIT (SELECT $n)`, not `LIMIT $n`, on purpose. A page must be an
// ordered scan of events_log_order that stops after `limit` rows; the alternative, a bitmap
// scan of every event after the checkpoint and a sort, costs in proportion to the log behind
// the checkpoint. Which the planner picks depends on how many rows it expects the scan to
// yield, and under the store's row-level security it expects far too few: it cannot evaluate
// the policy's current_setting() while planning and guesses it keeps 0.5% of the rows, so a
// page of 1,000 "needs" most of the log. With a constant limit it then chose the sort
// (27-33 ms a page at 100,000 events, the bulk of a replay's or rebuild's time on the server).
// A limit that is not a constant when planning is planned as "a tenth of the rows", whatever
// the estimate, which makes the ordered scan the cheaper plan at every log size
// (tests/postgres/pg_read_plan_test.cc pins it; docs/performance.md, "Plans").
#define LEDGER_READ_ALL_FROM_START(COLUMNS)                                          \
  "SELECT " COLUMNS " FROM events WHERE commit_key < " LEDGER_BELOW_RUNNING \
  " ORDER BY commit_key, global_position LIMIT (SELECT $1::bigint)"
#define LEDGER_READ_ALL_AFTER(COLUMNS)                                                           \
  "SELECT e.* FROM events AS start CROSS JOIN LATERAL ("                                         \
  "SELECT " COLUMNS                                                                              \
  " FROM events AS e "                                                                           \
  "WHERE (e.commit_key, e.global_position) > (start.commit_key, start.global_position) "         \
  "AND e.commit_key < " LEDGER_BELOW_RUNNING                                                     \
  " ORDER BY e.commit_key, e.global_position LIMIT (SELECT $2::bigint)) AS e "                  \
  "WHERE start.global_position = $1::bigint"

const Statement kReadAllFromStart = {"ledger_read_all_from_start",
                                     LEDGER_READ_ALL_FROM_START(LEDGER_EVENT_COLUMNS)};
const Statement kReadAllAfter = {"ledger_read_all_after",
                                 LEDGER_READ_ALL_AFTER(LEDGER_EVENT_COLUMNS)};
const Statement kReadAllFromStartNoBody = {"ledger_read_all_from_start_no_body",
                                           LEDGER_READ_ALL_FROM_START(LEDGER_EVENT_COLUMNS_NO_BODY)};
const Statement kReadAllAfterNoBody = {"ledger_read_all_after_no_body",
                                       LEDGER_READ_ALL_AFTER(LEDGER_EVENT_COLUMNS_NO_BODY)};

const Statement kEventExists = {"ledger_event_exists",
                                "SELECT 1 FROM events WHERE global_position = $1::bigint"};

const Statement kLogStateFromStart = {"ledger_log_state_from_start",
                                      "SELECT commit_key < " LEDGER_BELOW_RUNNING
                                      " FROM events ORDER BY commit_key, global_position LIMIT 1"};

const Statement kLogStateAfter = {
    "ledger_log_state_after",
    "SELECT e.commit_key < " LEDGER_BELOW_RUNNING
    " FROM events AS start CROSS JOIN LATERAL ("
    "SELECT commit_key FROM events AS e "
    "WHERE (e.commit_key, e.global_position) > (start.commit_key, start.global_position) "
    "ORDER BY e.commit_key, e.global_position LIMIT 1) AS e "
    "WHERE start.global_position = $1::bigint"};

// Every append locks stream rows first (ROW SHARE / ROW EXCLUSIVE on streams), so this
// waits for appends in flight and holds off new ones: no position is drawn during import.
const Statement kLockAllStreams = {"ledger_lock_all_streams",
                                   "LOCK TABLE streams IN EXCLUSIVE MODE"};

const Statement kReadHeads = {"ledger_read_heads",
                              "SELECT " LEDGER_HEAD_COLUMNS
                              " FROM streams WHERE stream_id = ANY($1::text[])"};

const Statement kMaxPosition = {"ledger_max_position",
                                "SELECT coalesce(max(global_position), 0) FROM events"};

const Statement kAdvancePosition = {"ledger_advance_position",
                                    "SELECT ledger_advance_global_position($1::bigint)"};

std::span<const Statement> AllStatements() {
  static const Statement kAll[] = {
      kLockStreams,       kCurrentXid,       kFindEvents,       kInsertStreams,
      kInsertEvents,      kUpdateStreams,    kNotify,
      kReadStream,        kReadAllFromStart, kReadAllAfter,     kReadAllFromStartNoBody,
      kReadAllAfterNoBody, kEventExists,
      kLogStateFromStart, kLogStateAfter,    kLockAllStreams,   kReadHeads,
      kMaxPosition,       kAdvancePosition,
  };
  return kAll;
}

#undef LEDGER_READ_ALL_FROM_START
#undef LEDGER_READ_ALL_AFTER
#undef LEDGER_EVENT_COLUMNS_NO_BODY
#undef LEDGER_EVENT_COLUMNS
#undef LEDGER_BELOW_RUNNING
#undef LEDGER_HEAD_COLUMNS
#undef LEDGER_HEAD_ARRAYS
#undef LEDGER_COMMIT_KEY

}  // namespace ledger::pg
