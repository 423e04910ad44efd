#include "adapters/postgres/pg_import.h"

#include <algorithm>
#include <unordered_map>

#include "adapters/postgres/pg_append.h"
#include "adapters/postgres/pg_read.h"
#include "adapters/postgres/pg_statements.h"
#include "engine/append_planner.h"

namespace ledger::pg {
namespace {

constexpr const char* kCreateStaging =
    "CREATE TEMP TABLE ledger_import_events (global_position bigint, commit_key xid8, "
    "stream_id text, stream_version bigint, event_id uuid, event_type text, "
    "schema_version bigint, tenant_id text, payload json, correlation_id text, "
    "causation_id text, actor text, source text, raw_body bytea, recorded_at timestamptz, "
    "stream_hash bytea) ON COMMIT DROP";

#define LEDGER_IMPORT_COLUMNS                                                         \
  "global_position, commit_key, stream_id, stream_version, event_id, event_type, "    \
  "schema_version, tenant_id, payload, correlation_id, causation_id, actor, source, " \
  "raw_body, recorded_at, stream_hash"

constexpr const char* kCopyStaging =
    "COPY ledger_import_events (" LEDGER_IMPORT_COLUMNS ") FROM STDIN (FORMAT binary)";
constexpr const char* kInsertFromStaging =
    "INSERT INTO events (" LEDGER_IMPORT_COLUMNS ") SELECT " LEDGER_IMPORT_COLUMNS
    " FROM ledger_import_events ORDER BY global_position";
#undef LEDGER_IMPORT_COLUMNS

// What the import reads under the table lock.
struct Snapshot {
  std::unordered_map<StreamId, LockedHead> heads;
  std::unordered_map<EventId, StoredEventRef> stored;
  std::uint64_t max_position = 0;
  std::uint64_t xid = 0;
};

struct ImportPlan {
  ImportResult result;
  std::vector<RecordedEvent> records;
  std::unordered_map<StreamId, StreamHead> new_heads;
  std::uint64_t commit_key = 0;
};

Result<Snapshot> LockAndRead(PgConnection& conn, std::span<const ImportedEvent> events) {
  std::vector<std::string> streams;
  ArrayParam ids(TypeOid::kUuid);
  for (const ImportedEvent& e : events) {
    streams.push_back(e.stream.value());
    ids.Add(EncodeUuid(e.event.event_id));
  }
  std::sort(streams.begin(), streams.end());
  streams.erase(std::unique(streams.begin(), streams.end()), streams.end());
  ArrayParam stream_array(TypeOid::kText);
  for (const std::string& s : streams) stream_array.Add(s);

  Pipeline p(conn);
  p.Sql("BEGIN");
  p.Send(kLockAllStreams);
  std::size_t heads = p.Send(kReadHeads, std::move(Params().Array(stream_array)));
  std::size_t found = p.Send(kFindEvents, std::move(Params().Array(ids)));
  std::size_t max = p.Send(kMaxPosition);
  std::size_t xid = p.Send(kCurrentXid);
  std::vector<Result<PgResult>> results = p.Run();
  for (const auto& r : results) LEDGER_RETURN_IF_ERROR(r.status());

  Snapshot s;
  for (int i = 0; i < results[heads]->rows(); ++i) {
    LockedHead h = DecodeHeadRow(*results[heads], i);
    StreamId id = h.stream;
    s.heads.emplace(std::move(id), std::move(h));
  }
  const PgResult& f = *results[found];
  for (int i = 0; i < f.rows(); ++i) {
    s.stored.emplace(DecodeUuid(f.Get(i, 0)), StoredEventRef{StreamId(std::string(f.Get(i, 1))),
                                                             StreamVersion(f.GetInt64(i, 2)),
                                                             GlobalPosition(f.GetInt64(i, 3))});
  }
  s.max_position = static_cast<std::uint64_t>(results[max]->GetInt64(0, 0));
  s.xid = static_cast<std::uint64_t>(results[xid]->GetInt64(0, 0));
  return s;
}

// The in-memory store's import rules (engine/memory_store.cc) over what was read.
Result<ImportPlan> PlanAll(std::span<const ImportedEvent> events, const Snapshot& snap,
                           Timestamp now) {
  ImportPlan plan;
  // Every imported row shares one commit key, so the import appears in the log as one
  // block in file order, after everything already readable.
  plan.commit_key = snap.xid;
  std::unordered_map<EventId, StoredEventRef> planned;
  std::uint64_t head = snap.max_position;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const ImportedEvent& e = events[i];
    std::string context = "event " + std::to_string(i);
    const StoredEventRef* stored = nullptr;
    if (auto it = snap.stored.find(e.event.event_id); it != snap.stored.end()) stored = &it->second;
    if (auto it = planned.find(e.event.event_id); !stored && it != planned.end())
      stored = &it->second;
    if (stored != nullptr) {
      LEDGER_RETURN_IF_ERROR(CheckImportedDuplicate(e, *stored).WithContext(context));
      ++plan.result.already_present;
      continue;
    }
    auto locked = snap.heads.find(e.stream);
    StreamHead current = locked != snap.heads.end() ? locked->second.head : StreamHead{};
    if (auto it = plan.new_heads.find(e.stream); it != plan.new_heads.end()) current = it->second;
    Result<RecordedEvent> r = PlanImport(e, current, now);
    if (!r.ok()) return r.status().WithContext(context);
    if (e.global_position && e.global_position->value() <= head) {
      return InvalidArgument(context + ": position " + std::to_string(e.global_position->value()) +
                             " is not after the log's head " + std::to_string(head));
    }
    head = e.global_position ? e.global_position->value() : head + 1;
    r->global_position = GlobalPosition(head);
    plan.new_heads[e.stream] = AdvanceHead(*r);
    if (locked != snap.heads.end())
      plan.commit_key = std::max(plan.commit_key, locked->second.commit_key);
    planned.emplace(r->event_id,
                    StoredEventRef{r->stream_id, r->stream_version, r->global_position});
    plan.records.push_back(std::move(r).value());
    ++plan.result.imported;
  }
  return plan;
}

void PutField(std::string_view bytes, std::string& out) {
  PutInt32(static_cast<std::int32_t>(bytes.size()), out);
  out.append(bytes);
}

// PostgreSQL's binary COPY format: signature, flags, header extension, then per row a field
// count and each field as length + bytes (-1: NULL), then -1 as the trailer.
std::string EncodeCopy(const ImportPlan& plan) {
  std::string out("PGCOPY\n\377\r\n\0", 11);
  PutInt32(0, out);
  PutInt32(0, out);
  std::string key = EncodeInt64(static_cast<std::int64_t>(plan.commit_key));
  for (const RecordedEvent& r : plan.records) {
    PutInt16(16, out);
    PutField(EncodeInt64(static_cast<std::int64_t>(r.global_position.value())), out);
    PutField(key, out);
    PutField(r.stream_id.value(), out);
    PutField(EncodeInt64(static_cast<std::int64_t>(r.stream_version.value())), out);
    PutField(EncodeUuid(r.event_id), out);
    PutField(r.event_type, out);
    PutField(EncodeInt64(r.schema_version), out);
    PutField(r.tenant.value(), out);
    PutField(r.payload, out);
    PutField(r.metadata.correlation_id, out);
    PutField(r.metadata.causation_id, out);
    PutField(r.metadata.actor, out);
    PutField(r.metadata.source, out);
    if (r.raw_body) {
      PutField(*r.raw_body, out);
    } else {
      PutInt32(-1, out);
    }
    PutField(EncodeTimestamp(r.recorded_at), out);
    PutField(
        std::string_view(reinterpret_cast<const char*>(r.stream_hash.data()), r.stream_hash.size()),
        out);
  }
  PutInt16(-1, out);
  return out;
}

Result<ImportResult> Write(PgConnection& conn, const ImportPlan& plan) {
  LEDGER_RETURN_IF_ERROR(conn.Exec(kCreateStaging).status());
  LEDGER_RETURN_IF_ERROR(conn.CopyIn(kCopyStaging, EncodeCopy(plan)));
  Pipeline p(conn);
  p.Sql(kInsertFromStaging);
  p.Send(kUpsertStreams, HeadParams(plan.commit_key, plan.new_heads));
  p.Send(kAdvancePosition, std::move(Params().Int64(static_cast<std::int64_t>(
                               plan.records.back().global_position.value()))));
  std::size_t commit = p.Sql("COMMIT");
  p.Sync();
  p.Send(kNotify);
  std::vector<Result<PgResult>> results = p.Run();
  for (std::size_t i = 0; i <= commit; ++i) LEDGER_RETURN_IF_ERROR(results[i].status());
  return plan.result;
}

}  // namespace

Result<ImportResult> RunImport(PgConnection& conn, std::span<const ImportedEvent> events,
                               Clock& clock) {
  conn.ClearError();
  Result<ImportResult> result = [&]() -> Result<ImportResult> {
    LEDGER_ASSIGN_OR_RETURN(Snapshot snap, LockAndRead(conn, events));
    LEDGER_ASSIGN_OR_RETURN(ImportPlan plan, PlanAll(events, snap, clock.Now()));
    if (plan.records.empty()) {
      LEDGER_RETURN_IF_ERROR(conn.Exec("ROLLBACK").status());
      return plan.result;
    }
    return Write(conn, plan);
  }();
  if (!result.ok() && !conn.broken() && !conn.idle()) {
    conn.Exec("ROLLBACK").status().IgnoreError();
  }
  return result;
}

}  // namespace ledger::pg
