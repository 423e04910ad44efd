#include "adapters/postgres/pg_snapshot_store.h"

#include <limits>

#include "adapters/postgres/pg_migrate.h"
#include "adapters/postgres/pg_pool.h"

namespace ledger {
namespace {

using pg::PgConnection;
using pg::PgResult;

constexpr const char* kSelect =
    "SELECT tenant_id, stream_version, state_version, bytes, taken_at "
    "FROM aggregate_snapshots WHERE stream_id = $1::text AND aggregate = $2::text";

// The WHERE clause makes the keep-the-newest rule part of the one statement: a concurrent
// save waits on the row lock and then compares with what that one committed.
constexpr const char* kUpsert =
    "INSERT INTO aggregate_snapshots "
    "(tenant_id, stream_id, aggregate, stream_version, state_version, bytes, taken_at) "
    "VALUES ($1::text, $2::text, $3::text, $4::bigint, $5::bigint, $6::bytea, $7::timestamptz) "
    "ON CONFLICT (stream_id, aggregate) DO UPDATE SET "
    "tenant_id = excluded.tenant_id, stream_version = excluded.stream_version, "
    "state_version = excluded.state_version, bytes = excluded.bytes, "
    "taken_at = excluded.taken_at "
    "WHERE excluded.stream_version >= aggregate_snapshots.stream_version";

constexpr const char* kDelete =
    "DELETE FROM aggregate_snapshots WHERE stream_id = $1::text AND aggregate = $2::text";

// The store's role and the all-tenants scope on a fresh connection, as the event store's.
Status AssumeRoleAndScope(PgConnection& conn, const std::string& role) {
  LEDGER_RETURN_IF_ERROR(pg::AssumeRole(conn, role));
  return conn.Exec("SET ledger.tenant = '*'").status();
}

// Runs `work` on a pooled connection; once more on a fresh one if the first was a pooled
// connection that turned out dead (the server restarted while it sat idle). Every
// statement here is a single autocommit statement, so running it again is harmless.
template <typename T, typename F>
Result<T> WithConnection(pg::PgPool& pool, F work) {
  for (int attempt = 0;; ++attempt) {
    LEDGER_ASSIGN_OR_RETURN(pg::PooledConnection conn, pool.Acquire());
    Result<T> r = work(*conn);
    if (r.ok() || attempt > 0 || !conn.reused() || !conn->broken()) return r;
  }
}

Result<Snapshot> DecodeRow(const PgResult& r, const StreamId& stream, std::string_view aggregate) {
  std::int64_t version = r.GetInt64(0, 1);
  std::int64_t state_version = r.GetInt64(0, 2);
  if (version < 1 || state_version < 0 ||
      state_version > std::numeric_limits<std::uint32_t>::max() || r.Get(0, 4).size() != 8) {
    return DataLoss("snapshot of " + stream.value() + " (" + std::string(aggregate) +
                    ") does not decode");
  }
  Snapshot s;
  s.stream = stream;
  s.aggregate = std::string(aggregate);
  s.tenant = TenantId(std::string(r.Get(0, 0)));
  s.stream_version = StreamVersion(static_cast<std::uint64_t>(version));
  s.state_version = static_cast<std::uint32_t>(state_version);
  s.bytes = std::string(r.Get(0, 3));
  s.taken_at = pg::DecodeTimestamp(r.Get(0, 4));
  return s;
}

}  // namespace

PgSnapshotStore::PgSnapshotStore(std::unique_ptr<pg::PgPool> pool) : pool_(std::move(pool)) {}

PgSnapshotStore::~PgSnapshotStore() = default;

Result<std::unique_ptr<PgSnapshotStore>> PgSnapshotStore::Open(const std::string& url,
                                                               const PgSnapshotOptions& options) {
  pg::ConnectSpec spec{url, {}};
  {
    LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> conn, PgConnection::Open(spec));
    LEDGER_RETURN_IF_ERROR(AssumeRoleAndScope(*conn, options.role));
    LEDGER_RETURN_IF_ERROR(pg::CheckMigrated(*conn));
  }
  std::string role = options.role;
  auto pool = std::make_unique<pg::PgPool>(
      spec, options.pool_size,
      [role](PgConnection& conn) { return AssumeRoleAndScope(conn, role); },
      options.acquire_timeout);
  return std::unique_ptr<PgSnapshotStore>(new PgSnapshotStore(std::move(pool)));
}

Result<std::optional<Snapshot>> PgSnapshotStore::Load(const StreamId& stream,
                                                      std::string_view aggregate) {
  return WithConnection<std::optional<Snapshot>>(
      *pool_, [&](PgConnection& conn) -> Result<std::optional<Snapshot>> {
        LEDGER_ASSIGN_OR_RETURN(
            PgResult r, conn.Query(kSelect, pg::Params().Text(stream.value()).Text(aggregate)));
        if (r.rows() == 0) return std::optional<Snapshot>();
        LEDGER_ASSIGN_OR_RETURN(Snapshot s, DecodeRow(r, stream, aggregate));
        return std::optional<Snapshot>(std::move(s));
      });
}

Status PgSnapshotStore::Save(const Snapshot& snapshot) {
  LEDGER_RETURN_IF_ERROR(ValidateSnapshot(snapshot));
  pg::Params params;
  params.Text(snapshot.tenant.value())
      .Text(snapshot.stream.value())
      .Text(snapshot.aggregate)
      .Int64(static_cast<std::int64_t>(snapshot.stream_version.value()))
      .Int64(snapshot.state_version)
      .Bytes(snapshot.bytes)
      .Time(snapshot.taken_at);
  return WithConnection<PgResult>(*pool_,
                                  [&](PgConnection& conn) { return conn.Query(kUpsert, params); })
      .status();
}

Status PgSnapshotStore::Delete(const StreamId& stream, std::string_view aggregate) {
  return WithConnection<PgResult>(*pool_,
                                  [&](PgConnection& conn) {
                                    return conn.Query(
                                        kDelete, pg::Params().Text(stream.value()).Text(aggregate));
                                  })
      .status();
}

}  // namespace ledger
