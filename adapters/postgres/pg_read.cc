#include "adapters/postgres/pg_read.h"

#include <charconv>
#include <limits>
#include <string>
#include <string_view>

#include "adapters/postgres/pg_statements.h"

namespace ledger::pg {
namespace {

std::string Text(const PgResult& r, int row, int column) { return std::string(r.Get(row, column)); }

std::vector<RecordedEvent> DecodeEvents(const PgResult& r) {
  std::vector<RecordedEvent> out;
  out.reserve(static_cast<std::size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) out.push_back(DecodeEventRow(r, row));
  return out;
}

}  // namespace

LockedHead DecodeHeadRow(const PgResult& r, int row) {
  LockedHead h;
  h.stream = StreamId(Text(r, row, 0));
  h.head.version = StreamVersion(static_cast<std::uint64_t>(r.GetInt64(row, 1)));
  h.head.hash = DecodeDigest(r.Get(row, 2));
  h.head.tenant = TenantId(Text(r, row, 3));
  h.head.last_recorded_at = DecodeTimestamp(r.Get(row, 4));
  h.commit_key = static_cast<std::uint64_t>(r.GetInt64(row, 5));
  return h;
}

RecordedEvent DecodeEventRow(const PgResult& r, int row) {
  RecordedEvent e;
  e.global_position = GlobalPosition(static_cast<std::uint64_t>(r.GetInt64(row, kColPosition)));
  e.stream_id = StreamId(Text(r, row, kColStream));
  e.stream_version = StreamVersion(static_cast<std::uint64_t>(r.GetInt64(row, kColVersion)));
  e.event_id = DecodeUuid(r.Get(row, kColEventId));
  e.event_type = Text(r, row, kColType);
  e.schema_version = static_cast<std::uint32_t>(r.GetInt64(row, kColSchemaVersion));
  e.tenant = TenantId(Text(r, row, kColTenant));
  e.payload = Text(r, row, kColPayload);  // json's binary form is its text, byte for byte
  e.metadata.correlation_id = Text(r, row, kColCorrelation);
  e.metadata.causation_id = Text(r, row, kColCausation);
  e.metadata.actor = Text(r, row, kColActor);
  e.metadata.source = Text(r, row, kColSource);
  e.raw_body = r.GetOptional(row, kColRawBody);
  e.recorded_at = DecodeTimestamp(r.Get(row, kColRecordedAt));
  e.stream_hash = DecodeDigest(r.Get(row, kColHash));
  return e;
}

Params& AddLimit(Params& params, std::size_t limit) {
  if (limit >= static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max())) {
    return params.Null();
  }
  return params.Int64(static_cast<std::int64_t>(limit));
}

Result<std::vector<RecordedEvent>> ReadStream(PgConnection& conn, const StreamId& stream,
                                              const StreamReadOptions& options) {
  if (options.limit == 0) return std::vector<RecordedEvent>();
  Params params;
  params.Text(stream.value());
  params.Int64(static_cast<std::int64_t>(
      std::min<std::uint64_t>(options.from.value(), std::numeric_limits<std::int64_t>::max())));
  if (options.as_of) {
    params.Time(*options.as_of);
  } else {
    params.Null();
  }
  AddLimit(params, options.limit);
  LEDGER_ASSIGN_OR_RETURN(PgResult r, conn.Execute(kReadStream, params));
  return DecodeEvents(r);
}

Result<std::vector<RecordedEvent>> ReadAll(PgConnection& conn, GlobalPosition after,
                                           std::size_t limit, const ReadAllOptions& options) {
  Params params;
  if (after.value() != 0) params.Int64(static_cast<std::int64_t>(after.value()));
  AddLimit(params, limit == 0 ? 1 : limit);  // limit 0 still checks `after`
  const Statement& statement =
      after.value() == 0 ? (options.with_raw_body ? kReadAllFromStart : kReadAllFromStartNoBody)
                         : (options.with_raw_body ? kReadAllAfter : kReadAllAfterNoBody);
  LEDGER_ASSIGN_OR_RETURN(PgResult r, conn.Execute(statement, params));
  std::vector<RecordedEvent> events = DecodeEvents(r);
  if (events.empty() && after.value() != 0) {
    // Nothing follows, or nothing is there to follow: only the second is an error.
    LEDGER_ASSIGN_OR_RETURN(
        PgResult exists,
        conn.Execute(kEventExists, Params().Int64(static_cast<std::int64_t>(after.value()))));
    if (exists.rows() == 0) {
      return InvalidArgument("position " + std::to_string(after.value()) +
                             " names no stored event");
    }
  }
  if (limit == 0) events.clear();
  return events;
}

Result<LogState> NextEventState(PgConnection& conn, GlobalPosition after) {
  Params params;
  if (after.value() != 0) params.Int64(static_cast<std::int64_t>(after.value()));
  const Statement& statement = after.value() == 0 ? kLogStateFromStart : kLogStateAfter;
  LEDGER_ASSIGN_OR_RETURN(PgResult r, conn.Execute(statement, params));
  if (r.rows() == 0) return LogState::kNothingNew;
  bool readable = !r.Get(0, 0).empty() && r.Get(0, 0)[0] != 0;
  return readable ? LogState::kReadable : LogState::kHeldBack;
}

Result<SnapshotBounds> CurrentSnapshotBounds(PgConnection& conn) {
  LEDGER_ASSIGN_OR_RETURN(
      PgResult r, conn.Exec("SELECT pg_snapshot_xmin(s)::text, pg_snapshot_xmax(s)::text "
                            "FROM pg_current_snapshot() AS s"));
  SnapshotBounds bounds;
  std::uint64_t* fields[] = {&bounds.xmin, &bounds.xmax};
  for (int column = 0; column < 2; ++column) {
    std::string_view text = r.Get(0, column);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *fields[column]);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Internal("unexpected transaction id from PostgreSQL: " + std::string(text));
    }
  }
  return bounds;
}

}  // namespace ledger::pg
