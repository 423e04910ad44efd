#include "adapters/postgres/pg_import.h"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "adapters/postgres/pg_append.h"
#include "adapters/postgres/pg_import_plan.h"
#include "adapters/postgres/pg_read.h"
#include "adapters/postgres/pg_statements.h"
#include "engine/event_validation.h"

namespace ledger::pg {
namespace {

// The direct path: rows straight into events. writer_xid is sent (it is this transaction's
// id) rather than left to its default, which PostgreSQL would evaluate row by row.
std::string CopyEventsSql() {
  return std::string("COPY events (") + kImportColumns + ") FROM STDIN (FORMAT binary)";
}

// The staged path: through a temporary table with the same columns.
std::string CreateStagingSql() {
  return std::string("CREATE TEMP TABLE ledger_import_events ON COMMIT DROP AS SELECT ") +
         kImportColumns + " FROM events WITH NO DATA";
}
std::string CopyStagingSql() {
  return std::string("COPY ledger_import_events (") + kImportColumns +
         ") FROM STDIN (FORMAT binary)";
}
// Positions are given, so the order rows are inserted in changes nothing (and costs no sort).
std::string InsertFromStagingSql() {
  return std::string("INSERT INTO events (") + kImportColumns + ") SELECT " + kImportColumns +
         " FROM ledger_import_events";
}
constexpr const char* kEmptyStaging = "TRUNCATE ledger_import_events";

// Whether the login (not the role it acts as) bypasses row-level security and may insert
// into events with its own rights (a NOINHERIT login may not), and the role it acts as.
// PostgreSQL refuses COPY FROM into a table whose row-level security applies.
constexpr const char* kImportRights =
    "SELECT coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = session_user)"
    " AND has_table_privilege(session_user, 'events', 'INSERT'), false), current_user";

// How an attempt learns which of its events are stored already (RunImport says why two).
enum class StoredIds { kAssumeNone, kLookUp };

// What the import reads under the table lock: for the planner, and the login's rights.
struct Snapshot {
  ImportSnapshot plan;
  bool login_bypasses_rls = false;  // then the rows are COPied straight into events
  std::string acting_role;          // current_user: the role to return to after that COPY
};

Result<Snapshot> LockAndRead(PgConnection& conn, std::span<const ImportedEvent> events,
                             StoredIds stored_ids) {
  std::vector<std::string> streams;
  ArrayParam ids(TypeOid::kUuid);
  for (const ImportedEvent& e : events) {
    streams.push_back(e.stream.value());
    if (stored_ids == StoredIds::kLookUp) ids.Add(EncodeUuid(e.event.event_id));
  }
  std::sort(streams.begin(), streams.end());
  streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
  ArrayParam stream_array(TypeOid::kText);
  for (const std::string& s : streams) stream_array.Add(s);

  Pipeline p(conn);
  p.Sql("BEGIN");
  p.Send(kLockAllStreams);
  std::size_t heads = p.Send(kReadHeads, std::move(Params().Array(stream_array)));
  std::optional<std::size_t> found;
  if (stored_ids == StoredIds::kLookUp) found = p.Send(kFindEvents, std::move(Params().Array(ids)));
  std::size_t max = p.Send(kMaxPosition);
  std::size_t xid = p.Send(kCurrentXid);
  std::size_t rights = p.Sql(kImportRights);
  std::vector<Result<PgResult>> results = p.Run();
  for (const auto& r : results) LEDGER_RETURN_IF_ERROR(r.status());

  Snapshot s;
  for (int i = 0; i < results[heads]->rows(); ++i) {
    LockedHead h = DecodeHeadRow(*results[heads], i);
    StreamId id = h.stream;
    s.plan.heads.emplace(std::move(id), std::move(h));
  }
  if (found) {
    const PgResult& f = *results[*found];
    for (int i = 0; i < f.rows(); ++i) {
      s.plan.stored.emplace(DecodeUuid(f.Get(i, 0)),
                       StoredEventRef{StreamId(std::string(f.Get(i, 1))),
                                      StreamVersion(f.GetInt64(i, 2)),
                                      GlobalPosition(f.GetInt64(i, 3))});
    }
  }
  s.plan.max_position = static_cast<std::uint64_t>(results[max]->GetInt64(0, 0));
  s.plan.xid = static_cast<std::uint64_t>(results[xid]->GetInt64(0, 0));
  s.login_bypasses_rls = results[rights]->Get(0, 0) == std::string_view("\1", 1);
  s.acting_role = std::string(results[rights]->Get(0, 1));
  return s;
}

// The direct path: one COPY into events, streamed. libpq sends each chunk as it is planned and
// the server inserts it meanwhile. Only the COPY runs as the login, whose right to bypass
// row-level security is what allows it; the policies would let the import's rows through
// anyway (the store's connections see every tenant).
Status CopyIntoEvents(PgConnection& conn, ImportRows& rows, const std::string& acting_role) {
  LEDGER_RETURN_IF_ERROR(conn.Exec("SET LOCAL ROLE NONE").status());
  bool started = false;
  LEDGER_RETURN_IF_ERROR(conn.CopyInStream(CopyEventsSql(), [&](std::string& part) -> Result<bool> {
    if (!started) ImportRows::PutHeader(part);
    started = true;
    LEDGER_RETURN_IF_ERROR(rows.Next(part).status());
    if (!rows.done()) return true;
    ImportRows::PutTrailer(part);
    return false;
  }));
  return conn.Exec("SET LOCAL ROLE " + QuoteIdentifier(acting_role)).status();
}

// The staged path, for a login under row-level security: each chunk is one COPY into the
// staging table, then one pipeline (INSERT from it, TRUNCATE it) that is flushed before the
// next chunk is planned and read after, so the server inserts while this thread plans. (COPY
// cannot run in pipeline mode.)
Status InsertThroughStaging(PgConnection& conn, ImportRows& rows) {
  auto plan_next = [&]() -> Result<std::string> {
    std::string copy;
    ImportRows::PutHeader(copy);
    LEDGER_ASSIGN_OR_RETURN(std::size_t count, rows.Next(copy));
    if (count == 0) return std::string();
    ImportRows::PutTrailer(copy);
    return copy;
  };
  bool staging_created = false;
  Result<std::string> next = plan_next();
  for (;;) {
    LEDGER_ASSIGN_OR_RETURN(std::string copy, std::move(next));  // empty: nothing new in it
    bool last = rows.done();
    std::optional<Pipeline> insert;
    if (!copy.empty()) {
      if (!staging_created) {
        LEDGER_RETURN_IF_ERROR(conn.Exec(CreateStagingSql()).status());
        staging_created = true;
      }
      LEDGER_RETURN_IF_ERROR(conn.CopyIn(CopyStagingSql(), copy));
      insert.emplace(conn);
      insert->Sql(InsertFromStagingSql());
      insert->Sql(kEmptyStaging);
      insert->Flush();
    }
    if (!last) next = plan_next();  // while the server inserts
    if (insert) {
      for (const auto& r : insert->Run()) LEDGER_RETURN_IF_ERROR(r.status());
    }
    if (last) return Status::Ok();
  }
}

// Writes the heads, moves the position sequence and commits.
Status Finish(PgConnection& conn, const ImportPlanner& planner) {
  std::unordered_map<StreamId, StreamHead> created = planner.CreatedHeads();
  std::unordered_map<StreamId, StreamHead> advanced = planner.AdvancedHeads();
  Pipeline p(conn);
  // Plain INSERT and UPDATE, no upsert: the table lock keeps every other writer out.
  if (!created.empty()) p.Send(kInsertStreams, HeadParams(planner.commit_key(), created));
  if (!advanced.empty()) p.Send(kUpdateStreams, HeadParams(planner.commit_key(), advanced));
  p.Send(kAdvancePosition,
         std::move(Params().Int64(static_cast<std::int64_t>(planner.last_position()))));
  std::size_t commit = p.Sql("COMMIT");
  p.Sync();
  p.Send(kNotify);
  std::vector<Result<PgResult>> results = p.Run();
  for (std::size_t i = 0; i <= commit; ++i) LEDGER_RETURN_IF_ERROR(results[i].status());
  return Status::Ok();
}

// One try at the whole import, in one transaction, rolled back on failure.
Result<ImportResult> Attempt(PgConnection& conn, std::span<const ImportedEvent> events,
                             Timestamp now, StoredIds stored_ids) {
  conn.ClearError();
  Result<ImportResult> result = [&]() -> Result<ImportResult> {
    LEDGER_ASSIGN_OR_RETURN(Snapshot snap, LockAndRead(conn, events, stored_ids));
    ImportPlanner planner(std::move(snap.plan), now, events.size());
    ImportRows rows(events, planner);
    LEDGER_RETURN_IF_ERROR(snap.login_bypasses_rls ? CopyIntoEvents(conn, rows, snap.acting_role)
                                                   : InsertThroughStaging(conn, rows));
    if (planner.result().imported == 0) {
      LEDGER_RETURN_IF_ERROR(conn.Exec("ROLLBACK").status());
    } else {
      LEDGER_RETURN_IF_ERROR(Finish(conn, planner));
    }
    return planner.result();
  }();
  if (!result.ok() && !conn.broken() && !conn.idle()) {
    conn.Exec("ROLLBACK").status().IgnoreError();
  }
  return result;
}

// Whether an attempt that assumed no event stored may have failed only because one was: its
// insert met the unique index on event_id, or the plan refused an event, which a stored event
// taken for a new one also causes (a position at or below the head, a version gap, a chain
// that does not continue, another tenant's stream).
bool MayHaveMetStoredEvent(const Status& status, const PgConnection& conn) {
  if (conn.broken() || !conn.idle()) return false;
  switch (status.code()) {
    case StatusCode::kAlreadyExists:
    case StatusCode::kInvalidArgument:
    case StatusCode::kDataLoss:
    case StatusCode::kFailedPrecondition:
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<ImportResult> RunImport(PgConnection& conn, std::span<const ImportedEvent> events,
                               Clock& clock) {
  // Stream ids go to the server before the events are planned (and validated); check them
  // first, so that a bad one is refused with its event's number and no lock is taken.
  for (std::size_t i = 0; i < events.size(); ++i) {
    LEDGER_RETURN_IF_ERROR(
        ValidateStreamId(events[i].stream).WithContext("event " + std::to_string(i)));
  }
  Timestamp now = clock.Now();
  // An import usually restores events the store has never seen. The first attempt assumes
  // so and lets the unique index on event_id check it as the rows go in, instead of looking
  // every id up beforehand (an index probe per event, paid twice). If the assumption may
  // have been wrong, the import runs again looking the ids up, and that answer stands: a
  // resumed import fails its first attempt at its first event, so it costs little.
  Result<ImportResult> result = Attempt(conn, events, now, StoredIds::kAssumeNone);
  if (result.ok() || !MayHaveMetStoredEvent(result.status(), conn)) return result;
  return Attempt(conn, events, now, StoredIds::kLookUp);
}

}  // namespace ledger::pg
