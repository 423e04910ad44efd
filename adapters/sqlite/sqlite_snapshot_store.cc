#include "adapters/sqlite/sqlite_snapshot_store.h"

#include <filesystem>
#include <limits>

#include "adapters/sqlite/connection.h"
#include "adapters/sqlite/migrator.h"
#include "schema/migrations.h"

namespace ledger {
namespace {

using sqlite::Connection;
using sqlite::ConnectionOptions;
using sqlite::Statement;

constexpr std::string_view kSelect =
    "SELECT tenant_id, stream_version, state_version, bytes, taken_at "
    "FROM aggregate_snapshots WHERE stream_id = ?1 AND aggregate = ?2";

// The WHERE clause makes the keep-the-newest rule part of the one statement, so no read
// of the stored version can go stale between two connections' saves.
constexpr std::string_view kUpsert =
    "INSERT INTO aggregate_snapshots "
    "(tenant_id, stream_id, aggregate, stream_version, state_version, bytes, taken_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (stream_id, aggregate) DO UPDATE SET "
    "tenant_id = excluded.tenant_id, stream_version = excluded.stream_version, "
    "state_version = excluded.state_version, bytes = excluded.bytes, "
    "taken_at = excluded.taken_at "
    "WHERE excluded.stream_version >= aggregate_snapshots.stream_version";

constexpr std::string_view kDelete =
    "DELETE FROM aggregate_snapshots WHERE stream_id = ?1 AND aggregate = ?2";

}  // namespace

Result<std::unique_ptr<SqliteSnapshotStore>> SqliteSnapshotStore::Open(
    const std::string& path, const SqliteOptions& options) {
  if (path.empty()) return InvalidArgument("the SQLite store needs a file path or :memory:");
  if (options.clock == nullptr) return InvalidArgument("SqliteOptions::clock must be set");
  bool memory = path == sqlite::kMemoryPath;
  if (memory && !options.migrate) {
    return FailedPrecondition(":memory: starts empty: open it with SqliteOptions::migrate = true");
  }
  std::error_code ignored;
  if (!options.migrate && !memory && !std::filesystem::exists(path, ignored)) {
    return FailedPrecondition("there is no ledger store at " + path +
                              "; run `ledger migrate` to create it");
  }
  LEDGER_ASSIGN_OR_RETURN(
      std::unique_ptr<Connection> db,
      Connection::Open(path, ConnectionOptions{.create = options.migrate,
                                               .read_only = false,
                                               .busy_timeout = options.busy_timeout}));
  LEDGER_RETURN_IF_ERROR(options.migrate
                             ? sqlite::ApplyMigrations(*db, SqliteMigrations(), *options.clock)
                             : sqlite::CheckSchema(*db, SqliteMigrations()));
  return std::unique_ptr<SqliteSnapshotStore>(new SqliteSnapshotStore(std::move(db)));
}

SqliteSnapshotStore::SqliteSnapshotStore(std::unique_ptr<Connection> db) : db_(std::move(db)) {}

SqliteSnapshotStore::~SqliteSnapshotStore() = default;

Result<std::optional<Snapshot>> SqliteSnapshotStore::Load(const StreamId& stream,
                                                          std::string_view aggregate) {
  std::lock_guard lock(mu_);
  LEDGER_ASSIGN_OR_RETURN(Statement select, db_->Prepare(kSelect));
  select.BindText(1, stream.value());
  select.BindText(2, aggregate);
  LEDGER_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return std::optional<Snapshot>();
  std::int64_t version = select.ColumnInt64(1);
  std::int64_t state_version = select.ColumnInt64(2);
  if (version < 1 || state_version < 0 ||
      state_version > std::numeric_limits<std::uint32_t>::max()) {
    return DataLoss("snapshot of " + stream.value() + " (" + std::string(aggregate) +
                    ") has versions out of range");
  }
  Snapshot s;
  s.stream = stream;
  s.aggregate = std::string(aggregate);
  s.tenant = TenantId(select.ColumnText(0));
  s.stream_version = StreamVersion(static_cast<std::uint64_t>(version));
  s.state_version = static_cast<std::uint32_t>(state_version);
  s.bytes = select.ColumnBlob(3);
  s.taken_at = Timestamp(select.ColumnInt64(4));
  return std::optional<Snapshot>(std::move(s));
}

Status SqliteSnapshotStore::Save(const Snapshot& snapshot) {
  LEDGER_RETURN_IF_ERROR(ValidateSnapshot(snapshot));
  std::lock_guard lock(mu_);
  LEDGER_ASSIGN_OR_RETURN(Statement upsert, db_->Prepare(kUpsert));
  upsert.BindText(1, snapshot.tenant.value());
  upsert.BindText(2, snapshot.stream.value());
  upsert.BindText(3, snapshot.aggregate);
  upsert.BindInt64(4, static_cast<std::int64_t>(snapshot.stream_version.value()));
  upsert.BindInt64(5, snapshot.state_version);
  upsert.BindBlob(6, snapshot.bytes);
  upsert.BindInt64(7, snapshot.taken_at.value());
  return upsert.Run();
}

Status SqliteSnapshotStore::Delete(const StreamId& stream, std::string_view aggregate) {
  std::lock_guard lock(mu_);
  LEDGER_ASSIGN_OR_RETURN(Statement del, db_->Prepare(kDelete));
  del.BindText(1, stream.value());
  del.BindText(2, aggregate);
  return del.Run();
}

}  // namespace ledger
