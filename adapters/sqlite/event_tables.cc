#include "adapters/sqlite/event_tables.h"

#include <algorithm>
#include <array>
#include <limits>
#include <string>
#include <string_view>

namespace ledger::sqlite {
namespace {

constexpr std::int64_t kMaxSqlInt = std::numeric_limits<std::int64_t>::max();

// SQLite integers are int64; the engine's positions and versions are uint64.
Result<std::int64_t> ToSqlInt(std::uint64_t value, std::string_view what) {
  if (value > static_cast<std::uint64_t>(kMaxSqlInt)) {
    return InvalidArgument(std::string(what) + " " + std::to_string(value) +
                           " is beyond what the SQLite store can hold (2^63-1)");
  }
  return static_cast<std::int64_t>(value);
}

// LIMIT -1 is SQLite's "no limit".
std::int64_t SqlLimit(std::size_t limit) {
  return limit > static_cast<std::uint64_t>(kMaxSqlInt) ? -1 : static_cast<std::int64_t>(limit);
}

Result<std::uint64_t> DecodeUnsigned(const Statement& row, int column, std::string_view what,
                                     std::int64_t min) {
  std::int64_t value = row.ColumnInt64(column);
  if (value < min) {
    return DataLoss("stored " + std::string(what) + " " + std::to_string(value) +
                    " is out of range");
  }
  return static_cast<std::uint64_t>(value);
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> DecodeFixedBlob(const Statement& row, int column,
                                                    std::string_view what) {
  std::string bytes = row.ColumnBlob(column);
  if (bytes.size() != N) {
    return DataLoss("stored " + std::string(what) + " has " + std::to_string(bytes.size()) +
                    " bytes, not " + std::to_string(N));
  }
  std::array<std::uint8_t, N> out;
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

// The columns of kSelectStream and kSelectLog, in this order.
Result<RecordedEvent> DecodeEvent(const Statement& row) {
  RecordedEvent e;
  LEDGER_ASSIGN_OR_RETURN(std::uint64_t position, DecodeUnsigned(row, 0, "global_position", 1));
  e.global_position = GlobalPosition(position);
  auto context = "event at position " + std::to_string(position);
  e.stream_id = StreamId(row.ColumnText(1));
  Result<std::uint64_t> version = DecodeUnsigned(row, 2, "stream_version", 1);
  if (!version.ok()) return version.status().WithContext(context);
  e.stream_version = StreamVersion(*version);
  Result<Uuid::Bytes> id = DecodeFixedBlob<16>(row, 3, "event_id");
  if (!id.ok()) return id.status().WithContext(context);
  e.event_id = EventId(*id);
  e.event_type = row.ColumnText(4);
  std::int64_t schema_version = row.ColumnInt64(5);
  if (schema_version < 1 || schema_version > std::numeric_limits<std::uint32_t>::max()) {
    return DataLoss(context + ": stored schema_version " + std::to_string(schema_version) +
                    " is out of range");
  }
  e.schema_version = static_cast<std::uint32_t>(schema_version);
  e.tenant = TenantId(row.ColumnText(6));
  e.payload = row.ColumnText(7);
  e.metadata =
      Metadata{row.ColumnText(8), row.ColumnText(9), row.ColumnText(10), row.ColumnText(11)};
  if (!row.ColumnIsNull(12)) e.raw_body = row.ColumnBlob(12);
  e.recorded_at = Timestamp(row.ColumnInt64(13));
  Result<Sha256Digest> hash = DecodeFixedBlob<32>(row, 14, "stream_hash");
  if (!hash.ok()) return hash.status().WithContext(context);
  e.stream_hash = *hash;
  return e;
}

// A write that breaks a constraint after the writer checked everything under its lock.
Status InconsistentStore(const Status& status) {
  std::string why = "the streams table disagrees with the events table: ";
  return DataLoss(why + status.message());
}

constexpr std::string_view kSelectStream =
    "SELECT global_position, stream_id, stream_version, event_id, event_type, schema_version, "
    "tenant_id, payload, correlation_id, causation_id, actor, source, raw_body, recorded_at, "
    "stream_hash FROM events WHERE stream_id = ?1 AND stream_version >= ?2 AND "
    "recorded_at <= ?3 ORDER BY stream_version LIMIT ?4";

constexpr std::string_view kSelectLog =
    "SELECT global_position, stream_id, stream_version, event_id, event_type, schema_version, "
    "tenant_id, payload, correlation_id, causation_id, actor, source, raw_body, recorded_at, "
    "stream_hash FROM events WHERE global_position > ?1 ORDER BY global_position LIMIT ?2";

// kSelectLog with NULL in place of raw_body (ReadAllOptions::with_raw_body false).
constexpr std::string_view kSelectLogWithoutBodies =
    "SELECT global_position, stream_id, stream_version, event_id, event_type, schema_version, "
    "tenant_id, payload, correlation_id, causation_id, actor, source, NULL, recorded_at, "
    "stream_hash FROM events WHERE global_position > ?1 ORDER BY global_position LIMIT ?2";

}  // namespace

Result<std::optional<StoredEventRef>> FindEvent(Connection& db, const EventId& id) {
  LEDGER_ASSIGN_OR_RETURN(
      Statement find, db.Prepare("SELECT stream_id, stream_version, global_position FROM events "
                                 "WHERE event_id = ?1"));
  find.BindBlob(1, std::span<const std::uint8_t>(id.bytes()));
  LEDGER_ASSIGN_OR_RETURN(bool found, find.Step());
  if (!found) return std::optional<StoredEventRef>();
  LEDGER_ASSIGN_OR_RETURN(std::uint64_t version, DecodeUnsigned(find, 1, "stream_version", 1));
  LEDGER_ASSIGN_OR_RETURN(std::uint64_t position, DecodeUnsigned(find, 2, "global_position", 1));
  return std::optional<StoredEventRef>(StoredEventRef{
      StreamId(find.ColumnText(0)), StreamVersion(version), GlobalPosition(position)});
}

Result<StreamHead> ReadStreamHead(Connection& db, const StreamId& stream) {
  LEDGER_ASSIGN_OR_RETURN(
      Statement read, db.Prepare("SELECT version, hash, tenant_id, last_recorded_at FROM streams "
                                 "WHERE stream_id = ?1"));
  read.BindText(1, stream.value());
  LEDGER_ASSIGN_OR_RETURN(bool found, read.Step());
  if (!found) return StreamHead{};
  StreamHead head;
  auto context = "head of stream " + stream.value();
  Result<std::uint64_t> version = DecodeUnsigned(read, 0, "version", 1);
  if (!version.ok()) return version.status().WithContext(context);
  head.version = StreamVersion(*version);
  Result<Sha256Digest> hash = DecodeFixedBlob<32>(read, 1, "hash");
  if (!hash.ok()) return hash.status().WithContext(context);
  head.hash = *hash;
  head.tenant = TenantId(read.ColumnText(2));
  head.last_recorded_at = Timestamp(read.ColumnInt64(3));
  return head;
}

Result<GlobalPosition> ReadLogHead(Connection& db) {
  // max() of the rowid is one seek to the b-tree's last entry.
  LEDGER_ASSIGN_OR_RETURN(Statement read, db.Prepare("SELECT max(global_position) FROM events"));
  LEDGER_ASSIGN_OR_RETURN(bool row, read.Step());
  if (!row || read.ColumnIsNull(0)) return GlobalPosition(0);
  LEDGER_ASSIGN_OR_RETURN(std::uint64_t head, DecodeUnsigned(read, 0, "global_position", 1));
  return GlobalPosition(head);
}

Status InsertEvent(Connection& db, const RecordedEvent& r) {
  LEDGER_ASSIGN_OR_RETURN(std::int64_t position,
                          ToSqlInt(r.global_position.value(), "global position"));
  LEDGER_ASSIGN_OR_RETURN(std::int64_t version, ToSqlInt(r.stream_version.value(), "version"));
  LEDGER_ASSIGN_OR_RETURN(
      Statement insert,
      db.Prepare("INSERT INTO events (global_position, stream_id, stream_version, event_id, "
                 "event_type, schema_version, tenant_id, payload, correlation_id, causation_id, "
                 "actor, source, raw_body, recorded_at, stream_hash) "
                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"));
  insert.BindInt64(1, position);
  insert.BindText(2, r.stream_id.value());
  insert.BindInt64(3, version);
  insert.BindBlob(4, std::span<const std::uint8_t>(r.event_id.bytes()));
  insert.BindText(5, r.event_type);
  insert.BindInt64(6, r.schema_version);
  insert.BindText(7, r.tenant.value());
  insert.BindText(8, r.payload);
  insert.BindText(9, r.metadata.correlation_id);
  insert.BindText(10, r.metadata.causation_id);
  insert.BindText(11, r.metadata.actor);
  insert.BindText(12, r.metadata.source);
  if (r.raw_body) {
    insert.BindBlob(13, *r.raw_body);
  } else {
    insert.BindNull(13);
  }
  insert.BindInt64(14, r.recorded_at.value());
  insert.BindBlob(15, std::span<const std::uint8_t>(r.stream_hash));
  Status status = insert.Run();
  if (!status.ok() && insert.violated_constraint()) return InconsistentStore(status);
  return status;
}

Status WriteStreamHead(Connection& db, const StreamId& stream, const StreamHead& head) {
  LEDGER_ASSIGN_OR_RETURN(std::int64_t version, ToSqlInt(head.version.value(), "version"));
  LEDGER_ASSIGN_OR_RETURN(
      Statement write,
      db.Prepare("INSERT INTO streams (stream_id, version, hash, tenant_id, last_recorded_at) "
                 "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (stream_id) DO UPDATE SET "
                 "version = excluded.version, hash = excluded.hash, "
                 "last_recorded_at = excluded.last_recorded_at"));
  write.BindText(1, stream.value());
  write.BindInt64(2, version);
  write.BindBlob(3, std::span<const std::uint8_t>(head.hash));
  write.BindText(4, head.tenant.value());
  write.BindInt64(5, head.last_recorded_at.value());
  Status status = write.Run();
  if (!status.ok() && write.violated_constraint()) return InconsistentStore(status);
  return status;
}

Result<std::vector<RecordedEvent>> SelectStream(Connection& db, const StreamId& stream,
                                                const StreamReadOptions& options) {
  std::vector<RecordedEvent> out;
  std::uint64_t from = std::max<std::uint64_t>(options.from.value(), 1);
  if (from > static_cast<std::uint64_t>(kMaxSqlInt) || options.limit == 0) return out;
  LEDGER_ASSIGN_OR_RETURN(Statement select, db.Prepare(kSelectStream));
  select.BindText(1, stream.value());
  select.BindInt64(2, static_cast<std::int64_t>(from));
  // recorded_at never decreases within a stream, so this filter keeps a prefix.
  select.BindInt64(3, options.as_of ? options.as_of->value() : kMaxSqlInt);
  select.BindInt64(4, SqlLimit(options.limit));
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    LEDGER_ASSIGN_OR_RETURN(RecordedEvent e, DecodeEvent(select));
    // Versions are dense from 1, so the rows must be exactly from, from+1, ...
    std::uint64_t expected = from + out.size();
    if (e.stream_version.value() != expected) {
      return DataLoss("stream " + stream.value() + " has no version " + std::to_string(expected) +
                      " but has version " + std::to_string(e.stream_version.value()) +
                      ": a hole in the stream");
    }
    out.push_back(std::move(e));
  }
}

Result<std::vector<RecordedEvent>> SelectLog(Connection& db, GlobalPosition after,
                                             std::size_t limit, const ReadAllOptions& options) {
  Result<std::int64_t> from = ToSqlInt(after.value(), "position");
  if (!from.ok()) return InvalidArgument(from.status().message() + "; it names no stored event");
  if (*from != 0) {
    LEDGER_ASSIGN_OR_RETURN(Statement exists,
                            db.Prepare("SELECT 1 FROM events WHERE global_position = ?1"));
    exists.BindInt64(1, *from);
    LEDGER_ASSIGN_OR_RETURN(bool found, exists.Step());
    if (!found) {
      return InvalidArgument("position " + std::to_string(after.value()) +
                             " names no stored event");
    }
  }
  std::vector<RecordedEvent> out;
  if (limit == 0) return out;
  LEDGER_ASSIGN_OR_RETURN(Statement select, db.Prepare(options.with_raw_body
                                                           ? kSelectLog
                                                           : kSelectLogWithoutBodies));
  select.BindInt64(1, *from);
  select.BindInt64(2, SqlLimit(limit));
  while (true) {
    LEDGER_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) return out;
    LEDGER_ASSIGN_OR_RETURN(RecordedEvent e, DecodeEvent(select));
    out.push_back(std::move(e));
  }
}

}  // namespace ledger::sqlite
